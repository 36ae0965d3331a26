"""Vanilla Policy Gradient (VPG) in TensorFlow 1 graph mode, with GAE-Lambda advantages.

Read top to bottom beside VPG's pseudocode: the buffer that turns trajectories into
advantages, the losses and the update, then the algorithm function, whose main loop
collects a batch, updates, logs and saves, once an epoch. It follows the PyTorch file
section by section; only the framework differs.
"""
import random
import time
from typing import Any, Callable, Dict, Optional

import numpy as np
import tensorflow.compat.v1 as tf

import spinup.algos.tf1.vpg.core as core
from spinup.utils.checkpoint import Checkpoint
from spinup.utils.envs import make_vector_env, steps_per_copy
from spinup.utils.errors import check_inputs
from spinup.utils.logx import EpochLogger
from spinup.utils.mpi_tf import MpiAdamOptimizer, own_graph, session_config, sync_all_params
from spinup.utils.mpi_tools import (local_steps, mpi_avg, mpi_fork, mpi_statistics_scalar,
                                    num_procs, proc_id)
from spinup.utils.normalization import Normalizer
from spinup.utils.normalization_tf import normalized_input
from spinup.utils.phases import phase

tf.disable_v2_behavior()


class VPGBuffer:
    """Stores the trajectories of one epoch, and computes the GAE-Lambda advantages and the
    rewards-to-go that the policy and value losses are trained on.

    With ``num_envs`` environments stepped together, each array holds ``[steps, envs, ...]``:
    a row a step, a column an environment copy. Each column holds its copy's trajectories one
    after another, and GAE runs down each column on its own.
    """

    def __init__(self, obs_dim, act_dim, size, gamma=0.99, lam=0.97, num_envs=1):
        rows = (size, num_envs)
        self.obs_buf = np.zeros(core.combined_shape(rows, obs_dim), dtype=np.float32)
        self.act_buf = np.zeros(core.combined_shape(rows, act_dim), dtype=np.float32)
        self.adv_buf = np.zeros(rows, dtype=np.float32)
        self.rew_buf = np.zeros(rows, dtype=np.float32)
        self.ret_buf = np.zeros(rows, dtype=np.float32)
        self.val_buf = np.zeros(rows, dtype=np.float32)
        self.logp_buf = np.zeros(rows, dtype=np.float32)
        self.gamma, self.lam = gamma, lam
        self.ptr, self.max_size = 0, size
        self.path_start_idx = np.zeros(num_envs, dtype=int)  # where each column's trajectory began

    def store(self, obs, act, rew, val, logp):
        """Append one timestep of agent-environment interaction: one row, a value for each
        environment copy."""
        assert self.ptr < self.max_size, 'VPGBuffer is full: call get() at the end of each epoch.'
        self.obs_buf[self.ptr] = obs
        self.act_buf[self.ptr] = act
        self.rew_buf[self.ptr] = rew
        self.val_buf[self.ptr] = val
        self.logp_buf[self.ptr] = logp
        self.ptr += 1

    def finish_path(self, last_val=0, env=0):
        """Close the current trajectory of environment copy ``env`` (its column): compute its
        advantages and rewards-to-go.

        ``last_val`` is 0 if the trajectory ended because the agent reached a terminal
        state, and V(s_T) otherwise (the episode was truncated by a time limit, or cut off by
        the end of the epoch), so the return beyond the cut is bootstrapped from the value
        function rather than taken to be zero.
        """
        path_slice = slice(self.path_start_idx[env], self.ptr)
        rews = np.append(self.rew_buf[path_slice, env], last_val)
        vals = np.append(self.val_buf[path_slice, env], last_val)

        # GAE-Lambda: A_t = sum_l (gamma*lam)^l delta_{t+l},
        # with delta_t = r_t + gamma V(s_{t+1}) - V(s_t)
        deltas = rews[:-1] + self.gamma * vals[1:] - vals[:-1]
        self.adv_buf[path_slice, env] = core.discount_cumsum(deltas, self.gamma * self.lam)

        # rewards-to-go, the targets for the value function
        self.ret_buf[path_slice, env] = core.discount_cumsum(rews, self.gamma)[:-1]

        self.path_start_idx[env] = self.ptr

    def get(self) -> Dict[str, np.ndarray]:
        """Return the epoch's data, its ``[steps, envs]`` rows laid end to end (one sample a
        step of a copy), with advantages normalized (mean 0, std 1 across all processes), and
        empty the buffer."""
        assert self.ptr == self.max_size, 'the buffer must be full before get()'
        self.ptr, self.path_start_idx[:] = 0, 0
        adv_mean, adv_std = mpi_statistics_scalar(self.adv_buf)
        self.adv_buf[:] = (self.adv_buf - adv_mean) / (adv_std + 1e-8)  # in place: stays float32
        data = dict(obs=self.obs_buf, act=self.act_buf, ret=self.ret_buf,
                    adv=self.adv_buf, logp=self.logp_buf, val=self.val_buf)
        return {k: np.asarray(v.reshape(-1, *v.shape[2:]), dtype=np.float32)
                for k, v in data.items()}


