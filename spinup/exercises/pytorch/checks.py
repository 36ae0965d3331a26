"""The checks that the PyTorch exercise files run when they are run as scripts.

Each ``check_1_N`` takes what the student wrote in exercise1_N.py, runs the check, prints
the banner and exits (0: passed, 1: failed). The framework-free parts are in
``spinup.exercises.checks``; here they are wired to tensors.
"""
import os
from functools import partial
from unittest import mock

import numpy as np
import torch
import torch.nn as nn

from spinup.exercises import checks
from spinup.exercises.common import Checker, as_numpy, compare, exercise_flags


def on_tensors(fn):
    """``fn`` (tensors in, a tensor or a tuple of tensors out) as NumPy in, NumPy out."""
    def run(*arrays):
        out = fn(*(torch.as_tensor(a) for a in arrays))
        return tuple(as_numpy(t) for t in out) if isinstance(out, (tuple, list)) else as_numpy(out)
    return run


def check_1_1(gaussian_likelihood) -> None:
    from spinup.exercises.pytorch.problem_set_1_solutions.exercise1_1_soln import gaussian_likelihood as solution
    exercise_flags()  # none: a mistyped flag is an error, not ignored
    checker = Checker('Exercise 1.1: diagonal Gaussian log-likelihood (PyTorch)')
    checks.check_gaussian_likelihood(checker, on_tensors(gaussian_likelihood), on_tensors(solution))
    checker.finish()


def check_1_4(advantages_and_returns) -> None:
    from spinup.exercises.pytorch.problem_set_1_solutions.exercise1_4_soln import advantages_and_returns as solution
    exercise_flags()  # none: a mistyped flag is an error, not ignored
    checker = Checker('Exercise 1.4: GAE-Lambda advantages and rewards-to-go')
    checks.check_advantages(checker, advantages_and_returns, solution)
    checker.finish()


def check_1_5(squashed_gaussian_log_prob) -> None:
    from spinup.exercises.pytorch.problem_set_1_solutions.exercise1_5_soln import squashed_gaussian_log_prob as solution
    exercise_flags()  # none: a mistyped flag is an error, not ignored
    checker = Checker("Exercise 1.5: SAC's tanh-squashed Gaussian log-likelihood (PyTorch)")
    checks.check_squashed_likelihood(checker, on_tensors(squashed_gaussian_log_prob), on_tensors(solution))
    checker.finish()


def library_lstm_step(xw_t, start_t, h, c, wh, b):
    """One step of the library's cell, ``core_lstm.LSTM``, with the exercise's weights, NumPy in
    and out. The exercise is given x_t Wx already, so the cell's Wx is the identity."""
    from spinup.algos.pytorch.ppo.core_lstm import LSTM
    n = h.shape[-1]
    cell = LSTM(4 * n, n)
    cell.wx = nn.Identity()
    with torch.no_grad():
        cell.wh.weight.copy_(torch.as_tensor(wh).T)  # nn.Linear keeps its weight as [out, in]
        cell.b.copy_(torch.as_tensor(b))
        _, (h, c) = cell(torch.as_tensor(xw_t)[None], torch.as_tensor(start_t)[None],
                         (torch.as_tensor(h), torch.as_tensor(c)))  # a sequence of one step
    return as_numpy(h), as_numpy(c)


def check_1_6(lstm_step) -> None:
    exercise_flags()  # none: a mistyped flag is an error, not ignored
    checker = Checker("Exercise 1.6: the memory's mask, one step of an LSTM (PyTorch)")
    checks.check_lstm_step(checker, on_tensors(lstm_step), library_lstm_step)
    checker.finish()


def check_1_2(actor_class) -> None:
    """Quick checks of a freshly built ``actor_class``, then PPO with it on InvertedPendulum-v5."""
    flags = exercise_flags(epochs=20, steps_per_epoch=4000, seed=0, data_dir=None)
    checker = Checker('Exercise 1.2: an MLP Gaussian policy for PPO (PyTorch)')
    torch.manual_seed(flags.seed)
    obs_dim, act_dim = 5, 3
    actor = None

    def build():
        nonlocal actor
        actor = actor_class(obs_dim, act_dim, (32,), nn.Tanh)
        if not list(actor.parameters()):
            return 'the actor has no parameters: build its mean network and log_std in __init__'
        return None

    def gradients():
        obs = torch.randn(4, obs_dim)
        _, logp = actor(obs, torch.randn(4, act_dim))
        logp.sum().backward()
        missing = [name for name, p in actor.named_parameters() if p.grad is None or not p.grad.any()]
        return f'no gradient reaches {", ".join(missing)}' if missing else None

    if checker.part('the actor builds, with parameters', build):
        with torch.no_grad():
            checks.check_gaussian_policy(
                checker,
                sample=lambda obs: as_numpy(actor(torch.as_tensor(obs))[0].sample()),
                log_prob=lambda obs, act: as_numpy(actor(torch.as_tensor(obs), torch.as_tensor(act))[1]),
                entropy=lambda obs: as_numpy(actor(torch.as_tensor(obs))[0].entropy()),
                obs_dim=obs_dim, act_dim=act_dim)
        if checker.passed:
            checker.part('log pi(act|obs) carries gradients to every parameter', gradients)

    if checker.passed:
        from spinup import ppo_pytorch
        from spinup.exercises.pytorch.problem_set_1.exercise1_2_auxiliary import ExerciseActorCritic
        from spinup.utils.envs import EnvFn
        from spinup.utils.run_utils import setup_logger_kwargs
        env = 'InvertedPendulum-v5'
        logger_kwargs = setup_logger_kwargs('ex1-2_pytorch', flags.seed, flags.data_dir)
        ppo_pytorch(EnvFn(env), actor_critic=partial(ExerciseActorCritic, actor=actor_class),
                    ac_kwargs=dict(hidden_sizes=(64,)), seed=flags.seed, epochs=flags.epochs,
                    steps_per_epoch=flags.steps_per_epoch, logger_kwargs=logger_kwargs)
        checks.judge_training(checker, os.path.join(logger_kwargs['output_dir'], 'progress.txt'),
                              env, flags.epochs, flags.steps_per_epoch)
    checker.finish()


