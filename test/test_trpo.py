"""TRPO's pieces in both backends: conjugate gradient, the Hessian-vector product of the KL,
and the line search that keeps the old parameters when it accepts no step."""
import gymnasium as gym
import numpy as np
import pytest
import tensorflow.compat.v1 as tf
import torch
from torch.nn.utils import parameters_to_vector

from agents import copy_torch_to_tf1, random_batch, tf1_agent, tf1_feed, tf1_params, torch_agent
from spinup.algos.pytorch.trpo import trpo as pt_trpo
from spinup.algos.tf1.trpo import trpo as tf_trpo

tf.disable_v2_behavior()

SMALL = dict(hidden_sizes=(4,))
PT_ARGS = dict(delta=0.01, damping_coeff=0.1, cg_iters=10, backtrack_iters=5, backtrack_coeff=0.8, train_v_iters=1)
TF_ARGS = {k: v for k, v in PT_ARGS.items() if k != 'damping_coeff'}  # TF1 builds damping into the graph


class TinyEnv:
    """Spaces only: 3-D observations, and two actions or a 2-D Box."""
    observation_space = gym.spaces.Box(-1, 1, (3,), np.float32)

    def __init__(self, discrete):
        self.action_space = gym.spaces.Discrete(2) if discrete else gym.spaces.Box(-1, 1, (2,), np.float32)


def spd_matrix(n, seed=0):
    rng = np.random.default_rng(seed)
    m = rng.normal(size=(n, n))
    return m @ m.T + 0.5 * np.eye(n)


@pytest.mark.parametrize('backend', ['pytorch', 'tf1'])
def test_conjugate_gradient_solves_spd_systems(backend):
    A, b = spd_matrix(8), np.random.default_rng(1).normal(size=8)
    expected = np.linalg.solve(A, b)
    if backend == 'pytorch':
        At = torch.as_tensor(A)
        x = pt_trpo.conjugate_gradient(lambda v: At @ v, torch.as_tensor(b), iters=8).numpy()
        few = pt_trpo.conjugate_gradient(lambda v: At @ v, torch.as_tensor(b), iters=3).numpy()
    else:
        x = tf_trpo.conjugate_gradient(lambda v: A @ v, b, iters=8)
        few = tf_trpo.conjugate_gradient(lambda v: A @ v, b, iters=3)
    np.testing.assert_allclose(x, expected, rtol=1e-5, atol=1e-7)  # n steps: exact, up to rounding
    # fewer steps: an approximation, but better than none (the residual shrinks)
    assert np.linalg.norm(A @ few - b) < np.linalg.norm(b)
    assert not np.allclose(few, expected, rtol=1e-3)


@pytest.mark.parametrize('backend', ['pytorch', 'tf1'])
def test_conjugate_gradient_of_zero_is_zero(backend):
    A = spd_matrix(4)
    if backend == 'pytorch':
        x = pt_trpo.conjugate_gradient(lambda v: torch.as_tensor(A) @ v, torch.zeros(4, dtype=torch.float64), 10)
        x = x.numpy()
    else:
        x = tf_trpo.conjugate_gradient(lambda v: A @ v, np.zeros(4), 10)
    assert np.all(np.isfinite(x)) and np.all(x == 0)


def explicit_kl_hessian(ac, obs, pi_old):
    """The Hessian of the mean KL with respect to the policy's flattened parameters, in full."""
    names, params = zip(*ac.pi.named_parameters())
    shapes = [p.shape for p in params]
    theta = parameters_to_vector(params).detach()

    def kl_of(flat):
        pieces, i = {}, 0
        for name, shape in zip(names, shapes):
            n = int(np.prod(shape))
            pieces[name] = flat[i:i + n].reshape(shape)
            i += n
        pi = torch.func.functional_call(ac.pi, pieces, (obs,))[0]
        return torch.distributions.kl_divergence(pi_old, pi).mean()

    return torch.autograd.functional.hessian(kl_of, theta)


