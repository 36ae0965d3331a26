"""Networks and small helpers for SAC (PyTorch): a squashed Gaussian actor and two Q-functions."""
from typing import Optional, Sequence, Tuple, Type, Union

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.distributions.normal import Normal

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


LOG_STD_MAX = 2
LOG_STD_MIN = -20


class SquashedGaussianMLPActor(nn.Module):
    """The policy a = act_limit * tanh(u), u ~ N(mu(s), diag(sigma(s))^2): a Gaussian whose
    mean and log-std both come from the network, squashed into the action limits."""

    def __init__(self, obs_dim, act_dim, hidden_sizes, activation, act_limit):
        super().__init__()
        self.net = mlp([obs_dim, *hidden_sizes], activation, activation)
        self.mu_layer = nn.Linear(hidden_sizes[-1], act_dim)
        self.log_std_layer = nn.Linear(hidden_sizes[-1], act_dim)
        self.act_limit = act_limit

    def forward(self, obs, deterministic=False, with_logprob=True):
        """Return ``(a, log pi(a|obs))``: a sampled action (the squashed mean if
        ``deterministic``) and its log-likelihood (None unless ``with_logprob``).

        The sample is reparameterised, u = mu + sigma * eps with eps ~ N(0, I), so gradients
        flow through it into mu and sigma. Shapes: obs (..., obs_dim) -> a (..., act_dim),
        logp (...); every sum is over the last axis, so a single unbatched obs works too.
        """
        net_out = self.net(obs)
        mu = self.mu_layer(net_out)
        log_std = torch.clamp(self.log_std_layer(net_out), LOG_STD_MIN, LOG_STD_MAX)
        std = torch.exp(log_std)

        # u ~ N(mu, sigma^2), reparameterised (u = mu + sigma * eps, eps ~ N(0, I)); or the mean
        pi_distribution = Normal(mu, std, validate_args=False)
        u = mu if deterministic else pi_distribution.rsample()

        logp_pi = None
        if with_logprob:
            # [docs squash]
            # log N(u; mu, sigma^2), summed over the action dimensions
            logp_u = pi_distribution.log_prob(u).sum(axis=-1)
            # Change of variables for a = c * tanh(u) (SAC paper, appendix C):
            #   log pi(a) = log N(u) - sum_i log(c * (1 - tanh(u_i)^2)).
            # log(1 - tanh(u)^2) = 2 * (log 2 - u - softplus(-2u)) is the same quantity, free of
            # the cancellation in 1 - tanh(u)^2, which rounds to 0 (log -> -inf) once |u| passes
            # about 9.
            logp_pi = logp_u - (2 * (np.log(2) - u - F.softplus(-2 * u))).sum(axis=-1) \
                - u.shape[-1] * np.log(self.act_limit)
            # [docs squash end]

        a = self.act_limit * torch.tanh(u)
        return a, logp_pi


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
    """The default SAC agent: a squashed Gaussian MLP policy ``pi`` and two MLP
    Q-functions ``q1``, ``q2``."""

    def __init__(self, observation_space, action_space, hidden_sizes=(256, 256),
                 activation=nn.ReLU):
        super().__init__()
        check_flat_observations(observation_space.shape)
        act_limit = action_limit(action_space, 'SAC')
        obs_dim, act_dim = observation_space.shape[0], action_space.shape[0]
        self.pi = SquashedGaussianMLPActor(obs_dim, act_dim, hidden_sizes, activation, act_limit)
        self.q1 = MLPQFunction(obs_dim, act_dim, hidden_sizes, activation)
        self.q2 = MLPQFunction(obs_dim, act_dim, hidden_sizes, activation)

    @phase('policy')
    def act(self, obs, deterministic=False):
        """An action for ``obs`` (a tensor) as a NumPy array: sampled, or the squashed mean if
        ``deterministic``."""
        with torch.inference_mode():
            a, _ = self.pi(obs, deterministic, False)
            return a.numpy()
