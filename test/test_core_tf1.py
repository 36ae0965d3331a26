"""PPO (TF1) building blocks: dense layers, policies, losses, the update's KL check, and the
MPI helpers of mpi_tf."""
import json
import math
import subprocess
import sys
import textwrap

import gymnasium as gym
import numpy as np
import pytest
import scipy.stats
import tensorflow.compat.v1 as tf

from conftest import REPO
from agents import random_batch, tf1_agent, tf1_feed, tf1_params, torch_agent
from spinup.algos.tf1.ppo import core
from spinup.algos.tf1.ppo.ppo import update
from spinup.utils.errors import SpinupError
from spinup.utils.mpi_tf import MpiAdamOptimizer, assign_params_from_flat, flat_concat, sync_all_params

tf.disable_v2_behavior()


def test_dense_is_glorot_uniform_with_zero_bias():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 300])
        y = core.dense(x, 200, tf.nn.relu, name='layer')
        names = sorted(v.name for v in tf.trainable_variables())
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            kernel, bias = sess.run(['layer/kernel:0', 'layer/bias:0'])
            out = sess.run(y, {x: -np.ones((2, 300))})
    assert names == ['layer/bias:0', 'layer/kernel:0']
    limit = math.sqrt(6 / (300 + 200))
    assert kernel.shape == (300, 200) and np.abs(kernel).max() <= limit
    assert np.abs(kernel).max() > 0.9 * limit  # uniform over the whole range, not narrower
    assert kernel.std() == pytest.approx(limit / math.sqrt(3), rel=0.02)
    assert (bias == 0).all()
    assert (out >= 0).all()  # the activation is applied


def test_mlp_layer_widths_and_names():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 5])
        with tf.variable_scope('net'):
            out = core.mlp(x, [16, 8, 3])
        shapes = {v.name: v.shape.as_list() for v in tf.trainable_variables()}
        assert out.shape.as_list() == [None, 3]
        assert core.count_vars('net') == 5 * 16 + 16 + 16 * 8 + 8 + 8 * 3 + 3
    assert shapes['net/dense_0/kernel:0'] == [5, 16] and shapes['net/dense_2/kernel:0'] == [8, 3]


@pytest.mark.parametrize('env_id', ['CartPole-v1', 'Pendulum-v1', 'HalfCheetah-v5'])
def test_actor_critic_shapes_and_sizes(env_id):
    env = gym.make(env_id)
    agent = tf1_agent(env)
    obs = random_batch(env, n=7)['obs']
    a, v, logp_pi, ent = agent.sess.run([agent.pi, agent.v, agent.logp_pi, agent.ent], {agent.x: obs})
    assert a.shape == (7,) + env.action_space.shape
    assert v.shape == (7,) and logp_pi.shape == (7,) and ent.shape == (7,)
    if isinstance(env.action_space, gym.spaces.Discrete):
        assert all(env.action_space.contains(int(ai)) for ai in a)
    # the same number of parameters as the PyTorch agent, scope by scope
    ac = torch_agent(env, seed=0)
    with agent.graph.as_default():
        counts = (core.count_vars('pi'), core.count_vars('v'))
    assert counts == (sum(p.numel() for p in ac.pi.parameters()), sum(p.numel() for p in ac.v.parameters()))


def test_gaussian_log_std_starts_at_minus_half_and_entropy_is_exact():
    env = gym.make('HalfCheetah-v5')
    agent = tf1_agent(env)
    params = tf1_params(agent)
    np.testing.assert_allclose(params['pi/log_std:0'], -0.5)
    ent = agent.sess.run(agent.ent, {agent.x: random_batch(env, n=3)['obs']})
    np.testing.assert_allclose(ent, 6 * (-0.5 + 0.5 * math.log(2 * math.pi * math.e)), rtol=1e-6)


def test_gaussian_likelihood_against_scipy():
    rng = np.random.default_rng(0)
    x, mu, log_std = rng.normal(size=(5, 3)), rng.normal(size=(5, 3)), rng.normal(size=3)
    with tf.Graph().as_default(), tf.Session() as sess:
        out = sess.run(core.gaussian_likelihood(tf.constant(x), tf.constant(mu), tf.constant(log_std)))
    expected = scipy.stats.norm.logpdf(x, loc=mu, scale=np.exp(log_std)).sum(axis=1)
    np.testing.assert_allclose(out, expected, rtol=1e-10)


