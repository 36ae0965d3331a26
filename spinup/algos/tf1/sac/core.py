"""Networks and small helpers for SAC (TensorFlow 1 graph mode): a squashed Gaussian actor and two
Q-functions.

Dense layers are built from ``tf.get_variable``, as ``tf.layers.dense`` built them: a
glorot-uniform kernel and a zero bias.
"""
from typing import Callable, Optional, Sequence, Tuple, Union

import numpy as np
import tensorflow.compat.v1 as tf

from spinup.utils.checkpoint import tf1_random_generator
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
Policies
"""


LOG_STD_MAX = 2
LOG_STD_MIN = -20


def squashed_gaussian_policy(x, act_dim, hidden_sizes, activation, act_limit):
    """The policy a = act_limit * tanh(u), u ~ N(mu(s), diag(sigma(s))^2): a Gaussian whose
    mean and log-std both come from the network, squashed into the action limits.

    The sample is reparameterised, u = mu + sigma * eps with eps ~ N(0, I) (the tensor named
    ``eps``), so gradients flow through it into mu and sigma. Every sum is over the last axis.

    Returns:
        ``mu, pi, logp_pi``: the squashed mean action (B, act_dim), a sampled action
        (B, act_dim), and log pi(pi|x) (B,).
    """
    net = mlp(x, list(hidden_sizes), activation, activation)
    mu = dense(net, act_dim, None, name='mu')
    log_std = tf.clip_by_value(dense(net, act_dim, None, name='log_std'), LOG_STD_MIN, LOG_STD_MAX)
    std = tf.exp(log_std)

    # u = mu + sigma * eps with eps ~ N(0, I)
    eps = tf1_random_generator().normal(tf.shape(mu), name='eps')  # (a checkpoint keeps its state)
    u = mu + std * eps

    # [docs squash]
    # log N(u; mu, sigma^2), summed over the action dimensions ((u - mu) / sigma is eps)
    logp_u = -tf.reduce_sum(0.5 * eps ** 2 + log_std + 0.5 * np.log(2 * np.pi), axis=-1)
    # Change of variables for a = c * tanh(u) (SAC paper, appendix C):
    #   log pi(a) = log N(u) - sum_i log(c * (1 - tanh(u_i)^2)).
    # log(1 - tanh(u)^2) = 2 * (log 2 - u - softplus(-2u)) is the same quantity, free of
    # the cancellation in 1 - tanh(u)^2, which rounds to 0 (log -> -inf) once |u| passes
    # about 9.
    logp_pi = logp_u - tf.reduce_sum(2 * (np.log(2) - u - tf.nn.softplus(-2 * u)), axis=-1) \
        - act_dim * np.log(act_limit)
    # [docs squash end]

    return act_limit * tf.tanh(mu), act_limit * tf.tanh(u), logp_pi


"""
Actor-Critics
"""


def mlp_actor_critic(x, a, hidden_sizes=(256, 256), activation=tf.nn.relu, output_activation=None,
                     action_space=None):
    """The default SAC agent: a squashed Gaussian MLP policy (scope ``pi``) and two MLP
    Q-functions (scopes ``q1``, ``q2``).

    Args:
        x: Observations, (B, obs_dim).
        a: Actions, (B, act_dim).
        action_space: The environment's action space, whose limit scales the policy's tanh.
        output_activation: Unused (the policy's outputs are the Gaussian's mean and log-std);
            accepted for the same signature as the other agents.

    Returns:
        ``mu, pi, logp_pi, q1, q2``: the squashed mean action (B, act_dim), a sampled action
        (B, act_dim), log pi(pi|x) (B,), and Q1(x, a), Q2(x, a) (B,).
    """
    check_flat_observations(tuple(x.shape[1:]))
    act_limit = action_limit(action_space, 'SAC')
    act_dim = int(a.shape[-1])
    with tf.variable_scope('pi'):
        mu, pi, logp_pi = squashed_gaussian_policy(x, act_dim, hidden_sizes, activation, act_limit)
    with tf.variable_scope('q1'):
        q1 = tf.squeeze(mlp(tf.concat([x, a], axis=-1), list(hidden_sizes) + [1],
                            activation, None), axis=1)
    with tf.variable_scope('q2'):
        q2 = tf.squeeze(mlp(tf.concat([x, a], axis=-1), list(hidden_sizes) + [1],
                            activation, None), axis=1)
    return mu, pi, logp_pi, q1, q2
