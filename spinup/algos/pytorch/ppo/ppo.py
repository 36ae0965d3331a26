"""Proximal Policy Optimization (PPO-Clip) in PyTorch, with early stopping on the KL divergence.

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
import torch
from torch.optim import Adam

import spinup.algos.pytorch.ppo.core as core
from spinup.utils.checkpoint import Checkpoint
from spinup.utils.devices import torch_device
from spinup.utils.envs import make_vector_env, reports_episodes, steps_per_copy
from spinup.utils.errors import SpinupError, check_inputs, check_ppo2_update
from spinup.utils.logx import EpochLogger
from spinup.utils.mpi_pytorch import mpi_avg_grads, setup_pytorch_for_mpi, sync_params
from spinup.utils.mpi_tools import (local_steps, mpi_avg, mpi_fork, mpi_statistics_scalar,
                                    num_procs, proc_id)
from spinup.utils.normalization import Normalizer
from spinup.utils.normalization_pytorch import NormalizedAgent
from spinup.utils.phases import phase


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

        # [docs gae]
        # GAE-Lambda: A_t = sum_l (gamma*lam)^l delta_{t+l},
        # delta_t = r_t + gamma V(s_{t+1}) - V(s_t)
        deltas = rews[:-1] + self.gamma * vals[1:] - vals[:-1]
        self.adv_buf[path_slice, env] = core.discount_cumsum(deltas, self.gamma * self.lam)

        # rewards-to-go, the targets for the value function
        self.ret_buf[path_slice, env] = core.discount_cumsum(rews, self.gamma)[:-1]
        # [docs gae end]

        self.path_start_idx[env] = self.ptr

    def get(self, device: torch.device = torch.device('cpu')) -> Dict[str, torch.Tensor]:
        """Return the epoch's data, its ``[steps, envs]`` rows laid end to end (one sample a
        step of a copy), with advantages normalized (mean 0, std 1 across all processes), and
        empty the buffer. Everything is float32 but ``uint8`` observations, on ``device``."""
        assert self.ptr == self.max_size, 'the buffer must be full before get()'
        self.ptr, self.path_start_idx[:] = 0, 0
        # [docs advantage-normalization]
        adv_mean, adv_std = mpi_statistics_scalar(self.adv_buf)
        # (in place: it stays float32)
        self.adv_buf[:] = (self.adv_buf - adv_mean) / (adv_std + 1e-8)
        # [docs advantage-normalization end]
        data = dict(obs=self.obs_buf, act=self.act_buf, ret=self.ret_buf,
                    adv=self.adv_buf, logp=self.logp_buf, val=self.val_buf)
        # [steps, envs, ...] -> [steps * envs, ...]
        return {k: torch.as_tensor(v.reshape(-1, *v.shape[2:]), device=device)
                for k, v in data.items()}


def compute_loss_pi(ac, data: Dict[str, torch.Tensor], clip_ratio: float, ent_coef: float = 0.0,
                    pi_logp=None):
    """The clipped surrogate loss, less ``ent_coef`` times the policy's entropy (a bonus that
    keeps it exploring), and diagnostics: approximate KL, entropy, clip fraction.

    L = -mean( min( ratio * A, clip(ratio, 1-eps, 1+eps) * A ) ) - ent_coef * mean(H[pi(.|s)]),
    ratio = pi(a|s) / pi_old(a|s)

    ``pi_logp``: ``ac.pi(obs, act)`` if it was computed already (see ``core.evaluate``).
    """
    obs, act, adv, logp_old = data['obs'], data['act'], data['adv'], data['logp']

    # [docs policy-loss]
    pi, logp = ac.pi(obs, act) if pi_logp is None else pi_logp
    ratio = torch.exp(logp - logp_old)
    clip_adv = torch.clamp(ratio, 1 - clip_ratio, 1 + clip_ratio) * adv
    loss_pi = -(torch.min(ratio * adv, clip_adv)).mean()

    # extra information: how far the policy moved, and how random it still is
    approx_kl = (logp_old - logp).mean().item()
    # [docs policy-loss end]
    ent = pi.entropy().mean()
    loss_pi = loss_pi - ent_coef * ent
    clipped = ratio.gt(1 + clip_ratio) | ratio.lt(1 - clip_ratio)
    clipfrac = torch.as_tensor(clipped, dtype=torch.float32).mean().item()
    return loss_pi, dict(kl=approx_kl, ent=ent.item(), cf=clipfrac)


def compute_loss_v(ac, data: Dict[str, torch.Tensor], clip_range: Optional[float] = None, v=None):
    """Mean-squared error of V(s) against the rewards-to-go.

    With a ``clip_range`` (PPO2's value clipping), the new value may not gain by moving more
    than ``clip_range`` from the value ``val`` it had when the data was collected:
    mean( max( (V - R)^2, (V_old + clip(V - V_old, -c, c) - R)^2 ) ).

    ``v``: ``ac.v(obs)`` if it was computed already.
    """
    obs, ret = data['obs'], data['ret']
    # [docs value-clipping]
    v = ac.v(obs) if v is None else v
    loss_v = (v - ret) ** 2
    if clip_range is not None:
        v_clipped = data['val'] + torch.clamp(v - data['val'], -clip_range, clip_range)
        loss_v = torch.max(loss_v, (v_clipped - ret) ** 2)
    # [docs value-clipping end]
    return loss_v.mean()


def explained_variance(data: Dict[str, torch.Tensor]) -> float:
    """1 - Var(R - V) / Var(R) over all processes' data, with V the values at collection: 1
    when the value function predicts the returns exactly, 0 when it is no better than their
    mean, below 0 when worse."""
    ret, val = data['ret'].cpu().numpy(), data['val'].cpu().numpy()
    var_ret = mpi_statistics_scalar(ret)[1] ** 2
    return float('nan') if var_ret == 0 else 1 - mpi_statistics_scalar(ret - val)[1] ** 2 / var_ret


def clip_grads(parameters, max_grad_norm: Optional[float]) -> None:
    """Scale the gradients of ``parameters`` so that their global norm (of all of them, as one
    vector) is at most ``max_grad_norm``; None leaves them as they are."""
    if max_grad_norm is not None:
        torch.nn.utils.clip_grad_norm_(parameters, max_grad_norm)


@phase('update')
def update(ac, data: Dict[str, torch.Tensor], pi_optimizer, vf_optimizer, *, clip_ratio: float,
           train_pi_iters: int, train_v_iters: int, target_kl: Optional[float],
           ent_coef: float = 0.0, clip_vloss: bool = False,
           max_grad_norm: Optional[float] = None) -> Dict[str, float]:
    """One PPO update on an epoch's data, on the whole batch at once; returns the diagnostics
    to log.

    The policy takes up to ``train_pi_iters`` gradient steps, stopping early once the mean
    KL divergence from the data-collecting policy exceeds ``1.5 * target_kl`` (the margin
    OpenAI baselines' PPO uses; None never stops); the KL is checked *before*
    each step, so no step is taken from a policy already too far away. The value function
    then takes ``train_v_iters`` steps.

    Logged: the losses before the update (``LossPi``, ``LossV``) and their change over it;
    ``Entropy`` of the data-collecting policy; ``KL`` and ``ClipFrac`` of the final policy
    against it; ``StopIter``, the number of policy steps taken.
    """
    vclip = clip_ratio if clip_vloss else None
    with torch.no_grad():
        pi_l_old, pi_info_old = compute_loss_pi(ac, data, clip_ratio, ent_coef)
        v_l_old = compute_loss_v(ac, data, vclip).item()
    pi_l_old = pi_l_old.item()

    # Train the policy with multiple steps of gradient descent.
    # [docs early-stopping]
    stop_iter = train_pi_iters
    for i in range(train_pi_iters):
        pi_optimizer.zero_grad()
        loss_pi, pi_info = compute_loss_pi(ac, data, clip_ratio, ent_coef)
        kl = mpi_avg(pi_info['kl'])
        if target_kl is not None and kl > 1.5 * target_kl:
            stop_iter = i
            break
        loss_pi.backward()
        mpi_avg_grads(ac.pi)  # average grads across MPI processes
        clip_grads(ac.pi.parameters(), max_grad_norm)
        pi_optimizer.step()
    # [docs early-stopping end]

    # Value function learning.
    for _ in range(train_v_iters):
        vf_optimizer.zero_grad()
        loss_v = compute_loss_v(ac, data, vclip)
        loss_v.backward()
        mpi_avg_grads(ac.v)  # average grads across MPI processes
        clip_grads(ac.v.parameters(), max_grad_norm)
        vf_optimizer.step()

    # Where the update ended: the losses, and the KL and clip fraction of the final policy
    # across processes.
    with torch.no_grad():
        pi_l_new, pi_info_new = compute_loss_pi(ac, data, clip_ratio, ent_coef)
        v_l_new = compute_loss_v(ac, data, vclip).item()
    return dict(LossPi=pi_l_old, LossV=v_l_old,
                DeltaLossPi=pi_l_new.item() - pi_l_old, DeltaLossV=v_l_new - v_l_old,
                KL=mpi_avg(pi_info_new['kl']), Entropy=pi_info_old['ent'],
                ClipFrac=mpi_avg(pi_info_new['cf']), StopIter=stop_iter)


@phase('update')
def update_minibatches(ac, data: Dict[str, torch.Tensor], pi_optimizer, vf_optimizer, *,
                       clip_ratio: float, update_epochs: int, num_minibatches: int,
                       target_kl: Optional[float], ent_coef: float, vf_coef: float,
                       clip_vloss: bool, max_grad_norm: Optional[float]) -> Dict[str, float]:
    """PPO2's update: ``update_epochs`` passes over the batch, each in ``num_minibatches``
    shuffled minibatches, one gradient step on each, on the joint loss
    ``LossPi + vf_coef * LossV / 2`` (the policy loss with its entropy bonus; PPO2 halves the
    squared error). The global norm of the gradient is clipped to ``max_grad_norm`` before
    each step. With a ``target_kl``, the update stops after a pass whose mean KL (of the
    policy before each of its steps) passed ``1.5 * target_kl``.

    An agent whose policy and value function share a trunk has one optimizer,
    ``pi_optimizer`` (``vf_optimizer`` is then None).

    Logged: ``LossPi``, ``LossV`` and ``Entropy`` as means over the first pass's minibatches,
    before each step; the ``DeltaLoss``-es from the first pass to the last; ``KL`` and
    ``ClipFrac`` over the last pass; ``StopIter``, the passes made.
    """
    vclip = clip_ratio if clip_vloss else None
    optimizers = [o for o in (pi_optimizer, vf_optimizer) if o is not None]
    n = len(data['obs'])
    minibatch_size = n // num_minibatches
    passes = []
    # [docs minibatches]
    for _ in range(update_epochs):
        order = torch.randperm(n, device=data['obs'].device)
        infos = []
        for start in range(0, n, minibatch_size):
            minibatch = {k: v[order[start:start + minibatch_size]] for k, v in data.items()}
            pi, logp, v = core.evaluate(ac, minibatch['obs'], minibatch['act'])
            loss_pi, pi_info = compute_loss_pi(ac, minibatch, clip_ratio, ent_coef,
                                               pi_logp=(pi, logp))
            loss_v = compute_loss_v(ac, minibatch, vclip, v=v)
            for optimizer in optimizers:
                optimizer.zero_grad()
            (loss_pi + vf_coef * 0.5 * loss_v).backward()
            mpi_avg_grads(ac)  # average grads across MPI processes
            clip_grads(ac.parameters(), max_grad_norm)
            for optimizer in optimizers:
                optimizer.step()
            infos.append(dict(pi=loss_pi.item(), v=loss_v.item(), **pi_info))
        passes.append({k: np.mean([info[k] for info in infos]) for k in infos[0]})
        if target_kl is not None and mpi_avg(passes[-1]['kl']) > 1.5 * target_kl:
            break
    # [docs minibatches end]
    first, last = passes[0], passes[-1]
    return dict(LossPi=first['pi'], LossV=first['v'],
                DeltaLossPi=last['pi'] - first['pi'], DeltaLossV=last['v'] - first['v'],
                KL=mpi_avg(last['kl']), Entropy=first['ent'], ClipFrac=mpi_avg(last['cf']),
                StopIter=len(passes))


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

        actor_critic (type): Class of the agent, built as ``actor_critic(env.observation_space,
            env.action_space, **ac_kwargs)``. The default, ``pick_actor_critic``, builds
            ``CNNActorCritic`` for images (channels, height, width), such as Atari's, and
            ``MLPActorCritic`` otherwise; a class given is used as it is. It must be a
            ``torch.nn.Module`` with:

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
            If they share parameters (a common trunk), one optimizer trains the whole agent
            on the joint loss of PPO2's update (see ``num_minibatches``), and an
            ``evaluate(obs, act)`` method, if there is one, gives ``pi``, ``logp`` and ``v``
            in one pass through the trunk.

        ac_kwargs (dict): Keyword arguments for ``actor_critic``; the default agent takes
            ``hidden_sizes`` ((64, 64); the CNN's fully connected layers, (512,)),
            ``activation`` (``spinup.utils.activations_pytorch.Tanh``, tanh computed by NumPy on
            whole batches; the CNN's, ``torch.nn.ReLU``),
            and ``init`` (``'default'``, the framework's own, or ``'orthogonal'``, PPO2's; the
            CNN's, ``'orthogonal'``).

        seed (int): Seeds Python, NumPy, PyTorch and the environment. MPI process ``k`` uses
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
            ``'cuda:N'``), or ``'auto'`` (a GPU where PyTorch sees one, else the CPU).

        logger_kwargs (dict): Keyword arguments for :class:`EpochLogger` (``output_dir``,
            ``exp_name``, ``tensorboard``); ``setup_logger_kwargs`` makes them.

        save_freq (int): Save the agent, and a checkpoint to resume from, every this many
            epochs (and after the last one).

        resume_from (str): A run folder whose checkpoint to go on from, in that folder, up to
            ``epochs`` in all; None starts a new run. (``python -m spinup.run resume RUN``.)
    """

    device = torch_device(device)
    check_inputs('PPO', steps_per_epoch=steps_per_epoch, save_freq=save_freq, num_envs=num_envs,
                 update_epochs=update_epochs, num_minibatches=num_minibatches or 1)
    # Each process collects its share of an epoch's steps, each environment copy its share of that
    local_steps_per_epoch = local_steps(steps_per_epoch)
    steps_per_env = steps_per_copy(local_steps_per_epoch, num_envs, vector_mode)
    check_ppo2_update(local_steps_per_epoch, num_minibatches, max_grad_norm)

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

    # The agent: policy pi and value function v (by default an MLP, or for images the Nature
    # CNN with one trunk for both)
    ac = actor_critic(envs.single_observation_space, envs.single_action_space, **ac_kwargs)
    ac = ac.to(device)  # (where it acts and learns)
    shared = core.shares_parameters(ac)
    trunk = core.count_vars(ac.trunk) if shared and hasattr(ac, 'trunk') else 0
    var_counts = tuple(core.count_vars(module) for module in [ac.pi, ac.v])
    shared_note = f', of which a shared trunk {trunk}' if trunk else ''
    logger.log('\nParameters: pi %d, v %d%s\n' % (*var_counts, shared_note))

    # Every MPI process starts from process 0's weights
    sync_params(ac)

    # Observations go to the agent as float32, or as the bytes of images, which it scales itself
    obs_dtype = np.uint8 if envs.single_observation_space.dtype == np.uint8 else np.float32

    obs_torch_dtype = torch.uint8 if obs_dtype == np.uint8 else torch.float32

    def as_obs(o: np.ndarray) -> torch.Tensor:
        return torch.as_tensor(o, dtype=obs_torch_dtype, device=device)

    # Experience buffer: each process collects its share of the epoch, each copy its share of that
    buf = PPOBuffer(obs_dim, act_dim, steps_per_env, gamma, lam, num_envs, obs_dtype)

    # Optimizers, one for the policy and one for the value function; a shared trunk makes them
    # one, for the whole agent, on the joint loss, with PPO2's epsilon
    if shared:
        pi_optimizer, vf_optimizer = Adam(ac.parameters(), lr=pi_lr, eps=1e-5, fused=True), None
        num_minibatches = num_minibatches or 1
    else:
        pi_optimizer = Adam(ac.pi.parameters(), lr=pi_lr, fused=True)
        vf_optimizer = Adam(ac.v.parameters(), lr=vf_lr, fused=True)
    optimizers = dict(pi_optimizer=pi_optimizer, vf_optimizer=vf_optimizer)

    # The update (lines 8-13): PPO's, on the whole batch at once, or PPO2's passes over
    # shuffled minibatches on the joint loss
    if num_minibatches is None:
        update_kind = partial(update, train_pi_iters=train_pi_iters, train_v_iters=train_v_iters)
    else:
        update_kind = partial(update_minibatches, update_epochs=update_epochs,
                              num_minibatches=num_minibatches, vf_coef=vf_coef)

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

    # Saving: the whole agent goes to pyt_save/model.pt; with normalized observations, inside
    # a module that applies their statistics to the raw observations it is given
    logger.setup_pytorch_saver(NormalizedAgent(ac, norm) if normalize_obs else ac)

    # Checkpoints: all that training needs to go on (weights, optimizer states, random states),
    # written with each save; a resumed run loads one and starts at the epoch after it
    parts = dict(ac=ac, **{k: o for k, o in optimizers.items() if o is not None})
    checkpoint = Checkpoint(logger, envs=dict(env=envs), parts=parts,
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

        # Annealing: the learning rates (and the clip ratio) fall linearly to 0 over the run
        frac = 1 - epoch / epochs
        if anneal_lr:
            pi_optimizer.param_groups[0]['lr'] = frac * pi_lr
            if vf_optimizer is not None:
                vf_optimizer.param_groups[0]['lr'] = frac * vf_lr
        clip_now = frac * clip_ratio if anneal_clip else clip_ratio

        for t in range(steps_per_env):
            # Line 4: act, step, store (o is (num_envs, obs_dim), and so on down the line)
            x = norm.obs(o)  # (what the agent sees of o: o itself, unless normalized)
            a, v, logp = ac.step(as_obs(x))
            next_o, r, terminated, truncated, info = envs.step(a)
            ep_ret += r
            ep_len += 1
            buf.store(x, a, norm.reward(r), v, logp)
            logger.store(VVals=v)
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
                    _, last_v, _ = ac.step(as_obs(norm.obs(o, update=False)))
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
        data = buf.get(device)
        diagnostics = update_kind(ac, data, pi_optimizer, vf_optimizer, clip_ratio=clip_now,
                                  target_kl=target_kl, ent_coef=ent_coef, clip_vloss=clip_vloss,
                                  max_grad_norm=max_grad_norm)
        logger.store(ExplainedVar=explained_variance(data), **diagnostics)

        # Line 14: one row of progress.txt
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
        logger.log_tabular('ClipFrac', average_only=True)
        logger.log_tabular('StopIter', average_only=True)
        logger.log_tabular('ExplainedVar', average_only=True)
        logger.log_tabular('Time', time.time() - start_time)
        logger.dump_tabular()
        # [docs logging end]

        # Line 14: save the agent (after the update, so the last save holds the final policy) and a
        # checkpoint; after Ctrl-C or SIGTERM, save now and stop (on every MPI process)
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
