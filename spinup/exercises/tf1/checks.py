"""The checks that the TensorFlow 1 exercise files run when they are run as scripts.

Each ``check_1_N`` takes what the student wrote in exercise1_N.py, runs the check, prints
the banner and exits (0: passed, 1: failed). The framework-free parts are in
``spinup.exercises.checks``; here the student's graph-building functions are called on
placeholders in a fresh graph, and the ops run in a session.
"""
import os
from functools import partial

import numpy as np
import tensorflow.compat.v1 as tf

from spinup.exercises import checks
from spinup.exercises.common import Checker, compare, exercise_flags

tf.disable_v2_behavior()


def in_graph(build):
    """``build`` (tensors in, an op out) as NumPy in, NumPy out: each call builds the op on
    float32 placeholders (batch size left open) in a new graph and runs it."""
    def run(*arrays):
        arrays = [np.asarray(a, dtype=np.float32) for a in arrays]
        with tf.Graph().as_default():
            phs = [tf.placeholder(tf.float32, shape=(None, *a.shape[1:]) if a.ndim > 1 else a.shape) for a in arrays]
            out = build(*phs)
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                return sess.run(out, dict(zip(phs, arrays)))
    return run


def check_1_1(gaussian_likelihood) -> None:
    from spinup.exercises.tf1.problem_set_1_solutions.exercise1_1_soln import gaussian_likelihood as solution
    exercise_flags()  # none: a mistyped flag is an error, not ignored
    checker = Checker('Exercise 1.1: diagonal Gaussian log-likelihood (TF1)')
    checks.check_gaussian_likelihood(checker, in_graph(gaussian_likelihood), in_graph(solution))
    checker.finish()


def check_1_4(advantages_and_returns) -> None:
    from spinup.exercises.tf1.problem_set_1_solutions.exercise1_4_soln import advantages_and_returns as solution
    exercise_flags()  # none: a mistyped flag is an error, not ignored
    checker = Checker('Exercise 1.4: GAE-Lambda advantages and rewards-to-go')
    checks.check_advantages(checker, advantages_and_returns, solution)
    checker.finish()


def check_1_5(squashed_gaussian_log_prob) -> None:
    from spinup.exercises.tf1.problem_set_1_solutions.exercise1_5_soln import squashed_gaussian_log_prob as solution
    exercise_flags()  # none: a mistyped flag is an error, not ignored
    checker = Checker("Exercise 1.5: SAC's tanh-squashed Gaussian log-likelihood (TF1)")
    checks.check_squashed_likelihood(checker, in_graph(squashed_gaussian_log_prob), in_graph(solution))
    checker.finish()


class LibraryLSTMStep:
    """One step of the library's cell, ``core_lstm.lstm``, with the exercise's weights, NumPy in
    and out: its variables are read from placeholders (a custom getter), fed on each call. The
    exercise is given x_t Wx already, so the cell's Wx is the identity. One graph a size n."""

    def __init__(self):
        self.graphs = {}

    def __call__(self, xw_t, start_t, h, c, wh, b):
        n = h.shape[-1]
        if n not in self.graphs:
            self.graphs[n] = self._build(n)
        sess, phs, state = self.graphs[n]
        return sess.run(state, dict(zip(phs, (xw_t, start_t, h, c, wh, b))))

    @staticmethod
    def _build(n):
        from spinup.algos.tf1.ppo.core_lstm import lstm
        graph = tf.Graph()
        with graph.as_default():
            shapes = [(None, 4 * n), (None,), (None, n), (None, n), (n, 4 * n), (4 * n,)]
            phs = [tf.placeholder(tf.float32, shape) for shape in shapes]
            xw_t, start_t, h, c, wh, b = phs
            weights = {'wx': tf.eye(4 * n), 'wh': wh, 'b': b}

            def fed(getter, name, *args, **kwargs):
                return weights[name.split('/')[-1]]
            with tf.variable_scope('cell', custom_getter=fed):
                _, state = lstm(xw_t[None], start_t[None], (h, c), n)  # a sequence of one step
        return tf.Session(graph=graph), phs, state

    def close(self):
        for sess, _, _ in self.graphs.values():
            sess.close()


