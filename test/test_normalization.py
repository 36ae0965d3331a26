"""Observation and reward normalization (spinup.utils.normalization), its statistics saved with
the agent in both backends, and the orthogonal initialization that is the same in both."""
import json
import os.path as osp
import pickle
import sys

import gymnasium as gym
import numpy as np
import pandas as pd
import pytest
from gymnasium.spaces import Box

from conftest import run_python
from spinup.utils.envs import EnvFn
from spinup.utils.errors import SpinupError
from spinup.utils.normalization import CLIP, EPSILON, Normalizer

TEST_DIR = osp.dirname(osp.abspath(__file__))
PRIOR = 1e-4  # gymnasium's (and baselines') starting count, of mean 0 and variance 1


def with_prior(data):
    """Mean and variance of ``data`` (rows) joined with the prior: by their sums, not by the
    parallel formula the normalizer uses."""
    n = len(data) + PRIOR
    mean = data.sum(axis=0) / n
    return mean, (PRIOR * 1.0 + (data ** 2).sum(axis=0)) / n - mean ** 2


def space(dim):
    return Box(-np.inf, np.inf, (dim,), np.float64)


def test_the_running_statistics_are_numpys_and_normalize_as_said():
    rng = np.random.default_rng(0)
    norm = Normalizer(space(3), num_envs=4, gamma=0.99, observations=True)
    batches = [rng.normal([5.0, -2.0, 0.0], [3.0, 0.1, 50.0], size=(4, 3)) for _ in range(50)]
    for batch in batches:
        x = norm.obs(batch)
    data = np.concatenate(batches)
    stats = norm.stats['obs']
    # NumPy's, but for the prior's weight of 1e-4 in 200
    np.testing.assert_allclose(stats.mean, data.mean(axis=0), rtol=1e-3)
    np.testing.assert_allclose(stats.var, data.var(axis=0), rtol=1e-3)
    mean, var = with_prior(data)
    np.testing.assert_allclose(stats.mean, mean, rtol=1e-10)
    np.testing.assert_allclose(stats.var, var, rtol=1e-8)
    # the last batch, normalized by statistics that include it; outliers clipped
    np.testing.assert_array_equal(x, np.clip((batches[-1] - stats.mean) / np.sqrt(stats.var + EPSILON), -CLIP, CLIP))
    far = norm.obs(np.array([[1e6, 0.0, 0.0]]), update=False)
    assert far[0, 0] == CLIP
    assert norm.stats['obs'].count == pytest.approx(200 + PRIOR)  # frozen: nothing added


def test_off_hands_back_what_it_is_given():
    norm = Normalizer(space(3), num_envs=2, gamma=0.99)
    o, r = np.ones((2, 3)), np.array([5.0, -1.0])
    assert norm.obs(o) is o and norm.reward(r) is r
    assert not norm.on


def test_images_are_not_normalized():
    with pytest.raises(SpinupError, match='normalize_obs takes observations of float numbers'):
        Normalizer(Box(0, 255, (4, 84, 84), np.uint8), num_envs=1, gamma=0.99, observations=True)


def test_the_reward_scale_is_the_hand_computed_one_across_episode_ends():
    """Two copies, gamma 0.5: copy 0's episode ends after its second step, so its return starts
    again; copy 1's goes on. The scale is the spread of every return so far."""
    norm = Normalizer(space(1), num_envs=2, gamma=0.5, rewards=True)
    rewards = [np.array([1.0, 2.0]), np.array([3.0, -2.0]), np.array([4.0, 1.0]), np.array([6.0, 0.0])]
    ends = [np.array([False, False]), np.array([True, False]), np.array([False, False]), np.array([False, False])]
    # the returns, by hand: copy 0 1, 3.5 | (new episode) 4, 8; copy 1 2, -1, 0.5, 0.25
    returns = [[1.0, 2.0], [3.5, -1.0], [4.0, 0.5], [8.0, 0.25]]
    seen = []
    for r, end, ret in zip(rewards, ends, returns):
        scaled = norm.reward(r)
        np.testing.assert_array_equal(norm.ret, ret)
        seen += ret
        _, var = with_prior(np.array(seen))
        np.testing.assert_allclose(scaled, np.clip(r / np.sqrt(var + EPSILON), -CLIP, CLIP), rtol=1e-9)
        norm.restart(end)
    assert np.sign(norm.reward(np.array([-3.0, 3.0]))).tolist() == [-1, 1]  # signs stay
    steady = Normalizer(space(1), num_envs=2, gamma=0.5, rewards=True)
    for _ in range(300):  # returns that hardly vary, then an outlier: clipped
        steady.reward(np.array([0.01, 0.01]))
    assert steady.reward(np.array([1.0, -1.0])).tolist() == [CLIP, -CLIP]


