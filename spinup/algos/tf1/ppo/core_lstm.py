"""Recurrent agents for PPO (TensorFlow 1 graph mode): an LSTM, or a layer-normalized LSTM,
between the trunk and the heads, so that the agent carries a memory from step to step (PPO2's
``--policy lstm`` and ``--policy lnlstm``).

The cell is written by hand with ``tf.get_variable`` (the ``compat.v1`` RNN cells are gone
under Keras 3), gate by gate as OpenAI baselines wrote it, and run over the steps with
``tf.scan``: where an episode starts, the memory is zeroed before the step reads it. One graph
serves acting (sequences of one step) and training (whole sequences): the two share every
variable because they are the same tensors, fed differently.
"""
from typing import Callable, Optional, Sequence, Tuple

import numpy as np
import tensorflow.compat.v1 as tf
from gymnasium.spaces import Box, Discrete

from spinup.algos.tf1.ppo.core import (categorical_from_logits, dense, gaussian_likelihood,
                                       is_image, mlp, nature_cnn)
from spinup.utils.checkpoint import tf1_random_generator
from spinup.utils.envs import check_flat_observations
from spinup.utils.errors import SpinupError, check_init

tf.disable_v2_behavior()

CELLS = ('lstm', 'lnlstm')


def check_cell(cell: str) -> str:
    """Refuse, in one line, a cell that is not one of ``CELLS``; return it."""
    if cell not in CELLS:
        raise SpinupError(f"cell must be one of {', '.join(CELLS)}, not {cell!r}.")
    return cell


def layer_norm(size: int, name: str) -> Callable[[tf.Tensor], tf.Tensor]:
    """Layer normalization over the last axis, with a gain (1) and a bias (0) of its own:
    ``(x - mean) / sqrt(var + 1e-5) * g + b``."""
    with tf.variable_scope(name):
        g = tf.get_variable('g', [size], initializer=tf.ones_initializer())
        b = tf.get_variable('b', [size], initializer=tf.zeros_initializer())

    def normalize(x):
        mean, var = tf.nn.moments(x, axes=[-1], keep_dims=True)
        return (x - mean) * tf.rsqrt(var + 1e-5) * g + b
    return normalize


def lstm(x: tf.Tensor, starts: tf.Tensor, state: Tuple[tf.Tensor, tf.Tensor], size: int,
         layer_norm_on: bool = False, init: str = 'orthogonal'):
    """An LSTM cell run over ``x`` (T, B, in) from ``state`` (h, c), each (B, size); ``starts``
    (T, B) is 1 where the observation of step t starts a new episode. Returns every step's h
    (T, B, size) and the state after the last step.

    One step, with z split into four gates of ``size`` each (input, forget, output, update)::

        z = x Wx + h Wh + b                   (layer_norm_on: LN(x Wx) + LN(h Wh) + b)
        c = sigmoid(f) * c + sigmoid(i) * tanh(u)
        h = sigmoid(o) * tanh(c)              (layer_norm_on: sigmoid(o) * tanh(LN(c)))

    The layer-normalized cell (baselines' ``lnlstm``) normalizes the two products separately,
    each with its own gain and bias, and ``c`` only inside the output's tanh: the ``c`` carried
    to the next step is not normalized. ``Wx`` and ``Wh`` start orthogonal and the biases at 0
    (``init='orthogonal'``, PPO2's), or as ``torch.nn.LSTM`` starts them (``'default'``):
    weights uniform in ±1/sqrt(size), and a bias that is the sum of two such draws.
    """
    if check_init(init) == 'orthogonal':
        weights, bias = tf.orthogonal_initializer(1.0), tf.zeros_initializer()
    else:
        bound = 1 / np.sqrt(size)
        weights = tf.random_uniform_initializer(-bound, bound)

        def bias(shape, dtype=tf.float32, partition_info=None):
            return weights(shape, dtype) + weights(shape, dtype)
    wx = tf.get_variable('wx', [int(x.shape[-1]), 4 * size], initializer=weights)
    wh = tf.get_variable('wh', [size, 4 * size], initializer=weights)
    b = tf.get_variable('b', [4 * size], initializer=bias)
    identity = lambda z: z  # noqa: E731
    ln_x, ln_h, ln_c = ((layer_norm(n, name) if layer_norm_on else identity)
                        for n, name in ((4 * size, 'ln_x'), (4 * size, 'ln_h'), (size, 'ln_c')))
    xw = ln_x(tf.tensordot(x, wx, 1))  # the input's part of z, for all the steps at once

    # [docs lstm-step]
    def step(carry, inputs):
        (h, c), (xw_t, start_t) = carry, inputs
        keep = (1 - start_t)[:, None]  # a new episode starts with no memory
        h, c = h * keep, c * keep
        z = xw_t + ln_h(tf.matmul(h, wh)) + b
        i, f, o, u = tf.split(z, 4, axis=-1)
        c = tf.sigmoid(f) * c + tf.sigmoid(i) * tf.tanh(u)
        h = tf.sigmoid(o) * tf.tanh(ln_c(c))
        return h, c
    # [docs lstm-step end]
    hs, cs = tf.scan(step, (xw, starts), initializer=tuple(state))
    return hs, (hs[-1], cs[-1])


