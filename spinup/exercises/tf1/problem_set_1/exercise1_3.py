"""Exercise 1.3: TD3's losses (TensorFlow 1 graph mode).

This is the library's whole TD3 (spinup/algos/tf1/td3/td3.py) with three functions left
blank: ``target_actions`` (target policy smoothing), ``compute_loss_q`` (the clipped
double-Q Bellman backup and the Qs' loss) and ``compute_loss_pi``. They build graph ops;
their docstrings say what each computes, and the TD3 page of the docs has the equations and
the pseudocode. Everything else (the replay buffer, the graph, the update with its delayed
policy steps, the main loop) is there to read.

Run this file to check your functions: the target actions by their statistics, the losses
(their values and gradients) against the library's on the same tensors. When they pass, it
trains this TD3 briefly (InvertedPendulum-v5, 5 epochs of 2000 steps, (128, 128) networks,
episodes of at most 150 steps) and prints the learning curve; the test return should climb
towards the maximum, 150. Flags: --env, --epochs, --steps_per_epoch, --seed,
--data_dir, and --use_soln to run the library's TD3 instead.
"""
import random
import time
from typing import Any, Callable, Dict, List, Optional

import numpy as np
import tensorflow.compat.v1 as tf

import spinup.algos.tf1.td3.core as core
from spinup.utils.checkpoint import Checkpoint, tf1_random_generator
from spinup.utils.errors import check_inputs
from spinup.utils.logx import EpochLogger
from spinup.utils.mpi_tf import own_graph, session_config
from spinup.utils.phases import phase

tf.disable_v2_behavior()


class ReplayBuffer:
    """A first-in-first-out store of transitions (s, a, r, s', d), sampled uniformly."""

    def __init__(self, obs_dim, act_dim, size):
        self.obs_buf = np.zeros(core.combined_shape(size, obs_dim), dtype=np.float32)
        self.obs2_buf = np.zeros(core.combined_shape(size, obs_dim), dtype=np.float32)
        self.act_buf = np.zeros(core.combined_shape(size, act_dim), dtype=np.float32)
        self.rew_buf = np.zeros(size, dtype=np.float32)
        self.done_buf = np.zeros(size, dtype=np.float32)
        self.ptr, self.size, self.max_size = 0, 0, size

    def store(self, obs, act, rew, next_obs, done):
        """Append one transition; once full, it overwrites the oldest.

        ``done`` must be ``terminated``, never ``truncated``: a time limit is not a
        terminal state, and the backup still bootstraps from Q(s', .) after it.
        """
        self.obs_buf[self.ptr] = obs
        self.obs2_buf[self.ptr] = next_obs
        self.act_buf[self.ptr] = act
        self.rew_buf[self.ptr] = rew
        self.done_buf[self.ptr] = done
        self.ptr = (self.ptr + 1) % self.max_size
        self.size = min(self.size + 1, self.max_size)

    def sample_batch(self, batch_size=32) -> Dict[str, np.ndarray]:
        """``batch_size`` transitions drawn uniformly (with replacement) from those stored."""
        return self.sample_batches(1, batch_size)[0]

    def sample_batches(self, n: int, batch_size=32) -> List[Dict[str, np.ndarray]]:
        """``n`` batches: the same draws as ``n`` calls of ``sample_batch``, gathered in one
        pass over the buffer, faster than one call after each update, which finds the caches
        emptied by the update's memory traffic (see the speed page). The ``n`` batches are in
        memory together."""
        idxs = np.random.randint(0, self.size, size=(n, batch_size))
        batches = dict(obs=self.obs_buf[idxs], obs2=self.obs2_buf[idxs], act=self.act_buf[idxs],
                       rew=self.rew_buf[idxs], done=self.done_buf[idxs])
        return [{k: v[i] for k, v in batches.items()} for i in range(n)]


def target_actions(pi_targ, target_noise: float, noise_clip: float, act_limit: float):
    """Target policy smoothing: the target policy's action at s', plus clipped Gaussian noise.

    a'(s') = clip( mu_targ(s') + clip(eps, -noise_clip, noise_clip), -act_limit, act_limit ),
    eps ~ N(0, target_noise^2). The noise keeps Q from exploiting a narrow peak of its own errors.
    ``pi_targ`` is the target policy's action tensor; the noise is the tensor named ``eps``.
    """
    #######################
    #                     #
    #   YOUR CODE HERE    #
    #                     #
    #######################
    raise NotImplementedError


