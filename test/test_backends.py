"""The two backends of PPO side by side: the same signature, the same losses and diagnostics on
the same weights and batch, the same buffer arithmetic, and the backend a bare name picks."""
import inspect
import json

import gymnasium as gym
import numpy as np
import pytest
import torch

from conftest import run_python
from ppo_agents import copy_torch_to_tf1, random_batch, tf1_agent, tf1_feed, torch_agent
from spinup.algos.pytorch.ppo import core as pt_core
from spinup.algos.pytorch.ppo import ppo as pt_ppo
from spinup.algos.tf1.ppo import core as tf_core
from spinup.algos.tf1.ppo import ppo as tf_ppo


def test_signatures_match_bar_the_actor_critic():
    pt, tf1 = inspect.signature(pt_ppo.ppo).parameters, inspect.signature(tf_ppo.ppo).parameters
    assert list(pt) == list(tf1)  # names and order
    for name in pt:
        if name != 'actor_critic':
            assert pt[name].default == tf1[name].default, name
            assert type(pt[name].default) is type(tf1[name].default), name
            assert pt[name].annotation == tf1[name].annotation, name
    assert pt['actor_critic'].default is pt_core.MLPActorCritic
    assert tf1['actor_critic'].default is tf_core.mlp_actor_critic


def test_default_networks_match():
    """(64, 64) tanh MLPs in both."""
    pt = inspect.signature(pt_core.MLPActorCritic).parameters
    tf1 = inspect.signature(tf_core.mlp_actor_critic).parameters
    assert pt['hidden_sizes'].default == tf1['hidden_sizes'].default == (64, 64)
    assert pt['activation'].default is torch.nn.Tanh
    assert tf1['activation'].default.__name__ == 'tanh'


@pytest.mark.parametrize('env_id', ['CartPole-v1', 'HalfCheetah-v5'])
def test_losses_and_diagnostics_agree_on_shared_weights(env_id):
    env = gym.make(env_id)
    ac = torch_agent(env, seed=0)
    agent = tf1_agent(env, seed=1)  # other initial weights, overwritten next
    copy_torch_to_tf1(ac, agent)

    data = random_batch(env, n=256, seed=2)
    with torch.no_grad():
        _, logp_now = ac.pi(torch.as_tensor(data['obs']), torch.as_tensor(data['act']))
    # a data-collecting policy somewhat away from the current one: ratios around exp(+-0.3),
    # so that some are clipped and the KL is not zero
    data['logp'] = logp_now.numpy() + np.random.default_rng(3).normal(scale=0.3, size=256).astype(np.float32)

    pt_data = {k: torch.as_tensor(v) for k, v in data.items()}
    with torch.no_grad():
        loss_pi, info = pt_ppo.compute_loss_pi(ac, pt_data, clip_ratio=0.2)
        loss_v = pt_ppo.compute_loss_v(ac, pt_data)
    pt_vals = dict(loss_pi=loss_pi.item(), loss_v=loss_v.item(), **info)

    ops = agent.ops
    tf_vals = dict(zip(['loss_pi', 'loss_v', 'kl', 'ent', 'cf'],
                       agent.sess.run([ops['loss_pi'], ops['loss_v'], ops['kl'], ops['ent'], ops['cf']],
                                      tf1_feed(agent, data))))
    assert 0 < pt_vals['cf'] < 1 and abs(pt_vals['kl']) > 1e-3  # the comparison is not trivial
    for key in pt_vals:
        assert tf_vals[key] == pytest.approx(pt_vals[key], abs=1e-5), key

    # the value function and the log-likelihoods themselves, element by element
    v_tf, logp_tf = agent.sess.run([agent.v, agent.logp], tf1_feed(agent, data))
    with torch.no_grad():
        np.testing.assert_allclose(v_tf, ac.v(pt_data['obs']).numpy(), atol=1e-5)
    np.testing.assert_allclose(logp_tf, logp_now.numpy(), atol=1e-5)


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
    """The buffer is kept in each file on purpose, for reading; the copies must agree."""
    rng = np.random.default_rng(0)
    buffers = [mod.PPOBuffer(obs_dim=3, act_dim=2, size=40, gamma=0.95, lam=0.9) for mod in (pt_ppo, tf_ppo)]
    steps = [(rng.normal(size=3), rng.normal(size=2), rng.normal(), rng.normal(), rng.normal()) for _ in range(40)]
    for buf in buffers:
        for t, step in enumerate(steps):
            buf.store(*step)
            if t in (12, 30):
                buf.finish_path(0.0 if t == 12 else 1.7)  # a terminal end, then a truncated one
        buf.finish_path(-0.4)  # cut off by the end of the epoch
    pt, tf1 = buffers[0].get(), buffers[1].get()
    assert set(pt) == set(tf1)
    for key in pt:
        np.testing.assert_array_equal(pt[key].numpy(), tf1[key], err_msg=key)
    x = rng.normal(size=30)
    np.testing.assert_array_equal(pt_core.discount_cumsum(x, 0.9), tf_core.discount_cumsum(x, 0.9))


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
