"""Networks, distributions and small helpers for PPO (TensorFlow 1 graph mode).

Dense layers are built from ``tf.get_variable``, as ``tf.layers.dense`` built them: a
glorot-uniform kernel and a zero bias.
"""
from typing import Callable, Optional, Sequence, Tuple, Union

import numpy as np
import tensorflow.compat.v1 as tf
from gymnasium.spaces import Box, Discrete, Space

from spinup.utils.checkpoint import tf1_random_generator
from spinup.utils.envs import check_flat_observations
from spinup.utils.errors import SpinupError, check_init

tf.disable_v2_behavior()


def combined_shape(length: Union[None, int, Tuple[int, ...]],
                   shape: Optional[Union[int, Tuple[int, ...]]] = None) -> Tuple:
    """Shape of ``length`` stacked items of ``shape``: ``(length,)``, ``(length, shape)`` or
    ``(length, *shape)``. ``length`` may be a tuple itself: ``combined_shape((steps, envs), 3)``
    is ``(steps, envs, 3)``; None leaves it open, for placeholders."""
    lead = tuple(length) if isinstance(length, tuple) else (length,)
    if shape is None:
        return lead
    return (*lead, shape) if np.isscalar(shape) else (*lead, *shape)


def placeholder(dim=None) -> tf.Tensor:
    """A float32 placeholder for a batch of items of shape ``dim``."""
    return tf.placeholder(dtype=tf.float32, shape=combined_shape(None, dim))


def placeholders(*args) -> list:
    return [placeholder(dim) for dim in args]


def placeholder_from_space(space: Space) -> tf.Tensor:
    """A placeholder for a batch of elements of ``space``: float vectors (Box), the bytes of
    images (a ``uint8`` Box), or integers (Discrete)."""
    if isinstance(space, Box) and space.dtype == np.uint8:
        return tf.placeholder(dtype=tf.uint8, shape=combined_shape(None, space.shape))
    if isinstance(space, Box):
        return placeholder(space.shape)
    if isinstance(space, Discrete):
        return tf.placeholder(dtype=tf.int32, shape=(None,))
    raise SpinupError(f'the TF1 placeholders handle Box and Discrete spaces, not {space}.')


def placeholders_from_spaces(*args) -> list:
    return [placeholder_from_space(space) for space in args]


def kernel_initializer(init: str = 'default', gain: float = 1.0):
    """Kernels glorot-uniform (``init='default'``, as ``tf.layers`` made them and the original
    Spinning Up had), or orthogonal scaled by ``gain`` (``'orthogonal'``, PPO2's)."""
    if check_init(init) == 'orthogonal':
        return tf.orthogonal_initializer(gain)
    return tf.glorot_uniform_initializer()


def dense(x: tf.Tensor, units: int, activation: Optional[Callable] = None,
          name: str = 'dense', init: str = 'default', gain: float = 1.0) -> tf.Tensor:
    """``activation(x W + b)``, with ``W`` of shape (in, units) by ``kernel_initializer(init,
    gain)`` and ``b`` zero."""
    with tf.variable_scope(name):
        kernel = tf.get_variable('kernel', [int(x.shape[-1]), units],
                                 initializer=kernel_initializer(init, gain))
        bias = tf.get_variable('bias', [units], initializer=tf.zeros_initializer())
        y = tf.matmul(x, kernel) + bias
    return y if activation is None else activation(y)


def mlp(x: tf.Tensor, hidden_sizes: Sequence[int] = (32,), activation: Callable = tf.tanh,
        output_activation: Optional[Callable] = None, init: str = 'default',
        output_gain: float = 1.0) -> tf.Tensor:
    """A multi-layer perceptron on ``x``; ``hidden_sizes`` ends with the output width. With
    ``init='orthogonal'``, the hidden layers' gain is sqrt(2), the last layer's ``output_gain``."""
    for j, h in enumerate(hidden_sizes[:-1]):
        x = dense(x, h, activation, name=f'dense_{j}', init=init, gain=np.sqrt(2))
    return dense(x, hidden_sizes[-1], output_activation, name=f'dense_{len(hidden_sizes) - 1}',
                 init=init, gain=output_gain)


def get_vars(scope: str) -> list:
    """The trainable variables under ``scope`` (``'pi'``, ``'v'``)."""
    return tf.trainable_variables(scope=scope + '/')


def count_vars(scope: str) -> int:
    """Number of scalar parameters under ``scope``."""
    return int(sum(np.prod(var.shape.as_list()) for var in get_vars(scope)))


def discount_cumsum(x: np.ndarray, discount: float) -> np.ndarray:
    """Discounted sums of the rest of a sequence: ``y[t] = sum_k discount**k * x[t+k]``.

    For ``x = [1, 2, 3]`` and ``discount = 0.5``:
    ``y = [1 + 1 + 0.75, 2 + 1.5, 3] = [2.75, 3.5, 3]``.
    Shapes: ``x`` (T,) -> ``y`` (T,).
    """
    import scipy.signal  # loaded on first use: playing a saved agent never needs it
    # y[t] - discount*y[t+1] = x[t] is a linear filter run over the reversed vector.
    return scipy.signal.lfilter([1], [1, float(-discount)], x[::-1], axis=0)[::-1]


