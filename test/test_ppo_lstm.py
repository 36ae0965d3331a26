"""PPO with a recurrent agent (ppo_lstm), both backends, LSTM and LN-LSTM.

The replay test catches most bugs of recurrent PPO: before any update, the training path (whole
sequences of a few copies, replayed from the memory each had at the rollout's start) must give
back the log-probabilities and values stored while acting, at every step, across episode ends
in the middle of the sequences. The memory test trains on the cue-recall task, where an agent
without memory scores exactly 1/4 on average.
"""
import importlib
import json

import numpy as np
import pandas as pd
import pytest

from conftest import assert_ok, run_cli
from spinup.utils.envs import EnvFn, resolve_env_id
from spinup.utils.errors import SpinupError

BACKENDS = ('pytorch', 'tf1')
CELLS = ('lstm', 'lnlstm')
SMALL = dict(lstm_size=16, hidden_sizes=(16,))


def module(backend):
    return importlib.import_module(f'spinup.algos.{backend}.ppo.ppo_lstm')


def env(env_id):
    return EnvFn(resolve_env_id(env_id))


def record_replay(monkeypatch, backend):
    """Before each update, replay every minibatch of copies through the training path with the
    weights that acted; return the list of (max |logp - stored|, max |v - stored|, episode
    starts inside the sequences), one a minibatch."""
    mod, seen = module(backend), []
    original = mod.update_sequences

    if backend == 'pytorch':
        import torch

        def replay_then_update(ac, data, state, optimizer, **kwargs):
            per = data['obs'].shape[1] // kwargs['num_minibatches']
            with torch.no_grad():
                for first in range(0, data['obs'].shape[1], per):
                    c = slice(first, first + per)
                    _, logp, v = ac.evaluate(data['obs'][:, c], data['act'][:, c],
                                             data['start'][:, c], tuple(s[c] for s in state))
                    seen.append(((logp - data['logp'][:, c]).abs().max().item(),
                                 (v - data['val'][:, c]).abs().max().item(),
                                 data['start'][1:, c].sum().item()))
            return original(ac, data, state, optimizer, **kwargs)
    else:
        batches = []
        get = mod.RecurrentPPOBuffer.get
        monkeypatch.setattr(mod.RecurrentPPOBuffer, 'get',
                            lambda self: batches.append(get(self)) or batches[-1])

        def replay_then_update(sess, ops, sequences, state, scalars, **kwargs):
            data = batches[-1]
            per = len(next(iter(state.values()))) // kwargs['num_minibatches']
            for first in range(0, len(next(iter(state.values()))), per):
                c = slice(first, first + per)
                feed = {ph: x[:, c] for ph, x in sequences.items()}
                feed.update({ph: s[c] for ph, s in state.items()})
                logp, v = sess.run([ops['logp'], ops['v']], feed)
                seen.append((np.abs(logp - data['logp'][:, c]).max(),
                             np.abs(v - data['val'][:, c]).max(), data['start'][1:, c].sum()))
            return original(sess, ops, sequences, state, scalars, **kwargs)

    monkeypatch.setattr(mod, 'update_sequences', replay_then_update)
    return seen


@pytest.mark.parametrize('backend', BACKENDS)
@pytest.mark.parametrize('cell, critic_lstm', [('lstm', False), ('lnlstm', False), ('lstm', True)],
                         ids=['lstm', 'lnlstm', 'lstm-critic_lstm'])
@pytest.mark.parametrize('env_id, max_ep_len', [('CueRecall-v0', 1000), ('PendulumNoVel-v1', 7)],
                         ids=['discrete', 'continuous-truncated'])
def test_training_replays_what_acting_stored(tmp_path, monkeypatch, backend, cell, critic_lstm,
                                             env_id, max_ep_len):
    seen = record_replay(monkeypatch, backend)
    module(backend).ppo_lstm(env(env_id),
                             ac_kwargs=dict(cell=cell, critic_lstm=critic_lstm, **SMALL),
                             num_envs=4, num_minibatches=2, steps_per_epoch=4 * 12, epochs=2,
                             update_epochs=2, max_ep_len=max_ep_len,
                             logger_kwargs=dict(output_dir=str(tmp_path)))
    assert len(seen) == 4  # 2 epochs, 2 minibatches each (the second epoch: the updated weights)
    for logp_err, v_err, starts in seen:
        assert logp_err < 1e-5 and v_err < 1e-5
        assert starts >= 2  # episodes end inside every minibatch's sequences
    progress = pd.read_table(tmp_path / 'progress.txt')
    assert (progress['EpLen'] < 12).all()


