"""Exercise 2.2: a silent bug in DDPG (PyTorch).

This script runs the library's DDPG twice over, with two actor-critics: the library's own,
and the one below, which has a bug. Nothing crashes and nothing warns; the bugged agent just
learns worse. Run it (3 seeds of each, Pendulum-v1, 5 epochs of 2000 steps: several minutes),
look at the plot it writes, and then, without reading the library's DDPG core.py, find the
bug and explain how it breaks DDPG's losses. Hint: look at the shapes of everything that
goes into the Bellman backup in ``compute_loss_q`` (spinup/algos/pytorch/ddpg/ddpg.py).

Flags: --env (Pendulum-v1), --seeds (3), --epochs (5), --steps_per_epoch (2000), --data_dir.
"""
from functools import partial

import torch
import torch.nn as nn

from spinup.algos.pytorch.ddpg.core import mlp
from spinup.exercises.common import exercise_flags, grid_then_plot
from spinup.utils.envs import action_limit
from spinup.utils.errors import run_main


class BuggedMLPActor(nn.Module):

    def __init__(self, obs_dim, act_dim, hidden_sizes, activation, act_limit):
        super().__init__()
        self.pi = mlp([obs_dim, *hidden_sizes, act_dim], activation, nn.Tanh)
        self.act_limit = act_limit

    def forward(self, obs):
        return self.act_limit * self.pi(obs)


class BuggedMLPQFunction(nn.Module):

    def __init__(self, obs_dim, act_dim, hidden_sizes, activation):
        super().__init__()
        self.q = mlp([obs_dim + act_dim, *hidden_sizes, 1], activation)

    def forward(self, obs, act):
        return self.q(torch.cat([obs, act], dim=-1))


class BuggedMLPActorCritic(nn.Module):

    def __init__(self, observation_space, action_space, hidden_sizes=(256, 256), activation=nn.ReLU):
        super().__init__()
        obs_dim, act_dim = observation_space.shape[0], action_space.shape[0]
        self.pi = BuggedMLPActor(obs_dim, act_dim, hidden_sizes, activation, action_limit(action_space, 'DDPG'))
        self.q = BuggedMLPQFunction(obs_dim, act_dim, hidden_sizes, activation)

    def act(self, obs):
        with torch.no_grad():
            return self.pi(obs).numpy()


def ddpg_with_actor_critic(bugged: bool, **kwargs):
    """The library's DDPG, with the bugged actor-critic or its default one."""
    from spinup import ddpg_pytorch
    if bugged:
        # the class by its importable name (not __main__'s), so that the saved agent can be loaded
        from spinup.exercises.pytorch.problem_set_2 import exercise2_2
        kwargs['actor_critic'] = exercise2_2.BuggedMLPActorCritic
    return ddpg_pytorch(**kwargs)


if __name__ == '__main__':
    flags = exercise_flags(env='Pendulum-v1', seeds=3, epochs=5, steps_per_epoch=2000, data_dir=None)
    run_main(partial(grid_then_plot, 'ex2-2_pytorch', ddpg_with_actor_critic, flags,
                     {'bugged': ([False, True], 'bugged')}, values=['Performance'], start_steps=2000,
                     max_ep_len=200))
