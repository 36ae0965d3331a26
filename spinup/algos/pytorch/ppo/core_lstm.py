"""Recurrent agents for PPO (PyTorch): an LSTM, or a layer-normalized LSTM, between the trunk
and the heads, so that the agent carries a memory from step to step (PPO2's ``--policy lstm``
and ``--policy lnlstm``).

The cell is written out, gate by gate, as OpenAI baselines wrote it, so that the one thing a
recurrent policy must get right is in plain sight: where an episode starts, the memory is
zeroed before the step reads it, in acting (one step) and in training (a whole sequence) alike.
"""
import math
from typing import Tuple

import torch
import torch.nn as nn
from gymnasium.spaces import Box, Discrete
from torch.distributions.categorical import Categorical
from torch.distributions.independent import Independent
from torch.distributions.normal import Normal

from spinup.algos.pytorch.ppo.core import NatureCNN, is_image, layer_init, mlp, orthogonal_init
from spinup.utils.envs import check_flat_observations
from spinup.utils.errors import SpinupError, check_init
from spinup.utils.phases import phase

CELLS = ('lstm', 'lnlstm')

State = Tuple[torch.Tensor, ...]  # (h, c), each (B, size); (h, c, h_v, c_v) with a critic LSTM


def check_cell(cell: str) -> str:
    """Refuse, in one line, a cell that is not one of ``CELLS``; return it."""
    if cell not in CELLS:
        raise SpinupError(f"cell must be one of {', '.join(CELLS)}, not {cell!r}.")
    return cell


