"""Proximal Policy Optimization (PPO-Clip) in TensorFlow 1 graph mode, with early stopping on
the KL divergence.

Read top to bottom beside PPO's pseudocode: the buffer that turns trajectories into
advantages, the losses and the update, then the algorithm function, whose main loop
collects a batch, updates, logs and saves, once an epoch.

The TF1 and PyTorch files follow each other section by section; only the framework differs.
"""
import random
import time
from functools import partial
from typing import Any, Callable, Dict, Optional

import numpy as np
import tensorflow.compat.v1 as tf

import spinup.algos.tf1.ppo.core as core
from spinup.utils.checkpoint import Checkpoint
from spinup.utils.envs import make_vector_env, reports_episodes, steps_per_copy
from spinup.utils.errors import check_inputs, check_ppo2_update
from spinup.utils.logx import EpochLogger
from spinup.utils.mpi_tf import (MpiAdamOptimizer, own_graph, session_config, sync_all_params,
                                 tf1_gpus, train_op)
from spinup.utils.mpi_tools import (local_steps, mpi_avg, mpi_fork, mpi_statistics_scalar,
                                    num_procs, proc_id)
from spinup.utils.normalization import Normalizer
from spinup.utils.normalization_tf import normalized_input
from spinup.utils.phases import phase

tf.disable_v2_behavior()


class PPOBuffer:
    """Stores the trajectories of one epoch, and computes the GAE-Lambda advantages and the
    rewards-to-go that the policy and value losses are trained on.

    With ``num_envs`` environments stepped together, each array holds ``[steps, envs, ...]``:
    a row a step, a column an environment copy. Each column holds its copy's trajectories one
    after another, and GAE runs down each column on its own. Image observations stay
    ``uint8`` (``obs_dtype``): the network scales them.
    """

    def __init__(self, obs_dim, act_dim, size, gamma=0.99, lam=0.97, num_envs=1,
                 obs_dtype=np.float32):
        rows = (size, num_envs)
        self.obs_buf = np.zeros(core.combined_shape(rows, obs_dim), dtype=obs_dtype)
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
        assert self.ptr < self.max_size, 'PPOBuffer is full: call get() at the end of each epoch.'
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
        # delta_t = r_t + gamma V(s_{t+1}) - V(s_t)
        deltas = rews[:-1] + self.gamma * vals[1:] - vals[:-1]
        self.adv_buf[path_slice, env] = core.discount_cumsum(deltas, self.gamma * self.lam)

        # rewards-to-go, the targets for the value function
        self.ret_buf[path_slice, env] = core.discount_cumsum(rews, self.gamma)[:-1]

        self.path_start_idx[env] = self.ptr

    def get(self) -> Dict[str, np.ndarray]:
        """Return the epoch's data, its ``[steps, envs]`` rows laid end to end (one sample a
        step of a copy), with advantages normalized (mean 0, std 1 across all processes), and
        empty the buffer. Everything is float32 but ``uint8`` observations."""
        assert self.ptr == self.max_size, 'the buffer must be full before get()'
        self.ptr, self.path_start_idx[:] = 0, 0
        adv_mean, adv_std = mpi_statistics_scalar(self.adv_buf)
        # (in place: it stays float32)
        self.adv_buf[:] = (self.adv_buf - adv_mean) / (adv_std + 1e-8)
        data = dict(obs=self.obs_buf, act=self.act_buf, ret=self.ret_buf,
                    adv=self.adv_buf, logp=self.logp_buf, val=self.val_buf)
        # [steps, envs, ...] -> [steps * envs, ...]
        return {k: v.reshape(-1, *v.shape[2:])
                for k, v in data.items()}