@pytest.mark.parametrize('backend', BACKENDS)
def test_images_replay_through_the_cnn_and_lstm(tmp_path, monkeypatch, backend):
    seen = record_replay(monkeypatch, backend)
    module(backend).ppo_lstm(env('BreakoutNoFrameskip-v4'),
                             ac_kwargs=dict(lstm_size=16, hidden_sizes=(32,)), num_envs=2,
                             num_minibatches=2, steps_per_epoch=2 * 24, epochs=1, update_epochs=1,
                             max_ep_len=10, logger_kwargs=dict(output_dir=str(tmp_path)))
    assert len(seen) == 2
    for logp_err, v_err, starts in seen:
        assert logp_err < 1e-5 and v_err < 1e-5 and starts >= 1


@pytest.mark.parametrize('critic_lstm', [False, True])
def test_a_new_episode_starts_with_no_memory_pytorch(critic_lstm):
    import torch
    from gymnasium.spaces import Box, Discrete
    from spinup.algos.pytorch.ppo.core_lstm import RecurrentActorCritic
    for cell in CELLS:
        ac = RecurrentActorCritic(Box(-1, 1, (3,)), Discrete(4), cell=cell,
                                  critic_lstm=critic_lstm, **SMALL)
        obs = torch.randn(1, 5, 3)
        memory = tuple(torch.randn(5, 16) for _ in ac.initial_state(5))
        fresh = torch.cat(ac.unroll(obs, torch.ones(1, 5), ac.initial_state(5))[:2])
        after_end = torch.cat(ac.unroll(obs, torch.ones(1, 5), memory)[:2])
        carried = torch.cat(ac.unroll(obs, torch.zeros(1, 5), memory)[:2])
        torch.testing.assert_close(after_end, fresh, rtol=0, atol=0)
        assert (carried - fresh).abs().max() > 1e-3  # (the memory does matter)


@pytest.mark.parametrize('backend', BACKENDS)
def test_log_std_init_sets_the_first_standard_deviation(tmp_path, backend):
    module(backend).ppo_lstm(env('PendulumNoVel-v1'), ac_kwargs=dict(log_std_init=0.0, **SMALL),
                             num_envs=2, num_minibatches=1, steps_per_epoch=2 * 8, epochs=1,
                             update_epochs=1, pi_lr=1e-9,
                             logger_kwargs=dict(output_dir=str(tmp_path)))
    # a 1-D Gaussian's entropy is log_std + log(2 pi e) / 2: 1.42 at 0, 0.92 at the default
    entropy = pd.read_table(tmp_path / 'progress.txt')['Entropy'].iloc[0]
    assert entropy == pytest.approx(0.5 * np.log(2 * np.pi * np.e), abs=1e-4)


@pytest.mark.parametrize('backend', BACKENDS)
def test_lambda_returns_follow_their_recursion(backend):
    """PPO2's value targets: G_t = r_t + gamma * ((1 - lam) * V(s_t+1) + lam * G_t+1), from
    V of the last state where a trajectory is cut and from 0 where it terminates."""
    gamma, lam, rng = 0.9, 0.8, np.random.default_rng(0)
    bufs = [module(backend).RecurrentPPOBuffer((2,), (), 6, gamma, lam, num_envs=2,
                                               value_targets=targets)
            for targets in ('lambda-returns', 'rewards-to-go')]
    rew, val = rng.normal(size=(2, 6, 2))
    for t in range(6):
        for buf in bufs:
            buf.store(np.zeros((2, 2)), np.zeros(2), rew[t], val[t], np.zeros(2), np.zeros(2))
        if t == 3:  # copy 0's episode terminates after 4 steps
            for buf in bufs:
                buf.finish_path(0, env=0)
    for buf in bufs:  # the epoch cuts both copies' trajectories: bootstrap from V = 2
        buf.finish_path(2.0, env=0), buf.finish_path(2.0, env=1)

    def lambda_returns(r, v, last):
        out, g, next_v = np.zeros(len(r)), last, last
        for t in reversed(range(len(r))):
            g = r[t] + gamma * ((1 - lam) * next_v + lam * g)
            out[t], next_v = g, v[t]
        return out
    expected = np.stack([np.concatenate([lambda_returns(rew[:4, 0], val[:4, 0], 0.0),
                                         lambda_returns(rew[4:, 0], val[4:, 0], 2.0)]),
                         lambda_returns(rew[:, 1], val[:, 1], 2.0)], axis=1)
    np.testing.assert_allclose(bufs[0].ret_buf, expected, rtol=1e-5)
    np.testing.assert_allclose(bufs[0].adv_buf, bufs[1].adv_buf)  # the advantages are PPO's
    assert np.abs(bufs[1].ret_buf - expected).max() > 0.1  # and the rewards-to-go differ