MPI_SYNC = """
import json, sys
import numpy as np
from gymnasium.spaces import Box
from spinup.utils.mpi_tools import mpi_fork, proc_id
mpi_fork(2)
from mpi4py import MPI
from spinup.utils.normalization import Normalizer
norm = Normalizer(Box(-np.inf, np.inf, (2,), np.float64), num_envs=2, gamma=0.9, observations=True,
                  rewards=True)
rng = np.random.default_rng(proc_id())
seen = []
for epoch in range(2):  # a different number of steps on each process, two syncs
    for _ in range(10 + 5 * proc_id() + epoch):
        o = rng.normal(3.0 * proc_id(), 1.0 + proc_id(), size=(2, 2))
        norm.obs(o)
        norm.reward(rng.normal(size=2))
        seen.append(o)
    norm.sync()
everything = np.concatenate(sum(MPI.COMM_WORLD.allgather(seen), []))
stats = norm.stats['obs']
results = MPI.COMM_WORLD.gather(dict(mean=stats.mean.tolist(), var=stats.var.tolist(), count=stats.count,
                                     ret_count=norm.stats['ret'].count,
                                     np_mean=everything.mean(axis=0).tolist(),
                                     np_var=everything.var(axis=0).tolist(), n=len(everything)))
if proc_id() == 0:
    print('RESULT ' + json.dumps(results), flush=True)
"""


def test_two_mpi_processes_merge_into_the_statistics_of_everything_seen(tmp_path):
    import subprocess
    script = tmp_path / 'sync.py'  # (a file: mpi_fork starts it again under mpiexec)
    script.write_text(MPI_SYNC)
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    out = out.stdout
    results = json.loads(out.split('RESULT ', 1)[1])
    first, second = results
    assert first['n'] == 2 * ((10 + 11) + (15 + 16))  # each step a row for each of 2 copies
    for proc in results:
        assert proc['count'] == pytest.approx(first['n'] + PRIOR)
        np.testing.assert_allclose(proc['mean'], first['np_mean'], rtol=1e-4)
        np.testing.assert_allclose(proc['var'], first['np_var'], rtol=1e-4)
        assert proc['ret_count'] == pytest.approx(first['n'] + PRIOR)
    assert first['mean'] == second['mean'] and first['var'] == second['var']  # the same on both


# --- the statistics with the agent -------------------------------------------------------------

def run(backend, algo, output_dir, epochs=2, **kwargs):
    import importlib
    fn = getattr(importlib.import_module(f'spinup.algos.{backend}.{algo}.{algo}'), algo)
    args = dict(steps_per_epoch=200, train_v_iters=3, ac_kwargs=dict(hidden_sizes=(8,), init='orthogonal'),
                seed=1, save_freq=1, normalize_obs=True, normalize_reward=True)
    if algo == 'ppo':
        args['train_pi_iters'] = 3
    fn(EnvFn('Pendulum-v1'), epochs=epochs, logger_kwargs=dict(output_dir=str(output_dir)), **{**args, **kwargs})


LOADED = """
import json, sys
import numpy as np
from spinup.utils.test_policy import load_policy_and_env
from spinup.utils.logx import restore_tf_graph
run_dir, backend = sys.argv[1], sys.argv[2]
obs = np.array([[0.3, -0.9, 4.0], [-1.0, 0.0, -7.5], [0.8, 0.6, 0.1]], dtype=np.float32)
if backend == 'pytorch':
    import torch
    model = torch.load(run_dir + '/pyt_save/model.pt', weights_only=False)
    torch.manual_seed(5)
    a, v, logp = model.step(torch.as_tensor(obs))
    out = dict(a=a.tolist(), v=v.tolist())
else:
    import tensorflow.compat.v1 as tf
    sess = tf.Session(graph=tf.Graph())
    model = restore_tf_graph(sess, run_dir + '/tf1_save')
    out = dict(v=sess.run(model['v'], {model['x']: obs}).tolist())
env, get_action = load_policy_and_env(run_dir)
out['acts'] = np.asarray(get_action(obs[0])).shape == env.action_space.shape
print('RESULT ' + json.dumps(out), flush=True)
"""


