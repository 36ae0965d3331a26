"""Solution to exercise 1.1: the log-likelihood of a diagonal Gaussian (PyTorch)."""
import math

import torch


def gaussian_likelihood(x: torch.Tensor, mu: torch.Tensor, log_std: torch.Tensor) -> torch.Tensor:
    """log N(x; mu, diag(exp(log_std))^2): [batch, dim] samples -> [batch]."""
    z = (x - mu) / torch.exp(log_std)  # log_std broadcasts from [dim] as well as [batch, dim]
    return -(0.5 * z ** 2 + log_std + 0.5 * math.log(2 * math.pi)).sum(dim=-1)


if __name__ == '__main__':
    from spinup.exercises.pytorch.checks import check_1_1
    check_1_1(gaussian_likelihood)