@pytest.mark.parametrize('backend', BACKENDS)
def test_default_init_starts_the_lstm_as_torch_does(backend):
    """``init='default'``: the LSTM's weights uniform in +-1/sqrt(size) (not orthogonal), its
    bias the sum of two such draws, in both backends."""
    from gymnasium.spaces import Box, Discrete
    size, bound = 32, 1 / np.sqrt(32)
    if backend == 'pytorch':
        from spinup.algos.pytorch.ppo.core_lstm import RecurrentActorCritic
        memory = RecurrentActorCritic(Box(-1, 1, (3,)), Discrete(2), lstm_size=size,
                                      hidden_sizes=(), init='default').memory
        wx, wh, b = (p.detach().numpy() for p in (memory.wx.weight.T, memory.wh.weight.T,
                                                   memory.b))
    else:
        import tensorflow.compat.v1 as tf
        from spinup.algos.tf1.ppo.core_lstm import recurrent_actor_critic
        with tf.Graph().as_default():
            x, a, starts = (tf.placeholder(tf.float32, (None, None, 3)),
                            tf.placeholder(tf.int32, (None, None)),
                            tf.placeholder(tf.float32, (None, None)))
            recurrent_actor_critic(x, a, starts, lstm_size=size, hidden_sizes=(), init='default',
                                   action_space=Discrete(2))
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                wx, wh, b = sess.run([tf.trainable_variables(f'trunk/memory/{n}')[0]
                                      for n in ('wx', 'wh', 'b')])
    for w in (wx, wh):
        assert np.abs(w).max() <= bound
        assert np.std(w) == pytest.approx(bound / np.sqrt(3), rel=0.1)  # a uniform's
    assert np.abs(b).max() <= 2 * bound and np.std(b) == pytest.approx(bound * np.sqrt(2 / 3),
                                                                        rel=0.15)


def tf1_name(name: str, discrete: bool, head_layers: int = 0) -> str:
    """The TF1 variable that holds the PyTorch parameter ``name`` of a recurrent agent whose
    heads have ``head_layers`` layers before their output."""
    part, _, rest = name.partition('.')
    scope = {'trunk': 'trunk', 'memory': 'trunk/memory', 'v_trunk': 'v/trunk',
             'v_memory': 'v/trunk/memory', 'v': 'v/value', 'log_std': 'pi',
             'pi': 'pi/logits' if discrete else 'pi/mu'}[part]
    if part in ('trunk', 'v_trunk'):  # Sequential: Linear, activation, Linear, ...
        index, kind = rest.split('.')
        rest = f"dense_{int(index) // 2}/{'kernel' if kind == 'weight' else 'bias'}"
    elif part in ('pi', 'v') and head_layers:  # the same, the output layer last
        index, kind = rest.split('.')
        layer = int(index) // 2
        scope = scope if layer == head_layers else f'{scope}_{layer}'
        rest = 'kernel' if kind == 'weight' else 'bias'
    elif part in ('memory', 'v_memory'):  # wx.weight, wh.weight, b, ln_x.weight, ln_x.bias
        rest = rest.replace('.weight', '').replace('ln_x.bias', 'ln_x/b')
        rest = rest.replace('ln_h.bias', 'ln_h/b').replace('ln_c.bias', 'ln_c/b')
        rest = {'ln_x': 'ln_x/g', 'ln_h': 'ln_h/g', 'ln_c': 'ln_c/g'}.get(rest, rest)
    else:
        rest = {'weight': 'kernel', 'bias': 'bias', '': 'log_std'}[rest]
    return f'{scope}/{rest}:0'


@pytest.mark.parametrize('critic_lstm, head_sizes', [(False, ()), (True, ()), (True, (8,))],
                         ids=['shared', 'critic_lstm', 'critic_lstm-head_sizes'])