def compute_loss_pi(logp, logp_old, adv, ent):
    """The policy-gradient loss, and diagnostics: approximate KL and entropy.

    L = -mean( log pi(a|s) * A ): its gradient is minus the policy gradient estimate.

    Builds graph ops from ``logp`` (log pi(a|s) of the current policy), the placeholders
    ``logp_old`` and ``adv``, and ``ent`` (the policy's entropy at each state).
    """
    # [docs policy-loss]
    loss_pi = -tf.reduce_mean(logp * adv)

    # extra information: how far the policy moved, and how random it still is
    approx_kl = tf.reduce_mean(logp_old - logp)
    # [docs policy-loss end]
    ent = tf.reduce_mean(ent)
    return loss_pi, dict(kl=approx_kl, ent=ent)


def compute_loss_v(v, ret):
    """Mean-squared error of V(s) against the rewards-to-go."""
    return tf.reduce_mean((v - ret) ** 2)


@phase('update')
def update(sess, ops: Dict[str, Any], feed_dict: Dict[Any, np.ndarray], *,
           train_v_iters: int) -> Dict[str, float]:
    """One VPG update on an epoch's data; returns the diagnostics to log.

    ``ops`` holds the graph's ``loss_pi``, ``loss_v``, ``kl``, ``ent`` tensors and the
    ``train_pi``, ``train_v`` ops; ``feed_dict`` maps the placeholders to the epoch's data.

    The policy takes one gradient step (the gradient averaged across MPI processes); the
    value function takes ``train_v_iters``.

    Logged: the losses before the update (``LossPi``, ``LossV``) and their change over it;
    ``Entropy`` of the data-collecting policy; ``KL`` of the updated policy against it.
    """
    pi_l_old, v_l_old, ent = sess.run([ops['loss_pi'], ops['loss_v'], ops['ent']], feed_dict)

    # [docs update-steps]
    # Line 9: train the policy with a single step of gradient descent.
    sess.run(ops['train_pi'], feed_dict)  # MpiAdamOptimizer averages grads across processes

    # Line 10: value function learning.
    for _ in range(train_v_iters):
        sess.run(ops['train_v'], feed_dict)
    # [docs update-steps end]

    # Where the update ended: the losses, and the KL of the new policy across processes.
    pi_l_new, v_l_new, kl = sess.run([ops['loss_pi'], ops['loss_v'], ops['kl']], feed_dict)
    return dict(LossPi=pi_l_old, LossV=v_l_old,
                DeltaLossPi=pi_l_new - pi_l_old, DeltaLossV=v_l_new - v_l_old,
                KL=mpi_avg(kl), Entropy=ent)


