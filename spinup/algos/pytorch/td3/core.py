"""Networks and small helpers for TD3 (PyTorch): a deterministic actor and two Q-functions."""
from typing import Optional, Sequence, Tuple, Type, Union

import numpy as np
import torch
import torch.nn as nn

from spinup.utils.envs import action_limit, check_flat_observations
from spinup.utils.phases import phase


def combined_shape(length: int,
                   shape: Optional[Union[int, Tuple[int, ...]]] = None) -> Tuple[int, ...]:
    """Shape of ``length`` stacked items of ``shape``: ``(length,)``, ``(length, shape)`` or
    ``(length, *shape)``."""
    if shape is None:
        return (length,)
    return (length, shape) if np.isscalar(shape) else (length, *shape)


def mlp(sizes: Sequence[int], activation: Type[nn.Module],
        output_activation: Type[nn.Module] = nn.Identity) -> nn.Sequential:
    """A multi-layer perceptron with layer widths ``sizes`` (input first, output last)."""
    layers = []
    for j in range(len(sizes) - 1):
        act = activation if j < len(sizes) - 2 else output_activation
        layers += [nn.Linear(sizes[j], sizes[j + 1]), act()]
    return nn.Sequential(*layers)


def count_vars(module: nn.Module) -> int:
    """Number of scalar parameters in ``module``."""
    return sum(np.prod(p.shape) for p in module.parameters())


class MLPActor(nn.Module):
    """The deterministic policy mu(s) = act_limit * tanh(MLP(s))."""

    def __init__(self, obs_dim, act_dim, hidden_sizes, activation, act_limit):
        super().__init__()
        self.pi = mlp([obs_dim, *hidden_sizes, act_dim], activation, nn.Tanh)
        self.act_limit = act_limit

    def forward(self, obs):
        # the tanh output, in [-1, 1], scaled to the action space [-act_limit, act_limit]
        return self.act_limit * self.pi(obs)


class MLPQFunction(nn.Module):
    """The action-value function Q(s, a): an MLP on the concatenated observation and action."""

    def __init__(self, obs_dim, act_dim, hidden_sizes, activation):
        super().__init__()
        self.q = mlp([obs_dim + act_dim, *hidden_sizes, 1], activation)

    def forward(self, obs, act):
        q = self.q(torch.cat([obs, act], dim=-1))
        # shape [batch], not [batch, 1]: a silent broadcasting trap otherwise
        return torch.squeeze(q, -1)


class MLPActorCritic(nn.Module):
    """The default TD3 agent: a deterministic MLP policy ``pi`` and two MLP Q-functions
    ``q1``, ``q2``."""

    def __init__(self, observation_space, action_space, hidden_sizes=(256, 256),
                 activation=nn.ReLU):
        super().__init__()
        check_flat_observations(observation_space.shape)
        act_limit = action_limit(action_space, 'TD3')
        obs_dim, act_dim = observation_space.shape[0], action_space.shape[0]
        self.pi = MLPActor(obs_dim, act_dim, hidden_sizes, activation, act_limit)
        self.q1 = MLPQFunction(obs_dim, act_dim, hidden_sizes, activation)
        self.q2 = MLPQFunction(obs_dim, act_dim, hidden_sizes, activation)

    @phase('policy')
    def act(self, obs):
        """The policy's action mu(obs) for ``obs`` (a tensor), as a NumPy array (no exploration
        noise)."""
        with torch.inference_mode():
            return self.pi(obs).numpy()