def compute_loss_q(q1, q2, q1_targ, q2_targ, r, d, gamma: float):
    """Mean-squared Bellman errors of both Q-functions.

    L = mean( (Q1(s, a) - y)^2 ) + mean( (Q2(s, a) - y)^2 ),
    y = r + gamma * (1 - d) * min( Q1_targ(s', a'(s')), Q2_targ(s', a'(s')) )

    Builds graph ops from ``q1``, ``q2`` (at s, a), ``q1_targ``, ``q2_targ`` (the target
    networks' Qs at s' and the smoothed target action) and the placeholders ``r`` and ``d``.
    The backup y is a target, not something to differentiate through (``tf.stop_gradient``).
    """
    #######################
    #                     #
    #   YOUR CODE HERE    #
    #                     #
    #######################
    raise NotImplementedError


def compute_loss_pi(q1_pi):
    """The policy loss: L = -mean( Q1(s, mu(s)) ), so that mu climbs the first Q-function."""
    #######################
    #                     #
    #   YOUR CODE HERE    #
    #                     #
    #######################
    raise NotImplementedError


def polyak_update(main_vars: list, targ_vars: list, polyak: float):
    """Move the target networks towards the main ones:
    theta_targ <- polyak * theta_targ + (1 - polyak) * theta.

    Returns the op that does it; with polyak = 0 it copies the main networks.
    The two networks' parameters pair up by position (same layers, same order).
    """
    assert ([v.name.split('/', 1)[1] for v in main_vars]
            == [v.name.split('/', 1)[1] for v in targ_vars]), \
        'the main and target networks must hold the same variables, built in the same order'
    return tf.group([tf.assign(v_targ, polyak * v_targ + (1 - polyak) * v_main)
                     for v_main, v_targ in zip(main_vars, targ_vars)])


@phase('update')
def update(sess, ops: Dict[str, Any], feed_dict: Dict[Any, np.ndarray], *,
           update_policy: bool) -> Dict[str, Any]:
    """One TD3 update on a batch: a gradient step on both Qs; then, if ``update_policy`` (one
    update in ``policy_delay``), a step on the policy and the polyak move of the targets.
    Returns ``LossQ``, ``Q1Vals``, ``Q2Vals``, and ``LossPi`` when the policy moved.

    ``ops`` holds the graph's ``loss_q``, ``q1``, ``q2``, ``loss_pi`` tensors and the
    ``train_q``, ``train_pi``, ``target_update`` ops; ``feed_dict`` maps the placeholders to
    the batch.
    Each optimizer trains only its own networks' parameters.
    """
    # Lines 8-9: first a gradient descent step for both Qs, towards the targets y.
    loss_q, q1, q2, _ = sess.run([ops['loss_q'], ops['q1'], ops['q2'], ops['train_q']], feed_dict)
    info = dict(LossQ=loss_q, Q1Vals=q1, Q2Vals=q2)

    # Line 10. Delayed policy updates: the policy and the targets move once every
    # policy_delay Q steps.
    if update_policy:
        # Line 11: next a gradient descent step for the policy.
        # Line 12: finally, the target networks trail the main ones.
        # (A separate run, so the policy sees the new Qs; its optimizer's var_list holds only
        # the policy's variables, so the Qs stay as they are; target_update waits for train_pi.)
        loss_pi, _, _ = sess.run([ops['loss_pi'], ops['train_pi'], ops['target_update']], feed_dict)
        info['LossPi'] = loss_pi
    return info