class LSTM(nn.Module):
    """An LSTM cell unrolled over a sequence, with the episode starts as a mask.

    One step, with z split into four gates of ``size`` each (input, forget, output, update)::

        z = x Wx + h Wh + b                   (layer_norm: LN(x Wx) + LN(h Wh) + b)
        c = sigmoid(f) * c + sigmoid(i) * tanh(u)
        h = sigmoid(o) * tanh(c)              (layer_norm: sigmoid(o) * tanh(LN(c)))

    The layer-normalized cell (baselines' ``lnlstm``) normalizes the two products separately,
    each with its own gain and bias, and ``c`` only inside the output's tanh: the ``c`` carried
    to the next step is not normalized. ``Wx`` and ``Wh`` start orthogonal and the biases at 0
    (``init='orthogonal'``, PPO2's), or as ``torch.nn.LSTM`` starts them (``'default'``):
    weights uniform in ±1/sqrt(size), and a bias that is the sum of two such draws (``nn.LSTM``
    has two, one for each product).
    """

    def __init__(self, in_dim: int, size: int, layer_norm: bool = False,
                 init: str = 'orthogonal'):
        super().__init__()
        self.size = size
        self.wx = nn.Linear(in_dim, 4 * size, bias=False)
        self.wh = nn.Linear(size, 4 * size, bias=False)
        self.b = nn.Parameter(torch.zeros(4 * size))
        if check_init(init) == 'orthogonal':
            nn.init.orthogonal_(self.wx.weight)
            nn.init.orthogonal_(self.wh.weight)
        else:
            bound = 1 / math.sqrt(size)
            with torch.no_grad():
                for weight in (self.wx.weight, self.wh.weight):
                    weight.uniform_(-bound, bound)
                self.b.uniform_(-bound, bound)
                self.b.add_(torch.empty_like(self.b).uniform_(-bound, bound))
        norm = (lambda n: nn.LayerNorm(n, eps=1e-5)) if layer_norm else (lambda n: nn.Identity())
        self.ln_x, self.ln_h, self.ln_c = norm(4 * size), norm(4 * size), norm(size)

    def forward(self, x: torch.Tensor, starts: torch.Tensor, state: State):
        """Run the cell over ``x`` (T, B, in) from ``state``; ``starts`` (T, B) is 1 where the
        observation of step t starts a new episode. Returns every step's h (T, B, size) and the
        state after the last step."""
        xw = self.ln_x(self.wx(x))  # the input's part of z, for all the steps at once
        h, c = state
        hs = []
        # [docs lstm-step]
        for t in range(len(x)):
            keep = (1 - starts[t]).unsqueeze(-1)  # a new episode starts with no memory
            h, c = h * keep, c * keep
            z = xw[t] + self.ln_h(self.wh(h)) + self.b
            i, f, o, u = z.chunk(4, dim=-1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(u)
            h = torch.sigmoid(o) * torch.tanh(self.ln_c(c))
            hs.append(h)
        # [docs lstm-step end]
        return torch.stack(hs), (h, c)


def build_trunk(observation_space, hidden_sizes, activation) -> Tuple[nn.Module, int]:
    """The layers before an LSTM, and their output's width: the Nature CNN for images (ReLU,
    (512,)), an MLP for vectors (tanh, (64, 64)). ``hidden_sizes=()`` leaves the dense layers
    out: the LSTM reads the observations (or the convolutions' output) itself."""
    image = is_image(observation_space.shape)
    if hidden_sizes is None:
        hidden_sizes = (512,) if image else (64, 64)
    if image:
        cnn = NatureCNN(observation_space.shape, hidden_sizes, activation or nn.ReLU)
        return cnn, cnn.out_dim
    check_flat_observations(observation_space.shape)
    sizes = [observation_space.shape[0], *hidden_sizes]
    act = activation or nn.Tanh
    return mlp(sizes, act, output_activation=act), sizes[-1]


def init_trunk(layers: nn.Module, init: str, image: bool, heads=()) -> None:
    """PPO2's initialization of an MLP trunk, gain sqrt(2) (the Nature CNN does its own), or,
    with ``init='default'``, PyTorch's own, in the trunk and in ``heads``."""
    if check_init(init) == 'orthogonal' and not image:
        orthogonal_init(layers, output_gain=math.sqrt(2))
    elif init == 'default':
        for layer in [*layers.modules(), *(m for head in heads for m in head.modules())]:
            if isinstance(layer, (nn.Conv2d, nn.Linear)):
                layer.reset_parameters()


def build_head(in_dim: int, head_sizes, activation, out_dim: int, gain: float) -> nn.Module:
    """A head on the LSTM's output: a linear layer to ``out_dim``, orthogonal with ``gain``
    (PPO2's), after the layers ``head_sizes`` (sb3-contrib's ``net_arch``, e.g. (64,)), each
    orthogonal with gain sqrt(2) and followed by ``activation``."""
    if not head_sizes:
        return layer_init(nn.Linear(in_dim, out_dim), gain=gain)
    head = mlp([in_dim, *head_sizes, out_dim], activation)
    orthogonal_init(head, output_gain=gain)
    return head


class RecurrentActorCritic(nn.Module):
    """PPO2's recurrent agent: a trunk (an MLP for vectors, the Nature CNN for images), an LSTM
    that carries the memory, and a policy head and a value head that both read the LSTM's
    output. Since everything but the heads is shared, PPO trains it on one joint loss. With
    ``critic_lstm``, the value has a trunk and an LSTM of its own (sb3-contrib's default), so
    that fitting the value does not move the policy's memory; the loss stays one sum.

    Args:
        cell (str): ``'lstm'``, or ``'lnlstm'`` for the layer-normalized cell.
        lstm_size (int): Units of the LSTM (PPO2's ``nlstm``; 128 as in its ``cnn_lstm``).
        hidden_sizes: The trunk's layers: (64, 64) for an MLP, (512,) after the convolutions;
            () for none (the LSTM reads the observations, or the convolutions' output, itself).
        activation: The activation of the trunk and of the heads' layers: tanh for an MLP,
            ReLU for the CNN.
        head_sizes: Layers of each head between the LSTM and its output (sb3-contrib's
            ``net_arch``, e.g. (64,)); () for none, as in PPO2: the heads are linear.
        init (str): ``'orthogonal'`` (PPO2's: gain sqrt(2) in the trunk and the heads' layers,
            0.01 for the policy's output, 1 for the value's, the LSTM orthogonal) or
            ``'default'`` (PyTorch's own everywhere, the LSTM's as ``torch.nn.LSTM``'s).
        critic_lstm (bool): Give the value its own trunk and LSTM (its memory is then part of
            the state: ``(h, c, h_v, c_v)``), instead of reading the policy's.
        log_std_init (float): The Gaussian policy's log standard deviation at the start (-0.5,
            as PPO's MLP; PPO2 and sb3-contrib start at 0, a standard deviation of 1).
    """

    def __init__(self, observation_space, action_space, cell='lstm', lstm_size=128,
                 hidden_sizes=None, activation=None, head_sizes=(), init='orthogonal',
                 critic_lstm=False, log_std_init=-0.5):
        super().__init__()
        image = is_image(observation_space.shape)
        self.trunk, trunk_out = build_trunk(observation_space, hidden_sizes, activation)
        layer_norm = check_cell(cell) == 'lnlstm'
        self.memory = LSTM(trunk_out, lstm_size, layer_norm, init)
        head_act = activation or (nn.ReLU if image else nn.Tanh)
        if isinstance(action_space, Discrete):
            self.pi = build_head(lstm_size, head_sizes, head_act, action_space.n, gain=0.01)
            self.log_std = None
        elif isinstance(action_space, Box) and len(action_space.shape) == 1:
            self.pi = build_head(lstm_size, head_sizes, head_act, action_space.shape[0], 0.01)
            self.log_std = nn.Parameter(torch.full(action_space.shape, float(log_std_init)))
        else:
            raise SpinupError(f'the recurrent actor-critic handles Box (1-D) and Discrete '
                              f'actions, not {action_space}.')
        self.v = build_head(lstm_size, head_sizes, head_act, 1, gain=1.0)
        init_trunk(self.trunk, init, image, heads=(self.pi, self.v))
        # the value's own trunk and LSTM, built as the policy's (and after it: without them,
        # every random draw is as it was)
        self.v_trunk = self.v_memory = None
        if critic_lstm:
            self.v_trunk, _ = build_trunk(observation_space, hidden_sizes, activation)
            self.v_memory = LSTM(trunk_out, lstm_size, layer_norm, init)
            init_trunk(self.v_trunk, init, image)

    def __setstate__(self, state):
        super().__setstate__(state)
        if 'v_memory' not in self._modules:  # (an agent saved before critics had an LSTM)
            self.v_trunk = self.v_memory = None

    def initial_state(self, batch_size: int) -> State:
        """The memory before anything was seen: zeros, (h, c) of (batch_size, lstm_size), and
        (h_v, c_v) after them with a critic LSTM."""
        parts = 2 if self.v_memory is None else 4
        return tuple(torch.zeros(batch_size, self.memory.size, device=self.memory.b.device)
                     for _ in range(parts))

    def distribution(self, out: torch.Tensor):
        """pi(.|history), from the LSTM's output."""
        if self.log_std is None:
            return Categorical(logits=self.pi(out), validate_args=False)
        return Independent(Normal(self.pi(out), torch.exp(self.log_std), validate_args=False),
                           1, validate_args=False)

    def unroll(self, obs: torch.Tensor, starts: torch.Tensor, state: State):
        """The LSTMs' outputs for sequences of observations, (T, B, ...) -> (T, B, lstm_size):
        the policy's and the value's (the same tensor without a critic LSTM), and the state
        after them. A trunk sees all T*B observations in one batch."""
        steps, batch = obs.shape[:2]
        flat_obs = obs.reshape(steps * batch, *obs.shape[2:])

        def run(trunk, memory, memory_state):
            return memory(trunk(flat_obs).reshape(steps, batch, -1), starts, memory_state)
        out, pi_state = run(self.trunk, self.memory, state[:2])
        if self.v_memory is None:
            return out, out, pi_state
        v_out, v_state = run(self.v_trunk, self.v_memory, state[2:])
        return out, v_out, pi_state + v_state

    def evaluate(self, obs, act, starts, state: State):
        """pi(.|history), log pi(act|history) and V(history) at every step of sequences
        (T, B, ...) started from ``state``: the training path. Shapes (T, B) but pi's."""
        out, v_out, _ = self.unroll(obs, starts, state)
        pi = self.distribution(out)
        return pi, pi.log_prob(act), self.v(v_out).squeeze(-1)

    @phase('policy')
    def step(self, obs, start, state: State):
        """One step of B copies: sample an action for ``obs`` (B, ...) with the memory
        ``state``, zeroed first where ``start`` (B,) is 1. Returns NumPy ``(a, v, logp_a)`` and
        the state after the step."""
        with torch.inference_mode():
            out, v_out, state = self.unroll(obs[None], start[None], state)
            pi = self.distribution(out[0])
            a = pi.sample()
            logp_a = pi.log_prob(a)
            v = self.v(v_out[0]).squeeze(-1)
        return a.cpu().numpy(), v.cpu().numpy(), logp_a.cpu().numpy(), state

    @phase('policy')
    def act(self, obs, start, state: State):
        """Sample an action for ``obs``; return it as a NumPy array, and the state after it."""
        a, _, _, state = self.step(obs, start, state)
        return a, state

