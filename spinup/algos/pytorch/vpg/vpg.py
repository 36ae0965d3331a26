"""Vanilla Policy Gradient (VPG) in PyTorch, with GAE-Lambda advantages.

Read top to bottom beside VPG's pseudocode: the buffer that turns trajectories into
advantages, the losses and the update, then the algorithm function, whose main loop
collects a batch, updates, logs and saves, once an epoch.
"""
import random
import time
from typing import Any, Callable, Dict, Optional

import numpy as np
import torch
from torch.optim import Adam

import spinup.algos.pytorch.vpg.core as core
from spinup.utils.checkpoint import Checkpoint
from spinup.utils.envs import make_vector_env, steps_per_copy
from spinup.utils.errors import check_inputs
from spinup.utils.logx import EpochLogger
from spinup.utils.mpi_pytorch import mpi_avg_grads, setup_pytorch_for_mpi, sync_params
from spinup.utils.mpi_tools import (local_steps, mpi_avg, mpi_fork, mpi_statistics_scalar,
                                    num_procs, proc_id)
from spinup.utils.normalization import Normalizer
from spinup.utils.normalization_pytorch import NormalizedAgent
from spinup.utils.phases import phase


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

        # [docs gae]
        # GAE-Lambda: A_t = sum_l (gamma*lam)^l delta_{t+l},
        # with delta_t = r_t + gamma V(s_{t+1}) - V(s_t)
        deltas = rews[:-1] + self.gamma * vals[1:] - vals[:-1]
        self.adv_buf[path_slice, env] = core.discount_cumsum(deltas, self.gamma * self.lam)

        # rewards-to-go, the targets for the value function
        self.ret_buf[path_slice, env] = core.discount_cumsum(rews, self.gamma)[:-1]
        # [docs gae end]

        self.path_start_idx[env] = self.ptr

    def get(self) -> Dict[str, torch.Tensor]:
        """Return the epoch's data, its ``[steps, envs]`` rows laid end to end (one sample a
        step of a copy), with advantages normalized (mean 0, std 1 across all processes), and
        empty the buffer."""
        assert self.ptr == self.max_size, 'the buffer must be full before get()'
        self.ptr, self.path_start_idx[:] = 0, 0
        # [docs advantage-normalization]
        adv_mean, adv_std = mpi_statistics_scalar(self.adv_buf)
        self.adv_buf[:] = (self.adv_buf - adv_mean) / (adv_std + 1e-8)  # in place: stays float32
        # [docs advantage-normalization end]
        data = dict(obs=self.obs_buf, act=self.act_buf, ret=self.ret_buf,
                    adv=self.adv_buf, logp=self.logp_buf, val=self.val_buf)
        return {k: torch.as_tensor(v.reshape(-1, *v.shape[2:]), dtype=torch.float32)
                for k, v in data.items()}


def compute_loss_pi(ac, data: Dict[str, torch.Tensor]):
    """The policy-gradient loss, and diagnostics: approximate KL and entropy.

    L = -mean( log pi(a|s) * A ): its gradient is minus the policy gradient estimate.
    """
    obs, act, adv, logp_old = data['obs'], data['act'], data['adv'], data['logp']

    # [docs policy-loss]
    pi, logp = ac.pi(obs, act)
    loss_pi = -(logp * adv).mean()

    # extra information: how far the policy moved, and how random it still is
    approx_kl = (logp_old - logp).mean().item()
    # [docs policy-loss end]
    ent = pi.entropy().mean().item()
    return loss_pi, dict(kl=approx_kl, ent=ent)


def compute_loss_v(ac, data: Dict[str, torch.Tensor]):
    """Mean-squared error of V(s) against the rewards-to-go."""
    obs, ret = data['obs'], data['ret']
    return ((ac.v(obs) - ret) ** 2).mean()


@phase('update')
def update(ac, data: Dict[str, torch.Tensor], pi_optimizer, vf_optimizer, *,
           train_v_iters: int) -> Dict[str, float]:
    """One VPG update on an epoch's data; returns the diagnostics to log.

    The policy takes one gradient step (the gradient averaged across MPI processes); the
    value function takes ``train_v_iters``.

    Logged: the losses before the update (``LossPi``, ``LossV``) and their change over it;
    ``Entropy`` of the data-collecting policy; ``KL`` of the updated policy against it.
    """
    with torch.no_grad():
        pi_l_old, pi_info_old = compute_loss_pi(ac, data)
        v_l_old = compute_loss_v(ac, data).item()
    pi_l_old = pi_l_old.item()

    # [docs update-steps]
    # Line 9: train the policy with a single step of gradient descent.
    pi_optimizer.zero_grad()
    loss_pi, _ = compute_loss_pi(ac, data)
    loss_pi.backward()
    mpi_avg_grads(ac.pi)  # average grads across MPI processes
    pi_optimizer.step()

    # Line 10: value function learning.
    for _ in range(train_v_iters):
        vf_optimizer.zero_grad()
        loss_v = compute_loss_v(ac, data)
        loss_v.backward()
        mpi_avg_grads(ac.v)  # average grads across MPI processes
        vf_optimizer.step()
    # [docs update-steps end]

    # Where the update ended: the losses, and the KL of the new policy across processes.
    with torch.no_grad():
        pi_l_new, pi_info_new = compute_loss_pi(ac, data)
        v_l_new = compute_loss_v(ac, data).item()
    return dict(LossPi=pi_l_old, LossV=v_l_old,
                DeltaLossPi=pi_l_new.item() - pi_l_old, DeltaLossV=v_l_new - v_l_old,
                KL=mpi_avg(pi_info_new['kl']), Entropy=pi_info_old['ent'])