def compute_loss_pi(logp, logp_old, adv, ent, clip_ratio, ent_coef: float = 0.0):
    """The clipped surrogate loss, less ``ent_coef`` times the policy's entropy (a bonus that
    keeps it exploring), and diagnostics: approximate KL, entropy, clip fraction.

    L = -mean( min( ratio * A, clip(ratio, 1-eps, 1+eps) * A ) ) - ent_coef * mean(H[pi(.|s)]),
    ratio = pi(a|s) / pi_old(a|s)

    Builds graph ops from ``logp`` (log pi(a|s) of the current policy), the placeholders
    ``logp_old``, ``adv`` and ``clip_ratio``, and ``ent`` (the policy's entropy at each state).
    """
    # [docs policy-loss]
    ratio = tf.exp(logp - logp_old)
    clip_adv = tf.clip_by_value(ratio, 1 - clip_ratio, 1 + clip_ratio) * adv
    loss_pi = -tf.reduce_mean(tf.minimum(ratio * adv, clip_adv))

    # extra information: how far the policy moved, and how random it still is
    approx_kl = tf.reduce_mean(logp_old - logp)
    # [docs policy-loss end]
    ent = tf.reduce_mean(ent)
    loss_pi = loss_pi - ent_coef * ent
    clipped = tf.logical_or(ratio > (1 + clip_ratio), ratio < (1 - clip_ratio))
    clipfrac = tf.reduce_mean(tf.cast(clipped, tf.float32))
    return loss_pi, dict(kl=approx_kl, ent=ent, cf=clipfrac)


def compute_loss_v(v, ret, val=None, clip_range=None):
    """Mean-squared error of V(s) against the rewards-to-go.

    With a ``clip_range`` (PPO2's value clipping), the new value may not gain by moving more
    than ``clip_range`` from the value ``val`` it had when the data was collected:
    mean( max( (V - R)^2, (V_old + clip(V - V_old, -c, c) - R)^2 ) ).
    """
    # [docs value-clipping]
    loss_v = (v - ret) ** 2
    if clip_range is not None:
        v_clipped = val + tf.clip_by_value(v - val, -clip_range, clip_range)
        loss_v = tf.maximum(loss_v, (v_clipped - ret) ** 2)
    # [docs value-clipping end]
    return tf.reduce_mean(loss_v)


def explained_variance(data: Dict[str, np.ndarray]) -> float:
    """1 - Var(R - V) / Var(R) over all processes' data, with V the values at collection: 1
    when the value function predicts the returns exactly, 0 when it is no better than their
    mean, below 0 when worse."""
    ret, val = data['ret'], data['val']
    var_ret = mpi_statistics_scalar(ret)[1] ** 2
    return float('nan') if var_ret == 0 else 1 - mpi_statistics_scalar(ret - val)[1] ** 2 / var_ret


@phase('update')
def update(sess, ops: Dict[str, Any], feed_dict: Dict[Any, np.ndarray], *,
           train_pi_iters: int, train_v_iters: int, target_kl: Optional[float]) -> Dict[str, float]:
    """One PPO update on an epoch's data, on the whole batch at once; returns the diagnostics
    to log.

    ``ops`` holds the graph's ``loss_pi``, ``loss_v``, ``kl``, ``ent``, ``cf`` tensors and the
    ``train_pi``, ``train_v`` ops; ``feed_dict`` maps the placeholders to the epoch's data.

    The policy takes up to ``train_pi_iters`` gradient steps, stopping early once the mean
    KL divergence from the data-collecting policy exceeds ``1.5 * target_kl`` (the margin
    OpenAI baselines' PPO uses; None never stops); the KL is checked *before*
    each step, so no step is taken from a policy already too far away. The value function
    then takes ``train_v_iters`` steps.

    Logged: the losses before the update (``LossPi``, ``LossV``) and their change over it;
    ``Entropy`` of the data-collecting policy; ``KL`` and ``ClipFrac`` of the final policy
    against it; ``StopIter``, the number of policy steps taken.
    """
    pi_l_old, v_l_old, ent = sess.run([ops['loss_pi'], ops['loss_v'], ops['ent']], feed_dict)

    # Train the policy with multiple steps of gradient descent.
    # [docs early-stopping]
    stop_iter = train_pi_iters
    for i in range(train_pi_iters):
        kl = mpi_avg(sess.run(ops['kl'], feed_dict))
        if target_kl is not None and kl > 1.5 * target_kl:
            stop_iter = i
            break
        sess.run(ops['train_pi'], feed_dict)  # MpiAdamOptimizer averages grads across processes
    # [docs early-stopping end]

    # Value function learning.
    for _ in range(train_v_iters):
        sess.run(ops['train_v'], feed_dict)

    # Where the update ended: the losses, and the KL and clip fraction of the final policy
    # across processes.
    pi_l_new, v_l_new, kl, cf = sess.run([ops['loss_pi'], ops['loss_v'], ops['kl'], ops['cf']],
                                         feed_dict)
    return dict(LossPi=pi_l_old, LossV=v_l_old,
                DeltaLossPi=pi_l_new - pi_l_old, DeltaLossV=v_l_new - v_l_old,
                KL=mpi_avg(kl), Entropy=ent,
                ClipFrac=mpi_avg(cf), StopIter=stop_iter)


