"""Exercise 1.3: TD3's losses (PyTorch).

This is the library's whole TD3 (spinup/algos/pytorch/td3/td3.py) with three functions left
blank: ``target_actions`` (target policy smoothing), ``compute_loss_q`` (the clipped
double-Q Bellman backup and the Qs' loss) and ``compute_loss_pi``. Their docstrings say what
each computes; the TD3 page of the docs has the equations and the pseudocode. Everything
else (the replay buffer, the update with its delayed policy steps and frozen Qs, the main
loop) is there to read.

Run this file to check your functions: the target actions by their statistics, the losses
(their values and gradients) against the library's on the same weights, batch and noise.
When they pass, it trains this TD3 briefly (InvertedPendulum-v5, 5 epochs of 2000 steps,
(128, 128) networks, episodes of at most 150 steps) and prints the learning curve; the
test return should climb towards the maximum, 150. Flags: --env, --epochs,
--steps_per_epoch, --seed, --data_dir, and --use_soln to run the library's TD3 instead.
"""
import itertools
import random
import time
from copy import deepcopy
from typing import Any, Callable, Dict, List, Optional

import numpy as np
import torch
from torch.optim import Adam

import spinup.algos.pytorch.td3.core as core
from spinup.utils.checkpoint import Checkpoint
from spinup.utils.errors import check_inputs
from spinup.utils.logx import EpochLogger
from spinup.utils.mpi_pytorch import setup_pytorch_for_mpi
from spinup.utils.phases import phase


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

    def sample_batch(self, batch_size=32) -> Dict[str, torch.Tensor]:
        """``batch_size`` transitions drawn uniformly (with replacement) from those stored."""
        return self.sample_batches(1, batch_size)[0]

    def sample_batches(self, n: int, batch_size=32) -> List[Dict[str, torch.Tensor]]:
        """``n`` batches: the same draws as ``n`` calls of ``sample_batch``, gathered in one
        pass over the buffer, faster than one call after each update, which finds the caches
        emptied by the update's memory traffic (see the speed page). The ``n`` batches are in
        memory together."""
        idxs = np.random.randint(0, self.size, size=(n, batch_size))
        batches = dict(obs=self.obs_buf[idxs], obs2=self.obs2_buf[idxs], act=self.act_buf[idxs],
                       rew=self.rew_buf[idxs], done=self.done_buf[idxs])
        batches = {k: torch.as_tensor(v, dtype=torch.float32) for k, v in batches.items()}
        return [{k: v[i] for k, v in batches.items()} for i in range(n)]


def target_actions(ac_targ, o2: torch.Tensor, target_noise: float, noise_clip: float,
                   act_limit: float) -> torch.Tensor:
    """Target policy smoothing: the target policy's action at s', plus clipped Gaussian noise.

    a'(s') = clip( mu_targ(s') + clip(eps, -noise_clip, noise_clip), -act_limit, act_limit ),
    eps ~ N(0, target_noise^2). The noise keeps Q from exploiting a narrow peak of its own errors.
    """
    #######################
    #                     #
    #   YOUR CODE HERE    #
    #                     #
    #######################
    raise NotImplementedError


def compute_loss_q(ac, ac_targ, data: Dict[str, torch.Tensor], gamma: float, target_noise: float,
                   noise_clip: float, act_limit: float):
    """Mean-squared Bellman errors of both Q-functions.

    L = mean( (Q1(s, a) - y)^2 ) + mean( (Q2(s, a) - y)^2 ),
    y = r + gamma * (1 - d) * min( Q1_targ(s', a'(s')), Q2_targ(s', a'(s')) )

    Returns ``(loss_q, dict(Q1Vals=..., Q2Vals=...))``, the Q-values of the batch as NumPy
    arrays. The backup y is a target, not something to differentiate through.
    """
    #######################
    #                     #
    #   YOUR CODE HERE    #
    #                     #
    #######################
    raise NotImplementedError


def compute_loss_pi(ac, data: Dict[str, torch.Tensor]):
    """The policy loss: L = -mean( Q1(s, mu(s)) ), so that mu climbs the first Q-function."""
    #######################
    #                     #
    #   YOUR CODE HERE    #
    #                     #
    #######################
    raise NotImplementedError


def polyak_update(ac, ac_targ, polyak: float) -> None:
    """Move the target networks towards the main ones:
    theta_targ <- polyak * theta_targ + (1 - polyak) * theta.

    In place, without gradients (``ac_targ`` is a deep copy of ``ac``).
    The two networks' parameters pair up by position (same layers, same order).
    """
    with torch.no_grad():
        for p, p_targ in zip(ac.parameters(), ac_targ.parameters()):
            # lerp_: p_targ + (1 - polyak) * (p - p_targ) in place, the same average in one op
            p_targ.lerp_(p, 1 - polyak)