def check_1_6(lstm_step) -> None:
    exercise_flags()  # none: a mistyped flag is an error, not ignored
    checker = Checker("Exercise 1.6: the memory's mask, one step of an LSTM (TF1)")
    reference = LibraryLSTMStep()
    checks.check_lstm_step(checker, in_graph(lstm_step), reference)
    reference.close()
    checker.finish()


def check_1_2(mlp_gaussian_policy) -> None:
    """Quick checks of the policy's graph, then PPO with it on InvertedPendulum-v5."""
    from gymnasium.spaces import Box
    flags = exercise_flags(epochs=20, steps_per_epoch=4000, seed=0, data_dir=None)
    checker = Checker('Exercise 1.2: an MLP Gaussian policy for PPO (TF1)')
    obs_dim, act_dim = 5, 3
    graph = tf.Graph()
    ops = {}

    def build():
        with graph.as_default():
            tf.set_random_seed(flags.seed)
            ops['x'] = tf.placeholder(tf.float32, (None, obs_dim))
            ops['a'] = tf.placeholder(tf.float32, (None, act_dim))
            with tf.variable_scope('pi'):
                out = mlp_gaussian_policy(ops['x'], ops['a'], (32,), tf.tanh, None, Box(-1, 1, (act_dim,)))
            if not (isinstance(out, (tuple, list)) and len(out) == 4):
                return 'mlp_gaussian_policy must return four tensors: pi, logp, logp_pi, ent'
            ops['pi'], ops['logp'], ops['logp_pi'], ops['ent'] = out
            params = tf.trainable_variables()
            if not params:
                return 'the policy has no variables: build its mean network and log_std'
            grads = tf.gradients(ops['logp'], params)
            ops['grads'] = [(v.name, g) for v, g in zip(params, grads)]
            ops['sess'] = tf.Session(graph=graph)
            ops['sess'].run(tf.global_variables_initializer())
        return None

    def run(op, obs, act=None):
        feed = {ops['x']: np.asarray(obs, dtype=np.float32)}
        if act is not None:
            feed[ops['a']] = np.asarray(act, dtype=np.float32)
        return ops['sess'].run(ops[op], feed)

    def gradients():
        missing = [name for name, g in ops['grads'] if g is None]
        if missing:
            return f'log pi(a|x) does not depend on {", ".join(missing)}'
        rng = np.random.default_rng(5)
        values = ops['sess'].run([g for _, g in ops['grads']],
                                 {ops['x']: rng.normal(size=(4, obs_dim)), ops['a']: rng.normal(size=(4, act_dim))})
        zero = [name for (name, _), v in zip(ops['grads'], values) if not np.any(v)]
        return f'no gradient reaches {", ".join(zero)}' if zero else None

    def logp_pi():
        obs = np.random.default_rng(6).normal(size=(8, obs_dim))
        pi, logp_pi = ops['sess'].run([ops['pi'], ops['logp_pi']], {ops['x']: obs})
        return compare(logp_pi, run('logp', obs, pi), atol=1e-4)

    if checker.part('the policy builds, with variables', build):
        checks.check_gaussian_policy(checker, sample=lambda obs: run('pi', obs),
                                     log_prob=lambda obs, act: run('logp', obs, act),
                                     entropy=lambda obs: run('ent', obs),
                                     obs_dim=obs_dim, act_dim=act_dim, single=False)
        if checker.passed:
            checker.part('logp_pi is the log-likelihood of the sampled actions pi', logp_pi)
            checker.part('log pi(a|x) carries gradients to every variable', gradients)
        ops['sess'].close()

    if checker.passed:
        from spinup import ppo_tf1
        from spinup.exercises.tf1.problem_set_1.exercise1_2_auxiliary import exercise_actor_critic
        from spinup.utils.envs import EnvFn
        from spinup.utils.run_utils import setup_logger_kwargs
        env = 'InvertedPendulum-v5'
        logger_kwargs = setup_logger_kwargs('ex1-2_tf1', flags.seed, flags.data_dir)
        ppo_tf1(EnvFn(env), actor_critic=partial(exercise_actor_critic, policy=mlp_gaussian_policy),
                ac_kwargs=dict(hidden_sizes=(64,)), seed=flags.seed, epochs=flags.epochs,
                steps_per_epoch=flags.steps_per_epoch, logger_kwargs=logger_kwargs)
        checks.judge_training(checker, os.path.join(logger_kwargs['output_dir'], 'progress.txt'),
                              env, flags.epochs, flags.steps_per_epoch)
    checker.finish()