@pytest.mark.parametrize('discrete', [True, False])
@pytest.mark.parametrize('rows', [50, 8200])
def test_hessian_vector_product_matches_the_explicit_hessian(discrete, rows):
    """Both backends' H x (plus damping) against H computed in full, on a tiny network away
    from the data-collecting policy (so that H is not only the Fisher matrix). 8200 rows of 4
    hidden units are a whole batch, whose tanh PyTorch's agent computes with NumPy."""
    env = TinyEnv(discrete)
    obs_np = random_batch(env, n=rows, seed=0)['obs']
    obs = torch.as_tensor(obs_np)
    ac_old = torch_agent(env, seed=0, algo='trpo', **SMALL)
    ac = torch_agent(env, seed=1, algo='trpo', **SMALL)
    net = ac.pi.logits_net if discrete else ac.pi.mu_net
    tanh_kind = type(net[1](net[0](obs)).grad_fn).__name__
    assert tanh_kind == ('_NumpyTanhBackward' if rows == 8200 else 'TanhBackward0')
    with torch.no_grad():
        pi_old, _ = ac_old.pi(obs)
    H = explicit_kl_hessian(ac, obs, pi_old).numpy()
    n = H.shape[0]
    assert np.abs(H).max() > 1e-3 and np.allclose(H, H.T, atol=1e-6)
    x = np.random.default_rng(2).normal(size=n).astype(np.float32)
    damping = 0.1
    expected = H @ x + damping * x

    hvp_pt = pt_trpo.hessian_vector_product(ac, obs, pi_old, torch.as_tensor(x), damping).numpy()
    np.testing.assert_allclose(hvp_pt, expected, rtol=1e-4, atol=1e-5)

    agent = tf1_agent(env, algo='trpo', damping_coeff=damping, **SMALL)
    copy_torch_to_tf1(ac_old, agent)
    info_old = agent.sess.run(agent.ops['info'], {agent.x: obs_np})
    copy_torch_to_tf1(ac, agent)
    feed = {agent.x: obs_np, agent.ops['vec_ph']: x, **{agent.ops['info_phs'][k]: v for k, v in info_old.items()}}
    # TF orders the flat vector by its variables: map it onto the PyTorch order
    order = tf_to_torch_order(agent, ac)
    hvp_tf = agent.sess.run(agent.ops['hvp'], {**feed, agent.ops['vec_ph']: x[order]})
    np.testing.assert_allclose(hvp_tf, expected[order], rtol=1e-4, atol=1e-5)


def tf_to_torch_order(agent, ac):
    """Index array: position i of TF's flat parameter vector holds PyTorch's entry order[i]."""
    import re
    with agent.graph.as_default():
        tf_vars = tf.trainable_variables('pi/')
    pt_params = dict(ac.pi.named_parameters())
    offsets, i = {}, 0
    for name, p in pt_params.items():
        offsets[name] = (i, p.shape)
        i += p.numel()
    net = 'mu_net' if hasattr(ac.pi, 'mu_net') else 'logits_net'
    order = []
    for v in tf_vars:
        if v.name == 'pi/log_std:0':
            start, _ = offsets['log_std']
            order += list(range(start, start + int(np.prod(v.shape.as_list()))))
            continue
        j, kind = re.match(r'pi/dense_(\d+)/(kernel|bias):0', v.name).groups()
        start, shape = offsets[f'{net}.{2 * int(j)}.{"weight" if kind == "kernel" else "bias"}']
        idx = np.arange(start, start + int(np.prod(shape))).reshape(shape)
        order += list((idx.T if kind == 'kernel' else idx).ravel())  # kernel = weight transposed
    return np.array(order)


def test_rejected_line_search_keeps_the_old_parameters_pytorch(monkeypatch):
    env = gym.make('Pendulum-v1')
    ac = torch_agent(env, seed=0, algo='trpo')
    data = {k: torch.as_tensor(v) for k, v in random_batch(env, n=200).items()}
    with torch.no_grad():
        data['logp'] = ac.pi(data['obs'], data['act'])[1]
    before = parameters_to_vector(ac.pi.parameters()).detach().clone()

    # every loss evaluated after the first (the line search's) is made worse than the start
    calls = []
    real_loss = pt_trpo.compute_loss_pi

    def worse_after_first(ac_, data_):
        loss, info = real_loss(ac_, data_)
        calls.append(1)
        return (loss if len(calls) == 1 else loss + 1.0), info

    monkeypatch.setattr(pt_trpo, 'compute_loss_pi', worse_after_first)
    vf_opt = torch.optim.Adam(ac.v.parameters(), lr=1e-3)
    info = pt_trpo.update(ac, data, vf_opt, **PT_ARGS)
    assert len(calls) == 1 + 5 + 1  # the gradient, five tries, and the restored parameters
    assert info['BacktrackIters'] == 5 and info['KL'] == 0.0
    assert torch.equal(parameters_to_vector(ac.pi.parameters()), before)

    # without the sabotage, the first try is taken and the policy moves within the trust region
    monkeypatch.setattr(pt_trpo, 'compute_loss_pi', real_loss)
    info = pt_trpo.update(ac, data, vf_opt, **PT_ARGS)
    assert info['BacktrackIters'] < 5 and 0 < info['KL'] <= 0.01 and info['DeltaLossPi'] < 0
    assert not torch.equal(parameters_to_vector(ac.pi.parameters()), before)


