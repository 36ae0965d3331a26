"""Networks and small helpers for DDPG (TensorFlow 1 graph mode): a deterministic actor and a
Q-function.

Dense layers are built from ``tf.get_variable``, as ``tf.layers.dense`` built them: a
glorot-uniform kernel and a zero bias.
"""
from typing import Callable, Optional, Sequence, Tuple, Union

import numpy as np
import tensorflow.compat.v1 as tf

from spinup.utils.envs import action_limit, check_flat_observations
from spinup.utils.errors import check_init

tf.disable_v2_behavior()


def combined_shape(length: Optional[int],
                   shape: Optional[Union[int, Tuple[int, ...]]] = None) -> Tuple:
    """Shape of ``length`` stacked items of ``shape``: ``(length,)``, ``(length, shape)`` or
    ``(length, *shape)``."""
    if shape is None:
        return (length,)
    return (length, shape) if np.isscalar(shape) else (length, *shape)


def placeholder(dim=None) -> tf.Tensor:
    """A float32 placeholder for a batch of items of shape ``dim``."""
    return tf.placeholder(dtype=tf.float32, shape=combined_shape(None, dim))


def placeholders(*args) -> list:
    return [placeholder(dim) for dim in args]


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
    """The trainable variables under ``scope`` (``'main/pi'``, ``'target'``)."""
    return tf.trainable_variables(scope=scope + '/')


def count_vars(scope: str) -> int:
    """Number of scalar parameters under ``scope``."""
    return int(sum(np.prod(var.shape.as_list()) for var in get_vars(scope)))


"""
Actor-Critics
"""


def mlp_actor_critic(x, a, hidden_sizes=(256, 256), activation=tf.nn.relu,
                     output_activation=tf.tanh, action_space=None):
    """The default DDPG agent: a deterministic MLP policy (scope ``pi``) and an MLP Q-function
    (scope ``q``).

    Args:
        x: Observations, (B, obs_dim).
        a: Actions, (B, act_dim).
        action_space: The environment's action space, whose limit scales the policy's tanh.

    Returns:
        ``pi, q, q_pi``: the policy's actions mu(x) (B, act_dim), Q(x, a) (B,), and
        Q(x, mu(x)) (B,), the same Q network applied to the policy's actions.
    """
    check_flat_observations(tuple(x.shape[1:]))
    act_limit = action_limit(action_space, 'DDPG')
    act_dim = int(a.shape[-1])
    with tf.variable_scope('pi'):
        # the tanh output, in [-1, 1], scaled to the action space [-act_limit, act_limit]
        pi = act_limit * mlp(x, list(hidden_sizes) + [act_dim], activation, output_activation)
    with tf.variable_scope('q'):
        q = tf.squeeze(mlp(tf.concat([x, a], axis=-1), list(hidden_sizes) + [1],
                           activation, None), axis=1)
    with tf.variable_scope('q', reuse=True):
        q_pi = tf.squeeze(mlp(tf.concat([x, pi], axis=-1), list(hidden_sizes) + [1],
                              activation, None), axis=1)
    return pi, q, q_pi
