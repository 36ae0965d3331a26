"""python -m spinup.run relaunch RUN/config.json: a new run from a recorded configuration."""
import json

import pandas as pd
import pytest

from conftest import assert_ok, run_cli

ON_POLICY = ['--env', 'CartPole-v1', '--hid', '[8]', '--steps_per_epoch', 200, '--epochs', 2]
OFF_POLICY = ['--env', 'Pendulum-v1', '--hid', '[16]', '--steps_per_epoch', 300, '--epochs', 2, '--start_steps', 200,
              '--update_after', 200, '--update_every', 50, '--num_test_episodes', 1, '--max_ep_len', 100]
RUNS = [('ppo_pytorch', ON_POLICY + ['--gamma', 0.95, '--act', 'torch.nn.ReLU']),
        ('ppo_tf1', ON_POLICY + ['--act', 'tf.nn.relu']),
        ('td3_pytorch', OFF_POLICY + ['--seed', 3]),
        ('sac_tf1', OFF_POLICY + ['--alpha', 0.1])]


def progress(run_dir):
    return pd.read_table(run_dir / 'progress.txt').drop(columns=['Time'])


@pytest.mark.parametrize('algo, args', RUNS, ids=[algo for algo, _ in RUNS])
def test_a_relaunch_reproduces_the_run(data_dir, algo, args):
    assert_ok(run_cli(algo, *args, '--exp_name', 'orig', '--data_dir', data_dir))
    seed = args[args.index('--seed') + 1] if '--seed' in args else 0
    original = data_dir / 'orig' / f'orig_s{seed}'
    assert json.loads((original / 'config.json').read_text())['_run']['function'].startswith(
        f"spinup.algos.{algo.split('_')[1]}.{algo.split('_')[0]}.")
    result = run_cli('relaunch', original / 'config.json')
    assert_ok(result)
    relaunched = data_dir / 'orig_relaunch' / f'orig_relaunch_s{seed}'  # beside the original, a new name
    assert progress(relaunched).equals(progress(original))
    config = json.loads((relaunched / 'config.json').read_text())
    assert config['ac_kwargs'] == json.loads((original / 'config.json').read_text())['ac_kwargs']


def test_relaunch_takes_overrides_and_a_run_folder(data_dir):
    assert_ok(run_cli('vpg_pytorch', *ON_POLICY, '--exp_name', 'base', '--data_dir', data_dir))
    original = data_dir / 'base' / 'base_s0'
    assert_ok(run_cli('relaunch', original, '--epochs', 3, '--seed', 5, '--hid', '[4,4]', '--exp_name', 'longer'))
    run = data_dir / 'longer' / 'longer_s5'
    assert progress(run)['Epoch'].tolist() == [0, 1, 2]
    config = json.loads((run / 'config.json').read_text())
    assert config['epochs'] == 3 and config['ac_kwargs']['hidden_sizes'] == [4, 4]
    assert config['steps_per_epoch'] == 200  # the rest as recorded
    # without a name, each relaunch takes the next free one
    assert_ok(run_cli('relaunch', original, '--epochs', 1))
    assert_ok(run_cli('relaunch', original, '--epochs', 1))
    assert (data_dir / 'base_relaunch' / 'base_relaunch_s0' / 'progress.txt').exists()
    assert (data_dir / 'base_relaunch2' / 'base_relaunch2_s0' / 'progress.txt').exists()


def write_config(run_dir, **changes):
    config = {'_run': {'function': 'spinup.algos.pytorch.ppo.ppo.ppo', 'num_procs': 1},
              'env_fn': {"EnvFn('CartPole-v1')": {'env_id': 'CartPole-v1', 'kwargs': {}}},
              'exp_name': 'x', 'epochs': 1, 'steps_per_epoch': 100, 'seed': 0}
    config.update(changes)
    run_dir.mkdir(parents=True)
    (run_dir / 'config.json').write_text(json.dumps(config))
    return run_dir / 'config.json'