"""
Policies
"""


def gaussian_likelihood(x: tf.Tensor, mu: tf.Tensor, log_std: tf.Tensor) -> tf.Tensor:
    """log N(x; mu, diag(exp(log_std))^2), summed over the last axis: shape (B, d) -> (B,)."""
    pre_sum = -0.5 * (((x - mu) / tf.exp(log_std)) ** 2 + 2 * log_std + np.log(2 * np.pi))
    return tf.reduce_sum(pre_sum, axis=-1)


def mlp_categorical_policy(x, a, hidden_sizes, activation, output_activation, action_space,
                           init='default'):
    """pi(.|s) = Categorical(softmax(logits)), for discrete actions.

    Returns ``pi`` (B,) sampled actions, ``logp`` (B,) log pi(a|s) of the actions fed to
    ``a``, ``logp_pi`` (B,) log pi(pi|s), and ``ent`` (B,) the entropy of pi(.|s).
    """
    logits = mlp(x, list(hidden_sizes) + [action_space.n], activation, None, init, 0.01)
    return categorical_from_logits(logits, a)


def categorical_from_logits(logits: tf.Tensor, a: tf.Tensor):
    """A categorical policy's ``pi, logp, logp_pi, ent`` from its ``logits`` (B, act_dim)."""
    act_dim = int(logits.shape[-1])
    logp_all = tf.nn.log_softmax(logits)
    # (drawn through the graph's random generator, whose state a checkpoint keeps)
    seed = tf1_random_generator().make_seeds(1)[:, 0]
    pi = tf.squeeze(tf.random.stateless_categorical(logits, 1, seed, dtype=tf.int32), axis=1)
    logp = tf.reduce_sum(tf.one_hot(a, depth=act_dim) * logp_all, axis=1)
    logp_pi = tf.reduce_sum(tf.one_hot(pi, depth=act_dim) * logp_all, axis=1)
    ent = -tf.reduce_sum(tf.exp(logp_all) * logp_all, axis=1)
    return pi, logp, logp_pi, ent


def mlp_gaussian_policy(x, a, hidden_sizes, activation, output_activation, action_space,
                        init='default'):
    """pi(.|s) = N(mu(s), diag(exp(log_std))^2), with a learned state-independent log-std
    initialised at -0.5.

    Returns ``pi`` (B, act_dim) sampled actions, ``logp`` (B,) log pi(a|s) of the actions fed
    to ``a``, ``logp_pi`` (B,) log pi(pi|s), and ``ent`` (B,) the entropy of pi(.|s).
    """
    act_dim = int(a.shape[-1])
    mu = mlp(x, list(hidden_sizes) + [act_dim], activation, output_activation, init, 0.01)
    # [docs log-std]
    log_std = tf.get_variable(name='log_std', initializer=-0.5 * np.ones(act_dim, dtype=np.float32))
    # [docs log-std end]
    std = tf.exp(log_std)
    pi = mu + tf1_random_generator().normal(tf.shape(mu)) * std  # (a checkpoint keeps its state)
    logp = gaussian_likelihood(a, mu, log_std)
    logp_pi = gaussian_likelihood(pi, mu, log_std)
    # the entropy of a diagonal Gaussian, sum_i (log sigma_i + log(2 pi e) / 2), for every state
    ent = tf.ones_like(mu[:, 0]) * tf.reduce_sum(log_std + 0.5 * np.log(2 * np.pi * np.e))
    return pi, logp, logp_pi, ent


"""
Actor-Critics
"""


def mlp_actor_critic(x, a, hidden_sizes=(64, 64), activation=tf.tanh, output_activation=None,
                     action_space=None, init='default'):
    """The default PPO agent: an MLP policy (scope ``pi``) and an MLP value function (scope ``v``).

    Args:
        x: Placeholder of observations, (B, obs_dim).
        a: Placeholder of actions, (B, act_dim) or (B,) for discrete actions.
        action_space: The environment's action space, which picks the policy.
        init: ``'default'`` (glorot-uniform, the original's) or ``'orthogonal'`` (PPO2's: gain
            sqrt(2) in hidden layers, 0.01 in the policy's output, 1 in the value's).

    Returns:
        ``pi, logp, logp_pi, ent, v``: sampled actions, log pi(a|s), log pi(pi|s), the
        policy's entropy at each state, and V(s); every one but ``pi`` of shape (B,).
    """
    check_flat_observations(tuple(x.shape[1:]))
    if isinstance(action_space, Box) and len(action_space.shape) == 1:
        policy = mlp_gaussian_policy
    elif isinstance(action_space, Discrete):
        policy = mlp_categorical_policy
    else:
        raise SpinupError(f'the MLP actor-critic handles Box (1-D) and Discrete actions, '
                          f'not {action_space}.')

    with tf.variable_scope('pi'):
        pi, logp, logp_pi, ent = policy(x, a, hidden_sizes, activation,
                                        output_activation, action_space, init)
    with tf.variable_scope('v'):
        v = tf.squeeze(mlp(x, list(hidden_sizes) + [1], activation, None, init), axis=1)
    return pi, logp, logp_pi, ent, v