def test_rejected_line_search_keeps_the_old_parameters_tf1():
    env = gym.make('Pendulum-v1')
    agent = tf1_agent(env, algo='trpo')
    data = random_batch(env, n=200)
    data['logp'] = agent.sess.run(agent.logp, {agent.x: data['obs'], agent.a: data['act']})
    feed = tf1_feed(agent, data)
    before = tf1_params(agent)

    # reading the old parameters (once, just before the line search) switches on a penalty
    # that makes every loss the line search sees worse than the starting one
    ops = dict(agent.ops)
    with agent.graph.as_default():
        penalty = tf.Variable(0.0, trainable=False)
        agent.sess.run(penalty.initializer)
        with tf.control_dependencies([tf.assign(penalty, 1.0)]):
            ops['get_pi_params'] = tf.identity(agent.ops['get_pi_params'])
        ops['loss_pi'] = agent.ops['loss_pi'] + penalty
    info = tf_trpo.update(agent.sess, ops, feed, **TF_ARGS)
    assert info['BacktrackIters'] == 5 and info['KL'] == pytest.approx(0.0, abs=1e-7)
    after = tf1_params(agent)
    for name in before:
        if name.startswith('pi/'):
            np.testing.assert_array_equal(before[name], after[name], err_msg=name)

    # without the penalty, a step is taken within the trust region
    info = tf_trpo.update(agent.sess, agent.ops, feed, **TF_ARGS)
    assert info['BacktrackIters'] < 5 and 0 < info['KL'] <= 0.01 and info['DeltaLossPi'] < 0
    assert any(not np.array_equal(before[n], v) for n, v in tf1_params(agent).items() if n.startswith('pi/'))


@pytest.mark.parametrize('backend', ['pytorch', 'tf1'])
def test_npg_takes_the_full_step(backend):
    """NPG: no line search; the step lands near the trust region's edge (quadratic approximation)."""
    env = gym.make('Pendulum-v1')
    data = random_batch(env, n=500)
    if backend == 'pytorch':
        ac = torch_agent(env, seed=0, algo='trpo')
        tdata = {k: torch.as_tensor(v) for k, v in data.items()}
        with torch.no_grad():
            tdata['logp'] = ac.pi(tdata['obs'], tdata['act'])[1]
        info = pt_trpo.update(ac, tdata, torch.optim.Adam(ac.v.parameters()), **PT_ARGS, algo='npg')
    else:
        agent = tf1_agent(env, algo='trpo')
        data['logp'] = agent.sess.run(agent.logp, {agent.x: data['obs'], agent.a: data['act']})
        info = tf_trpo.update(agent.sess, agent.ops, tf1_feed(agent, data), **TF_ARGS, algo='npg')
    assert info['BacktrackIters'] == 0
    assert 0.2 * 0.01 < info['KL'] <= 1.5 * 0.01  # near the edge, as the quadratic approximation puts it


def _pendulum_batch_pt(ac):
    env = gym.make('Pendulum-v1')
    data = {k: torch.as_tensor(v) for k, v in random_batch(env, n=200).items()}
    with torch.no_grad():
        data['logp'] = ac.pi(data['obs'], data['act'])[1]
    return data


def test_steps_past_the_trust_region_are_shrunk_pytorch(monkeypatch):
    """The first two tries of the line search see a KL beyond delta: the third, shrunk twice, is taken."""
    env = gym.make('Pendulum-v1')
    ac = torch_agent(env, seed=0, algo='trpo')
    data = _pendulum_batch_pt(ac)
    real_kl = pt_trpo.compute_kl
    inflated = []

    def kl_too_big_at_first(ac_, obs, pi_old):
        kl = real_kl(ac_, obs, pi_old)
        if not torch.is_grad_enabled() and len(inflated) < 2:  # a line-search evaluation
            inflated.append(1)
            return kl + 1.0
        return kl

    monkeypatch.setattr(pt_trpo, 'compute_kl', kl_too_big_at_first)
    info = pt_trpo.update(ac, data, torch.optim.Adam(ac.v.parameters()), **PT_ARGS)
    assert info['BacktrackIters'] == 2
    assert 0 < info['KL'] <= 0.01 and info['DeltaLossPi'] < 0