def vpg(env_fn: Callable, actor_critic=core.MLPActorCritic, ac_kwargs: Dict[str, Any] = dict(),
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

        actor_critic (type): Class of the agent, built as ``actor_critic(env.observation_space,
            env.action_space, **ac_kwargs)``. It must be a ``torch.nn.Module`` with:

            ================  ==========================  ==========================================
            member            takes                       returns
            ================  ==========================  ==========================================
            ``step(obs)``     observations, (B, obs_dim)  NumPy ``a`` (B, act_dim), or (B,) for
                                                          discrete actions; ``v`` (B,) the value
                                                          estimates; ``logp_a`` (B,) log pi(a|obs)
            ``act(obs)``      observations                ``a`` only, as in ``step``
            ``pi(obs, act)``  observations, and           a ``torch.distributions`` object for
                              maybe actions (B, ...)      pi(.|obs), and log pi(act|obs) as a
                                                          (B,) tensor (None without ``act``)
            ``v(obs)``        observations                the value tensor, shape (B,): squeeze
                                                          the last axis of an MLP's output
            ================  ==========================  ==========================================

            ``pi`` and ``v`` are also the modules whose parameters the two optimizers train.

        ac_kwargs (dict): Keyword arguments for ``actor_critic``; the default agent takes
            ``hidden_sizes`` ((64, 64)), ``activation`` (``spinup.utils.activations_pytorch.Tanh``,
            tanh computed by NumPy on whole batches) and ``init`` (``'default'``, the framework's
            own, or ``'orthogonal'``, PPO2's).

        seed (int): Seeds Python, NumPy, PyTorch and the environment. MPI process ``k`` uses
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

    # One thread a process: the networks are small and MPI processes share the cores
    setup_pytorch_for_mpi()

    # Logger, and a record of every argument in config.json
    logger = EpochLogger(**logger_kwargs, resume_from=resume_from)
    logger.save_config(locals())

    # Seeds: Python, NumPy and PyTorch now, the environment at its first reset
    seed += 10000 * proc_id()
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)

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

    # The agent: policy pi and value function v
    ac = actor_critic(envs.single_observation_space, envs.single_action_space, **ac_kwargs)

    # Every MPI process starts from process 0's weights
    sync_params(ac)

    var_counts = tuple(core.count_vars(module) for module in [ac.pi, ac.v])
    logger.log('\nParameters: pi %d, v %d\n' % var_counts)

    # Experience buffer: each process collects its share of the epoch, each copy its share of that
    buf = VPGBuffer(obs_dim, act_dim, steps_per_env, gamma, lam, num_envs)

    # Optimizers, one for the policy and one for the value function (fused: one kernel updates
    # every parameter, the same Adam step, faster)
    pi_optimizer = Adam(ac.pi.parameters(), lr=pi_lr, fused=True)
    vf_optimizer = Adam(ac.v.parameters(), lr=vf_lr, fused=True)

    # Saving: the whole agent goes to pyt_save/model.pt; with normalized observations, inside
    # a module that applies their statistics to the raw observations it is given
    logger.setup_pytorch_saver(NormalizedAgent(ac, norm) if normalize_obs else ac)

    # Checkpoints: all that training needs to go on (weights, optimizer states, random states),
    # written with each save; a resumed run loads one and starts at the epoch after it
    checkpoint = Checkpoint(logger, envs=dict(env=envs),
                            parts=dict(ac=ac, pi_optimizer=pi_optimizer, vf_optimizer=vf_optimizer),
                            normalizer=norm)
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
            a, v, logp = ac.step(torch.as_tensor(x, dtype=torch.float32))

            next_o, r, terminated, truncated, _ = envs.step(a)
            ep_ret += r
            ep_len += 1

            # into the buffer, a row of the [steps, envs] arrays; values also to the log
            buf.store(x, a, norm.reward(r), v, logp)
            logger.store(VVals=v)

            # the next step starts from the new observations
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
                    x = norm.obs(o, update=False)
                    _, last_v, _ = ac.step(torch.as_tensor(x, dtype=torch.float32))
                for i in np.flatnonzero(stops):
                    buf.finish_path(0 if terminated[i] else last_v[i], env=i)
                for i in np.flatnonzero(done):
                    logger.store(EpRet=ep_ret[i], EpLen=ep_len[i])
                # the copies whose episodes ended start new ones (one copy: at the next epoch)
                if done.any() and not (epoch_ended and new_episode_each_epoch):
                    o, _ = envs.reset(options={'reset_mask': done})
                    ep_ret[done], ep_len[done] = 0, 0
                    norm.restart(done)
            # [docs episode-end end]

        norm.sync()  # (under MPI: the statistics of every process, merged)

        # Lines 8-10: update the policy and value function on the batch
        logger.store(**update(ac, buf.get(), pi_optimizer, vf_optimizer,
                              train_v_iters=train_v_iters))

        # Line 11: one row of progress.txt
        # [docs logging]
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
        # [docs logging end]

        # Line 11: save the agent (after the update, so the last save holds the final policy)
        # and a checkpoint; after Ctrl-C or SIGTERM, save now and stop (on every MPI process)
        stopping = checkpoint.stop_requested()
        if (epoch % save_freq == 0) or (epoch == epochs - 1) or stopping:
            logger.save_state({'env': envs}, None)
            checkpoint.save(epoch=epoch + 1)
        if stopping:
            envs.close()  # (an async vector's subprocesses end now, not while Python exits)
            checkpoint.exit()
    envs.close()


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

    vpg(EnvFn(resolve_env_id(args.env)), actor_critic=core.MLPActorCritic,
        ac_kwargs=dict(hidden_sizes=[args.hid] * args.l), gamma=args.gamma,
        seed=args.seed, steps_per_epoch=args.steps, epochs=args.epochs,
        logger_kwargs=logger_kwargs)