def check_1_3(target_actions, compute_loss_q, compute_loss_pi, td3) -> None:
    """TD3's target actions and losses against the library's, on the same weights and batch;
    then a short training run (of the exercise's TD3, or the library's with --use_soln)."""
    import spinup.algos.pytorch.td3.td3 as library
    from spinup.algos.pytorch.td3.core import MLPActorCritic
    from gymnasium.spaces import Box
    flags = exercise_flags(env='InvertedPendulum-v5', epochs=5, steps_per_epoch=2000, seed=0,
                           data_dir=None, use_soln=False)
    if flags.use_soln:
        checker = Checker("Exercise 1.3: TD3 (the library's, with --use_soln)")
        target_actions, compute_loss_q, compute_loss_pi, td3 = (library.target_actions, library.compute_loss_q,
                                                               library.compute_loss_pi, library.td3)
    else:
        checker = Checker("Exercise 1.3: TD3's losses (PyTorch)")

    def smoothed(mu, target_noise, noise_clip, act_limit):
        fixed_policy = mock.Mock(pi=lambda o2: torch.as_tensor(mu))
        return as_numpy(target_actions(fixed_policy, None, target_noise, noise_clip, act_limit))
    checks.check_target_actions(checker, smoothed)

    # Two agents with different weights (main and target), a batch with terminal and
    # non-terminal transitions, and target noise on: the student's losses, and the
    # library's with the student's target_actions, must agree when they draw the same noise.
    torch.manual_seed(0)
    obs_space, act_space = Box(-1, 1, (5,)), Box(-2, 2, (2,))
    ac, ac_targ = MLPActorCritic(obs_space, act_space, (32, 32)), MLPActorCritic(obs_space, act_space, (32, 32))
    for p in ac_targ.parameters():
        p.requires_grad = False
    data = dict(obs=torch.randn(64, 5), act=2 * torch.rand(64, 2) - 1, rew=torch.randn(64),
                obs2=torch.randn(64, 5), done=(torch.rand(64) < 0.3).float())
    settings = dict(gamma=0.99, target_noise=0.2, noise_clip=0.5, act_limit=2.0)

    def value_and_grads(loss_fn, module):
        module.zero_grad()
        torch.manual_seed(1)
        out = loss_fn()
        loss = out[0] if isinstance(out, tuple) else out
        loss.backward()
        grads = [p.grad.clone() if p.grad is not None else torch.zeros_like(p) for p in module.parameters()]
        return out, loss, grads

    def same(got, want, module):
        (_, loss, grads), (_, ref_loss, ref_grads) = got, want
        names = [name for name, _ in module.named_parameters()]
        return checks.all_parts(compare(loss, ref_loss, atol=1e-6),
                                *(f'gradient with respect to {n}: {p}' if p else None for n, p in
                                  zip(names, (compare(g, r, atol=1e-6, rtol=1e-4) for g, r in zip(grads, ref_grads)))))

    def loss_q():
        q_modules = nn.ModuleList([ac.q1, ac.q2])
        mine = value_and_grads(lambda: compute_loss_q(ac, ac_targ, data, **settings), q_modules)
        with mock.patch.object(library, 'target_actions', target_actions):
            ref = value_and_grads(lambda: library.compute_loss_q(ac, ac_targ, data, **settings), q_modules)
        if not (isinstance(mine[0], tuple) and len(mine[0]) == 2 and isinstance(mine[0][1], dict)):
            return 'compute_loss_q must return (loss_q, dict(Q1Vals=..., Q2Vals=...))'
        info, ref_info = mine[0][1], ref[0][1]

        def logged(k):
            if not isinstance(info.get(k), np.ndarray):
                return f'the info must hold {k} as a NumPy array (q.detach().numpy()), not {type(info.get(k)).__name__}'
            return compare(info[k], ref_info[k])
        return checks.all_parts(same(mine, ref, q_modules), logged('Q1Vals'), logged('Q2Vals'))

    def loss_pi():
        mine = value_and_grads(lambda: compute_loss_pi(ac, data), ac.pi)
        ref = value_and_grads(lambda: library.compute_loss_pi(ac, data), ac.pi)
        return same(mine, ref, ac.pi)

    checker.part("compute_loss_q: the loss, its gradients and the logged Q-values equal the library's "
                 '(same weights, batch and target noise)', loss_q)
    checker.part("compute_loss_pi: the loss and its gradients equal the library's", loss_pi)

    if checker.passed:
        checks.train_td3(checker, td3, flags, 'ex1-3_pytorch')
    checker.finish()

