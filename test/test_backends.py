"""The two backends of each algorithm side by side: the same signature (all six); for the
on-policy ones (VPG, TRPO, PPO) the same losses and diagnostics on the same weights and
batch, and the same buffer arithmetic; the backend a bare name picks. The off-policy
losses are compared in test_off_policy.py."""
import importlib
import inspect
import json

import gymnasium as gym
import numpy as np
import pytest
import torch

from agents import copy_torch_to_tf1, random_batch, tf1_agent, tf1_feed, torch_agent
from conftest import run_python
from spinup.algos.pytorch.ppo import core as pt_core

ON_POLICY = ['vpg', 'trpo', 'ppo']

# SPEC section 4: the keyword arguments after env_fn, actor_critic, ac_kwargs=dict(), seed=0; and
# before logger_kwargs, the on-policy algorithms' environment copies and normalization (issue 35), and
# PPO2's options and the device in PPO
SPEC_DEFAULTS = {
    'vpg': dict(steps_per_epoch=4000, epochs=50, gamma=0.99, pi_lr=3e-4, vf_lr=1e-3, train_v_iters=80,
                lam=0.97, max_ep_len=1000, num_envs=1, vector_mode='sync', normalize_obs=False, normalize_reward=False,
                logger_kwargs=dict(), save_freq=10),
    'trpo': dict(steps_per_epoch=4000, epochs=50, gamma=0.99, delta=0.01, vf_lr=1e-3, train_v_iters=80,
                 damping_coeff=0.1, cg_iters=10, backtrack_iters=10, backtrack_coeff=0.8, lam=0.97,
                 max_ep_len=1000, num_envs=1, vector_mode='sync', normalize_obs=False, normalize_reward=False,
                 logger_kwargs=dict(), save_freq=10, algo='trpo'),
    'ppo': dict(steps_per_epoch=4000, epochs=50, gamma=0.99, clip_ratio=0.2, pi_lr=3e-4, vf_lr=1e-3,
                train_pi_iters=80, train_v_iters=80, lam=0.97, max_ep_len=1000, target_kl=0.01,
                num_envs=1, vector_mode='sync', normalize_obs=False, normalize_reward=False,
                num_minibatches=None, update_epochs=10, ent_coef=0.0,
                vf_coef=0.5, clip_vloss=False, max_grad_norm=None, anneal_lr=False, anneal_clip=False,
                device='cpu', logger_kwargs=dict(), save_freq=10),
    'ddpg': dict(steps_per_epoch=4000, epochs=100, replay_size=int(1e6), gamma=0.99, polyak=0.995, pi_lr=1e-3,
                 q_lr=1e-3, batch_size=100, start_steps=10000, update_after=1000, update_every=50,
                 act_noise=0.1, num_test_episodes=10, max_ep_len=1000, logger_kwargs=dict(), save_freq=1),
    'sac': dict(steps_per_epoch=4000, epochs=100, replay_size=int(1e6), gamma=0.99, polyak=0.995, lr=1e-3,
                alpha=0.2, batch_size=100, start_steps=10000, update_after=1000, update_every=50,
                num_test_episodes=10, max_ep_len=1000, logger_kwargs=dict(), save_freq=1),
}
# td3: ddpg's, plus target_noise, noise_clip and policy_delay (placed after act_noise)
_ddpg = list(SPEC_DEFAULTS['ddpg'].items())
_at = [k for k, _ in _ddpg].index('act_noise') + 1
SPEC_DEFAULTS['td3'] = dict(_ddpg[:_at] + [('target_noise', 0.2), ('noise_clip', 0.5), ('policy_delay', 2)] + _ddpg[_at:])
# and last in every signature, the checkpoint to go on from
for _defaults in SPEC_DEFAULTS.values():
    _defaults['resume_from'] = None
ALGOS = list(SPEC_DEFAULTS)


def modules(algo, backend):
    return (importlib.import_module(f'spinup.algos.{backend}.{algo}.{algo}'),
            importlib.import_module(f'spinup.algos.{backend}.{algo}.core'))


