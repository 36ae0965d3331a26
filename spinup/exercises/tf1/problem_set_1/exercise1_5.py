"""Exercise 1.5: the log-likelihood of SAC's tanh-squashed Gaussian (TensorFlow 1 graph mode).

SAC's policy draws u ~ N(mu, diag(sigma)^2) and acts with a = tanh(u), which keeps every
action in (-1, 1). The change of variables gives the density of a:

    log pi(a) = log N(u; mu, sigma) - sum_i log(1 - tanh(u_i)^2)

Written like that, it fails in float32 exactly where SAC needs it: once |u| passes about 9,
tanh(u) rounds to 1, 1 - tanh(u)^2 to 0 and its log to -inf. Find a form of
log(1 - tanh(u)^2) that stays accurate for any u (hint: write tanh with exponentials and
look for softplus(x) = log(1 + e^x), which ``tf.nn.softplus`` computes stably), and write
the ops of the whole log-likelihood below.

Run this file to check them: against the solution, against a float64 finite-difference
change of variables, and on saturated actions (10 < |u| < 20).
"""
import numpy as np  # noqa: F401 (for np.log, np.pi)
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()


def squashed_gaussian_log_prob(u: tf.Tensor, mu: tf.Tensor, log_std: tf.Tensor) -> tf.Tensor:
    """The op giving log pi(tanh(u)) for u drawn from N(mu, diag(exp(log_std))^2).

    Args:
        u: The Gaussian samples before the squash, shape [batch, dim].
        mu: Means, shape [batch, dim].
        log_std: Log standard deviations, shape [batch, dim].

    Returns:
        A tensor of the log-likelihood of each squashed action a = tanh(u), shape [batch].
    """
    #######################
    #                     #
    #   YOUR CODE HERE    #
    #                     #
    #######################
    raise NotImplementedError


if __name__ == '__main__':
    from spinup.exercises.tf1.checks import check_1_5
    check_1_5(squashed_gaussian_log_prob)
