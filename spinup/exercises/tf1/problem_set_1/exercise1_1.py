"""Exercise 1.1: the log-likelihood of a diagonal Gaussian (TensorFlow 1 graph mode).

A diagonal Gaussian policy pi(.|s) = N(mu, diag(sigma)^2) draws each action dimension
independently, so the log-likelihood of an action x is a sum over its dimensions:

    log pi(x) = sum_i [ -(x_i - mu_i)^2 / (2 sigma_i^2) - log sigma_i - log(2 pi) / 2 ]

with sigma = exp(log_std). Write the function below so that it builds the graph ops that
compute it for a whole batch (it is called with placeholders; the check runs the ops).
Then run this file (``python -m spinup.exercises.tf1.problem_set_1.exercise1_1``, or
``python -m spinup.run exercise 1.1 --backend tf1``): it compares your ops with the
solution's on random batches (log_std of shape [dim] and [batch, dim], extreme log-stds
included) and with values worked out by hand, and prints PASSED or what differed.
"""
import numpy as np  # noqa: F401 (for np.log, np.pi)
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()


def gaussian_likelihood(x: tf.Tensor, mu: tf.Tensor, log_std: tf.Tensor) -> tf.Tensor:
    """The op giving log N(x; mu, diag(exp(log_std))^2) for a batch.

    Args:
        x: Samples, shape [batch, dim].
        mu: Means, shape [batch, dim].
        log_std: Log standard deviations, shape [dim] (shared by the batch) or [batch, dim].

    Returns:
        A tensor of the log-likelihood of each sample, shape [batch].
    """
    #######################
    #                     #
    #   YOUR CODE HERE    #
    #                     #
    #######################
    raise NotImplementedError


if __name__ == '__main__':
    from spinup.exercises.tf1.checks import check_1_1
    check_1_1(gaussian_likelihood)
