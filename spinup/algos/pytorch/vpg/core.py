"""Networks, distributions and small helpers for VPG (PyTorch)."""
import math
from typing import Optional, Sequence, Tuple, Type, Union

import numpy as np
import torch
import torch.nn as nn
from gymnasium.spaces import Box, Discrete
from torch.distributions.categorical import Categorical
from torch.distributions.independent import Independent
from torch.distributions.normal import Normal

from spinup.utils.acting import numpy_mlp
from spinup.utils.activations_pytorch import Tanh
from spinup.utils.envs import check_flat_observations
from spinup.utils.errors import SpinupError, check_init
from spinup.utils.phases import phase


def combined_shape(length: Union[int, Tuple[int, ...]],
                   shape: Optional[Union[int, Tuple[int, ...]]] = None) -> Tuple[int, ...]:
    """Shape of ``length`` stacked items of ``shape``: ``(length,)``, ``(length, shape)`` or
    ``(length, *shape)``. ``length`` may be a tuple itself: ``combined_shape((steps, envs), 3)``
    is ``(steps, envs, 3)``."""
    lead = tuple(length) if isinstance(length, tuple) else (length,)
    if shape is None:
        return lead
    return (*lead, shape) if np.isscalar(shape) else (*lead, *shape)


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


def discount_cumsum(x: np.ndarray, discount: float) -> np.ndarray:
    """Discounted sums of the rest of a sequence: ``y[t] = sum_k discount**k * x[t+k]``.

    For ``x = [1, 2, 3]`` and ``discount = 0.5``:
    ``y = [1 + 1 + 0.75, 2 + 1.5, 3] = [2.75, 3.5, 3]``.
    Shapes: ``x`` (T,) -> ``y`` (T,).
    """
    import scipy.signal  # loaded on first use: playing a saved agent never needs it
    # y[t] - discount*y[t+1] = x[t] is a linear filter run over the reversed vector.
    return scipy.signal.lfilter([1], [1, float(-discount)], x[::-1], axis=0)[::-1]


class Actor(nn.Module):
    """A stochastic policy: ``forward(obs, act)`` gives the distribution pi(.|obs) and
    log pi(act|obs)."""

    def _distribution(self, obs):
        raise NotImplementedError

    def _log_prob_from_distribution(self, pi, act):
        raise NotImplementedError

    def sample(self, obs):
        """Draw ``a ~ pi(.|obs)``; return ``(a, log pi(a|obs))``. Used when acting."""
        pi = self._distribution(obs)
        a = pi.sample()
        return a, self._log_prob_from_distribution(pi, a)

    def forward(self, obs, act=None):
        pi = self._distribution(obs)
        logp_a = None
        if act is not None:
            logp_a = self._log_prob_from_distribution(pi, act)
        return pi, logp_a


class MLPCategoricalActor(Actor):
    """pi(.|s) = Categorical(softmax(logits_net(s))), for discrete actions."""

    def __init__(self, obs_dim, act_dim, hidden_sizes, activation):
        super().__init__()
        self.logits_net = mlp([obs_dim, *hidden_sizes, act_dim], activation)

    def _distribution(self, obs):
        return Categorical(logits=self.logits_net(obs), validate_args=False)

    def _log_prob_from_distribution(self, pi, act):
        return pi.log_prob(act)


class MLPGaussianActor(Actor):
    """pi(.|s) = N(mu_net(s), diag(exp(log_std))^2), with a learned state-independent log-std."""

    def __init__(self, obs_dim, act_dim, hidden_sizes, activation):
        super().__init__()
        # [docs log-std]
        self.log_std = nn.Parameter(torch.full((act_dim,), -0.5))
        # [docs log-std end]
        self.mu_net = mlp([obs_dim, *hidden_sizes, act_dim], activation)

    def _distribution(self, obs):
        # one distribution over the whole action vector: its log_prob and entropy sum over
        # the independent dimensions (the last axis)
        return Independent(Normal(self.mu_net(obs), torch.exp(self.log_std), validate_args=False),
                           1, validate_args=False)

    def _log_prob_from_distribution(self, pi, act):
        return pi.log_prob(act)

    def sample(self, obs):
        """``Actor.sample`` written out, as it runs once every environment step.

        a = mu + sigma * eps with eps ~ N(0, I), so eps = (a - mu) / sigma and
        log pi(a|s) = sum_i ( -eps_i^2 / 2 - log sigma_i - log(2 pi) / 2 ),
        which is ``pi(obs, a)``'s log-likelihood computed without building a
        distribution object each step (test_core_pytorch.py checks that they agree).
        """
        # [docs gaussian-sample]
        mu = self.mu_net(obs)
        eps = torch.randn_like(mu)
        a = mu + torch.exp(self.log_std) * eps
        logp_a = -(0.5 * eps ** 2 + self.log_std + 0.5 * math.log(2 * math.pi)).sum(axis=-1)
        return a, logp_a
        # [docs gaussian-sample end]

    def sample_numpy(self, obs: np.ndarray):
        """``sample`` for NumPy observations, in NumPy: the forward pass through
        ``numpy_mlp`` on the same weights, the noise from PyTorch's generator (the draws that
        ``sample`` would make). Returns NumPy ``(a, log pi(a|obs))``."""
        # [docs numpy-sample]
        mu = numpy_mlp(self.mu_net, obs)
        eps = torch.randn(mu.shape).numpy()
        log_std = self.log_std.detach().numpy()
        a = mu + np.exp(log_std) * eps
        logp_a = -(0.5 * eps ** 2 + log_std + 0.5 * math.log(2 * math.pi)).sum(axis=-1)
        return a, logp_a
        # [docs numpy-sample end]


