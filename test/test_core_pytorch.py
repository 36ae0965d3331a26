"""PPO (PyTorch) building blocks: discounted sums, GAE, the buffer, networks, losses, update."""
import math

import gymnasium as gym
import numpy as np
import pytest
import torch

from spinup.algos.pytorch.ppo import core
from spinup.algos.pytorch.ppo.ppo import PPOBuffer, compute_loss_pi, compute_loss_v, update


def test_discount_cumsum_by_hand():
    out = core.discount_cumsum(np.array([1.0, 2.0, 3.0]), 0.5)
    np.testing.assert_allclose(out, [1 + 0.5 * 2 + 0.25 * 3, 2 + 0.5 * 3, 3])


def test_discount_cumsum_matches_loop():
    rng = np.random.default_rng(0)
    x = rng.normal(size=50)
    expected = np.array([sum(0.9 ** k * x[t + k] for k in range(len(x) - t)) for t in range(len(x))])
    np.testing.assert_allclose(core.discount_cumsum(x, 0.9), expected, rtol=1e-10)


def test_gae_hand_computed():
    gamma, lam = 0.9, 0.8
    buf = PPOBuffer(obs_dim=1, act_dim=None, size=3, gamma=gamma, lam=lam)
    rews, vals, last_val = [1.0, 0.0, 2.0], [0.5, 1.0, 1.5], 3.0
    for r, v in zip(rews, vals):
        buf.store(np.zeros(1), 0, r, v, 0.0)
    buf.finish_path(last_val)
    # delta_t = r_t + gamma V(s_{t+1}) - V(s_t)
    d0 = 1.0 + 0.9 * 1.0 - 0.5   # 1.4
    d1 = 0.0 + 0.9 * 1.5 - 1.0   # 0.35
    d2 = 2.0 + 0.9 * 3.0 - 1.5   # 3.2
    gl = gamma * lam
    np.testing.assert_allclose(buf.adv_buf[:, 0], [d0 + gl * d1 + gl ** 2 * d2, d1 + gl * d2, d2], rtol=1e-6)
    # rewards-to-go bootstrap from last_val
    np.testing.assert_allclose(buf.ret_buf[:, 0], [1 + 0.9 * 0 + 0.81 * 2 + 0.729 * 3, 0 + 0.9 * 2 + 0.81 * 3, 2 + 0.9 * 3],
                               rtol=1e-6)


def test_gae_with_exact_constant_value_is_zero():
    # With V(s) equal to the true value of a constant reward stream (bootstrapped at the end),
    # every TD residual is zero, so are the advantages.
    gamma = 0.9
    v_true = 1.0 / (1 - gamma)
    buf = PPOBuffer(obs_dim=1, act_dim=None, size=5, gamma=gamma, lam=0.95)
    for _ in range(5):
        buf.store(np.zeros(1), 0, 1.0, v_true, 0.0)
    buf.finish_path(v_true)
    np.testing.assert_allclose(buf.adv_buf, 0.0, atol=1e-5)
    np.testing.assert_allclose(buf.ret_buf, v_true, rtol=1e-5)


def test_buffer_get_normalizes_advantages_and_resets():
    buf = PPOBuffer(obs_dim=2, act_dim=1, size=4, gamma=0.99, lam=0.97)
    for i in range(4):
        buf.store(np.ones(2) * i, [0.1 * i], float(i), 0.0, -1.0)
    buf.finish_path(0.0)
    data = buf.get()
    assert set(data) == {'obs', 'act', 'ret', 'adv', 'logp', 'val'}
    assert data['obs'].shape == (4, 2) and data['act'].shape == (4, 1)
    assert abs(data['adv'].mean().item()) < 1e-6
    assert abs(data['adv'].std(unbiased=False).item() - 1) < 1e-4
    assert buf.ptr == 0 and (buf.path_start_idx == 0).all()


@pytest.mark.parametrize('env_id', ['CartPole-v1', 'Pendulum-v1'])
def test_actor_critic_shapes(env_id):
    env = gym.make(env_id)
    ac = core.MLPActorCritic(env.observation_space, env.action_space)
    obs = torch.as_tensor(np.stack([env.observation_space.sample() for _ in range(7)]), dtype=torch.float32)
    a, v, logp = ac.step(obs)
    assert v.shape == (7,) and logp.shape == (7,)
    assert a.shape == (7,) + env.action_space.shape
    pi, logp_a = ac.pi(obs, torch.as_tensor(a))
    np.testing.assert_allclose(logp_a.detach().numpy(), logp, rtol=1e-5, atol=1e-5)
    # a single observation gives a single action
    a1 = ac.act(obs[0])
    assert a1.shape == env.action_space.shape