@pytest.mark.parametrize('algo', ALGOS)
def test_signatures_match_each_other_and_the_spec(algo):
    (pt_mod, pt_core_), (tf_mod, tf_core_) = modules(algo, 'pytorch'), modules(algo, 'tf1')
    pt = inspect.signature(getattr(pt_mod, algo)).parameters
    tf1 = inspect.signature(getattr(tf_mod, algo)).parameters
    assert list(pt) == list(tf1)  # names and order
    for name in pt:
        if name != 'actor_critic':
            assert pt[name].default == tf1[name].default, name
            assert type(pt[name].default) is type(tf1[name].default), name
            assert pt[name].annotation == tf1[name].annotation, name
    # PPO's default agent is picked by the observations (the CNN for images); the others' is the MLP
    if algo == 'ppo':
        assert pt['actor_critic'].default is pt_core_.pick_actor_critic
        assert tf1['actor_critic'].default is tf_core_.pick_actor_critic
    else:
        assert pt['actor_critic'].default is pt_core_.MLPActorCritic
        assert tf1['actor_critic'].default is tf_core_.mlp_actor_critic
    expected = dict(ac_kwargs=dict(), seed=0, **SPEC_DEFAULTS[algo])
    assert list(pt)[:2] == ['env_fn', 'actor_critic']
    assert {name: p.default for name, p in list(pt.items())[2:]} == expected
    assert list(pt)[2:] == list(expected)


@pytest.mark.parametrize('algo', ALGOS)
def test_default_networks_match(algo):
    """(64, 64) tanh MLPs on-policy (in PyTorch, the tanh computed by NumPy on whole batches), (256, 256) relu
    off-policy, in both."""
    pt = inspect.signature(modules(algo, 'pytorch')[1].MLPActorCritic).parameters
    tf1 = inspect.signature(modules(algo, 'tf1')[1].mlp_actor_critic).parameters
    on_policy = algo in ON_POLICY
    assert pt['hidden_sizes'].default == tf1['hidden_sizes'].default == ((64, 64) if on_policy else (256, 256))
    from spinup.utils.activations_pytorch import Tanh
    assert pt['activation'].default is (Tanh if on_policy else torch.nn.ReLU)
    assert tf1['activation'].default.__name__ == ('tanh' if on_policy else 'relu')


def _shared_agents(env, algo):
    ac = torch_agent(env, seed=0, algo=algo)
    agent = tf1_agent(env, seed=1, algo=algo)  # other initial weights, overwritten next
    copy_torch_to_tf1(ac, agent)
    data = random_batch(env, n=256, seed=2)
    with torch.no_grad():
        _, logp_now = ac.pi(torch.as_tensor(data['obs']), torch.as_tensor(data['act']))
    # a data-collecting policy somewhat away from the current one: ratios around exp(+-0.3),
    # so that some are clipped and the KL is not zero
    data['logp'] = logp_now.numpy() + np.random.default_rng(3).normal(scale=0.3, size=256).astype(np.float32)
    return ac, agent, data, logp_now


@pytest.mark.parametrize('algo', ON_POLICY)
@pytest.mark.parametrize('env_id', ['CartPole-v1', 'HalfCheetah-v5'])
def test_losses_and_diagnostics_agree_on_shared_weights(env_id, algo):
    env = gym.make(env_id)
    ac, agent, data, logp_now = _shared_agents(env, algo)
    pt_mod = modules(algo, 'pytorch')[0]

    pt_data = {k: torch.as_tensor(v) for k, v in data.items()}
    with torch.no_grad():
        args = (0.2,) if algo == 'ppo' else ()
        loss_pi, info = pt_mod.compute_loss_pi(ac, pt_data, *args)
        loss_v = pt_mod.compute_loss_v(ac, pt_data)
    pt_vals = dict(loss_pi=loss_pi.item(), loss_v=loss_v.item(), **info)

    keys = list(pt_vals)
    ops = agent.ops
    tf_vals = dict(zip(keys, agent.sess.run([ops[k] for k in keys], tf1_feed(agent, data))))
    assert abs(pt_vals['kl']) > 1e-3  # the comparison is not trivial
    if algo == 'ppo':
        assert 0 < pt_vals['cf'] < 1
    for key in pt_vals:
        assert tf_vals[key] == pytest.approx(pt_vals[key], abs=1e-5), key

    # the value function and the log-likelihoods themselves, element by element
    v_tf, logp_tf = agent.sess.run([agent.v, agent.logp], tf1_feed(agent, data))
    with torch.no_grad():
        np.testing.assert_allclose(v_tf, ac.v(pt_data['obs']).numpy(), atol=1e-5)
    np.testing.assert_allclose(logp_tf, logp_now.numpy(), atol=1e-5)