def test_categorical_samples_follow_the_policy():
    env = gym.make('CartPole-v1')
    agent = tf1_agent(env, seed=0)
    obs = np.repeat(random_batch(env, n=1)['obs'], 20000, axis=0)
    a, logp_pi = agent.sess.run([agent.pi, agent.logp_pi], {agent.x: obs})
    p1 = np.exp(logp_pi[a == 1][0])
    assert (a == 1).mean() == pytest.approx(p1, abs=0.015)


def test_non_flat_observations_and_odd_actions_are_refused():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 4, 4])
        with pytest.raises(SpinupError, match='flat vector observations'):
            core.mlp_actor_critic(x, tf.placeholder(tf.int32, [None]), action_space=gym.spaces.Discrete(2))
        x = tf.placeholder(tf.float32, [None, 4])
        with pytest.raises(SpinupError, match='Box \\(1-D\\) and Discrete'):
            core.mlp_actor_critic(x, None, action_space=gym.spaces.MultiBinary(3))


def _data(agent, env, n=64, seed=0):
    data = random_batch(env, n=n, seed=seed)
    data['act'], data['logp'] = agent.sess.run([agent.pi, agent.logp_pi], {agent.x: data['obs']})
    return data


def test_loss_pi_at_the_data_policy():
    env = gym.make('CartPole-v1')
    agent = tf1_agent(env, seed=0)
    data = _data(agent, env)
    ops = agent.ops
    loss, kl, cf, ent, loss_v = agent.sess.run([ops['loss_pi'], ops['kl'], ops['cf'], ops['ent'], ops['loss_v']],
                                               tf1_feed(agent, data))
    # ratio = 1 everywhere: the loss is -mean(adv), nothing is clipped, KL is zero
    assert loss == pytest.approx(-data['adv'].mean(), abs=1e-5)
    assert kl == pytest.approx(0.0, abs=1e-6) and cf == 0.0
    assert 0.5 < ent <= math.log(2)  # two actions, neither certain
    assert loss_v >= 0


def test_kl_is_checked_before_the_step():
    env = gym.make('Pendulum-v1')
    agent = tf1_agent(env, seed=0, pi_lr=1e-2)
    feed = tf1_feed(agent, _data(agent, env))
    before = tf1_params(agent)
    # a negative target: the KL of the unchanged policy (0) already exceeds it
    info = update(agent.sess, agent.ops, feed, train_pi_iters=10, train_v_iters=1, target_kl=-1.0)
    assert info['StopIter'] == 0
    after = tf1_params(agent)
    for name in before:
        if name.startswith('pi/'):
            np.testing.assert_array_equal(before[name], after[name], err_msg='a policy step was taken')
    # with room to move, every iteration runs and the policy changes
    info = update(agent.sess, agent.ops, feed, train_pi_iters=10, train_v_iters=1, target_kl=1e6)
    assert info['StopIter'] == 10
    assert any(not np.array_equal(before[n], v) for n, v in tf1_params(agent).items() if n.startswith('pi/'))
    assert info['KL'] != 0.0
    assert set(info) == {'LossPi', 'LossV', 'DeltaLossPi', 'DeltaLossV', 'KL', 'Entropy', 'ClipFrac', 'StopIter'}


def test_early_stop_takes_exactly_the_steps_within_the_kl_bound():
    env = gym.make('Pendulum-v1')
    target_kl = 0.01
    probe = tf1_agent(env, seed=1)
    data = _data(probe, env, n=256)

    def run(train_pi_iters, target):
        agent = tf1_agent(env, seed=1, pi_lr=3e-2)  # the same graph seed: the same initial weights
        return update(agent.sess, agent.ops, tf1_feed(agent, data), train_pi_iters=train_pi_iters,
                      train_v_iters=1, target_kl=target)

    info = run(80, target_kl)
    stop = info['StopIter']
    assert 1 <= stop < 80
    assert info['KL'] > 1.5 * target_kl  # the policy it stopped at is past the bound...
    assert run(stop - 1, 1e6)['KL'] <= 1.5 * target_kl  # ...and the one before it was within
    assert run(stop, 1e6)['KL'] == pytest.approx(info['KL'])  # the same steps, without the check


