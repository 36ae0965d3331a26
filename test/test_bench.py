"""The speed benchmark's breakdown: where a run's time goes, and the update's matrix share."""
import pytest

from spinup.benchmarks import speed as bench


@pytest.fixture
def short_profile(monkeypatch):
    """Profile update calls 21-30 instead of 501-600, so that a short run reaches them."""
    monkeypatch.setattr(bench, 'PROFILE_FROM', 20)
    monkeypatch.setattr(bench, 'PROFILE_CALLS', 10)


def check_breakdown(result, phases_with_time):
    per_step = result['per_step']
    assert set(per_step) == set(bench.PHASES)
    for phase in bench.PHASES:
        assert per_step[phase] >= 0, (phase, per_step)  # a timer counted twice would push bookkeeping below 0
        assert (per_step[phase] > 0) == (phase in phases_with_time), (phase, per_step)
    # the steps/s figure leaves the test episodes out, and only them
    training = sum(per_step[phase] for phase in bench.PHASES if phase != 'test')
    assert result['steps_per_s'] == pytest.approx(1 / training, rel=1e-6)


@pytest.mark.parametrize('name', ['ppo_pytorch', 'ppo_tf1'])
def test_an_on_policy_run_splits_into_policy_env_bookkeeping_and_update(name):
    result = bench.algo_throughput(name, 'Pendulum-v1', [16], steps=400, epochs=2)
    check_breakdown(result, {'policy', 'env', 'bookkeeping', 'update'})
    assert result['matrix_share'] == {} == result['op_shares']  # profiled for the off-policy algorithms only
    assert bench.op_listing([(name, result)], 3) == ''  # nothing to list


@pytest.mark.parametrize('name', ['sac_pytorch', 'sac_tf1'])
def test_an_off_policy_run_adds_test_episodes_and_the_updates_matrix_share(name, short_profile):
    # 1,400 steps: random actions throughout (start_steps is 10,000), 400 updates from step 1,000
    result = bench.algo_throughput(name, 'Pendulum-v1', [16], steps=700, epochs=2)
    check_breakdown(result, {'env', 'bookkeeping', 'update', 'test'})  # no policy step: every action is random
    share = result['matrix_share']
    assert 0 < share['matmul'] < share['ops'], share
    assert share['ops'] < 1.5, share  # kernel time over the mean call's wall time: a share, give or take overlap
    # the ops one by one, by the framework's own names: products, and the optimizer's step
    ops = set(result['op_shares'])
    assert ops & bench.MATMUL_OPS, ops
    if name.endswith('pytorch'):
        assert all(op.startswith('aten::') for op in ops) and 'aten::_fused_adam_' in ops, ops
    else:
        assert 'ApplyAdam' in ops, ops
    listing = bench.op_listing([(name, result)], 3)
    first_op = next(iter(result['op_shares']))
    assert f'{name}: {first_op} ' in listing and 'outside ops' in listing


def test_the_table_starts_each_row_with_the_algorithm_and_shows_every_phase():
    result = dict(steps_per_s=2000.0, raw=4000.0, per_step=dict(policy=1e-4, env=2e-4, bookkeeping=5e-5,
                                                                update=1.5e-4, test=0.0),
                  matrix_share={}, op_shares={}, **{'return': -150.0})
    lines = bench.table([('ppo_pytorch', result), ('sac_tf1', dict(result, matrix_share=dict(matmul=0.4, ops=0.8)))]).splitlines()
    assert lines[0].split() == ['steps/s', 'raw', 'ratio', *bench.PHASES, 'matmul', '%', 'ops', '%', 'return']
    assert lines[1].split() == ['ppo_pytorch', '2,000', '4,000', '0.50', '100', '200', '50', '150', '0', '-', '-', '-150.0']
    assert lines[2].split()[-3:] == ['40', '80', '-150.0']


def test_a_cnn_run_is_timed_as_the_mlp_runs_are():
    # PPO's CNN on an Atari game, with PPO2's update given through kwargs: the CNN's own step
    # counts as the policy, and the update as the update
    result = bench.algo_throughput('ppo_pytorch', 'BreakoutNoFrameskip-v4', [32], steps=64, epochs=1,
                                   num_envs=2, num_minibatches=2, update_epochs=1)
    check_breakdown(result, {'policy', 'env', 'bookkeeping', 'update'})
    assert bench.raw_throughput('BreakoutNoFrameskip-v4', [32], 50) > 0  # the CNN drives the game


@pytest.mark.parametrize('kwargs', ['[1, 2]', '{"a": ', '{1: 2}'])
def test_kwargs_that_are_not_a_dict_of_arguments_are_one_line(kwargs):
    from spinup.utils.errors import SpinupError
    with pytest.raises(SpinupError, match='--kwargs takes a dict'):
        bench.main(['ppo_pytorch', '--kwargs', kwargs])
