"""PPO with a recurrent policy (PyTorch): what memory adds to ``ppo.py``.

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
import torch
from torch.optim import Adam

import spinup.algos.pytorch.ppo.core_lstm as core_lstm
from spinup.algos.pytorch.ppo.core import count_vars
from spinup.algos.pytorch.ppo.ppo import (PPOBuffer, clip_grads, compute_loss_pi, compute_loss_v,
                                         explained_variance)
from spinup.utils.checkpoint import Checkpoint
from spinup.utils.devices import torch_device
from spinup.utils.envs import make_vector_env, reports_episodes, steps_per_copy
from spinup.utils.errors import (SpinupError, check_inputs, check_recurrent_update,
                                 check_value_targets)
from spinup.utils.logx import EpochLogger
from spinup.utils.mpi_pytorch import mpi_avg_grads, setup_pytorch_for_mpi, sync_params
from spinup.utils.mpi_tools import local_steps, mpi_avg, num_procs, proc_id
from spinup.utils.normalization import Normalizer
from spinup.utils.normalization_pytorch import NormalizedAgent
from spinup.utils.phases import phase


class RecurrentPPOBuffer(PPOBuffer):
    """:class:`~spinup.algos.pytorch.ppo.ppo.PPOBuffer`, and for each step whether its
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

    def get(self, device: torch.device = torch.device('cpu')) -> Dict[str, torch.Tensor]:
        steps, envs = self.start_buf.shape
        data = {k: v.reshape(steps, envs, *v.shape[1:]) for k, v in super().get(device).items()}
        return dict(data, start=torch.as_tensor(self.start_buf, device=device))


@phase('update')
def update_sequences(ac, data: Dict[str, torch.Tensor], state, optimizer, *, clip_ratio: float,
                     update_epochs: int, num_minibatches: int, target_kl: Optional[float],
                     ent_coef: float, vf_coef: float, clip_vloss: bool,
                     max_grad_norm: Optional[float]) -> Dict[str, float]:
    """PPO2's update for a recurrent agent: ``update_epochs`` passes over the batch, each in
    ``num_minibatches`` minibatches of whole copies (their sequences of every step, in order,
    replayed from the memory ``state`` each had at the rollout's start), one gradient step on
    each on the joint loss ``LossPi + vf_coef * LossV / 2``, with backpropagation through the
    whole sequence. Otherwise as ``ppo.update_minibatches``, and logged the same way."""
    vclip = clip_ratio if clip_vloss else None
    num_envs = data['obs'].shape[1]
    envs_per_minibatch = num_envs // num_minibatches
    passes = []
    # [docs sequence-minibatches]
    for _ in range(update_epochs):
        order = torch.randperm(num_envs, device=data['obs'].device)
        infos = []
        for first in range(0, num_envs, envs_per_minibatch):
            copies = order[first:first + envs_per_minibatch]
            seqs = {k: v[:, copies] for k, v in data.items()}  # (steps, copies, ...)
            pi, logp, v = ac.evaluate(seqs['obs'], seqs['act'], seqs['start'],
                                      tuple(s[copies] for s in state))
            minibatch = {k: v.flatten(0, 1) for k, v in seqs.items()}
            loss_pi, pi_info = compute_loss_pi(ac, minibatch, clip_ratio, ent_coef,
                                               pi_logp=(pi, logp.flatten()))
            loss_v = compute_loss_v(ac, minibatch, vclip, v=v.flatten())
            optimizer.zero_grad()
            (loss_pi + vf_coef * 0.5 * loss_v).backward()
            mpi_avg_grads(ac)  # average grads across MPI processes
            clip_grads(ac.parameters(), max_grad_norm)
            optimizer.step()
            infos.append(dict(pi=loss_pi.item(), v=loss_v.item(), **pi_info))
        passes.append({k: np.mean([info[k] for info in infos]) for k in infos[0]})
        if target_kl is not None and mpi_avg(passes[-1]['kl']) > 1.5 * target_kl:
            break
    # [docs sequence-minibatches end]
    first, last = passes[0], passes[-1]
    return dict(LossPi=first['pi'], LossV=first['v'],
                DeltaLossPi=last['pi'] - first['pi'], DeltaLossV=last['v'] - first['v'],
                KL=mpi_avg(last['kl']), Entropy=first['ent'], ClipFrac=mpi_avg(last['cf']),
                StopIter=len(passes))