@pytest.mark.parametrize('backend', ['pytorch', 'tf1'])
def test_the_saved_agent_normalizes_as_the_agent_did_in_training(tmp_path, backend):
    """A fresh process loads the save and plays raw observations: it gives the values (and in
    PyTorch, with the same random draws, the actions) that the trained agent gave the same
    observations normalized by the run's statistics, read back from its checkpoint."""
    run(backend, 'ppo', tmp_path)
    with open(tmp_path / 'checkpoint' / 'normalizer.pkl', 'rb') as f:
        state = pickle.load(f)
    norm = Normalizer(space(3), num_envs=1, gamma=0.99, observations=True)
    norm.load_state_dict(state)
    assert state['obs']['count'] > 400 and np.abs(state['obs']['mean']).max() > 0.1  # statistics of the run
    obs = np.array([[0.3, -0.9, 4.0], [-1.0, 0.0, -7.5], [0.8, 0.6, 0.1]], dtype=np.float32)
    x = norm.obs(obs, update=False)
    out = run_python(LOADED.replace('sys.argv[1], sys.argv[2]', f'{str(tmp_path)!r}, {backend!r}'))
    loaded = json.loads(out.split('RESULT ', 1)[1])
    assert loaded['acts']
    if backend == 'pytorch':
        import torch
        from spinup.algos.pytorch.ppo import core
        ac = core.MLPActorCritic(space(3), Box(-2, 2, (1,)), hidden_sizes=(8,))
        ac.load_state_dict(torch.load(tmp_path / 'checkpoint' / 'model.pt', weights_only=True)['ac'])
        torch.manual_seed(5)
        a, v, _ = ac.step(torch.as_tensor(x, dtype=torch.float32))
        assert loaded['a'] == a.tolist() and loaded['v'] == v.tolist()
        raw = ac.step(torch.as_tensor(obs))[1]
        assert not np.allclose(raw, v)  # normalizing made a difference
    else:
        import tensorflow.compat.v1 as tf
        from spinup.utils.logx import restore_tf_graph
        sess = tf.Session(graph=tf.Graph())
        model = restore_tf_graph(sess, str(tmp_path / 'tf1_save'))
        normalized = sess.graph.get_tensor_by_name('normalization/PlaceholderWithDefault:0')
        v = sess.run(model['v'], {normalized: x.astype(np.float32)})
        assert loaded['v'] == v.tolist()
        assert not np.allclose(sess.run(model['v'], {normalized: obs}), v)


@pytest.mark.parametrize('backend', ['pytorch', 'tf1'])
def test_both_backends_freeze_the_same_normalized_inputs(backend):
    """The saved agents' own normalization (PyTorch's module, TF1's graph) gives the
    normalizer's inputs, bit for bit."""
    rng = np.random.default_rng(1)
    norm = Normalizer(space(3), num_envs=5, gamma=0.99, observations=True)
    for _ in range(20):
        norm.obs(rng.normal([1.0, 20.0, -3.0], [0.5, 10.0, 2.0], size=(5, 3)))
    obs = rng.normal([1.0, 20.0, -3.0], [0.5, 30.0, 2.0], size=(64, 3)).astype(np.float32)
    obs[0, 1] = 1e4  # far out
    expected = norm.obs(obs, update=False).astype(np.float32)
    if backend == 'pytorch':
        import torch
        from spinup.utils.normalization_pytorch import NormalizedAgent
        got = NormalizedAgent(torch.nn.Identity(), norm).normalize(torch.as_tensor(obs)).numpy()
    else:
        import tensorflow.compat.v1 as tf
        from spinup.utils.normalization_tf import normalized_input
        graph = tf.Graph()
        with graph.as_default():
            raw, x, store = normalized_input(tf.placeholder(tf.float32, (None, 3)), norm)
            sess = tf.Session(graph=graph)
            sess.run(tf.global_variables_initializer())
            store(sess)
            got = sess.run(x, {raw: obs})
    np.testing.assert_array_equal(got, expected)
    assert np.abs(expected).max() == CLIP  # some are clipped