@phase('update')
def update_minibatches(sess, ops: Dict[str, Any], feed_dict: Dict[Any, np.ndarray], *,
                       update_epochs: int, num_minibatches: int,
                       target_kl: Optional[float]) -> Dict[str, float]:
    """PPO2's update: ``update_epochs`` passes over the batch, each in ``num_minibatches``
    shuffled minibatches, one gradient step on each, on the joint loss
    ``LossPi + vf_coef * LossV / 2`` (the policy loss with its entropy bonus; PPO2 halves the
    squared error). The global norm of the gradient is clipped to ``max_grad_norm`` before
    each step. With a ``target_kl``, the update stops after a pass whose mean KL (of the
    policy before each of its steps) passed ``1.5 * target_kl``.

    ``ops['train']`` takes the step; ``feed_dict``'s scalars (learning rates, clip ratio) go
    to every minibatch.

    Logged: ``LossPi``, ``LossV`` and ``Entropy`` as means over the first pass's minibatches,
    before each step; the ``DeltaLoss``-es from the first pass to the last; ``KL`` and
    ``ClipFrac`` over the last pass; ``StopIter``, the passes made.
    """
    fetches = dict(pi=ops['loss_pi'], v=ops['loss_v'], kl=ops['kl'], ent=ops['ent'], cf=ops['cf'])
    n = len(next(x for x in feed_dict.values() if np.ndim(x) > 0))
    minibatch_size = n // num_minibatches
    passes = []
    # [docs minibatches]
    for _ in range(update_epochs):
        order = np.random.permutation(n)
        infos = []
        for start in range(0, n, minibatch_size):
            idx = order[start:start + minibatch_size]
            minibatch = {ph: x[idx] if np.ndim(x) > 0 else x for ph, x in feed_dict.items()}
            # the diagnostics are those of the policy before the step (the step waits for them)
            infos.append(sess.run([*fetches.values(), ops['train']], minibatch)[:-1])
        passes.append(dict(zip(fetches, np.mean(infos, axis=0))))
        if target_kl is not None and mpi_avg(passes[-1]['kl']) > 1.5 * target_kl:
            break
    # [docs minibatches end]
    first, last = passes[0], passes[-1]
    return dict(LossPi=first['pi'], LossV=first['v'],
                DeltaLossPi=last['pi'] - first['pi'], DeltaLossV=last['v'] - first['v'],
                KL=mpi_avg(last['kl']), Entropy=first['ent'], ClipFrac=mpi_avg(last['cf']),
                StopIter=len(passes))


