"""PPO with a recurrent policy (TensorFlow 1 graph mode): what memory adds to ``ppo.py``.

Read beside ``ppo.py``, whose buffer, losses and diagnostics this file imports unchanged. A
recurrent agent needs three things more:

1. the buffer keeps, for each step, whether its observation starts an episode: the memory is
   zeroed there, when acting and again when training;
2. the loop keeps the memory of each environment copy from step to step, and the memory at the
   start of the rollout, from which training replays each copy's sequence;
3. PPO2's minibatches split the copies, not the steps: a minibatch is the whole sequences of
   a few copies, in order, so that the memory is rebuilt exactly as it was when acting.

The TF1 and PyTorch files follow each other section by section; only the framework differs.
"""
import random
import time
from typing import Any, Callable, Dict, Optional

import numpy as np
import tensorflow.compat.v1 as tf

import spinup.algos.tf1.ppo.core as core
import spinup.algos.tf1.ppo.core_lstm as core_lstm
from spinup.algos.tf1.ppo.ppo import PPOBuffer, compute_loss_pi, compute_loss_v, explained_variance
from spinup.utils.checkpoint import Checkpoint
from spinup.utils.envs import make_vector_env, reports_episodes, steps_per_copy
from spinup.utils.errors import check_inputs, check_recurrent_update, check_value_targets
from spinup.utils.logx import EpochLogger
from spinup.utils.mpi_tf import (MpiAdamOptimizer, own_graph, session_config, sync_all_params,
                                 tf1_gpus, train_op)
from spinup.utils.mpi_tools import local_steps, mpi_avg, num_procs, proc_id
from spinup.utils.normalization import Normalizer
from spinup.utils.normalization_tf import normalized_input
from spinup.utils.phases import phase

tf.disable_v2_behavior()


class RecurrentPPOBuffer(PPOBuffer):
    """:class:`~spinup.algos.tf1.ppo.ppo.PPOBuffer`, and for each step whether its
    observation starts an episode (``start``: the done flag of the step before). ``get`` keeps
    the ``[steps, envs]`` layout: each column is a copy's sequence, in order.

    The value's targets are the rewards-to-go, or, with ``value_targets='lambda-returns'``,
    PPO2's: the advantage plus the value, ``A_t + V(s_t)`` (the λ-return)."""

    def __init__(self, obs_dim, act_dim, size, gamma=0.99, lam=0.97, num_envs=1,
                 obs_dtype=np.float32, value_targets='rewards-to-go'):
        super().__init__(obs_dim, act_dim, size, gamma, lam, num_envs, obs_dtype)
        self.start_buf = np.zeros((size, num_envs), dtype=np.float32)
        self.value_targets = check_value_targets(value_targets)

    def store(self, obs, act, rew, val, logp, start):
        self.start_buf[self.ptr] = start
        super().store(obs, act, rew, val, logp)

    def finish_path(self, last_val=0, env=0):
        path = slice(self.path_start_idx[env], self.ptr)
        super().finish_path(last_val, env)
        if self.value_targets == 'lambda-returns':
            self.ret_buf[path, env] = self.adv_buf[path, env] + self.val_buf[path, env]

    def get(self) -> Dict[str, np.ndarray]:
        steps, envs = self.start_buf.shape
        data = {k: v.reshape(steps, envs, *v.shape[1:]) for k, v in super().get().items()}
        return dict(data, start=self.start_buf.copy())