def is_image(shape: Sequence[int]) -> bool:
    """Whether observations of ``shape`` are images, ``(channels, height, width)``."""
    return len(shape) == 3


def conv(x: tf.Tensor, filters: int, size: int, stride: int, activation: Callable,
         name: str, init: str = 'orthogonal') -> tf.Tensor:
    """``activation(conv(x) + b)`` on NHWC images: ``filters`` of ``size`` x ``size`` at ``stride``,
    no padding, kernels by ``kernel_initializer(init, sqrt(2))`` and zero biases."""
    with tf.variable_scope(name):
        kernel = tf.get_variable('kernel', [size, size, int(x.shape[-1]), filters],
                                 initializer=kernel_initializer(init, np.sqrt(2)))
        bias = tf.get_variable('bias', [filters], initializer=tf.zeros_initializer())
        return activation(tf.nn.conv2d(x, kernel, strides=stride, padding='VALID') + bias)


def nature_cnn(x: tf.Tensor, hidden_sizes: Sequence[int] = (512,),
               activation: Callable = tf.nn.relu, init: str = 'orthogonal') -> tf.Tensor:
    """The trunk of the Nature DQN network, which PPO2 uses on Atari: three convolutions
    (32 8x8 filters, stride 4; 64 4x4, stride 2; 64 3x3, stride 1) and a fully connected
    layer of 512, all ReLU. It takes ``uint8`` images (B, C, H, W) and scales them to
    [0, 1] itself, so that batches of observations stay bytes until here."""
    channels, height, width = (int(d) for d in x.shape[1:])
    if min(height, width) < 36:
        raise SpinupError(f'the CNN actor-critic needs images of at least 36x36 pixels, not '
                          f'{height}x{width}.')
    # to NHWC, which the CPU's convolutions take
    h = tf.transpose(tf.cast(x, tf.float32) / 255.0, [0, 2, 3, 1])
    h = conv(h, 32, 8, 4, activation, 'conv_0', init)
    h = conv(h, 64, 4, 2, activation, 'conv_1', init)
    h = conv(h, 64, 3, 1, activation, 'conv_2', init)
    h = tf.reshape(h, [-1, int(np.prod(h.shape[1:]))])
    for j, units in enumerate(hidden_sizes):
        h = dense(h, units, activation, name=f'dense_{j}', init=init, gain=np.sqrt(2))
    return h


def cnn_actor_critic(x, a, hidden_sizes=(512,), activation=tf.nn.relu, output_activation=None,
                     action_space=None, init='orthogonal'):
    """PPO2's Atari agent: one :func:`nature_cnn` trunk (scope ``trunk``) that both heads read,
    a categorical policy head (scope ``pi``) and a value head (scope ``v``). Since the two
    share the trunk, PPO trains them together, on one loss and with one optimizer.

    Initialisation: ``init='orthogonal'`` (PPO2's), gain sqrt(2) in the trunk, 0.01 for the
    policy's logits (a nearly uniform first policy) and 1 for the value; ``'default'``,
    glorot-uniform.

    Returns:
        ``pi, logp, logp_pi, ent, v``, as :func:`mlp_actor_critic`.
    """
    if not is_image(tuple(x.shape[1:])):
        raise SpinupError(f'the CNN actor-critic takes images (channels, height, width), '
                          f'not observations of shape {tuple(x.shape[1:])}.')
    if not isinstance(action_space, Discrete):
        raise SpinupError(f'the CNN actor-critic handles Discrete actions, not {action_space}.')
    with tf.variable_scope('trunk'):
        features = nature_cnn(x, hidden_sizes, activation, init)
    with tf.variable_scope('pi'):
        logits = dense(features, action_space.n, name='logits', init=init, gain=0.01)
        pi, logp, logp_pi, ent = categorical_from_logits(logits, a)
    with tf.variable_scope('v'):
        v = tf.squeeze(dense(features, 1, name='value', init=init, gain=1.0), axis=1)
    return pi, logp, logp_pi, ent, v


def pick_actor_critic(x, a, hidden_sizes=None, activation=None, output_activation=None,
                      action_space=None, init=None):
    """PPO's default agent, picked by the observations: ``cnn_actor_critic`` for images
    (channels, height, width), ``mlp_actor_critic`` otherwise. ``hidden_sizes``,
    ``activation``, ``output_activation`` and ``init`` go to it; None keeps its own (the MLP's
    (64, 64), tanh and glorot-uniform, the CNN's (512,), ReLU and PPO2's orthogonal)."""
    agent = cnn_actor_critic if is_image(tuple(x.shape.as_list()[1:])) else mlp_actor_critic
    given = dict(hidden_sizes=hidden_sizes, activation=activation,
                 output_activation=output_activation, init=init)
    given = {k: v for k, v in given.items() if v is not None}
    return agent(x, a, action_space=action_space, **given)