def recurrent_actor_critic(x, a, starts, cell='lstm', lstm_size=128,
                           hidden_sizes: Optional[Sequence[int]] = None,
                           activation: Optional[Callable] = None, head_sizes: Sequence[int] = (),
                           init='orthogonal', critic_lstm=False, log_std_init=-0.5,
                           action_space=None):
    """PPO2's recurrent agent: a trunk (an MLP for vectors, the Nature CNN for images), an LSTM
    that carries the memory (both under the scope ``trunk``), and a policy head (``pi``) and a
    value head (``v``) that both read the LSTM's output. With ``critic_lstm``, the value has a
    trunk and an LSTM of its own (``v/trunk``), so that fitting the value does not move the
    policy's memory (sb3-contrib's default); the loss stays one sum.

    Args:
        x: Placeholder of observation sequences, (T, B, ...).
        a: Placeholder of action sequences, (T, B, act_dim) or (T, B).
        starts: Placeholder (T, B), 1 where an observation starts a new episode.
        cell (str): ``'lstm'``, or ``'lnlstm'`` for the layer-normalized cell.
        lstm_size (int): Units of the LSTM (PPO2's ``nlstm``; 128 as in its ``cnn_lstm``).
        hidden_sizes, activation: The trunk's: (64, 64) and tanh for an MLP, (512,) and ReLU
            after the convolutions; ``hidden_sizes=()`` for none (the LSTM reads the
            observations, or the convolutions' output, itself). The heads' layers take the
            same activation.
        head_sizes: Layers of each head between the LSTM and its output (sb3-contrib's
            ``net_arch``, e.g. (64,)); () for none, as in PPO2: the heads are linear.
        init (str): ``'orthogonal'`` (PPO2's, the LSTM's too) or ``'default'`` (glorot-uniform
            in the trunk and the heads, the LSTM as ``torch.nn.LSTM`` starts).
        critic_lstm (bool): Give the value its own trunk and LSTM, instead of the policy's.
        log_std_init (float): The Gaussian policy's log standard deviation at the start (-0.5,
            as PPO's MLP; PPO2 and sb3-contrib start at 0, a standard deviation of 1).

    Returns:
        ``pi, logp, logp_pi, ent, v``, each (T, B) but ``pi`` (T, B, act_dim) for continuous
        actions, as :func:`~spinup.algos.tf1.ppo.core.mlp_actor_critic`; then ``state_in``, the
        placeholders (h, c) of the memory before the sequences ((B, lstm_size) each; (h, c,
        h_v, c_v) with a critic LSTM), and ``state_out``, the memory after them.
    """
    check_cell(cell), check_init(init)
    obs_shape = tuple(x.shape.as_list()[2:])
    steps, batch = tf.shape(x)[0], tf.shape(x)[1]
    flat_x = tf.reshape(x, [-1, *obs_shape])
    head_act = activation or (tf.nn.relu if is_image(obs_shape) else tf.tanh)
    state_in = tuple(tf.placeholder(tf.float32, shape=(None, lstm_size))
                     for _ in range(4 if critic_lstm else 2))

    def trunk_and_memory(memory_state):
        """The trunk, then the LSTM (scope ``memory``), from ``memory_state`` (h, c)."""
        if is_image(obs_shape):
            features = nature_cnn(flat_x, (512,) if hidden_sizes is None else hidden_sizes,
                                  activation or tf.nn.relu, init)
        else:
            check_flat_observations(obs_shape)
            act = activation or tf.tanh
            sizes = (64, 64) if hidden_sizes is None else hidden_sizes
            features = mlp(flat_x, sizes, act, act, init, np.sqrt(2)) if sizes else flat_x
        with tf.variable_scope('memory'):
            return lstm(tf.reshape(features, [steps, batch, features.shape[-1]]), starts,
                        memory_state, lstm_size, cell == 'lnlstm', init)

    def head(out, units, name, gain):
        """A head's output layer (scope ``name``), after its layers ``head_sizes`` (gain
        sqrt(2) with ``init='orthogonal'``)."""
        for j, size in enumerate(head_sizes):
            out = dense(out, size, head_act, name=f'{name}_{j}', init=init, gain=np.sqrt(2))
        return dense(out, units, name=name, init=init, gain=gain)

    with tf.variable_scope('trunk'):
        hs, state_out = trunk_and_memory(state_in[:2])
    out = tf.reshape(hs, [-1, lstm_size])
    with tf.variable_scope('pi'):
        if isinstance(action_space, Discrete):
            logits = head(out, action_space.n, 'logits', gain=0.01)
            pi, logp, logp_pi, ent = categorical_from_logits(logits, tf.reshape(a, [-1]))
        elif isinstance(action_space, Box) and len(action_space.shape) == 1:
            act_dim = action_space.shape[0]
            mu = head(out, act_dim, 'mu', gain=0.01)
            log_std = tf.get_variable('log_std', initializer=np.full(act_dim, log_std_init,
                                                                     dtype=np.float32))
            pi = mu + tf1_random_generator().normal(tf.shape(mu)) * tf.exp(log_std)
            logp = gaussian_likelihood(tf.reshape(a, [-1, act_dim]), mu, log_std)
            logp_pi = gaussian_likelihood(pi, mu, log_std)
            ent = tf.ones_like(mu[:, 0]) * tf.reduce_sum(log_std + 0.5 * np.log(2 * np.pi * np.e))
        else:
            raise SpinupError(f'the recurrent actor-critic handles Box (1-D) and Discrete '
                              f'actions, not {action_space}.')
    with tf.variable_scope('v'):
        v_out = out
        if critic_lstm:  # the value's own trunk and LSTM, from its own part of the state
            with tf.variable_scope('trunk'):
                v_hs, v_state = trunk_and_memory(state_in[2:])
            v_out, state_out = tf.reshape(v_hs, [-1, lstm_size]), state_out + v_state
        v = tf.squeeze(head(v_out, 1, 'value', gain=1.0), axis=1)
    pi = tf.reshape(pi, [steps, batch, *pi.shape.as_list()[1:]])
    per_step = (tf.reshape(t, [steps, batch]) for t in (logp, logp_pi, ent, v))
    return (pi, *per_step, state_in, state_out)

