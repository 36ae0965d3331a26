"""Exercise 1.1: the log-likelihood of a diagonal Gaussian (PyTorch).

A diagonal Gaussian policy pi(.|s) = N(mu, diag(sigma)^2) draws each action dimension
independently, so the log-likelihood of an action x is a sum over its dimensions:

    log pi(x) = sum_i [ -(x_i - mu_i)^2 / (2 sigma_i^2) - log sigma_i - log(2 pi) / 2 ]

with sigma = exp(log_std). Write it below, on tensors, for a whole batch at once. Then run
this file (``python -m spinup.exercises.pytorch.problem_set_1.exercise1_1``, or
``python -m spinup.run exercise 1.1``): it compares your function with the solution on
random batches (log_std of shape [dim] and [batch, dim], extreme log-stds included) and
with values worked out by hand, and prints PASSED or what differed.
"""
import torch


def gaussian_likelihood(x: torch.Tensor, mu: torch.Tensor, log_std: torch.Tensor) -> torch.Tensor:
    """log N(x; mu, diag(exp(log_std))^2) for a batch.

    Args:
        x: Samples, shape [batch, dim].
        mu: Means, shape [batch, dim].
        log_std: Log standard deviations, shape [dim] (shared by the batch) or [batch, dim].

    Returns:
        The log-likelihood of each sample, shape [batch].
    """
    #######################
    #                     #
    #   YOUR CODE HERE    #
    #                     #
    #######################
    raise NotImplementedError


if __name__ == '__main__':
    from spinup.exercises.pytorch.checks import check_1_1
    check_1_1(gaussian_likelihood)