@phase('update')
def update(ac, ac_targ, data: Dict[str, torch.Tensor], pi_optimizer, q_optimizer, *,
           gamma: float, polyak: float, target_noise: float, noise_clip: float, act_limit: float,
           update_policy: bool) -> Dict[str, Any]:
    """One TD3 update on a batch: a gradient step on both Qs; then, if ``update_policy`` (one
    update in ``policy_delay``), a step on the policy and the polyak move of the targets.
    Returns ``LossQ``, ``Q1Vals``, ``Q2Vals``, and ``LossPi`` when the policy moved.

    ``data`` is a batch of ``ReplayBuffer.sample_batches``, as tensors.
    Each optimizer trains only its own networks' parameters.
    """
    # Lines 8-9: first a gradient descent step for both Qs, towards the targets y.
    q_optimizer.zero_grad()
    loss_q, loss_info = compute_loss_q(ac, ac_targ, data, gamma, target_noise, noise_clip,
                                       act_limit)
    loss_q.backward()
    q_optimizer.step()
    info = dict(LossQ=loss_q.item(), **loss_info)

    # Line 10. Delayed policy updates: the policy and the targets move once every
    # policy_delay Q steps.
    if update_policy:
        # Freeze the Qs during the policy step: the policy loss then computes no gradients for them.
        ac.q1.requires_grad_(False)
        ac.q2.requires_grad_(False)

        # Line 11: next a gradient descent step for the policy.
        pi_optimizer.zero_grad()
        loss_pi = compute_loss_pi(ac, data)
        loss_pi.backward()
        pi_optimizer.step()

        # Unfreeze the Qs for the next update.
        ac.q1.requires_grad_(True)
        ac.q2.requires_grad_(True)

        # Line 12: finally, the target networks trail the main ones.
        polyak_update(ac, ac_targ, polyak)
        info['LossPi'] = loss_pi.item()
    return info


def td3(env_fn: Callable, actor_critic=core.MLPActorCritic, ac_kwargs: Dict[str, Any] = dict(),
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

        actor_critic (type): Class of the agent, built as ``actor_critic(env.observation_space,
            env.action_space, **ac_kwargs)``. It must be a ``torch.nn.Module`` with:

            ================  ===========================  =========================================
            member            takes                        returns
            ================  ===========================  =========================================
            ``act(obs)``      observations, (obs_dim,)     NumPy actions mu(obs), (act_dim,) or
                              or (B, obs_dim)              (B, act_dim)
            ``pi(obs)``       observations                 the deterministic actions as a tensor,
                                                           (B, act_dim), within the action limits
            ``q1(obs, act)``  observations and actions     Q1(obs, act) as a (B,) tensor: squeeze
                                                           the last axis of an MLP's output
            ``q2(obs, act)``  observations and actions     Q2(obs, act), likewise
            ================  ===========================  =========================================

            ``pi`` is trained by one optimizer, ``q1`` and ``q2`` together by the other;
            a deep copy of the agent serves as its target networks.

        ac_kwargs (dict): Keyword arguments for ``actor_critic``; the default agent takes
            ``hidden_sizes`` ((256, 256)) and ``activation`` (``torch.nn.ReLU``).

        seed (int): Seeds Python, NumPy, PyTorch and the environments.

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

    # One thread a process: the networks are small
    setup_pytorch_for_mpi()

    # Logger, and a record of every argument in config.json
    logger = EpochLogger(**logger_kwargs, resume_from=resume_from)
    logger.save_config(locals())

    # Seeds: Python, NumPy and PyTorch now.
    # The environments are seeded at their first reset.
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)

    # The environment, and a second one for the test episodes
    env, test_env = env_fn(), env_fn()
    act_limit = core.action_limit(env.action_space, 'TD3')  # actions lie in [-act_limit, act_limit]
    obs_dim = env.observation_space.shape
    act_dim = env.action_space.shape[0]
    env.action_space.seed(seed)

    # The agent: policy pi and Q-functions q1, q2
    ac = actor_critic(env.observation_space, env.action_space, **ac_kwargs)

    # Target networks: they start as a copy of the agent, and only polyak averaging updates
    # them, never an optimizer
    ac_targ = deepcopy(ac)
    for p in ac_targ.parameters():
        p.requires_grad = False

    var_counts = tuple(core.count_vars(module) for module in [ac.pi, ac.q1, ac.q2])
    logger.log('\nParameters: pi %d, q1 %d, q2 %d\n' % var_counts)

    # Experience buffer
    replay_buffer = ReplayBuffer(obs_dim, act_dim, replay_size)

    # Both Q-functions' parameters, trained together by one optimizer
    q_params = list(itertools.chain(ac.q1.parameters(), ac.q2.parameters()))

    # Optimizers, one for the policy and one for both Q-functions
    # (fused: one kernel updates every parameter, the same Adam step, faster)
    pi_optimizer = Adam(ac.pi.parameters(), lr=pi_lr, fused=True)
    q_optimizer = Adam(q_params, lr=q_lr, fused=True)

    # Saving: the whole agent goes to pyt_save/model.pt
    logger.setup_pytorch_saver(ac)

    def get_action(o, noise_scale):
        """mu(o) plus Gaussian exploration noise, clipped to the action limits."""
        a = ac.act(torch.as_tensor(o, dtype=torch.float32))
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
                            parts=dict(ac=ac, ac_targ=ac_targ, pi_optimizer=pi_optimizer,
                                       q_optimizer=q_optimizer))
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
                logger.store(**update(ac, ac_targ, batch, pi_optimizer, q_optimizer,
                                      gamma=gamma, polyak=polyak, target_noise=target_noise,
                                      noise_clip=noise_clip, act_limit=act_limit,
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


if __name__ == '__main__':
    from spinup.exercises.pytorch.checks import check_1_3
    check_1_3(target_actions, compute_loss_q, compute_loss_pi, td3)
