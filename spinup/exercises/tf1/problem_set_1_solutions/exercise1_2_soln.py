"""Solution to exercise 1.2: an MLP Gaussian policy for PPO (TensorFlow 1 graph mode)."""
import numpy as np
import tensorflow.compat.v1 as tf

from spinup.algos.tf1.ppo.core import dense

tf.disable_v2_behavior()


def mlp(x: tf.Tensor, hidden_sizes=(32,), activation=tf.tanh, output_activation=None) -> tf.Tensor:
    for j, h in enumerate(hidden_sizes[:-1]):
        x = dense(x, h, activation, name=f'dense_{j}')
    return dense(x, hidden_sizes[-1], output_activation, name=f'dense_{len(hidden_sizes) - 1}')


def gaussian_likelihood(x, mu, log_std):
    z = (x - mu) / tf.exp(log_std)
    return -tf.reduce_sum(0.5 * z ** 2 + log_std + 0.5 * np.log(2 * np.pi), axis=-1)


def mlp_gaussian_policy(x, a, hidden_sizes, activation, output_activation, action_space):
    act_dim = int(a.shape[-1])
    mu = mlp(x, list(hidden_sizes) + [act_dim], activation, output_activation)
    log_std = tf.get_variable('log_std', initializer=-0.5 * np.ones(act_dim, dtype=np.float32))
    pi = mu + tf.random_normal(tf.shape(mu)) * tf.exp(log_std)
    logp = gaussian_likelihood(a, mu, log_std)
    logp_pi = gaussian_likelihood(pi, mu, log_std)
    # sum_i (log sigma_i + log(2 pi e) / 2), the same for every observation of the batch
    ent = tf.ones_like(mu[:, 0]) * tf.reduce_sum(log_std + 0.5 * np.log(2 * np.pi * np.e))
    return pi, logp, logp_pi, ent


if __name__ == '__main__':
    from spinup.exercises.tf1.checks import check_1_2
    check_1_2(mlp_gaussian_policy)