def ppo_lstm(env_fn: Callable, actor_critic=core_lstm.RecurrentActorCritic,
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

    The arguments are PPO's (:func:`spinup.algos.pytorch.ppo.ppo.ppo`), less the whole-batch
    update's (``train_pi_iters``, ``train_v_iters``, ``vf_lr``), with PPO2's defaults for the
    update; only these differ:

    Args:
        actor_critic (type): Class of the agent, built as
            ``actor_critic(env.observation_space, env.action_space, **ac_kwargs)``; the
            default, :class:`~spinup.algos.pytorch.ppo.core_lstm.RecurrentActorCritic`, puts
            an MLP trunk (vectors) or the Nature CNN (images) before the LSTM. An agent
            given must have ``initial_state(B)``, ``step(obs, start, state)`` -> ``(a, v,
            logp_a, state)`` and ``evaluate(obs, act, starts, state)`` -> ``(pi, logp, v)``
            over (T, B) sequences.

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

    device = torch_device(device)
    check_inputs('PPO', steps_per_epoch=steps_per_epoch, save_freq=save_freq, num_envs=num_envs,
                 update_epochs=update_epochs, num_minibatches=num_minibatches)
    # Each process collects its share of an epoch's steps, each environment copy its share of that
    local_steps_per_epoch = local_steps(steps_per_epoch)
    steps_per_env = steps_per_copy(local_steps_per_epoch, num_envs, vector_mode)
    check_recurrent_update(num_envs, num_minibatches, max_grad_norm)
    check_value_targets(value_targets)

    if device.type != 'cpu' and num_procs() > 1:
        raise SpinupError(f'device={str(device)!r} runs in one process: leave out --cpu (MPI), '
                          f'or use the CPU.')

    # One thread a process: the networks are small and MPI processes share the cores
    setup_pytorch_for_mpi()

    # Logger, and a record of every argument in config.json
    logger = EpochLogger(**logger_kwargs, resume_from=resume_from)
    logger.save_config(locals())

    # Seeds: Python, NumPy and PyTorch now,
    # and the environment at its first reset
    seed += 10000 * proc_id()
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)

    # The environments: num_envs copies stepped together as one gymnasium vector
    envs = make_vector_env(env_fn, num_envs, vector_mode)
    obs_dim = envs.single_observation_space.shape
    act_dim = envs.single_action_space.shape
    envs.action_space.seed(seed)

    norm = Normalizer(envs.single_observation_space, num_envs, gamma, normalize_obs,
                      normalize_reward)
    games = reports_episodes(envs)  # (whether EpRet is the score the game reports: log_episodes)

    # The agent: a trunk, the LSTM, and the policy and value heads that read it
    ac = actor_critic(envs.single_observation_space, envs.single_action_space, **ac_kwargs)
    ac = ac.to(device)  # (where it acts and learns)
    logger.log('\nParameters: %d, of which the memory %d\n' % (count_vars(ac),
                                                               count_vars(ac.memory)))

    # Every MPI process starts from process 0's weights
    sync_params(ac)

    # Observations go to the agent as float32, or as the bytes of images, which it scales itself
    obs_dtype = np.uint8 if envs.single_observation_space.dtype == np.uint8 else np.float32

    obs_torch_dtype = torch.uint8 if obs_dtype == np.uint8 else torch.float32

    def as_obs(o: np.ndarray) -> torch.Tensor:
        return torch.as_tensor(o, dtype=obs_torch_dtype, device=device)

    def as_starts(s: np.ndarray) -> torch.Tensor:
        return torch.as_tensor(s, dtype=torch.float32, device=device)

    buf = RecurrentPPOBuffer(obs_dim, act_dim, steps_per_env, gamma, lam, num_envs, obs_dtype,
                             value_targets)

    # One optimizer for the whole agent, on the joint loss, with PPO2's epsilon
    optimizer = Adam(ac.parameters(), lr=pi_lr, eps=1e-5)

    def log_episodes(done: np.ndarray, info: Dict[str, Any]) -> None:
        if games:
            episode = info.get('episode', {})
            ended, ret, length = info.get('_episode', ()), episode.get('r'), episode.get('l')
        else:
            ended, ret, length = done, ep_ret, ep_len
        for i in np.flatnonzero(ended):
            logger.store(EpRet=ret[i], EpLen=length[i])

    logger.setup_pytorch_saver(NormalizedAgent(ac, norm) if normalize_obs else ac)

    # Checkpoints: as PPO's. The memory is not in them: a resumed run starts new episodes (the
    # environments' states are not saved either), and a new episode starts with no memory.
    checkpoint = Checkpoint(logger, envs=dict(env=envs), parts=dict(ac=ac, optimizer=optimizer),
                            normalizer=norm)
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
            state, episode_start = ac.initial_state(num_envs), np.ones(num_envs, dtype=np.float32)

        frac = 1 - epoch / epochs
        if anneal_lr:
            optimizer.param_groups[0]['lr'] = frac * pi_lr
        clip_now = frac * clip_ratio if anneal_clip else clip_ratio

        # [docs rollout-start]
        # the memory each copy starts the rollout with: training replays its sequence from here
        rollout_state = tuple(s.clone() for s in state)
        # [docs rollout-start end]
        for t in range(steps_per_env):
            x = norm.obs(o)
            a, v, logp, state = ac.step(as_obs(x), as_starts(episode_start), state)
            next_o, r, terminated, truncated, info = envs.step(a)
            ep_ret += r
            ep_len += 1
            buf.store(x, a, norm.reward(r), v, logp, episode_start)
            logger.store(VVals=v)
            o = next_o

            timeout = truncated | (ep_len == max_ep_len)
            done = terminated | timeout
            epoch_ended = t == steps_per_env - 1
            if done.any() or epoch_ended:
                # a trajectory cut here bootstraps from V of its last state, seen with the memory
                # of its episode (no copy has reset yet, and none starts an episode there)
                stops = done | epoch_ended
                if (stops & ~terminated).any():
                    _, last_v, _, _ = ac.step(as_obs(norm.obs(o, update=False)),
                                              as_starts(np.zeros(num_envs)), state)
                for i in np.flatnonzero(stops):
                    buf.finish_path(0 if terminated[i] else last_v[i], env=i)
                log_episodes(done, info)
                if done.any() and not (epoch_ended and new_episode_each_epoch):
                    o, _ = envs.reset(options={'reset_mask': done})
                    ep_ret[done], ep_len[done] = 0, 0
                    norm.restart(done)
            # [docs episode-start]
            # the next observation of a copy whose episode ended starts a new one (for Atari,
            # a lost life ends a training episode, and so resets the memory too)
            episode_start = done.astype(np.float32)
            # [docs episode-start end]

        norm.sync()

        data = buf.get(device)
        diagnostics = update_sequences(ac, data, rollout_state, optimizer, clip_ratio=clip_now,
                                       update_epochs=update_epochs,
                                       num_minibatches=num_minibatches, target_kl=target_kl,
                                       ent_coef=ent_coef, vf_coef=vf_coef, clip_vloss=clip_vloss,
                                       max_grad_norm=max_grad_norm)
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
            logger.save_state({'env': envs}, None)
            checkpoint.save(epoch=epoch + 1)
        if stopping:
            envs.close()
            checkpoint.exit()
    envs.close()


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
