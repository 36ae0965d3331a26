"""Solution to exercise 1.2: an MLP Gaussian policy for PPO (PyTorch)."""
import math

import torch
import torch.nn as nn

from spinup.algos.pytorch.ppo.core import mlp


class DiagonalGaussianDistribution:
    """N(mu, diag(exp(log_std))^2); sums run over the last axis."""

    def __init__(self, mu: torch.Tensor, log_std: torch.Tensor):
        self.mu, self.log_std = mu, log_std

    def sample(self) -> torch.Tensor:
        return self.mu + torch.exp(self.log_std) * torch.randn_like(self.mu)

    def log_prob(self, value: torch.Tensor) -> torch.Tensor:
        z = (value - self.mu) / torch.exp(self.log_std)
        return -(0.5 * z ** 2 + self.log_std + 0.5 * math.log(2 * math.pi)).sum(dim=-1)

    def entropy(self) -> torch.Tensor:
        # sum_i (log sigma_i + log(2 pi e) / 2), the same for every mean of the batch
        per_dim = self.log_std + 0.5 * math.log(2 * math.pi * math.e)
        return (per_dim * torch.ones_like(self.mu)).sum(dim=-1)


class MLPGaussianActor(nn.Module):
    """pi(.|s) = N(mu_net(s), diag(exp(log_std))^2)."""

    def __init__(self, obs_dim: int, act_dim: int, hidden_sizes, activation):
        super().__init__()
        self.log_std = nn.Parameter(torch.full((act_dim,), -0.5))
        self.mu_net = mlp([obs_dim, *hidden_sizes, act_dim], activation)

    def forward(self, obs: torch.Tensor, act: torch.Tensor = None):
        pi = DiagonalGaussianDistribution(self.mu_net(obs), self.log_std)
        logp_a = pi.log_prob(act) if act is not None else None
        return pi, logp_a


if __name__ == '__main__':
    from spinup.exercises.pytorch.checks import check_1_2
    check_1_2(MLPGaussianActor)
