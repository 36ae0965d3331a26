"""Networks, distributions and small helpers for PPO (PyTorch)."""
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


def is_image(shape: Sequence[int]) -> bool:
    """Whether observations of ``shape`` are images, ``(channels, height, width)``."""
    return len(shape) == 3


class NatureCNN(nn.Module):
    """The trunk of the Nature DQN network, which PPO2 uses on Atari: three convolutions
    (32 8x8 filters, stride 4; 64 4x4, stride 2; 64 3x3, stride 1) and a fully connected
    layer of 512, all ReLU. It takes ``uint8`` images of shape (B, C, H, W) and scales them
    to [0, 1] itself, so that batches of observations stay bytes until here."""

    def __init__(self, obs_shape: Sequence[int], hidden_sizes: Sequence[int] = (512,),
                 activation: Type[nn.Module] = nn.ReLU):
        super().__init__()
        channels, height, width = obs_shape
        if min(height, width) < 36:
            raise SpinupError(f'the CNN actor-critic needs images of at least 36x36 pixels, not '
                              f'{height}x{width}.')
        self.convs = nn.Sequential(
            layer_init(nn.Conv2d(channels, 32, 8, stride=4)), activation(),
            layer_init(nn.Conv2d(32, 64, 4, stride=2)), activation(),
            layer_init(nn.Conv2d(64, 64, 3, stride=1)), activation(), nn.Flatten())
        # channels-last: the layout in which the CPU's convolutions (oneDNN) train fastest
        self.convs.to(memory_format=torch.channels_last)
        with torch.no_grad():
            flat = self.convs(torch.zeros(1, *obs_shape)).shape[1]
        sizes = [flat, *hidden_sizes]
        self.fc = nn.Sequential(*(m for j in range(len(sizes) - 1)
                                  for m in (layer_init(nn.Linear(sizes[j], sizes[j + 1])),
                                            activation())))
        self.out_dim = sizes[-1]

    def forward(self, obs):
        x = obs.float() / 255.0
        one = x.dim() == 3  # one image, not a batch
        x = (x[None] if one else x).contiguous(memory_format=torch.channels_last)
        # Flatten reads the channels-last layout in the logical order
        out = self.fc(self.convs(x))
        return out[0] if one else out


class CNNActorCritic(nn.Module):
    """PPO2's Atari agent: one :class:`NatureCNN` trunk that both heads read, a categorical
    policy head (``pi``) and a value head (``v``). Since the two share the trunk, PPO trains
    them together, on one loss and with one optimizer; :meth:`evaluate` runs the trunk once
    for both.

    Initialisation: ``init='orthogonal'`` (PPO2's), gain sqrt(2) in the trunk, 0.01 for the
    policy's logits (a nearly uniform first policy) and 1 for the value; ``'default'``,
    PyTorch's own.
    """

    def __init__(self, observation_space, action_space, hidden_sizes=(512,), activation=nn.ReLU,
                 init='orthogonal'):
        super().__init__()
        if not is_image(observation_space.shape):
            raise SpinupError(f'the CNN actor-critic takes images (channels, height, width), '
                              f'not observations of shape {observation_space.shape}.')
        if not isinstance(action_space, Discrete):
            raise SpinupError(f'the CNN actor-critic handles Discrete actions, not {action_space}.')
        self.trunk = NatureCNN(observation_space.shape, hidden_sizes, activation)
        self.pi = CNNCategoricalActor(self.trunk, action_space.n)
        self.v = CNNCritic(self.trunk)
        if check_init(init) == 'default':
            for layer in self.modules():
                if isinstance(layer, (nn.Conv2d, nn.Linear)):
                    layer.reset_parameters()

    def evaluate(self, obs, act):
        """pi(.|obs), log pi(act|obs) and V(obs), through the trunk once."""
        features = self.trunk(obs)
        pi = self.pi.head_distribution(features)
        return pi, pi.log_prob(act), self.v.head(features).squeeze(-1)

    @phase('policy')
    def step(self, obs):
        """Sample an action for ``obs``; return ``(a, v(obs), log pi(a|obs))`` as NumPy arrays."""
        with torch.inference_mode():
            features = self.trunk(obs)
            pi = self.pi.head_distribution(features)
            a = pi.sample()
            v = self.v.head(features).squeeze(-1)
            logp_a = pi.log_prob(a)
        return a.cpu().numpy(), v.cpu().numpy(), logp_a.cpu().numpy()

    @phase('policy')
    def act(self, obs):
        """Sample an action for ``obs`` (a tensor); return it as a NumPy array."""
        return self.step(obs)[0]


class CNNCategoricalActor(Actor):
    """pi(.|s) = Categorical(softmax(head(trunk(s)))), the trunk shared with the critic."""

    def __init__(self, trunk: NatureCNN, act_dim: int):
        super().__init__()
        self.trunk = trunk
        self.head = layer_init(nn.Linear(trunk.out_dim, act_dim), gain=0.01)

    def head_distribution(self, features):
        return Categorical(logits=self.head(features), validate_args=False)

    def _distribution(self, obs):
        return self.head_distribution(self.trunk(obs))

    def _log_prob_from_distribution(self, pi, act):
        return pi.log_prob(act)


class CNNCritic(nn.Module):
    """V(s) = head(trunk(s)), the trunk shared with the policy."""

    def __init__(self, trunk: NatureCNN):
        super().__init__()
        self.trunk = trunk
        self.head = layer_init(nn.Linear(trunk.out_dim, 1), gain=1.0)

    def forward(self, obs):
        return torch.squeeze(self.head(self.trunk(obs)), -1)


def evaluate(ac, obs, act):
    """pi(.|obs), log pi(act|obs) and V(obs): in one pass through a trunk that the policy and
    the value function share, where the agent has an ``evaluate`` method for it."""
    if hasattr(ac, 'evaluate'):
        return ac.evaluate(obs, act)
    pi, logp = ac.pi(obs, act)
    return pi, logp, ac.v(obs)


def shares_parameters(ac) -> bool:
    """Whether the policy and the value function share parameters (a common trunk)."""
    return not {id(p) for p in ac.pi.parameters()}.isdisjoint(id(p) for p in ac.v.parameters())


def pick_actor_critic(observation_space, action_space, hidden_sizes=None,
                      activation=None, init=None) -> nn.Module:
    """PPO's default agent, picked by the observations: ``CNNActorCritic`` for images
    (channels, height, width), ``MLPActorCritic`` otherwise. ``hidden_sizes``, ``activation``
    and ``init`` go to it; None keeps its own (the MLP's (64, 64), tanh and PyTorch's
    initialisation, the CNN's (512,), ReLU and PPO2's)."""
    agent = CNNActorCritic if is_image(observation_space.shape) else MLPActorCritic
    given = dict(hidden_sizes=hidden_sizes, activation=activation, init=init)
    given = {k: v for k, v in given.items() if v is not None}
    return agent(observation_space, action_space, **given)