@own_graph  # each call builds into a new graph; the caller's default graph is left alone
def td3(env_fn: Callable, actor_critic=core.mlp_actor_critic, ac_kwargs: Dict[str, Any] = dict(),
        seed: int = 0, steps_per_epoch: int = 4000, epochs: int = 100, replay_size: int = int(1e6),
        gamma: float = 0.99, polyak: float = 0.995, pi_lr: float = 1e-3, q_lr: float = 1e-3,
        batch_size: int = 100, start_steps: int = 10000, update_after: int = 1000,
        update_every: int = 50, act_noise: float = 0.1, target_noise: float = 0.2,
        noise_clip: float = 0.5, policy_delay: int = 2, num_test_episodes: int = 10,
        max_ep_len: int = 1000, logger_kwargs: Dict[str, Any] = dict(), save_freq: int = 1,
        resume_from: Optional[str] = None) -> None:
    """TD3: DDPG with three fixes against Q overestimation: two Q-functions whose smaller
    estimate makes the target (clipped double-Q), noise on the target action (target policy
    smoothing), and a policy that moves less often than the Qs (delayed policy updates).

    Args:
        env_fn (callable): Makes the environment (gymnasium API), e.g. ``EnvFn('Pendulum-v1')``.
            Its actions must be a Box ``[-c, c]^act_dim``.

        actor_critic (callable): Builds the agent's graph, called as ``actor_critic(x_ph, a_ph,
            action_space=env.action_space, **ac_kwargs)`` with observation and action tensors,
            under the variable scope ``main``, and twice under ``target`` (for the target
            action, then for the target Qs at it). It builds the policy under the scope ``pi``
            and the Q-functions under ``q1`` and ``q2``, and returns four tensors:

            ================  ===========================  =========================================
            tensor            shape                        meaning
            ================  ===========================  =========================================
            ``pi``            (B, act_dim)                 the deterministic actions mu(x), within
                                                           the action limits
            ``q1``            (B,)                         Q1(x, a_ph): squeeze
                                                           the last axis of an MLP's output
            ``q2``            (B,)                         Q2(x, a_ph), likewise
            ``q1_pi``         (B,)                         Q1(x, pi): the first Q network applied
                                                           to the policy's actions
            ================  ===========================  =========================================

            ``pi`` is trained by one optimizer, ``q1`` and ``q2`` together by the other;
            the ``target`` scope's copy of all three serves as the target networks.

        ac_kwargs (dict): Keyword arguments for ``actor_critic``; the default agent takes
            ``hidden_sizes`` ((256, 256)) and ``activation`` (``tf.nn.relu``).

        seed (int): Seeds Python, NumPy, TensorFlow and the environments.

        steps_per_epoch (int): Environment steps per epoch (between tests, logs and saves).

        epochs (int): Number of epochs to run.

        replay_size (int): Most transitions the replay buffer holds. (1e5 to 1e6.)

        gamma (float): Discount factor. (0.99 to 0.999.) The paper's gamma.

        polyak (float): Interpolation factor of the target networks' averaging,
            ``theta_targ <- polyak * theta_targ + (1 - polyak) * theta``. (Close to 1:
            0.995.) The paper's 1 - tau.

        pi_lr (float): Adam learning rate of the policy. (1e-4 to 1e-3.)

        q_lr (float): Adam learning rate of the two Q-functions. (1e-4 to 1e-3.)

        batch_size (int): Transitions per gradient step. (100 to 256.)

        start_steps (int): Steps of uniformly random actions at the start, for exploration;
            the policy (with noise) acts afterwards. (Thousands.)

        update_after (int): Steps to collect before the first update, so the buffer is
            not too small to sample from. (Thousands.)

        update_every (int): Steps between updates. Each update takes as many gradient steps,
            so there is one gradient step per environment step however this is set.
            (Tens.)

        act_noise (float): Standard deviation of the Gaussian noise added to the policy's
            actions while training. (0.1 for actions in [-1, 1].) The paper's sigma.

        target_noise (float): Standard deviation of the smoothing noise added to the target
            policy's action. (0.2.) The paper's sigma-tilde.

        noise_clip (float): Bound on the absolute value of that noise. (0.5.) The paper's c.

        policy_delay (int): Q steps per policy step (and target update). (2.) The paper's d.

        num_test_episodes (int): Episodes run at the end of each epoch with the noiseless
            policy, to measure its performance (``TestEpRet``).

        max_ep_len (int): Longest episode. Reaching it truncates the episode like the
            environment's own time limit: not a terminal state.

        logger_kwargs (dict): Keyword arguments for :class:`EpochLogger` (``output_dir``,
            ``exp_name``, ``tensorboard``); ``setup_logger_kwargs`` makes them.

        save_freq (int): Save the agent, and a checkpoint to resume from, every this many
            epochs (and after the last one).

        resume_from (str): A run folder whose checkpoint to go on from, in that folder, up to
            ``epochs`` in all; None starts a new run. (``python -m spinup.run resume RUN``.)
    """
    check_inputs('TD3', one_process=True, steps_per_epoch=steps_per_epoch, replay_size=replay_size,
                 batch_size=batch_size, update_every=update_every, policy_delay=policy_delay,
                 save_freq=save_freq)

    # Logger, and a record of every argument in config.json
    logger = EpochLogger(**logger_kwargs, resume_from=resume_from)
    logger.save_config(locals())

    # Seeds: Python, NumPy and TensorFlow (this call's own graph) now.
    # The environments are seeded at their first reset.
    random.seed(seed)
    np.random.seed(seed)
    tf.set_random_seed(seed)

    # The environment, and a second one for the test episodes
    env, test_env = env_fn(), env_fn()
    act_limit = core.action_limit(env.action_space, 'TD3')  # actions lie in [-act_limit, act_limit]
    obs_dim = env.observation_space.shape
    act_dim = env.action_space.shape[0]
    env.action_space.seed(seed)

    # Placeholders: a batch of transitions (s, a, r, s', d)
    x_ph, a_ph, x2_ph, r_ph, d_ph = core.placeholders(obs_dim, act_dim, obs_dim, None, None)

    # The agent: policy pi and Q-functions q1, q2
    with tf.variable_scope('main'):
        pi, q1, q2, q1_pi = actor_critic(x_ph, a_ph, action_space=env.action_space, **ac_kwargs)

    # Target networks: they start as a copy of the agent, and only polyak averaging updates
    # them, never an optimizer
    # First the target policy (a_ph goes in unused: only mu_targ(s') is needed)
    with tf.variable_scope('target'):
        pi_targ, _, _, _ = actor_critic(x2_ph, a_ph, action_space=env.action_space, **ac_kwargs)

    # then the target Q networks, at the smoothed target action
    with tf.variable_scope('target', reuse=True):
        a2 = target_actions(pi_targ, target_noise, noise_clip, act_limit)
        _, q1_targ, q2_targ, _ = actor_critic(x2_ph, a2, action_space=env.action_space, **ac_kwargs)

    var_counts = tuple(core.count_vars(scope) for scope in ['main/pi', 'main/q1', 'main/q2'])
    logger.log('\nParameters: pi %d, q1 %d, q2 %d\n' % var_counts)

    # Experience buffer
    replay_buffer = ReplayBuffer(obs_dim, act_dim, replay_size)

    # Both Q-functions' parameters, trained together by one optimizer
    q_params = core.get_vars('main/q1') + core.get_vars('main/q2')

    # Losses, built into the graph
    loss_q = compute_loss_q(q1, q2, q1_targ, q2_targ, r_ph, d_ph, gamma)
    loss_pi = compute_loss_pi(q1_pi)

    # Optimizers, one for the policy and one for both Q-functions
    # (each trains only its own variables, so the policy step leaves the Qs as they are)
    train_pi = tf.train.AdamOptimizer(learning_rate=pi_lr).minimize(
        loss_pi, var_list=core.get_vars('main/pi'))
    train_q = tf.train.AdamOptimizer(learning_rate=q_lr).minimize(loss_q, var_list=q_params)

    # Polyak averaging of the target networks, after the policy step; and their start as a copy
    with tf.control_dependencies([train_pi]):
        target_update = polyak_update(core.get_vars('main'), core.get_vars('target'), polyak)
    target_init = polyak_update(core.get_vars('main'), core.get_vars('target'), 0.0)

    # Session; the target networks start equal to the main ones
    sess = tf.Session(config=session_config())
    sess.run(tf.global_variables_initializer())
    sess.run(target_init)

    # Saving: the graph and weights go to tf1_save/, with the tensors x, a, pi, q1 and q2
    logger.setup_tf_saver(sess, inputs={'x': x_ph, 'a': a_ph},
                          outputs={'pi': pi, 'q1': q1, 'q2': q2})

    # The ops the update runs on each batch
    ops = dict(loss_q=loss_q, q1=q1, q2=q2, loss_pi=loss_pi, train_q=train_q, train_pi=train_pi,
               target_update=target_update)

    def get_action(o, noise_scale):
        """mu(o) plus Gaussian exploration noise, clipped to the action limits."""
        a = sess.run(pi, feed_dict={x_ph: o.reshape(1, -1)})[0]
        if noise_scale > 0:  # no draw at test time: it would shift the training's random numbers
            a = np.clip(a + noise_scale * np.random.randn(act_dim), -act_limit, act_limit)
        return a

    def test_agent():
        """Run num_test_episodes with the noiseless policy, and log their returns."""
        for _ in range(num_test_episodes):
            o, _ = test_env.reset()
            ep_ret, ep_len, done = 0, 0, False
            while not done:
                o, r, terminated, truncated, _ = test_env.step(get_action(o, 0))
                ep_ret += r
                ep_len += 1
                done = terminated or truncated or ep_len == max_ep_len
            logger.store(TestEpRet=ep_ret, TestEpLen=ep_len)

    # Checkpoints: all that training needs to go on (weights, target networks, optimizer
    # states, the replay buffer, random states), written with each save and on Ctrl-C; a
    # resumed run loads one and goes on from its step
    checkpoint = Checkpoint(logger, envs=dict(env=env, test_env=test_env), buffer=replay_buffer,
                            session=sess)
    start = checkpoint.restore(resume_from, epoch=0, total_steps=0, num_updates=0)
    num_updates = start.num_updates

    # First observations: the first resets are seeded (the test environment's differently, so
    # its episodes differ too); a resumed run's environments go on from their saved states
    start_time = time.time() - start.elapsed
    o, _ = env.reset(seed=None if start.resumed else seed)
    if not start.resumed:
        test_env.reset(seed=seed + 1)
    ep_ret, ep_len = 0, 0

    def end_epoch(epoch):
        """The end of an epoch: test the policy, write the epoch's row of progress.txt, and
        save the agent and a checkpoint (every save_freq epochs and after the last one)."""
        # Test the noiseless policy
        test_agent()

        # One row of progress.txt
        logger.log_tabular('Epoch', epoch)
        logger.log_tabular('EpRet', with_min_and_max=True)
        logger.log_tabular('TestEpRet', with_min_and_max=True)
        logger.log_tabular('EpLen', average_only=True)
        logger.log_tabular('TestEpLen', average_only=True)
        logger.log_tabular('TotalEnvInteracts', (epoch + 1) * steps_per_epoch)
        logger.log_tabular('Q1Vals', with_min_and_max=True)
        logger.log_tabular('Q2Vals', with_min_and_max=True)
        logger.log_tabular('LossPi', average_only=True)
        logger.log_tabular('LossQ', average_only=True)
        logger.log_tabular('Time', time.time() - start_time)
        logger.dump_tabular()

        # Save the agent and a checkpoint
        if (epoch % save_freq == 0) or (epoch == epochs - 1):
            logger.save_state({'env': env}, None)
            checkpoint.save(epoch=epoch + 1, total_steps=(epoch + 1) * steps_per_epoch,
                            num_updates=num_updates)

    # A run stopped on an epoch's last step had yet to test, log and save that epoch: its
    # resumed run does it first
    if start.epoch < epochs and start.total_steps == (start.epoch + 1) * steps_per_epoch:
        end_epoch(start.epoch)

    # Main loop (line 2): act, store, update every update_every steps; test, log and save
    # each epoch. t counts the steps taken before this one: a resumed run goes on from its
    # saved step.
    total_steps = steps_per_epoch * epochs
    for t in range(start.total_steps, total_steps):
        # Line 3: uniformly random actions for the first start_steps, for exploration;
        # afterwards the policy's, with Gaussian noise.
        if t < start_steps:
            a = env.action_space.sample()
        else:
            a = get_action(o, act_noise)

        # Line 4: step the environment, store the transition, and go on from s'
        o2, r, terminated, truncated, _ = env.step(a)
        ep_ret += r
        ep_len += 1

        # Truncation is not termination: only a terminal state stores done = 1; after a
        # time limit (the env's own, or max_ep_len) the backup bootstraps from Q(s', .).
        replay_buffer.store(o, a, r, o2, terminated)

        # the next step starts from the new observation
        o = o2

        # Line 5: the episode ended (terminated, or timed out): log it, reset the env
        if terminated or truncated or ep_len == max_ep_len:
            logger.store(EpRet=ep_ret, EpLen=ep_len)
            o, _ = env.reset()
            ep_ret, ep_len = 0, 0

        # Lines 6-7: update every update_every steps, with as many gradient steps (t + 1:
        # the steps taken, this one included)
        if t + 1 >= update_after and (t + 1) % update_every == 0:
            # one batch per gradient step, all drawn at once (line 8)
            for batch in replay_buffer.sample_batches(update_every, batch_size):
                feed_dict = {x_ph: batch['obs'], x2_ph: batch['obs2'], a_ph: batch['act'],
                             r_ph: batch['rew'], d_ph: batch['done']}
                logger.store(**update(sess, ops, feed_dict,
                                      update_policy=num_updates % policy_delay == 0))
                num_updates += 1  # n <- n + 1 (line 13)

        # Ctrl-C or SIGTERM: save here, with a checkpoint to go on from, and stop
        if checkpoint.stop_requested():
            logger.save_state({'env': env}, None)
            # (the checkpoint counts the epoch under way and the steps taken)
            checkpoint.save(epoch=t // steps_per_epoch, total_steps=t + 1,
                            num_updates=num_updates)
            checkpoint.exit()

        # Lines 14-15: end of epoch handling: test, log and save
        if (t + 1) % steps_per_epoch == 0:
            end_epoch(t // steps_per_epoch)

    # Done: the session's resources are freed (its graph goes with it)
    sess.close()


if __name__ == '__main__':
    from spinup.exercises.tf1.checks import check_1_3
    check_1_3(target_actions, compute_loss_q, compute_loss_pi, td3)
