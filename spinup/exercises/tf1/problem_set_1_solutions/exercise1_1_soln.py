"""Solution to exercise 1.1: the log-likelihood of a diagonal Gaussian (TensorFlow 1 graph mode)."""
import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()


def gaussian_likelihood(x: tf.Tensor, mu: tf.Tensor, log_std: tf.Tensor) -> tf.Tensor:
    """The op giving log N(x; mu, diag(exp(log_std))^2): [batch, dim] samples -> [batch]."""
    z = (x - mu) / tf.exp(log_std)  # log_std broadcasts from [dim] as well as [batch, dim]
    return -tf.reduce_sum(0.5 * z ** 2 + log_std + 0.5 * np.log(2 * np.pi), axis=-1)


if __name__ == '__main__':
    from spinup.exercises.tf1.checks import check_1_1
    check_1_1(gaussian_likelihood)