def test_gaussian_log_std_starts_at_minus_half():
    env = gym.make('Pendulum-v1')
    ac = core.MLPActorCritic(env.observation_space, env.action_space)
    np.testing.assert_allclose(ac.pi.log_std.detach().numpy(), -0.5)


def test_gaussian_sample_log_prob_matches_distribution():
    torch.manual_seed(0)
    actor = core.MLPGaussianActor(3, 2, (8,), torch.nn.Tanh)
    obs = torch.randn(5, 3)
    a, logp = actor.sample(obs)
    _, logp_ref = actor(obs, a)
    np.testing.assert_allclose(logp.detach().numpy(), logp_ref.detach().numpy(), rtol=1e-5, atol=1e-5)


def test_numpy_sample_draws_what_sample_draws():
    """Acting in NumPy (sample_numpy, numpy_mlp) gives sample's action and log-likelihood from
    the same generator state, and step's value is v(obs)."""
    torch.manual_seed(0)
    ac = core.MLPActorCritic(gym.spaces.Box(-1, 1, (3,)), gym.spaces.Box(-1, 1, (2,)), hidden_sizes=(8, 4))
    obs = torch.randn(5, 3)
    torch.manual_seed(1)
    a, v, logp = ac.step(obs)
    torch.manual_seed(1)
    with torch.no_grad():
        a_ref, logp_ref = ac.pi.sample(obs)
        v_ref = ac.v(obs)
    for value, ref in ((a, a_ref), (v, v_ref), (logp, logp_ref)):
        assert value.dtype == np.float32 and value.shape == ref.shape
        np.testing.assert_allclose(value, ref.numpy(), rtol=1e-5, atol=1e-6)


def test_numpy_mlp_sees_each_optimizer_step_and_new_weights():
    from spinup.utils.acting import numpy_mlp
    torch.manual_seed(0)
    net = core.mlp([3, 8, 2], torch.nn.ReLU)
    x = np.random.default_rng(0).normal(size=(4, 3)).astype(np.float32)
    before = numpy_mlp(net, x)
    optimizer = torch.optim.Adam(net.parameters(), lr=0.1, fused=True)
    net(torch.as_tensor(x)).sum().backward()
    optimizer.step()  # in place: the cached views show it
    after = numpy_mlp(net, x)
    assert not np.allclose(before, after)
    with torch.no_grad():
        np.testing.assert_allclose(after, net(torch.as_tensor(x)).numpy(), rtol=1e-5, atol=1e-6)
        net[0].weight = torch.nn.Parameter(torch.zeros(8, 3))  # new memory: new views
        np.testing.assert_allclose(numpy_mlp(net, x), net(torch.as_tensor(x)).numpy(), rtol=1e-5, atol=1e-6)


def _agent(env_id, seed):
    env = gym.make(env_id)
    env.observation_space.seed(seed)
    torch.manual_seed(seed)
    return env, core.MLPActorCritic(env.observation_space, env.action_space)


def _batch(ac, env, n=64, seed=0):
    rng = np.random.default_rng(seed)
    obs = torch.as_tensor(np.stack([env.observation_space.sample() for _ in range(n)]), dtype=torch.float32)
    a, v, logp = ac.step(obs)
    return dict(obs=obs, act=torch.as_tensor(a, dtype=torch.float32),
                adv=torch.as_tensor(rng.normal(size=n), dtype=torch.float32),
                ret=torch.as_tensor(rng.normal(size=n), dtype=torch.float32),
                logp=torch.as_tensor(logp, dtype=torch.float32))


def test_loss_pi_at_the_data_policy():
    env, ac = _agent('CartPole-v1', 0)
    data = _batch(ac, env)
    loss, info = compute_loss_pi(ac, data, clip_ratio=0.2)
    # ratio = 1 everywhere: the loss is -mean(adv), nothing is clipped, KL is zero
    assert loss.item() == pytest.approx(-data['adv'].mean().item(), abs=1e-5)
    assert info['kl'] == pytest.approx(0.0, abs=1e-6)
    assert info['cf'] == 0.0
    assert info['ent'] == pytest.approx(math.log(2), abs=0.05)  # nearly uniform over two actions
    assert compute_loss_v(ac, data).item() >= 0


