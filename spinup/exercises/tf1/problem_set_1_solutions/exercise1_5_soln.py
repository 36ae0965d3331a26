"""Solution to exercise 1.5: the log-likelihood of a tanh-squashed Gaussian (TensorFlow 1 graph mode).

1 - tanh(u)^2 = 4 / (e^u + e^-u)^2 = 4 e^(-2u) / (1 + e^(-2u))^2, so

    log(1 - tanh(u)^2) = 2 * (log 2 - u - softplus(-2u)),

which has no subtraction of nearly equal numbers: it stays accurate for any u.
"""
import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()


def squashed_gaussian_log_prob(u: tf.Tensor, mu: tf.Tensor, log_std: tf.Tensor) -> tf.Tensor:
    """The op giving log pi(tanh(u)) for u ~ N(mu, diag(exp(log_std))^2): [batch, dim] -> [batch]."""
    z = (u - mu) / tf.exp(log_std)
    logp_u = -tf.reduce_sum(0.5 * z ** 2 + log_std + 0.5 * np.log(2 * np.pi), axis=-1)
    return logp_u - tf.reduce_sum(2 * (np.log(2) - u - tf.nn.softplus(-2 * u)), axis=-1)


if __name__ == '__main__':
    from spinup.exercises.tf1.checks import check_1_5
    check_1_5(squashed_gaussian_log_prob)
