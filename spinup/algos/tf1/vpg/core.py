"""Networks, distributions and small helpers for VPG (TensorFlow 1 graph mode).

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
    act_dim = action_space.n
    logits = mlp(x, list(hidden_sizes) + [act_dim], activation, None, init, 0.01)
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
    """The default VPG agent: an MLP policy (scope ``pi``) and an MLP value function (scope ``v``).

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