@pytest.mark.parametrize('cell', CELLS)
@pytest.mark.parametrize('discrete', [True, False], ids=['discrete', 'continuous'])
def test_the_backends_compute_the_same_agent_and_loss(critic_lstm, head_sizes, cell, discrete):
    """One agent's weights in both backends: the same log-probabilities and values on
    sequences with episode starts, and the same joint loss and gradients of PPO2's update."""
    import tensorflow.compat.v1 as tf
    import torch
    from gymnasium.spaces import Box, Discrete
    from spinup.algos.pytorch.ppo import ppo as ppo_torch
    from spinup.algos.pytorch.ppo.core_lstm import RecurrentActorCritic
    from spinup.algos.tf1.ppo import ppo as ppo_tf1
    from spinup.algos.tf1.ppo.core_lstm import recurrent_actor_critic
    steps, batch, space = 6, 3, Discrete(3) if discrete else Box(-1, 1, (2,))
    kwargs = dict(cell=cell, lstm_size=4, hidden_sizes=(8,), critic_lstm=critic_lstm,
                  head_sizes=head_sizes)
    ac = RecurrentActorCritic(Box(-1, 1, (5,)), space, **kwargs)
    rng = np.random.default_rng(0)
    obs = rng.normal(size=(steps, batch, 5)).astype(np.float32)
    starts = (rng.random((steps, batch)) < 0.3).astype(np.float32)
    act = (rng.integers(0, 3, (steps, batch)) if discrete
           else rng.normal(size=(steps, batch, 2)).astype(np.float32))
    adv, ret, logp_old, val = (rng.normal(size=(steps, batch)).astype(np.float32)
                               for _ in range(4))
    state = [rng.normal(size=(batch, 4)).astype(np.float32) for _ in ac.initial_state(batch)]

    pi, logp_torch, v_torch = ac.evaluate(*map(torch.as_tensor, (obs, act, starts)),
                                          tuple(map(torch.as_tensor, state)))
    data = {k: torch.as_tensor(x).flatten(0, 1) for k, x in
            dict(obs=obs, act=act, adv=adv, ret=ret, logp=logp_old, val=val).items()}
    loss_pi, _ = ppo_torch.compute_loss_pi(ac, data, 0.2, 0.01, pi_logp=(pi, logp_torch.flatten()))
    loss_v = ppo_torch.compute_loss_v(ac, data, 0.2, v=v_torch.flatten())
    loss_torch = loss_pi + 0.5 * 0.5 * loss_v
    loss_torch.backward()

    with tf.Graph().as_default():
        x, start_ph, *phs = (tf.placeholder(tf.float32, (None, None, *shape))
                             for shape in ((5,), (), (), (), (), ()))
        a = tf.placeholder(tf.int32 if discrete else tf.float32, (None, None, *space.shape))
        _, logp, _, ent, v, state_in, _ = recurrent_actor_critic(x, a, start_ph,
                                                                 action_space=space, **kwargs)
        adv_ph, ret_ph, logp_old_ph, val_ph = phs
        loss_pi, _ = ppo_tf1.compute_loss_pi(logp, logp_old_ph, adv_ph, ent, 0.2, 0.01)
        loss = loss_pi + 0.5 * 0.5 * ppo_tf1.compute_loss_v(v, ret_ph, val_ph, 0.2)
        variables = {var.name: var for var in tf.trainable_variables()}
        assert len(variables) == len(list(ac.parameters()))
        names = [tf1_name(name, discrete, len(head_sizes)) for name, _ in ac.named_parameters()]
        grads = tf.gradients(loss, [variables[name] for name in names])
        with tf.Session() as sess:
            for name, p in zip(names, ac.parameters()):
                value = p.detach().numpy()
                variables[name].load(value.T if value.ndim == 2 else value, sess)
            feed = {x: obs, a: act, start_ph: starts, adv_ph: adv, ret_ph: ret,
                    logp_old_ph: logp_old, val_ph: val, **dict(zip(state_in, state))}
            logp_tf1, v_tf1, loss_tf1, grads_tf1 = sess.run([logp, v, loss, grads], feed)
    np.testing.assert_allclose(logp_tf1, logp_torch.detach().numpy(), atol=1e-5)
    np.testing.assert_allclose(v_tf1, v_torch.detach().numpy(), atol=1e-5)
    np.testing.assert_allclose(loss_tf1, loss_torch.item(), atol=1e-5)
    for name, p, g in zip(names, ac.parameters(), grads_tf1):
        g = g.T if g.ndim == 2 else g
        np.testing.assert_allclose(g, p.grad.numpy(), atol=1e-5, err_msg=name)