BAD = [
    (dict(env_fn='<lambda> in __main__'), 'cannot build again (only an EnvFn of a registered id): give the environment with --env ID', []),
    (dict(actor_critic='__main__.MyAgent'), "records actor_critic as '__main__.MyAgent', which relaunch cannot import", []),
    (dict(actor_critic='mymodule.MyAgent'), "(it takes names from spinup, torch, tensorflow only)", []),
    (dict(_run={'function': '__main__.my_algo'}), "was made by __main__.my_algo, which is not one of the library's", []),
    (dict(_run={'function': 'spinup.utils.logx.EpochLogger.save_config'}), "is not one of the library's algorithms", []),
    (dict(_run=['x']), '_run should be a JSON object', []),
    (dict(epochs='abc'), "--epochs takes a whole number (default 50), not 'abc'", []),
    (dict(_run={}), 'does not say which algorithm made the run', []),
    ({}, "the relaunch would write into the original run's folder", ['--exp_name', 'x']),
    ({}, '--seed takes one value in a relaunch', ['--seed', 1, 2]),
    ({}, 'unknown flag --clip_ration', ['--clip_ration', 0.1]),
    ({}, '--epochs:x: epochs is not a dictionary of arguments', ['--epochs:x', 1]),
    ({}, '--exp_name takes a name', ['--exp_name']),
    ({}, 'no config.json at', None),
]


@pytest.mark.parametrize('changes, message, flags', BAD)
def test_bad_relaunch_input_gives_one_clear_line(tmp_path, changes, message, flags):
    config = write_config(tmp_path / 'data' / 'x' / 'x_s0', **changes)
    target = config if flags is not None else tmp_path / 'nowhere'
    result = run_cli('relaunch', target, *(flags or []), cwd=tmp_path)
    assert result.returncode == 2
    assert 'Traceback' not in result.stderr + result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith('Error:')]
    assert len(errors) == 1 and message in errors[0], result.stderr
    assert not list(tmp_path.glob('**/progress.txt')), 'a run started despite bad input'


def test_config_names_the_algorithm_past_a_loggers_own_methods(tmp_path):
    from spinup.utils.logx import EpochLogger

    class NotingLogger(EpochLogger):
        def save_config(self, config):
            super().save_config(dict(config, note='mine'))

    def my_algo(seed=0):
        logger = NotingLogger(output_dir=str(tmp_path))
        logger.save_config(locals())

    my_algo()
    config = json.loads((tmp_path / 'config.json').read_text())
    assert config['_run']['function'].endswith('test_config_names_the_algorithm_past_a_loggers_own_methods.<locals>.my_algo')
    assert config['note'] == 'mine'


def test_each_seed_of_an_experiment_relaunches_into_one_new_experiment(tmp_path):
    from spinup.cli.relaunch import _new_exp_name
    (tmp_path / 'y_relaunch' / 'y_relaunch_s0').mkdir(parents=True)
    assert _new_exp_name('y', str(tmp_path), 10) == 'y_relaunch'  # seed 10 joins seed 0's relaunch
    assert _new_exp_name('y', str(tmp_path), 0) == 'y_relaunch2'


@pytest.mark.parametrize('backend, agent', [('pytorch', 'MLPActorCritic'), ('tf1', 'mlp_actor_critic')])
def test_an_older_ppo_run_that_recorded_the_mlp_default_relaunches_with_todays_default(backend, agent, tmp_path):
    """Before pick_actor_critic, PPO's default agent was the MLP, swapped for the CNN on images:
    such a run's record relaunches with today's default, which picks the same, not with an
    explicit MLP (which an image run would refuse)."""
    from spinup.cli.relaunch import relaunch_arguments
    config = write_config(tmp_path / 'old', _run={'function': f'spinup.algos.{backend}.ppo.ppo.ppo'},
                          actor_critic=f'spinup.algos.{backend}.ppo.core.{agent}',
                          env_fn={"EnvFn('BreakoutNoFrameskip-v4')": {'env_id': 'BreakoutNoFrameskip-v4',
                                                                       'kwargs': {}}})
    arguments = relaunch_arguments(str(config), ['--exp_name', 'again', '--data_dir', str(tmp_path)])
    assert arguments['thunk'] == f'ppo_{backend}'
    assert 'actor_critic' not in arguments['kwargs'], arguments['kwargs']