@phase('update')
def update_sequences(sess, ops: Dict[str, Any], sequences: Dict[Any, np.ndarray],
                     state: Dict[Any, np.ndarray], scalars: Dict[Any, float], *,
                     update_epochs: int, num_minibatches: int,
                     target_kl: Optional[float]) -> Dict[str, float]:
    """PPO2's update for a recurrent agent: ``update_epochs`` passes over the batch, each in
    ``num_minibatches`` minibatches of whole copies (their sequences of every step, in order,
    replayed from the memory ``state`` each had at the rollout's start), one gradient step on
    each on the joint loss ``LossPi + vf_coef * LossV / 2``, with backpropagation through the
    whole sequence. Otherwise as ``ppo.update_minibatches``, and logged the same way.

    ``sequences`` maps placeholders to (steps, envs, ...) arrays, ``state`` the memory's
    placeholders to (envs, size) arrays; ``scalars`` (learning rate, clip ratio) go to every
    minibatch."""
    fetches = dict(pi=ops['loss_pi'], v=ops['loss_v'], kl=ops['kl'], ent=ops['ent'], cf=ops['cf'])
    num_envs = len(next(iter(state.values())))
    envs_per_minibatch = num_envs // num_minibatches
    passes = []
    # [docs sequence-minibatches]
    for _ in range(update_epochs):
        order = np.random.permutation(num_envs)
        infos = []
        for first in range(0, num_envs, envs_per_minibatch):
            copies = order[first:first + envs_per_minibatch]
            minibatch = {ph: x[:, copies] for ph, x in sequences.items()}  # (steps, copies, ...)
            minibatch.update({ph: s[copies] for ph, s in state.items()})
            minibatch.update(scalars)
            # the diagnostics are those of the policy before the step (the step waits for them)
            infos.append(sess.run([*fetches.values(), ops['train']], minibatch)[:-1])
        passes.append(dict(zip(fetches, np.mean(infos, axis=0))))
        if target_kl is not None and mpi_avg(passes[-1]['kl']) > 1.5 * target_kl:
            break
    # [docs sequence-minibatches end]
    first, last = passes[0], passes[-1]
    return dict(LossPi=first['pi'], LossV=first['v'],
                DeltaLossPi=last['pi'] - first['pi'], DeltaLossV=last['v'] - first['v'],
                KL=mpi_avg(last['kl']), Entropy=first['ent'], ClipFrac=mpi_avg(last['cf']),
                StopIter=len(passes))


