"""Solution to exercise 1.5: the log-likelihood of a tanh-squashed Gaussian (PyTorch).

1 - tanh(u)^2 = 4 / (e^u + e^-u)^2 = 4 e^(-2u) / (1 + e^(-2u))^2, so

    log(1 - tanh(u)^2) = 2 * (log 2 - u - softplus(-2u)),

which has no subtraction of nearly equal numbers: it stays accurate for any u.
"""
import math

import torch
import torch.nn.functional as F


def squashed_gaussian_log_prob(u: torch.Tensor, mu: torch.Tensor, log_std: torch.Tensor) -> torch.Tensor:
    """log pi(tanh(u)) for u ~ N(mu, diag(exp(log_std))^2): [batch, dim] -> [batch]."""
    z = (u - mu) / torch.exp(log_std)
    logp_u = -(0.5 * z ** 2 + log_std + 0.5 * math.log(2 * math.pi)).sum(dim=-1)
    return logp_u - (2 * (math.log(2) - u - F.softplus(-2 * u))).sum(dim=-1)


if __name__ == '__main__':
    from spinup.exercises.pytorch.checks import check_1_5
    check_1_5(squashed_gaussian_log_prob)