@own_graph  # each call builds into a new graph; the caller's default graph is left alone
def ppo(env_fn: Callable, actor_critic=core.pick_actor_critic, ac_kwargs: Dict[str, Any] = dict(),
        seed: int = 0, steps_per_epoch: int = 4000, epochs: int = 50, gamma: float = 0.99,
        clip_ratio: float = 0.2, pi_lr: float = 3e-4, vf_lr: float = 1e-3,
        train_pi_iters: int = 80, train_v_iters: int = 80, lam: float = 0.97,
        max_ep_len: int = 1000, target_kl: Optional[float] = 0.01,
        num_envs: int = 1, vector_mode: str = 'sync',
        normalize_obs: bool = False, normalize_reward: bool = False,
        num_minibatches: Optional[int] = None, update_epochs: int = 10, ent_coef: float = 0.0,
        vf_coef: float = 0.5, clip_vloss: bool = False, max_grad_norm: Optional[float] = None,
        anneal_lr: bool = False, anneal_clip: bool = False, device: str = 'cpu',
        logger_kwargs: Dict[str, Any] = dict(), save_freq: int = 10,
        resume_from: Optional[str] = None) -> None:
    """PPO-Clip: several steps of gradient ascent on a clipped surrogate objective per batch
    of on-policy experience, stopped early when the policy drifts too far (by mean KL).

    Args:
        env_fn (callable): Makes the environment (gymnasium API), e.g. ``EnvFn('CartPole-v1')``.

        actor_critic (callable): Builds the agent's graph, called as ``actor_critic(x_ph, a_ph,
            action_space=env.action_space, **ac_kwargs)`` with the observation and action
            placeholders. It builds the policy under the variable scope ``pi`` and the value
            function under ``v`` (and what they share under ``trunk``), and returns five
            tensors. The default, ``pick_actor_critic``, builds ``cnn_actor_critic`` for
            images (channels, height, width), such as Atari's, and ``mlp_actor_critic``
            otherwise; a function given is used as it is.

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

            With a ``trunk``, one optimizer trains every variable on the joint loss of PPO2's
            update (see ``num_minibatches``).

        ac_kwargs (dict): Keyword arguments for ``actor_critic``; the default agent takes
            ``hidden_sizes`` ((64, 64); the CNN's fully connected layers, (512,)),
            ``activation`` (``tf.tanh``; the CNN's, ``tf.nn.relu``),
            and ``init`` (``'default'``, the framework's own, or ``'orthogonal'``, PPO2's; the
            CNN's, ``'orthogonal'``).

        seed (int): Seeds Python, NumPy, TensorFlow and the environment. MPI process ``k`` uses
            ``seed + 10000 * k``.

        steps_per_epoch (int): Environment steps per epoch (one batch, one update), over all
            MPI processes and environment copies together. (Thousands.)

        epochs (int): Number of epochs, that is, of policy updates.

        gamma (float): Discount factor. (0.99 to 0.999.) The paper's gamma.

        clip_ratio (float): How far the probability ratio pi/pi_old may move from 1 before the
            objective stops rewarding the move. (0.1 to 0.3.) The paper's epsilon.

        pi_lr (float): Adam learning rate of the policy. (1e-4 to 1e-3.)

        vf_lr (float): Adam learning rate of the value function. (1e-3.)

        train_pi_iters (int): Most gradient steps on the policy per epoch; early stopping on
            the KL may end the update sooner. (Tens.)

        train_v_iters (int): Gradient steps on the value function per epoch. (Tens.)

        lam (float): GAE mixing parameter: 0 gives one-step TD advantages, 1 gives Monte
            Carlo ones. (0.9 to 0.99.) The GAE paper's lambda.

        max_ep_len (int): Longest episode. Reaching it truncates the episode like the
            environment's own time limit: the return beyond it is bootstrapped from V.

        target_kl (float): The mean KL divergence from the data-collecting policy that an
            update should stay near; the policy update stops once the KL passes
            ``1.5 * target_kl``. (0.01 to 0.05.) None never stops early, as in PPO2.

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

        num_minibatches (int): None updates on the whole batch as above (``train_pi_iters``,
            ``train_v_iters``). A number switches to PPO2's update: ``update_epochs`` passes
            over the batch, each in this many shuffled minibatches, one gradient step on each
            on the joint loss ``LossPi + vf_coef * LossV / 2``. (4 to 32.) PPO2's
            ``nminibatches``. An agent with a shared trunk always trains on the joint loss;
            None is then one minibatch, the whole batch.

        update_epochs (int): Passes over the batch in PPO2's update. (3 to 10.) The paper's K,
            PPO2's ``noptepochs``.

        ent_coef (float): Weight of the entropy bonus in the policy loss: more keeps the
            policy random for longer. (0 to 0.01.) The paper's c_2.

        vf_coef (float): Weight of the value loss in PPO2's joint loss (with the whole-batch
            update the value function has its own optimizer, and it does nothing). (0.5 to
            1.) The paper's c_1.

        clip_vloss (bool): Clip the value function's change as the policy's ratio is clipped,
            to ``clip_ratio`` from the value at collection (PPO2 does; it rarely helps).

        max_grad_norm (float): Scale each step's gradient down to this global norm (over all
            the parameters the step trains); None does not clip. (0.5.)

        anneal_lr (bool): Anneal the learning rates linearly from ``pi_lr``/``vf_lr`` at the
            first epoch to 0 after the last one (PPO2 does, on Atari and MuJoCo).

        anneal_clip (bool): Anneal ``clip_ratio`` linearly to 0 the same way (PPO2 does on
            Atari).

        device (str): Where the agent lives, acts and learns: ``'cpu'``, ``'cuda'`` (or
            ``'cuda:N'``), or ``'auto'`` (a GPU where TensorFlow sees one, else the CPU).

        logger_kwargs (dict): Keyword arguments for :class:`EpochLogger` (``output_dir``,
            ``exp_name``, ``tensorboard``); ``setup_logger_kwargs`` makes them.

        save_freq (int): Save the agent, and a checkpoint to resume from, every this many
            epochs (and after the last one).

        resume_from (str): A run folder whose checkpoint to go on from, in that folder, up to
            ``epochs`` in all; None starts a new run. (``python -m spinup.run resume RUN``.)
    """

    gpus = tf1_gpus(device)
    check_inputs('PPO', steps_per_epoch=steps_per_epoch, save_freq=save_freq, num_envs=num_envs,
                 update_epochs=update_epochs, num_minibatches=num_minibatches or 1)
    # Each process collects its share of an epoch's steps, each environment copy its share of that
    local_steps_per_epoch = local_steps(steps_per_epoch)
    steps_per_env = steps_per_copy(local_steps_per_epoch, num_envs, vector_mode)
    check_ppo2_update(local_steps_per_epoch, num_minibatches, max_grad_norm)

    # Logger, and a record of every argument in config.json
    logger = EpochLogger(**logger_kwargs, resume_from=resume_from)
    logger.save_config(locals())

    # Seeds: Python, NumPy and TensorFlow (this call's own graph) now,
    # and the environment at its first reset
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
    games = reports_episodes(envs)  # (whether EpRet is the score the game reports: log_episodes)

    # Placeholders: observations and actions, and the batch's advantages, returns and old log-probs
    x_ph, a_ph = core.placeholders_from_spaces(envs.single_observation_space,
                                               envs.single_action_space)
    # With normalized observations the agent reads x_ph, which training feeds with them; the
    # saved agent takes raw_x_ph and normalizes it with the statistics of its save
    raw_x_ph, x_ph, store_statistics = normalized_input(x_ph, norm)
    adv_ph, ret_ph, logp_old_ph = core.placeholders(None, None, None)

    # The agent: policy pi and value function v (by default an MLP, or for images the Nature
    # CNN with one trunk for both)
    pi, logp, logp_pi, ent, v = actor_critic(x_ph, a_ph, action_space=envs.single_action_space,
                                             **ac_kwargs)
    shared = bool(core.get_vars('trunk'))
    trunk = core.count_vars('trunk')  # (counted in both pi and v, as PyTorch counts it)
    var_counts = tuple(core.count_vars(scope) + trunk for scope in ['pi', 'v'])
    shared_note = f', of which a shared trunk {trunk}' if trunk else ''
    logger.log('\nParameters: pi %d, v %d%s\n' % (*var_counts, shared_note))

    # Observations go to the agent as float32, or as the bytes of images, which it scales itself
    obs_dtype = np.uint8 if envs.single_observation_space.dtype == np.uint8 else np.float32

    # Experience buffer: each process collects its share of the epoch, each copy its share of that
    buf = PPOBuffer(obs_dim, act_dim, steps_per_env, gamma, lam, num_envs, obs_dtype)

    # What changes from epoch to epoch (annealed) and the values at collection, fed in
    val_ph = core.placeholder(None)
    clip_ph, pi_lr_ph, vf_lr_ph = (tf.placeholder(tf.float32, shape=()) for _ in range(3))

    # Losses, built into the graph
    loss_pi, pi_info = compute_loss_pi(logp, logp_old_ph, adv_ph, ent, clip_ph, ent_coef)
    loss_v = compute_loss_v(v, ret_ph, val_ph, clip_ph if clip_vloss else None)

    # Optimizers, one for the policy and one for the value function; a shared trunk makes them
    # one, for the whole agent, on the joint loss, with PPO2's epsilon
    if shared:
        optimizers = [(MpiAdamOptimizer(learning_rate=pi_lr_ph, epsilon=1e-5),
                       core.get_vars('trunk') + core.get_vars('pi') + core.get_vars('v'))]
        num_minibatches = num_minibatches or 1
    else:
        optimizers = [(MpiAdamOptimizer(learning_rate=pi_lr_ph), core.get_vars('pi')),
                      (MpiAdamOptimizer(learning_rate=vf_lr_ph), core.get_vars('v'))]

    # The update (lines 8-13): PPO's, on the whole batch at once, or PPO2's passes over
    # shuffled minibatches on the joint loss
    if num_minibatches is None:
        train_ops = dict(train_pi=train_op(loss_pi, optimizers[:1], max_grad_norm),
                         train_v=train_op(loss_v, optimizers[1:], max_grad_norm))
        update_kind = partial(update, train_pi_iters=train_pi_iters, train_v_iters=train_v_iters)
    else:
        with tf.control_dependencies([loss_pi, loss_v, *pi_info.values()]):  # diagnostics first
            loss = loss_pi + vf_coef * 0.5 * loss_v
            train_ops = dict(train=train_op(loss, optimizers, max_grad_norm))
        update_kind = partial(update_minibatches, update_epochs=update_epochs,
                              num_minibatches=num_minibatches)

    # Session; every MPI process starts from process 0's weights
    sess = tf.Session(config=session_config(gpus))
    sess.run(tf.global_variables_initializer())
    sess.run(sync_all_params())

    # Saving: the graph and weights go to tf1_save/, with the tensors x, pi and v
    logger.setup_tf_saver(sess, inputs={'x': raw_x_ph}, outputs={'pi': pi, 'v': v})

    # The ops the update runs on each batch
    ops = dict(loss_pi=loss_pi, loss_v=loss_v, **train_ops, **pi_info)
    get_action_ops = [pi, v, logp_pi]

    # EpRet and EpLen: each episode's return and length as the loop counts them, or, for a game
    # that reports its own score (Atari's: whole games, where a lost life ends a training
    # episode and rewards are clipped), the score the game reports
    def log_episodes(done: np.ndarray, info: Dict[str, Any]) -> None:
        if games:
            episode = info.get('episode', {})
            ended, ret, length = info.get('_episode', ()), episode.get('r'), episode.get('l')
        else:
            ended, ret, length = done, ep_ret, ep_len
        for i in np.flatnonzero(ended):
            logger.store(EpRet=ret[i], EpLen=length[i])

    # Checkpoints: all that training needs to go on (weights, optimizer states, random states),
    # written with each save; a resumed run loads one and starts at the epoch after it
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

        # Annealing: the learning rates (and the clip ratio) fall linearly to 0 over the run
        frac = 1 - epoch / epochs
        lr_scale = frac if anneal_lr else 1.0
        clip_now = frac * clip_ratio if anneal_clip else clip_ratio

        for t in range(steps_per_env):
            # Line 4: act, step, store (o is (num_envs, obs_dim), and so on down the line)
            x = norm.obs(o)  # (what the agent sees of o: o itself, unless normalized)
            a, v_t, logp_t = sess.run(get_action_ops, feed_dict={x_ph: x})
            next_o, r, terminated, truncated, info = envs.step(a)
            ep_ret += r
            ep_len += 1
            buf.store(x, a, norm.reward(r), v_t, logp_t)
            logger.store(VVals=v_t)
            o = next_o

            # [docs episode-end]
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
                log_episodes(done, info)
                # the copies whose episodes ended start new ones (one copy: at the next epoch)
                if done.any() and not (epoch_ended and new_episode_each_epoch):
                    o, _ = envs.reset(options={'reset_mask': done})
                    ep_ret[done], ep_len[done] = 0, 0
                    norm.restart(done)
            # [docs episode-end end]

        norm.sync()  # (under MPI: the statistics of every process, merged)

        # Lines 8-13: update the policy and value function on the batch
        data = buf.get()
        feed_dict = {x_ph: data['obs'], a_ph: data['act'], adv_ph: data['adv'], ret_ph: data['ret'],
                     logp_old_ph: data['logp'], val_ph: data['val'], clip_ph: clip_now,
                     pi_lr_ph: lr_scale * pi_lr, vf_lr_ph: lr_scale * vf_lr}
        diagnostics = update_kind(sess, ops, feed_dict, target_kl=target_kl)
        logger.store(ExplainedVar=explained_variance(data), **diagnostics)

        # Line 14: one row of progress.txt
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
        logger.log_tabular('ClipFrac', average_only=True)
        logger.log_tabular('StopIter', average_only=True)
        logger.log_tabular('ExplainedVar', average_only=True)
        logger.log_tabular('Time', time.time() - start_time)
        logger.dump_tabular()

        # Line 14: save the agent (after the update, so the last save holds the final policy) and a
        # checkpoint; after Ctrl-C or SIGTERM, save now and stop (on every MPI process)
        stopping = checkpoint.stop_requested()
        if (epoch % save_freq == 0) or (epoch == epochs - 1) or stopping:
            store_statistics(sess)  # (into the graph, for the saved agent)
            logger.save_state({'env': envs}, None)
            checkpoint.save(epoch=epoch + 1)
        if stopping:
            envs.close()  # (an async vector's subprocesses end now, not while Python exits)
            checkpoint.exit()
    envs.close()
    sess.close()  # (its graph goes with it)


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
    parser.add_argument('--exp_name', type=str, default='ppo')
    args = parser.parse_args()

    mpi_fork(args.cpu)  # run parallel code with mpi

    from spinup.utils.envs import EnvFn, resolve_env_id
    from spinup.utils.run_utils import setup_logger_kwargs
    logger_kwargs = setup_logger_kwargs(args.exp_name, args.seed)

    ppo(EnvFn(resolve_env_id(args.env)),
        ac_kwargs=dict(hidden_sizes=[args.hid] * args.l), gamma=args.gamma,
        seed=args.seed, steps_per_epoch=args.steps, epochs=args.epochs,
        logger_kwargs=logger_kwargs)