def test_kl_is_checked_before_the_step():
    env, ac = _agent('Pendulum-v1', 0)
    data = _batch(ac, env)
    before = [p.detach().clone() for p in ac.pi.parameters()]
    pi_opt = torch.optim.Adam(ac.pi.parameters(), lr=1e-2)
    v_opt = torch.optim.Adam(ac.v.parameters(), lr=1e-3)
    # a negative target: the KL of the unchanged policy (0) already exceeds it
    info = update(ac, data, pi_opt, v_opt, clip_ratio=0.2, train_pi_iters=10, train_v_iters=1, target_kl=-1.0)
    assert info['StopIter'] == 0
    for p, q in zip(before, ac.pi.parameters()):
        assert torch.equal(p, q), 'a policy step was taken although the KL check failed'
    # with room to move, every iteration runs and the policy changes
    info = update(ac, data, pi_opt, v_opt, clip_ratio=0.2, train_pi_iters=10, train_v_iters=1, target_kl=1e6)
    assert info['StopIter'] == 10
    assert any(not torch.equal(p, q) for p, q in zip(before, ac.pi.parameters()))
    assert info['KL'] != 0.0


def test_early_stop_takes_exactly_the_steps_within_the_kl_bound():
    import copy
    env, ac = _agent('Pendulum-v1', 1)
    data = _batch(ac, env, n=256)
    target_kl = 0.01

    def run(train_pi_iters, target):
        ac_copy = copy.deepcopy(ac)
        pi_opt = torch.optim.Adam(ac_copy.pi.parameters(), lr=3e-2)
        v_opt = torch.optim.Adam(ac_copy.v.parameters(), lr=1e-3)
        return update(ac_copy, data, pi_opt, v_opt, clip_ratio=0.2, train_pi_iters=train_pi_iters,
                      train_v_iters=1, target_kl=target)

    info = run(80, target_kl)
    stop = info['StopIter']
    assert 1 <= stop < 80
    assert info['KL'] > 1.5 * target_kl  # the policy it stopped at is past the bound...
    assert run(stop - 1, 1e6)['KL'] <= 1.5 * target_kl  # ...and the one before it was within
    assert run(stop, 1e6)['KL'] == pytest.approx(info['KL'])  # the same steps, without the check


def test_tanh_is_numpys_forward_and_pytorchs_derivative():
    """The on-policy MLPs' tanh: on a whole batch, NumPy's values exactly, with a gradient or
    without, and PyTorch's own derivative of tanh at them (float64 and a transposed,
    non-contiguous input too); a small input (acting, a minibatch) and other dtypes take
    torch.tanh."""
    from spinup.utils.activations_pytorch import NUMPY_FROM, Tanh
    assert core.MLPActorCritic.__init__.__defaults__[1] is Tanh
    gen = torch.Generator().manual_seed(0)
    rows = NUMPY_FROM // 64 + 1
    for x in (torch.randn(rows, 64, generator=gen) * 3,
              torch.randn(64, rows, generator=gen, dtype=torch.float64).T):
        x.requires_grad_(True)
        y = Tanh()(x)
        assert type(y.grad_fn).__name__ == '_NumpyTanhBackward'
        assert y.dtype == x.dtype and y.shape == x.shape
        np.testing.assert_array_equal(y.detach().numpy(), np.tanh(x.detach().numpy()))
        torch.testing.assert_close(y, torch.tanh(x))
        g = torch.randn(x.shape, generator=gen, dtype=x.dtype)
        (grad,) = torch.autograd.grad(y, x, g)
        assert torch.equal(grad, torch.ops.aten.tanh_backward(g, y.detach()))  # g * (1 - y^2)
    big = torch.randn(rows, 64, generator=gen)
    for mode in (torch.no_grad, torch.inference_mode):
        with mode():
            np.testing.assert_array_equal(Tanh()(big).numpy(), np.tanh(big.numpy()))
    small = torch.randn(8, 64, generator=gen)
    assert type(Tanh()(small.requires_grad_(True)).grad_fn).__name__ == 'TanhBackward0'
    for x in (small, torch.tensor(0.5), torch.arange(3), torch.ones(rows, 64, dtype=torch.bfloat16)):
        assert torch.equal(Tanh()(x), torch.tanh(x))


def test_tanh_has_a_second_derivative():
    """TRPO's Hessian-vector products differentiate the gradient again."""
    from spinup.utils.activations_pytorch import _NumpyTanh
    x = torch.randn(5, 4, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(_NumpyTanh.apply, (x,))
    assert torch.autograd.gradgradcheck(_NumpyTanh.apply, (x,))