def check_1_3(target_actions, compute_loss_q, compute_loss_pi, td3) -> None:
    """TD3's target actions and losses against the library's, on the same tensors; then a
    short training run (of the exercise's TD3, or the library's with --use_soln)."""
    import spinup.algos.tf1.td3.td3 as library
    flags = exercise_flags(env='InvertedPendulum-v5', epochs=5, steps_per_epoch=2000, seed=0,
                           data_dir=None, use_soln=False)
    if flags.use_soln:
        checker = Checker("Exercise 1.3: TD3 (the library's, with --use_soln)")
        target_actions, compute_loss_q, compute_loss_pi, td3 = (library.target_actions, library.compute_loss_q,
                                                               library.compute_loss_pi, library.td3)
    else:
        checker = Checker("Exercise 1.3: TD3's losses (TF1)")

    checks.check_target_actions(checker, lambda mu, noise, clip, limit:
                                in_graph(lambda m: target_actions(m, noise, clip, limit))(mu))

    # Q-values as variables, so that the gradients of the losses can be compared with the
    # library's; the rewards and done flags as constants, with terminal and non-terminal steps.
    rng = np.random.default_rng(7)
    values = {name: rng.normal(size=64).astype(np.float32) for name in ('q1', 'q2', 'q1_targ', 'q2_targ', 'q1_pi')}
    r = rng.normal(size=64).astype(np.float32)
    d = (rng.random(64) < 0.3).astype(np.float32)

    def losses(loss_fn, args, wrt):
        """The loss that ``loss_fn`` builds and its gradients with respect to the variables ``wrt``."""
        with tf.Graph().as_default():
            q = {name: tf.Variable(v, name=name) for name, v in values.items()}
            loss = loss_fn(*[q[a] if isinstance(a, str) else tf.constant(a) for a in args])
            grads = tf.gradients(loss, [q[name] for name in wrt])
            with tf.Session() as sess:
                sess.run(tf.global_variables_initializer())
                return sess.run(loss), [np.zeros(64) if g is None else sess.run(g) for g in grads]

    def same(mine, ref, names):
        return checks.all_parts(compare(mine[0], ref[0], atol=1e-6),
                                *(f'gradient with respect to {n}: {p}' if p else None for n, p in
                                  zip(names, (compare(g, w, atol=1e-6, rtol=1e-4) for g, w in zip(mine[1], ref[1])))))

    names = ['q1', 'q2', 'q1_targ', 'q2_targ']
    args = ['q1', 'q2', 'q1_targ', 'q2_targ', r, d]

    def loss_q():
        mine = losses(lambda *t: compute_loss_q(*t, gamma=0.99), args, names)
        ref = losses(lambda *t: library.compute_loss_q(*t, gamma=0.99), args, names)
        return same(mine, ref, names)

    def loss_pi():
        return same(losses(compute_loss_pi, ['q1_pi'], ['q1_pi']),
                    losses(library.compute_loss_pi, ['q1_pi'], ['q1_pi']), ['q1_pi'])

    checker.part("compute_loss_q: the loss and its gradients equal the library's (none reaches the "
                 'target Qs: the backup is a constant)', loss_q)
    checker.part("compute_loss_pi: the loss and its gradient equal the library's", loss_pi)

    if checker.passed:
        checks.train_td3(checker, td3, flags, 'ex1-3_tf1')
    checker.finish()

