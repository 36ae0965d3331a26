"""Exercise 1.5: the log-likelihood of SAC's tanh-squashed Gaussian (PyTorch).

SAC's policy draws u ~ N(mu, diag(sigma)^2) and acts with a = tanh(u), which keeps every
action in (-1, 1). The change of variables gives the density of a:

    log pi(a) = log N(u; mu, sigma) - sum_i log(1 - tanh(u_i)^2)

Written like that, it fails in float32 exactly where SAC needs it: once |u| passes about 9,
tanh(u) rounds to 1, 1 - tanh(u)^2 to 0 and its log to -inf. Find a form of
log(1 - tanh(u)^2) that stays accurate for any u (hint: write tanh with exponentials and
look for softplus(x) = log(1 + e^x), which ``torch.nn.functional.softplus`` computes
stably), and write the whole log-likelihood below.

Run this file to check it: against the solution, against a float64 finite-difference
change of variables, and on saturated actions (10 < |u| < 20).
"""
import torch
import torch.nn.functional as F  # noqa: F401 (for softplus)


def squashed_gaussian_log_prob(u: torch.Tensor, mu: torch.Tensor, log_std: torch.Tensor) -> torch.Tensor:
    """log pi(tanh(u)) for u drawn from N(mu, diag(exp(log_std))^2).

    Args:
        u: The Gaussian samples before the squash, shape [batch, dim].
        mu: Means, shape [batch, dim].
        log_std: Log standard deviations, shape [batch, dim].

    Returns:
        The log-likelihood of each squashed action a = tanh(u), shape [batch].
    """
    #######################
    #                     #
    #   YOUR CODE HERE    #
    #                     #
    #######################
    raise NotImplementedError


if __name__ == '__main__':
    from spinup.exercises.pytorch.checks import check_1_5
    check_1_5(squashed_gaussian_log_prob)