@own_graph  # each call builds into a new graph; the caller's default graph is left alone
def vpg(env_fn: Callable, actor_critic=core.mlp_actor_critic, ac_kwargs: Dict[str, Any] = dict(),
        seed: int = 0, steps_per_epoch: int = 4000, epochs: int = 50, gamma: float = 0.99,
        pi_lr: float = 3e-4, vf_lr: float = 1e-3, train_v_iters: int = 80, lam: float = 0.97,
        max_ep_len: int = 1000, num_envs: int = 1, vector_mode: str = 'sync',
        normalize_obs: bool = False, normalize_reward: bool = False,
        logger_kwargs: Dict[str, Any] = dict(), save_freq: int = 10,
        resume_from: Optional[str] = None) -> None:
    """Vanilla Policy Gradient: one step of gradient ascent a batch on the policy-gradient
    estimate, with GAE-Lambda advantages and a learned value function as the baseline.

    Args:
        env_fn (callable): Makes the environment (gymnasium API), e.g. ``EnvFn('CartPole-v1')``.

        actor_critic (callable): Builds the agent's graph, called as ``actor_critic(x_ph, a_ph,
            action_space=env.action_space, **ac_kwargs)`` with the observation and action
            placeholders. It builds the policy under the variable scope ``pi`` and the value
            function under ``v``, and returns five tensors:

            ============  ===============  =========================================================
            tensor        shape            meaning
            ============  ===============  =========================================================
            ``pi``        (B, act_dim),    actions sampled from pi(.|x)
                          or (B,) if
                          discrete
            ``logp``      (B,)             log pi(a_ph|x): the log-likelihood of the actions fed in
            ``logp_pi``   (B,)             log pi(pi|x): the log-likelihood of the sampled actions
            ``ent``       (B,)             the entropy of pi(.|x)
            ``v``         (B,)             the value estimate V(x): squeeze the last axis of an
                                           MLP's output
            ============  ===============  =========================================================

        ac_kwargs (dict): Keyword arguments for ``actor_critic``; the default agent takes
            ``hidden_sizes`` ((64, 64)), ``activation`` (``tf.tanh``) and ``init``
            (``'default'``, the framework's own, or ``'orthogonal'``, PPO2's).

        seed (int): Seeds Python, NumPy, TensorFlow and the environment. MPI process ``k`` uses
            ``seed + 10000 * k``.

        steps_per_epoch (int): Environment steps per epoch (one batch, one update), over all
            MPI processes and environment copies together. (Thousands.)

        epochs (int): Number of epochs, that is, of policy updates.

        gamma (float): Discount factor. (0.99 to 0.999.) The paper's gamma.

        pi_lr (float): Adam learning rate of the policy's one step an epoch. (1e-4 to 1e-3.)

        vf_lr (float): Adam learning rate of the value function. (1e-3.)

        train_v_iters (int): Gradient steps on the value function per epoch. (Tens.)

        lam (float): GAE mixing parameter: 0 gives one-step TD advantages, 1 gives Monte
            Carlo ones. (0.9 to 0.99.) The GAE paper's lambda.

        max_ep_len (int): Longest episode. Reaching it truncates the episode like the
            environment's own time limit: the return beyond it is bootstrapped from V.

        num_envs (int): Copies of the environment stepped together, each ``steps_per_epoch /
            num_envs`` steps an epoch (per MPI process), through a gymnasium vector environment.
            One copy starts a new episode each epoch; several carry their episodes over from
            one epoch to the next, as PPO2's do. (1, or 8 to 64.)

        vector_mode (str): ``'sync'`` steps the copies one after another in this process;
            ``'async'`` steps each in a subprocess of its own, for environments whose step
            is slow; ``'ale'`` steps an Atari game's copies in ale-py's C++ vector, in threads
            (the Atari page says what differs).

        normalize_obs (bool): Hand the agent each observation less the running mean of the
            observations so far, over their running standard deviation, clipped to +-10
            (baselines' ``VecNormalize``). The statistics are saved with the agent, which
            applies them itself when it is loaded. (PPO2 and TRPO do on MuJoCo.)

        normalize_reward (bool): Learn from rewards divided by the running standard deviation
            of the discounted return, clipped to +-10. ``EpRet`` stays the environment's.
            (PPO2 does on MuJoCo.)

        logger_kwargs (dict): Keyword arguments for :class:`EpochLogger` (``output_dir``,
            ``exp_name``, ``tensorboard``); ``setup_logger_kwargs`` makes them.

        save_freq (int): Save the agent, and a checkpoint to resume from, every this many
            epochs (and after the last one).

        resume_from (str): A run folder whose checkpoint to go on from, in that folder, up to
            ``epochs`` in all; None starts a new run. (``python -m spinup.run resume RUN``.)
    """

    check_inputs('VPG', steps_per_epoch=steps_per_epoch, save_freq=save_freq, num_envs=num_envs)

    # Each process collects its share of an epoch's steps, each environment copy its share of that
    local_steps_per_epoch = local_steps(steps_per_epoch)
    steps_per_env = steps_per_copy(local_steps_per_epoch, num_envs, vector_mode)

    # Logger, and a record of every argument in config.json
    logger = EpochLogger(**logger_kwargs, resume_from=resume_from)
    logger.save_config(locals())

    # Seeds: Python, NumPy and TensorFlow (this call's own graph) now, the environment at its
    # first reset
    seed += 10000 * proc_id()
    random.seed(seed)
    np.random.seed(seed)
    tf.set_random_seed(seed)

    # The environments: num_envs copies stepped together as one gymnasium vector (one copy
    # is a vector of one); a copy whose episode ends is reset by the loop below, not by itself
    envs = make_vector_env(env_fn, num_envs, vector_mode)
    obs_dim = envs.single_observation_space.shape
    act_dim = envs.single_action_space.shape
    envs.action_space.seed(seed)

    # Normalization (off by default; PPO2's recipe on MuJoCo turns both on): what the agent
    # sees of each observation, and the scale of the rewards it learns from
    norm = Normalizer(envs.single_observation_space, num_envs, gamma, normalize_obs,
                      normalize_reward)

    # Placeholders: observations and actions, and the batch's advantages, returns and old log-probs
    x_ph, a_ph = core.placeholders_from_spaces(envs.single_observation_space,
                                               envs.single_action_space)
    # With normalized observations the agent reads x_ph, which training feeds with them; the
    # saved agent takes raw_x_ph and normalizes it with the statistics of its save
    raw_x_ph, x_ph, store_statistics = normalized_input(x_ph, norm)
    adv_ph, ret_ph, logp_old_ph = core.placeholders(None, None, None)

    # The agent: policy pi and value function v
    pi, logp, logp_pi, ent, v = actor_critic(x_ph, a_ph, action_space=envs.single_action_space,
                                             **ac_kwargs)

    var_counts = tuple(core.count_vars(scope) for scope in ['pi', 'v'])
    logger.log('\nParameters: pi %d, v %d\n' % var_counts)

    # Experience buffer: each process collects its share of the epoch, each copy its share of that
    buf = VPGBuffer(obs_dim, act_dim, steps_per_env, gamma, lam, num_envs)

    # Losses, built into the graph
    loss_pi, pi_info = compute_loss_pi(logp, logp_old_ph, adv_ph, ent)
    loss_v = compute_loss_v(v, ret_ph)

    # Optimizers, one for the policy and one for the value function (gradients averaged over MPI)
    train_pi = MpiAdamOptimizer(learning_rate=pi_lr).minimize(loss_pi, var_list=core.get_vars('pi'))
    train_v = MpiAdamOptimizer(learning_rate=vf_lr).minimize(loss_v, var_list=core.get_vars('v'))

    # Session; every MPI process starts from process 0's weights
    sess = tf.Session(config=session_config())
    sess.run(tf.global_variables_initializer())
    sess.run(sync_all_params())

    # Saving: the graph and weights go to tf1_save/, with the tensors x, pi and v
    logger.setup_tf_saver(sess, inputs={'x': raw_x_ph}, outputs={'pi': pi, 'v': v})

    # The ops the update runs on each batch
    ops = dict(loss_pi=loss_pi, loss_v=loss_v, train_pi=train_pi, train_v=train_v, **pi_info)
    get_action_ops = [pi, v, logp_pi]

    # Checkpoints: all that training needs to go on (every variable: weights, optimizer slots,
    # the policy's random generator; the other random states), written with each save; a
    # resumed run loads one and starts at the epoch after it
    checkpoint = Checkpoint(logger, envs=dict(env=envs), session=sess, normalizer=norm)
    start = checkpoint.restore(resume_from, epoch=0)

    # Main loop (line 2): each epoch, collect a batch with the current policy, then update and log.
    # One copy starts a new episode each epoch (the last epoch's ended with it, and a resumed run
    # repeats the one-go run exactly); several go on with theirs, as PPO2's do, since a copy's
    # share of a batch is often shorter than an episode. The run's first reset is seeded.
    new_episode_each_epoch = num_envs == 1
    start_time = time.time() - start.elapsed
    for epoch in range(start.epoch, epochs):
        if epoch == start.epoch or new_episode_each_epoch:
            o, _ = envs.reset(seed=seed if epoch == 0 else None)
            ep_ret, ep_len = np.zeros(num_envs), np.zeros(num_envs, dtype=int)
            norm.restart()  # (the returns that scale rewards, too)

        for t in range(steps_per_env):
            # Line 4: act, step, store (o is (num_envs, obs_dim), and so on down the line)
            x = norm.obs(o)  # (what the agent sees of o: o itself, unless normalized)
            a, v_t, logp_t = sess.run(get_action_ops, feed_dict={x_ph: x})

            next_o, r, terminated, truncated, _ = envs.step(a)
            ep_ret += r
            ep_len += 1

            # into the buffer, a row of the [steps, envs] arrays; values also to the log
            buf.store(x, a, norm.reward(r), v_t, logp_t)
            logger.store(VVals=v_t)

            # the next step starts from the new observations
            o = next_o

            # Lines 5-7. Truncation is not termination: a time limit (the env's own, or
            # max_ep_len) ends the episode, but the last state still has a future worth V(s).
            timeout = truncated | (ep_len == max_ep_len)
            done = terminated | timeout
            epoch_ended = t == steps_per_env - 1

            if done.any() or epoch_ended:
                # each trajectory that stops here bootstraps from the value of its last state
                # (o holds each copy's own: no copy has reset yet), unless that state is terminal
                stops = done | epoch_ended
                if (stops & ~terminated).any():
                    last_v = sess.run(v, feed_dict={x_ph: norm.obs(o, update=False)})
                for i in np.flatnonzero(stops):
                    buf.finish_path(0 if terminated[i] else last_v[i], env=i)
                for i in np.flatnonzero(done):
                    logger.store(EpRet=ep_ret[i], EpLen=ep_len[i])
                # the copies whose episodes ended start new ones (one copy: at the next epoch)
                if done.any() and not (epoch_ended and new_episode_each_epoch):
                    o, _ = envs.reset(options={'reset_mask': done})
                    ep_ret[done], ep_len[done] = 0, 0
                    norm.restart(done)

        norm.sync()  # (under MPI: the statistics of every process, merged)

        # Lines 8-10: update the policy and value function on the batch
        data = buf.get()
        feed_dict = {x_ph: data['obs'], a_ph: data['act'], adv_ph: data['adv'],
                     ret_ph: data['ret'], logp_old_ph: data['logp']}
        logger.store(**update(sess, ops, feed_dict, train_v_iters=train_v_iters))

        # Line 11: one row of progress.txt
        logger.log_tabular('Epoch', epoch)
        logger.log_tabular('EpRet', with_min_and_max=True)
        logger.log_tabular('EpLen', average_only=True)
        logger.log_tabular('VVals', with_min_and_max=True)
        logger.log_tabular('TotalEnvInteracts', (epoch + 1) * local_steps_per_epoch * num_procs())
        logger.log_tabular('LossPi', average_only=True)
        logger.log_tabular('LossV', average_only=True)
        logger.log_tabular('DeltaLossPi', average_only=True)
        logger.log_tabular('DeltaLossV', average_only=True)
        logger.log_tabular('Entropy', average_only=True)
        logger.log_tabular('KL', average_only=True)
        logger.log_tabular('Time', time.time() - start_time)
        logger.dump_tabular()

        # Line 11: save the agent (after the update, so the last save holds the final policy)
        # and a checkpoint; after Ctrl-C or SIGTERM, save now and stop (on every MPI process)
        stopping = checkpoint.stop_requested()
        if (epoch % save_freq == 0) or (epoch == epochs - 1) or stopping:
            store_statistics(sess)  # (into the graph, for the saved agent)
            logger.save_state({'env': envs}, None)
            checkpoint.save(epoch=epoch + 1)
        if stopping:
            envs.close()  # (an async vector's subprocesses end now, not while Python exits)
            checkpoint.exit()

    # Done: the session's resources are freed (its graph goes with it)
    envs.close()
    sess.close()