@own_graph  # each call builds into a new graph; the caller's default graph is left alone
def ppo_lstm(env_fn: Callable, actor_critic=core_lstm.recurrent_actor_critic,
             ac_kwargs: Dict[str, Any] = dict(), seed: int = 0, steps_per_epoch: int = 4096,
             epochs: int = 50, gamma: float = 0.99, clip_ratio: float = 0.2, pi_lr: float = 3e-4,
             lam: float = 0.95, max_ep_len: int = 1000, target_kl: Optional[float] = None,
             num_envs: int = 8, vector_mode: str = 'sync',
             normalize_obs: bool = False, normalize_reward: bool = False,
             num_minibatches: int = 4, update_epochs: int = 10, ent_coef: float = 0.0,
             vf_coef: float = 0.5, clip_vloss: bool = False, max_grad_norm: Optional[float] = 0.5,
             value_targets: str = 'rewards-to-go', anneal_lr: bool = False,
             anneal_clip: bool = False, device: str = 'cpu',
             logger_kwargs: Dict[str, Any] = dict(), save_freq: int = 10,
             resume_from: Optional[str] = None) -> None:
    """PPO-Clip with a recurrent agent (PPO2's ``--policy lstm`` and ``--policy lnlstm``), on
    PPO2's update: passes over minibatches of whole sequences, on one joint loss.

    The arguments are PPO's (:func:`spinup.algos.tf1.ppo.ppo.ppo`), less the whole-batch
    update's (``train_pi_iters``, ``train_v_iters``, ``vf_lr``), with PPO2's defaults for the
    update; only these differ:

    Args:
        actor_critic (callable): Builds the agent's graph, called as ``actor_critic(x_ph,
            a_ph, start_ph, action_space=env.action_space, **ac_kwargs)`` with placeholders
            of (T, B) sequences; the default,
            :func:`~spinup.algos.tf1.ppo.core_lstm.recurrent_actor_critic`, puts an MLP
            trunk (vectors) or the Nature CNN (images) before the LSTM. A function given
            must return ``pi, logp, logp_pi, ent, v`` over the sequences, the placeholders
            of the memory before them (``state_in``) and the memory after them
            (``state_out``).

        ac_kwargs (dict): Keyword arguments for ``actor_critic``; the default agent takes
            ``cell`` (``'lstm'``, or ``'lnlstm'``: ``--policy`` sets it), ``lstm_size`` (128),
            the trunk's ``hidden_sizes`` and ``activation`` ((64, 64) and tanh for an MLP,
            (512,) and ReLU after the CNN's convolutions), ``init`` (``'orthogonal'``,
            PPO2's, or ``'default'``, the framework's own), ``critic_lstm`` (False: the
            value reads the policy's LSTM, as in PPO2; True: it has its own trunk and LSTM),
            and ``log_std_init`` (-0.5; a Gaussian policy's first log standard deviation).

        num_envs (int): Environment copies stepped together: the sequences a batch holds.
            (8; a multiple of ``num_minibatches``.)

        num_minibatches (int): Minibatches each pass is split into, by copies: ``num_envs``
            must be a multiple of it, as in PPO2.

        steps_per_epoch (int): Steps of all copies together in an epoch; each copy's sequence
            is ``steps_per_epoch / num_envs`` long, and training backpropagates through all of
            it (PPO2's ``nsteps``: 128 on Atari).

        value_targets (str): What the value is trained on: ``'rewards-to-go'`` (PPO's, the
            default), or ``'lambda-returns'`` (PPO2's and sb3's: the advantage plus the value
            it was computed from, the λ-return with GAE's ``lam``).
    """

    gpus = tf1_gpus(device)
    check_inputs('PPO', steps_per_epoch=steps_per_epoch, save_freq=save_freq, num_envs=num_envs,
                 update_epochs=update_epochs, num_minibatches=num_minibatches)
    # Each process collects its share of an epoch's steps, each environment copy its share of that
    local_steps_per_epoch = local_steps(steps_per_epoch)
    steps_per_env = steps_per_copy(local_steps_per_epoch, num_envs, vector_mode)
    check_recurrent_update(num_envs, num_minibatches, max_grad_norm)
    check_value_targets(value_targets)

    # Logger, and a record of every argument in config.json
    logger = EpochLogger(**logger_kwargs, resume_from=resume_from)
    logger.save_config(locals())

    # Seeds: Python, NumPy and TensorFlow (this call's own graph) now,
    # and the environment at its first reset
    seed += 10000 * proc_id()
    random.seed(seed)
    np.random.seed(seed)
    tf.set_random_seed(seed)

    # The environments: num_envs copies stepped together as one gymnasium vector
    envs = make_vector_env(env_fn, num_envs, vector_mode)
    obs_dim = envs.single_observation_space.shape
    act_dim = envs.single_action_space.shape
    envs.action_space.seed(seed)

    norm = Normalizer(envs.single_observation_space, num_envs, gamma, normalize_obs,
                      normalize_reward)
    games = reports_episodes(envs)  # (whether EpRet is the score the game reports: log_episodes)

    # Placeholders: sequences (steps, copies, ...) of observations, actions and episode starts,
    # and the batch's advantages, returns, old log-probs and values at collection
    x_ph = tf.placeholder(core.placeholder_from_space(envs.single_observation_space).dtype,
                          shape=(None, None, *obs_dim))
    a_ph = tf.placeholder(core.placeholder_from_space(envs.single_action_space).dtype,
                          shape=(None, None, *act_dim))
    raw_x_ph, x_ph, store_statistics = normalized_input(x_ph, norm)
    start_ph, adv_ph, ret_ph, logp_old_ph, val_ph = (tf.placeholder(tf.float32, (None, None))
                                                     for _ in range(5))

    # The agent: a trunk, the LSTM, and the policy and value heads that read it
    pi, logp, logp_pi, ent, v, state_in, state_out = actor_critic(
        x_ph, a_ph, start_ph, action_space=envs.single_action_space, **ac_kwargs)
    logger.log('\nParameters: %d, of which the memory %d\n' % (
        sum(core.count_vars(scope) for scope in ['trunk', 'pi', 'v']),
        core.count_vars('trunk/memory')))

    # Observations go to the agent as float32, or as the bytes of images, which it scales itself
    obs_dtype = np.uint8 if envs.single_observation_space.dtype == np.uint8 else np.float32

    buf = RecurrentPPOBuffer(obs_dim, act_dim, steps_per_env, gamma, lam, num_envs, obs_dtype,
                             value_targets)

    clip_ph, lr_ph = (tf.placeholder(tf.float32, shape=()) for _ in range(2))
    loss_pi, pi_info = compute_loss_pi(logp, logp_old_ph, adv_ph, ent, clip_ph, ent_coef)
    loss_v = compute_loss_v(v, ret_ph, val_ph, clip_ph if clip_vloss else None)

    # One optimizer for the whole agent, on the joint loss, with PPO2's epsilon
    optimizer = MpiAdamOptimizer(learning_rate=lr_ph, epsilon=1e-5)
    agent_vars = core.get_vars('trunk') + core.get_vars('pi') + core.get_vars('v')
    # (the diagnostics a step fetches come from the forward pass its gradients need, so from
    # the policy before the step; no control dependency is needed, or allowed: TF1 cannot
    # make a step wait for the values of tf.scan's loop that its gradients run through)
    loss = loss_pi + vf_coef * 0.5 * loss_v
    train = train_op(loss, [(optimizer, agent_vars)], max_grad_norm)

    sess = tf.Session(config=session_config(gpus))
    sess.run(tf.global_variables_initializer())
    sess.run(sync_all_params())

    # Saving: the graph and weights go to tf1_save/, with the sequences' tensors and the memory
    # (h_v and c_v: the value's own memory, with a critic LSTM; acting needs only h and c)
    memory_names = ('h', 'c', 'h_v', 'c_v')[:len(state_in)]
    logger.setup_tf_saver(sess, inputs={'x': raw_x_ph, 'start': start_ph,
                                        **dict(zip(memory_names, state_in))},
                          outputs={'pi': pi, 'v': v, **{name + '_out': s for name, s in
                                                        zip(memory_names, state_out)}})

    ops = dict(loss_pi=loss_pi, loss_v=loss_v, train=train, logp=logp, v=v, **pi_info)
    get_action_ops = [pi, v, logp_pi, state_out]
    zeros = np.zeros((num_envs, int(state_in[0].shape[-1])), dtype=np.float32)
    zero_state = (zeros,) * len(state_in)  # (h, c), and (h_v, c_v) with a critic LSTM

    def step(x, episode_start, state):
        """One step of every copy: (a, v, logp_a) and the memory after it."""
        feed = {x_ph: x[None], start_ph: episode_start[None], **dict(zip(state_in, state))}
        a, v_t, logp_t, state = sess.run(get_action_ops, feed)
        return a[0], v_t[0], logp_t[0], state

    def log_episodes(done: np.ndarray, info: Dict[str, Any]) -> None:
        if games:
            episode = info.get('episode', {})
            ended, ret, length = info.get('_episode', ()), episode.get('r'), episode.get('l')
        else:
            ended, ret, length = done, ep_ret, ep_len
        for i in np.flatnonzero(ended):
            logger.store(EpRet=ret[i], EpLen=length[i])

    # Checkpoints: as PPO's. The memory is not in them: a resumed run starts new episodes (the
    # environments' states are not saved either), and a new episode starts with no memory.
    checkpoint = Checkpoint(logger, envs=dict(env=envs), session=sess, normalizer=norm)
    start = checkpoint.restore(resume_from, epoch=0)

    # Main loop, as PPO's; and `state` is each copy's memory, `episode_start` flags the copies
    # whose next observation starts an episode (the agent zeroes their memory before acting).
    new_episode_each_epoch = num_envs == 1
    start_time = time.time() - start.elapsed
    for epoch in range(start.epoch, epochs):
        if epoch == start.epoch or new_episode_each_epoch:
            o, _ = envs.reset(seed=seed if epoch == 0 else None)
            ep_ret, ep_len = np.zeros(num_envs), np.zeros(num_envs, dtype=int)
            norm.restart()
            state, episode_start = zero_state, np.ones(num_envs, dtype=np.float32)

        frac = 1 - epoch / epochs
        lr_scale = frac if anneal_lr else 1.0
        clip_now = frac * clip_ratio if anneal_clip else clip_ratio

        # the memory each copy starts the rollout with: training replays its sequence from here
        rollout_state = state
        for t in range(steps_per_env):
            x = norm.obs(o)
            a, v_t, logp_t, state = step(x, episode_start, state)
            next_o, r, terminated, truncated, info = envs.step(a)
            ep_ret += r
            ep_len += 1
            buf.store(x, a, norm.reward(r), v_t, logp_t, episode_start)
            logger.store(VVals=v_t)
            o = next_o

            timeout = truncated | (ep_len == max_ep_len)
            done = terminated | timeout
            epoch_ended = t == steps_per_env - 1
            if done.any() or epoch_ended:
                # a trajectory cut here bootstraps from V of its last state, seen with the memory
                # of its episode (no copy has reset yet, and none starts an episode there)
                stops = done | epoch_ended
                if (stops & ~terminated).any():
                    _, last_v, _, _ = step(norm.obs(o, update=False), np.zeros(num_envs),
                                           state)
                for i in np.flatnonzero(stops):
                    buf.finish_path(0 if terminated[i] else last_v[i], env=i)
                log_episodes(done, info)
                if done.any() and not (epoch_ended and new_episode_each_epoch):
                    o, _ = envs.reset(options={'reset_mask': done})
                    ep_ret[done], ep_len[done] = 0, 0
                    norm.restart(done)
            # the next observation of a copy whose episode ended starts a new one (for Atari,
            # a lost life ends a training episode, and so resets the memory too)
            episode_start = done.astype(np.float32)

        norm.sync()

        data = buf.get()
        sequences = {x_ph: data['obs'], a_ph: data['act'], start_ph: data['start'],
                     adv_ph: data['adv'], ret_ph: data['ret'], logp_old_ph: data['logp'],
                     val_ph: data['val']}
        diagnostics = update_sequences(sess, ops, sequences, dict(zip(state_in, rollout_state)),
                                       {clip_ph: clip_now, lr_ph: lr_scale * pi_lr},
                                       update_epochs=update_epochs,
                                       num_minibatches=num_minibatches, target_kl=target_kl)
        logger.store(ExplainedVar=explained_variance(data), **diagnostics)

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

        stopping = checkpoint.stop_requested()
        if (epoch % save_freq == 0) or (epoch == epochs - 1) or stopping:
            store_statistics(sess)  # (into the graph, for the saved agent)
            logger.save_state({'env': envs}, None)
            checkpoint.save(epoch=epoch + 1)
        if stopping:
            envs.close()
            checkpoint.exit()
    envs.close()
    sess.close()


if __name__ == '__main__':
    import argparse
    parser = argparse.ArgumentParser()
    parser.add_argument('--env', type=str, default='CartPoleNoVel-v1')
    parser.add_argument('--cell', type=str, default='lstm')
    parser.add_argument('--seed', '-s', type=int, default=0)
    parser.add_argument('--epochs', type=int, default=50)
    parser.add_argument('--exp_name', type=str, default='ppo_lstm')
    args = parser.parse_args()

    from spinup.utils.envs import EnvFn, resolve_env_id
    from spinup.utils.run_utils import setup_logger_kwargs
    logger_kwargs = setup_logger_kwargs(args.exp_name, args.seed)

    ppo_lstm(EnvFn(resolve_env_id(args.env)), ac_kwargs=dict(cell=args.cell), seed=args.seed,
             epochs=args.epochs, logger_kwargs=logger_kwargs)