@pytest.mark.parametrize('env_id', ['CartPole-v1', 'HalfCheetah-v5'])
def test_trpo_kl_agrees_on_shared_weights(env_id):
    """The mean KL(pi_old || pi) of TRPO's constraint, between two different policies."""
    from spinup.algos.pytorch.trpo.trpo import compute_kl
    env = gym.make(env_id)
    obs = random_batch(env, n=128, seed=4)['obs']
    ac_old, ac = torch_agent(env, seed=0, algo='trpo'), torch_agent(env, seed=1, algo='trpo')
    with torch.no_grad():
        pi_old, _ = ac_old.pi(torch.as_tensor(obs))
        kl_pt = compute_kl(ac, torch.as_tensor(obs), pi_old).item()

    agent = tf1_agent(env, algo='trpo')
    copy_torch_to_tf1(ac_old, agent)
    info_old = agent.sess.run(agent.ops['info'], {agent.x: obs})
    copy_torch_to_tf1(ac, agent)
    feed = {agent.x: obs, **{agent.ops['info_phs'][k]: v for k, v in info_old.items()}}
    kl_tf = agent.sess.run(agent.ops['d_kl'], feed)
    assert kl_pt > 1e-3
    assert kl_tf == pytest.approx(kl_pt, abs=1e-5, rel=1e-5)
    # and it is zero between a policy and itself
    feed_same = {agent.x: obs, **{agent.ops['info_phs'][k]: v
                                  for k, v in agent.sess.run(agent.ops['info'], {agent.x: obs}).items()}}
    assert agent.sess.run(agent.ops['d_kl'], feed_same) == pytest.approx(0.0, abs=1e-6)


@pytest.mark.parametrize('env_id', ['CartPole-v1', 'Pendulum-v1'])
def test_sampled_actions_have_the_log_probs_of_the_policy(env_id):
    """Both backends' samples lie in the action space and carry log pi(a|s) of their own policy."""
    env = gym.make(env_id)
    ac = torch_agent(env, seed=0)
    agent = tf1_agent(env, seed=0)
    copy_torch_to_tf1(ac, agent)
    obs = random_batch(env, n=32)['obs']
    a_tf, logp_pi_tf = agent.sess.run([agent.pi, agent.logp_pi], {agent.x: obs})
    a_pt, _, logp_pt = ac.step(torch.as_tensor(obs))
    assert a_tf.shape == a_pt.shape == (32,) + env.action_space.shape
    with torch.no_grad():
        _, logp_ref = ac.pi(torch.as_tensor(obs), torch.as_tensor(a_tf))
    np.testing.assert_allclose(logp_pi_tf, logp_ref.numpy(), atol=1e-5)


def test_buffers_compute_the_same_advantages_and_returns():
    """The buffer and discount_cumsum are kept in each algorithm's files on purpose, for
    reading; all the copies must agree."""
    rng = np.random.default_rng(0)
    steps = [(rng.normal(size=3), rng.normal(size=2), rng.normal(), rng.normal(), rng.normal()) for _ in range(40)]
    results = {}
    for algo in ON_POLICY:
        for backend in ['pytorch', 'tf1']:
            mod, core = modules(algo, backend)
            buf = getattr(mod, f'{algo.upper()}Buffer')(obs_dim=3, act_dim=2, size=40, gamma=0.95, lam=0.9)
            for t, step in enumerate(steps):
                buf.store(*step)
                if t in (12, 30):
                    buf.finish_path(0.0 if t == 12 else 1.7)  # a terminal end, then a truncated one
            buf.finish_path(-0.4)  # cut off by the end of the epoch
            data = buf.get()
            results[algo, backend] = {k: np.asarray(v) for k, v in data.items()}
            x = rng.normal(size=30)
            np.testing.assert_array_equal(core.discount_cumsum(x, 0.9), pt_core.discount_cumsum(x, 0.9))
    reference = results['ppo', 'pytorch']
    assert set(reference) == {'obs', 'act', 'ret', 'adv', 'logp', 'val'}
    for name, data in results.items():
        assert set(data) == set(reference), name
        for key in reference:
            assert data[key].dtype == np.float32, (name, key)
            np.testing.assert_array_equal(data[key], reference[key], err_msg=f'{name} {key}')


@pytest.mark.parametrize('backend', ['tf1', 'pytorch'])
def test_bare_name_follows_default_backend(backend, tmp_path):
    """Changing DEFAULT_BACKEND['ppo'] switches what `spinup.run ppo` runs."""
    out = run_python(f"""
import spinup.user_config as uc
uc.DEFAULT_BACKEND['ppo'] = {backend!r}
from spinup.run import main
code = main(['ppo', '--env', 'CartPole-v1', '--exp_name', 'bare', '--epochs', '1',
             '--steps_per_epoch', '100', '--data_dir', {str(tmp_path)!r}])
print('exit', code)
""")
    assert 'exit 0' in out
    run = tmp_path / 'bare' / 'bare_s0'
    saved = sorted(p.name for p in run.iterdir() if p.name in ('pyt_save', 'tf1_save'))
    assert saved == [{'tf1': 'tf1_save', 'pytorch': 'pyt_save'}[backend]]
    config = json.load(open(run / 'config.json'))
    assert f'spinup.algos.{backend}.ppo' in json.dumps(config['actor_critic'])