if __name__ == '__main__':
    import argparse
    parser = argparse.ArgumentParser()
    parser.add_argument('--env', type=str, default='HalfCheetah-v5')
    parser.add_argument('--hid', type=int, default=64)
    parser.add_argument('--l', type=int, default=2)
    parser.add_argument('--gamma', type=float, default=0.99)
    parser.add_argument('--seed', '-s', type=int, default=0)
    parser.add_argument('--cpu', type=int, default=1)
    parser.add_argument('--steps', type=int, default=4000)
    parser.add_argument('--epochs', type=int, default=50)
    parser.add_argument('--exp_name', type=str, default='vpg')
    args = parser.parse_args()

    mpi_fork(args.cpu)  # run parallel code with mpi

    from spinup.utils.envs import EnvFn, resolve_env_id
    from spinup.utils.run_utils import setup_logger_kwargs
    logger_kwargs = setup_logger_kwargs(args.exp_name, args.seed)

    vpg(EnvFn(resolve_env_id(args.env)), actor_critic=core.mlp_actor_critic,
        ac_kwargs=dict(hidden_sizes=[args.hid] * args.l), gamma=args.gamma,
        seed=args.seed, steps_per_epoch=args.steps, epochs=args.epochs,
        logger_kwargs=logger_kwargs)