def test_an_empty_trunk_feeds_the_observations_to_the_lstm():
    import torch
    import tensorflow.compat.v1 as tf
    from gymnasium.spaces import Box, Discrete
    from spinup.algos.pytorch.ppo.core_lstm import RecurrentActorCritic
    from spinup.algos.tf1.ppo.core_lstm import recurrent_actor_critic
    ac = RecurrentActorCritic(Box(-1, 1, (3,)), Discrete(4), lstm_size=16, hidden_sizes=())
    assert ac.memory.wx.weight.shape == (4 * 16, 3)
    assert not any(isinstance(m, torch.nn.Linear) for m in ac.trunk.modules())
    with tf.Graph().as_default():
        x, a, starts = (tf.placeholder(tf.float32, (None, None, 3)),
                        tf.placeholder(tf.int32, (None, None)),
                        tf.placeholder(tf.float32, (None, None)))
        recurrent_actor_critic(x, a, starts, lstm_size=16, hidden_sizes=(),
                               action_space=Discrete(4))
        shapes = {v.name: v.shape.as_list() for v in tf.trainable_variables('trunk/')}
    assert shapes == {'trunk/memory/wx:0': [3, 64], 'trunk/memory/wh:0': [16, 64],
                      'trunk/memory/b:0': [64]}


def test_an_agent_saved_before_critic_lstms_loads_and_acts(tmp_path):
    import torch
    from gymnasium.spaces import Box, Discrete
    from spinup.algos.pytorch.ppo.core_lstm import RecurrentActorCritic
    ac = RecurrentActorCritic(Box(-1, 1, (3,)), Discrete(4), **SMALL)
    del ac.v_trunk, ac.v_memory  # (what the agents saved before had)
    torch.save(ac, tmp_path / 'model.pt')
    loaded = torch.load(tmp_path / 'model.pt', weights_only=False)
    a, memory = loaded.act(torch.zeros(2, 3), torch.ones(2), loaded.initial_state(2))
    assert a.shape == (2,) and len(memory) == 2


@pytest.mark.parametrize('critic_lstm', [False, True])
def test_a_new_episode_starts_with_no_memory_tf1(critic_lstm):
    import tensorflow.compat.v1 as tf
    from gymnasium.spaces import Box, Discrete
    from spinup.algos.tf1.ppo.core_lstm import recurrent_actor_critic
    for cell in CELLS:
        with tf.Graph().as_default():
            x, a, starts = (tf.placeholder(tf.float32, (None, None, 3)),
                            tf.placeholder(tf.int32, (None, None)),
                            tf.placeholder(tf.float32, (None, None)))
            _, logp, _, _, v, state_in, _ = recurrent_actor_critic(
                x, a, starts, cell=cell, critic_lstm=critic_lstm, action_space=Discrete(4),
                **SMALL)
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                obs, rng = np.random.randn(1, 5, 3), np.random.default_rng(0)
                memory = [rng.normal(size=(5, 16)) for _ in state_in]
                zeros = [np.zeros((5, 16)) for _ in state_in]

                def outputs(start, state):  # V, and log pi of action 0
                    feed = {x: obs, a: np.zeros((1, 5)), starts: np.full((1, 5), start),
                            **dict(zip(state_in, state))}
                    return np.concatenate(sess.run([v, logp], feed))
                np.testing.assert_array_equal(outputs(1, memory), outputs(1, zeros))
                assert np.abs(outputs(0, memory) - outputs(1, zeros)).max() > 1e-3


# --- memory: the cue-recall task --------------------------------------------------------------

CUE = dict(steps_per_epoch=8 * 60, epochs=40, num_envs=8)
# (seeds 0-4 tried: the last 5 epochs' mean was 0.946 or more for every cell and backend)
LEARN = dict(CUE, ac_kwargs=dict(lstm_size=64, hidden_sizes=(32,)), pi_lr=3e-3, anneal_lr=True,
             ent_coef=0.01, num_minibatches=2, update_epochs=4)


def score(run_dir):
    """The mean return of the last 5 epochs: the share of cues named."""
    return pd.read_table(run_dir / 'progress.txt')['AverageEpRet'].iloc[-5:].mean()