def test_steps_past_the_trust_region_are_shrunk_tf1():
    env = gym.make('Pendulum-v1')
    agent = tf1_agent(env, algo='trpo')
    data = random_batch(env, n=200)
    data['logp'] = agent.sess.run(agent.logp, {agent.x: data['obs'], agent.a: data['act']})
    ops = dict(agent.ops)
    with agent.graph.as_default():
        tries = tf.Variable(0, trainable=False)
        agent.sess.run(tries.initializer)
        count = tf.assign_add(tries, 1)  # counts the line search's evaluations of the KL
        ops['d_kl'] = agent.ops['d_kl'] + tf.cast(count <= 2, tf.float32)
    info = tf_trpo.update(agent.sess, ops, tf1_feed(agent, data), **TF_ARGS)
    assert info['BacktrackIters'] == 2
    assert 0 < info['KL'] <= 0.01 and info['DeltaLossPi'] < 0


MPI_UPDATE = """
import json, sys
import gymnasium as gym
import numpy as np
sys.path.insert(0, {test_dir!r})
from spinup.utils.mpi_tools import mpi_fork, proc_id
mpi_fork(2)
from agents import random_batch, tf1_agent, tf1_feed, tf1_params, torch_agent
from mpi4py import MPI
backend = {backend!r}
env = gym.make('Pendulum-v1')
data = random_batch(env, n=200, seed=proc_id())  # each process its own batch
args = dict(delta=0.01, cg_iters=10, backtrack_iters=10, backtrack_coeff=0.8, train_v_iters=3)
if backend == 'pytorch':
    import torch
    from torch.nn.utils import parameters_to_vector
    from spinup.algos.pytorch.trpo import trpo
    ac = torch_agent(env, seed=0, algo='trpo')
    data = {{k: torch.as_tensor(v) for k, v in data.items()}}
    with torch.no_grad():
        data['logp'] = ac.pi(data['obs'], data['act'])[1]
    info = trpo.update(ac, data, torch.optim.Adam(ac.v.parameters()), damping_coeff=0.1, **args)
    params = parameters_to_vector(ac.parameters()).detach().numpy()
else:
    from spinup.algos.tf1.trpo import trpo
    agent = tf1_agent(env, algo='trpo')
    data['logp'] = agent.sess.run(agent.logp, {{agent.x: data['obs'], agent.a: data['act']}})
    info = trpo.update(agent.sess, agent.ops, tf1_feed(agent, data), **args)
    params = np.concatenate([v.ravel() for _, v in sorted(tf1_params(agent).items())])
gathered = MPI.COMM_WORLD.allgather(params)
mine = dict(proc=proc_id(), same=bool(np.array_equal(gathered[0], gathered[1])),
            kl=float(info['KL']), moved=bool(info['BacktrackIters'] < 10))
results = MPI.COMM_WORLD.gather(mine)
if proc_id() == 0:  # one printer: lines from two processes could interleave
    print('RESULT ' + json.dumps(results), flush=True)
"""


@pytest.mark.parametrize('backend', ['pytorch', 'tf1'])
def test_update_keeps_processes_in_step_under_mpi(tmp_path, backend):
    """Two processes with different batches take the same step (g, Hx, the KL and the loss are
    averaged), so their parameters stay identical."""
    import json
    import subprocess
    import sys
    from conftest import REPO
    script = tmp_path / 'mpi_trpo.py'
    script.write_text(MPI_UPDATE.format(test_dir=REPO + '/test', backend=backend))
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=REPO)
    assert out.returncode == 0, out.stderr[-3000:]
    [results] = [json.loads(line[len('RESULT '):]) for line in out.stdout.splitlines() if line.startswith('RESULT ')]
    assert sorted(r['proc'] for r in results) == [0, 1]
    assert all(r['same'] and r['moved'] for r in results)
    assert results[0]['kl'] == results[1]['kl'] and 0 < results[0]['kl'] <= 0.01