@pytest.mark.parametrize('backend', ['pytorch', 'tf1'])
def test_a_normalized_run_stopped_and_resumed_writes_the_one_go_progress(tmp_path, backend):
    one, two = tmp_path / 'one', tmp_path / 'two'
    run(backend, 'ppo', one, epochs=4)
    run(backend, 'ppo', two, epochs=2)
    run(backend, 'ppo', two, epochs=4, resume_from=str(two))
    whole, resumed = pd.read_table(one / 'progress.txt'), pd.read_table(two / 'progress.txt')
    assert resumed['Epoch'].tolist() == [0, 1, 2, 3]
    pd.testing.assert_frame_equal(resumed.drop(columns='Time'), whole.drop(columns='Time'))


def test_resuming_with_normalization_a_run_that_had_none_is_one_line(tmp_path):
    run('pytorch', 'vpg', tmp_path, epochs=1, normalize_obs=False, normalize_reward=False)
    with pytest.raises(SpinupError, match='has no normalization statistics'):
        run('pytorch', 'vpg', tmp_path, epochs=2, resume_from=str(tmp_path))


# --- one initialization across backends ----------------------------------------------------------

def kernels(backend, env):
    """The agent's weight matrices, (in, out), by layer: the policy's, then the value's."""
    from agents import tf1_agent, tf1_params, torch_agent
    if backend == 'pytorch':
        import torch
        ac = torch_agent(env, seed=0, init='orthogonal')
        nets = [ac.pi.mu_net, ac.v.v_net]
        return [m.weight.detach().numpy().T for net in nets for m in net if isinstance(m, torch.nn.Linear)]
    params = tf1_params(tf1_agent(env, init='orthogonal'))
    return [params[f'{scope}/dense_{j}/kernel:0'] for scope in ('pi', 'v') for j in range(3)]


@pytest.mark.parametrize('backend', ['pytorch', 'tf1'])
def test_orthogonal_init_is_ppo2s_in_both_backends(backend):
    """Orthogonal kernels: gain sqrt(2) in the hidden layers, 0.01 in the policy's output, 1 in
    the value's (each kernel's columns, or rows where it is wider than tall, are orthogonal
    with that norm)."""
    env = gym.make('HalfCheetah-v5')
    gains = [np.sqrt(2), np.sqrt(2), 0.01, np.sqrt(2), np.sqrt(2), 1.0]
    for kernel, gain in zip(kernels(backend, env), gains, strict=True):
        small = kernel.T @ kernel if kernel.shape[0] >= kernel.shape[1] else kernel @ kernel.T
        np.testing.assert_allclose(small, gain ** 2 * np.eye(len(small)), atol=1e-5 * max(1, gain ** 2))


def test_orthogonal_init_gives_both_backends_the_same_losses_on_shared_weights():
    import torch
    from agents import copy_torch_to_tf1, random_batch, tf1_agent, tf1_feed, torch_agent
    from spinup.algos.pytorch.ppo import ppo as pt_ppo
    env = gym.make('HalfCheetah-v5')
    ac, agent = torch_agent(env, seed=0, init='orthogonal'), tf1_agent(env, seed=1, init='orthogonal')
    copy_torch_to_tf1(ac, agent)
    data = random_batch(env, n=128, seed=2)
    with torch.no_grad():
        data['logp'] = ac.pi(torch.as_tensor(data['obs']), torch.as_tensor(data['act']))[1].numpy() + 0.1
        pt = {k: torch.as_tensor(v) for k, v in data.items()}
        expected = [pt_ppo.compute_loss_pi(ac, pt, 0.2)[0].item(), pt_ppo.compute_loss_v(ac, pt).item()]
    got = agent.sess.run([agent.ops['loss_pi'], agent.ops['loss_v']], tf1_feed(agent, data))
    np.testing.assert_allclose(got, expected, rtol=1e-5)