@pytest.fixture(scope='module')
def trained(tmp_path_factory):
    """Runs on CueRecall-v0: LSTM and LN-LSTM in both backends, and PPO's MLP agent."""
    runs = {}
    for backend in BACKENDS:
        for cell in CELLS:
            out = tmp_path_factory.mktemp(f'{backend}_{cell}')
            kwargs = dict(LEARN, ac_kwargs=dict(LEARN['ac_kwargs'], cell=cell))
            module(backend).ppo_lstm(env('CueRecall-v0'), logger_kwargs=dict(output_dir=str(out)),
                                     **kwargs)
            runs[backend, cell] = out
        out = tmp_path_factory.mktemp(f'{backend}_mlp')
        ppo = importlib.import_module(f'spinup.algos.{backend}.ppo.ppo').ppo
        ppo(env('CueRecall-v0'), logger_kwargs=dict(output_dir=str(out)), **CUE)
        runs[backend, 'mlp'] = out
    return runs


@pytest.mark.parametrize('backend', BACKENDS)
def test_memory_recalls_the_cue_where_an_mlp_cannot(trained, backend):
    for cell in CELLS:
        assert score(trained[backend, cell]) >= 0.9, (backend, cell)
    assert score(trained[backend, 'mlp']) < 0.5


@pytest.mark.parametrize('backend', BACKENDS)
def test_policy_carries_the_memory_and_forgets_it_between_episodes(trained, backend):
    from spinup.utils.test_policy import load_policy_and_env, run_policy
    env_, get_action = load_policy_and_env(str(trained[backend, 'lnlstm']))
    results = run_policy(env_, get_action, num_episodes=100, render=False)
    assert np.mean([r for r, _ in results]) >= 0.9
    assert [length for _, length in results] == [5] * 100


# --- checkpoints, the command line ------------------------------------------------------------

@pytest.mark.parametrize('backend', BACKENDS)
def test_two_epochs_and_two_resumed_are_four_epochs(tmp_path, backend):
    fn = module(backend).ppo_lstm
    kwargs = dict(ac_kwargs=SMALL, num_envs=1, num_minibatches=1, steps_per_epoch=50,
                  update_epochs=2, seed=3, save_freq=1)
    one, two = tmp_path / 'one', tmp_path / 'two'
    fn(env('CartPoleNoVel-v1'), epochs=4, logger_kwargs=dict(output_dir=str(one)), **kwargs)
    fn(env('CartPoleNoVel-v1'), epochs=2, logger_kwargs=dict(output_dir=str(two)), **kwargs)
    fn(env('CartPoleNoVel-v1'), epochs=4, logger_kwargs=dict(output_dir=str(two)),
       resume_from=str(two), **kwargs)
    whole, resumed = (pd.read_table(d / 'progress.txt').drop(columns='Time') for d in (one, two))
    pd.testing.assert_frame_equal(resumed, whole)


def test_policy_flag_runs_the_recurrent_variant_and_relaunches(data_dir):
    result = run_cli('ppo', '--policy', 'lnlstm', '--env', 'CueRecall-v0', '--epochs', 1,
                     '--steps_per_epoch', 64, '--num_envs', 4, '--num_minibatches', 2,
                     '--ac_kwargs:lstm_size', 8, '--exp_name', 'memo', '--data_dir', data_dir)
    assert_ok(result)
    run = data_dir / 'memo' / 'memo_s0'
    config = json.loads((run / 'config.json').read_text())
    assert config['_run']['function'].endswith('ppo.ppo_lstm.ppo_lstm')
    assert config['ac_kwargs']['cell'] == 'lnlstm'
    assert_ok(run_cli('relaunch', run, '--epochs', 2, '--exp_name', 'again', '--data_dir',
                      data_dir))
    assert len(pd.read_table(data_dir / 'again' / 'again_s0' / 'progress.txt')) == 2


@pytest.mark.parametrize('args, message', [
    (['--policy', 'gru'], "--policy takes lstm or lnlstm"),
    (['--policy', 'lstm', '--num_envs', 4, '--num_minibatches', 3, '--steps_per_epoch', 96],
     'must split the num_envs=4 environment copies evenly'),
    (['--policy', 'lstm', '--value_targets', 'gae'], "value_targets must be 'rewards-to-go'"),
])
def test_bad_recurrent_flags_get_one_line(args, message):
    result = run_cli('ppo', '--env', 'CueRecall-v0', *args)
    assert result.returncode != 0
    assert message in result.stderr and 'Traceback' not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_sac_takes_no_policy_flag():
    from spinup.cli.flags import pick_policy
    with pytest.raises(SpinupError, match="PPO's recurrent agent"):
        pick_policy('sac_pytorch', {'policy': ['lstm']}, {})
