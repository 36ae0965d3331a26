"""Exercise 1.2: an MLP Gaussian policy for PPO (PyTorch).

Write the policy of PPO's agent for continuous actions: a network mu(s) gives the mean of a
diagonal Gaussian, and a learned vector log_std (one number per action dimension, not a
function of the state, starting at -0.5) its log standard deviations. The rest of the
agent (the value function, and how PPO calls the policy) is in
``exercise1_2_auxiliary.py``; PPO itself is the library's.

PPO uses the policy in two ways:

* ``pi, _ = actor(obs)`` while acting, then ``a = pi.sample()`` and ``pi.log_prob(a)``;
* ``pi, logp = actor(obs, act)`` in its loss, and ``pi.entropy()`` for the log.

``obs`` is a batch [batch, obs_dim] or a single observation [obs_dim]; every sum runs over
the last axis, so both work.

Run this file to check it: first quick checks of shapes, log-likelihoods and gradients (a
few seconds), then PPO with your policy on InvertedPendulum-v5 for 20 epochs of 4000 steps
(a minute or two): it passes when the average return of the last 5 epochs is above 50
(a random policy's is about 10).
Flags: --epochs, --steps_per_epoch, --seed, --data_dir.
"""
import torch
import torch.nn as nn

from spinup.algos.pytorch.ppo.core import mlp  # noqa: F401 (mlp([in, *hidden, out], activation) -> nn.Sequential)


class DiagonalGaussianDistribution:
    """N(mu, diag(exp(log_std))^2) for a batch of means ``mu`` [batch, act_dim] (or one
    [act_dim]) and log standard deviations ``log_std`` [act_dim]."""

    def __init__(self, mu: torch.Tensor, log_std: torch.Tensor):
        self.mu, self.log_std = mu, log_std

    def sample(self) -> torch.Tensor:
        """A draw from the distribution, of the shape of ``mu``."""
        #######################
        #                     #
        #   YOUR CODE HERE    #
        #                     #
        #######################
        raise NotImplementedError

    def log_prob(self, value: torch.Tensor) -> torch.Tensor:
        """log N(value; mu, sigma), summed over the last axis: [batch, act_dim] -> [batch]."""
        #######################
        #                     #
        #   YOUR CODE HERE    #
        #                     #
        #######################
        raise NotImplementedError

    def entropy(self) -> torch.Tensor:
        """The entropy of the distribution, summed over the last axis: one number per mean, [batch]."""
        #######################
        #                     #
        #   YOUR CODE HERE    #
        #                     #
        #######################
        raise NotImplementedError


class MLPGaussianActor(nn.Module):
    """pi(.|s) = N(mu_net(s), diag(exp(log_std))^2)."""

    def __init__(self, obs_dim: int, act_dim: int, hidden_sizes, activation):
        super().__init__()
        # Build the mean network and the log_std parameter (an nn.Parameter starting at -0.5).
        #######################
        #                     #
        #   YOUR CODE HERE    #
        #                     #
        #######################
        raise NotImplementedError

    def forward(self, obs: torch.Tensor, act: torch.Tensor = None):
        """Return ``(pi, logp_a)``: the DiagonalGaussianDistribution pi(.|obs), and
        log pi(act|obs) if ``act`` is given (None otherwise)."""
        #######################
        #                     #
        #   YOUR CODE HERE    #
        #                     #
        #######################
        raise NotImplementedError


if __name__ == '__main__':
    from spinup.exercises.pytorch.checks import check_1_2
    check_1_2(MLPGaussianActor)