def test_flat_concat_and_assign_round_trip():
    with tf.Graph().as_default(), tf.Session() as sess:
        params = [tf.get_variable('a', [2, 3]), tf.get_variable('b', [4])]
        sess.run(tf.global_variables_initializer())
        flat = sess.run(flat_concat(params))
        assert flat.shape == (10,)
        sess.run(assign_params_from_flat(tf.constant(np.arange(10, dtype=np.float32)), params))
        a, b = sess.run(params)
    np.testing.assert_array_equal(a, np.arange(6).reshape(2, 3))
    np.testing.assert_array_equal(b, [6, 7, 8, 9])


def test_mpi_adam_is_adam_in_one_process():
    def train(optimizer_class):
        with tf.Graph().as_default(), tf.Session() as sess:
            w = tf.get_variable('w', initializer=np.array([1.0, -2.0, 3.0], dtype=np.float32))
            train_op = optimizer_class(learning_rate=0.1).minimize(tf.reduce_sum(w ** 2 * [1.0, 2.0, 3.0]))
            sess.run(tf.global_variables_initializer())
            sess.run(sync_all_params())
            for _ in range(5):
                sess.run(train_op)
            return sess.run(w)

    np.testing.assert_array_equal(train(MpiAdamOptimizer), train(tf.train.AdamOptimizer))


def test_mpi_adam_averages_gradients_across_two_processes(tmp_path):
    """Each process has its own loss; one step moves both by Adam on the averaged gradient,
    and parameters that start apart are synced from process 0."""
    script = tmp_path / 'mpi_adam.py'
    script.write_text(textwrap.dedent("""
        import json
        import numpy as np
        import tensorflow.compat.v1 as tf
        from spinup.utils.mpi_tools import mpi_fork, proc_id
        from spinup.utils.mpi_tf import MpiAdamOptimizer, sync_all_params
        mpi_fork(2)
        tf.disable_v2_behavior()
        w = tf.get_variable('w', initializer=np.array([1.0, 1.0], dtype=np.float32) * (1 + proc_id()))
        target = np.array([[0.0, 4.0], [2.0, -6.0]], dtype=np.float32)[proc_id()]
        loss = tf.reduce_sum((w - target) ** 2)
        train = MpiAdamOptimizer(learning_rate=0.5, epsilon=1e-12).minimize(loss)
        sess = tf.Session()
        sess.run(tf.global_variables_initializer())
        sess.run(sync_all_params())  # process 1 starts from process 0's [1, 1]
        w0 = sess.run(w)
        grad = sess.run(tf.gradients(loss, w)[0])
        sess.run(train)
        from mpi4py import MPI
        results = MPI.COMM_WORLD.gather([proc_id(), w0.tolist(), grad.tolist(), sess.run(w).tolist()])
        if proc_id() == 0:  # one printer: lines from two processes could interleave
            print('RESULT ' + json.dumps(results), flush=True)
    """))
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=REPO)
    assert out.returncode == 0, out.stderr[-3000:]
    [results] = [json.loads(line[len('RESULT '):]) for line in out.stdout.splitlines()
                 if line.startswith('RESULT ')]
    assert [r[0] for r in results] == [0, 1], out.stdout[-2000:]
    (_, w0_a, g_a, w1_a), (_, w0_b, g_b, w1_b) = results
    assert w0_a == w0_b == [1.0, 1.0]  # synced from process 0
    # local gradients differ: 2 (w - target) = [2, -6] and [-2, 14]; their average is [0, 4]
    assert g_a == [2.0, -6.0] and g_b == [-2.0, 14.0]
    assert w1_a == w1_b
    # Adam's first step moves each coordinate by lr * sign(mean gradient), or not at all if it is 0
    np.testing.assert_allclose(w1_a, [1.0, 0.5], atol=1e-5)