class MLPCritic(nn.Module):
    """The value function V(s), one number a state."""

    def __init__(self, obs_dim, hidden_sizes, activation):
        super().__init__()
        self.v_net = mlp([obs_dim, *hidden_sizes, 1], activation)

    def forward(self, obs):
        return torch.squeeze(self.v_net(obs), -1)  # shape [batch], not [batch, 1]


def layer_init(layer: nn.Module, gain: float = math.sqrt(2)) -> nn.Module:
    """Orthogonal weights scaled by ``gain`` and zero biases: PPO2's initialisation."""
    nn.init.orthogonal_(layer.weight, gain)
    nn.init.zeros_(layer.bias)
    return layer


def orthogonal_init(module: nn.Module, output_gain: float) -> None:
    """PPO2's initialisation of an MLP's linear layers (:func:`layer_init`): gain sqrt(2), but
    ``output_gain`` in the last layer."""
    linears = [m for m in module.modules() if isinstance(m, nn.Linear)]
    for layer in linears:
        layer_init(layer, output_gain if layer is linears[-1] else math.sqrt(2))


class MLPActorCritic(nn.Module):
    """The default agent: an MLP policy ``pi`` (categorical or Gaussian) and an MLP value ``v``.

    ``init='default'`` keeps PyTorch's initialisation of the layers (uniform, scaled by each
    layer's fan-in, as the original Spinning Up had); ``'orthogonal'`` is PPO2's and CleanRL's
    (:func:`orthogonal_init`), with gain 0.01 in the policy's output, so that the first policy
    is near its mean, and 1 in the value's: the same in TF1 and PyTorch.
    """

    def __init__(self, observation_space, action_space, hidden_sizes=(64, 64), activation=Tanh,
                 init='default'):
        super().__init__()
        check_flat_observations(observation_space.shape)
        obs_dim = observation_space.shape[0]
        if isinstance(action_space, Box) and len(action_space.shape) == 1:
            self.pi = MLPGaussianActor(obs_dim, action_space.shape[0], hidden_sizes, activation)
        elif isinstance(action_space, Discrete):
            self.pi = MLPCategoricalActor(obs_dim, action_space.n, hidden_sizes, activation)
        else:
            raise SpinupError(f'the MLP actor-critic handles Box (1-D) and Discrete actions, '
                              f'not {action_space}.')
        self.v = MLPCritic(obs_dim, hidden_sizes, activation)
        if check_init(init) == 'orthogonal':
            orthogonal_init(self.pi, output_gain=0.01)
            orthogonal_init(self.v, output_gain=1.0)

    @phase('policy')
    def step(self, obs):
        """Sample an action for ``obs``; return ``(a, v(obs), log pi(a|obs))`` as NumPy arrays.

        With a Gaussian policy on the CPU both forward passes run in NumPy (``numpy_mlp``):
        for one observation, PyTorch's cost per call is most of the step.
        """
        if isinstance(self.pi, MLPGaussianActor) and obs.device.type == 'cpu':
            x = obs.numpy()
            a, logp_a = self.pi.sample_numpy(x)
            return a, numpy_mlp(self.v.v_net, x)[..., 0], logp_a
        with torch.inference_mode():
            a, logp_a = self.pi.sample(obs)
            v = self.v(obs)
        return a.cpu().numpy(), v.cpu().numpy(), logp_a.cpu().numpy()

    @phase('policy')
    def act(self, obs):
        """Sample an action for ``obs`` (a tensor); return it as a NumPy array."""
        return self.step(obs)[0]


