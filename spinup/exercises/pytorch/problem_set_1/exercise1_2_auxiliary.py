"""The rest of exercise 1.2's agent: the value function, and the actor-critic that PPO runs
with the policy written in exercise1_2.py. Nothing to write here."""
import torch
import torch.nn as nn

from spinup.algos.pytorch.ppo.core import MLPCritic


class ExerciseActorCritic(nn.Module):
    """PPO's agent with the exercise's policy class ``actor`` and the library's value function."""

    def __init__(self, observation_space, action_space, actor, hidden_sizes=(64, 64), activation=nn.Tanh):
        super().__init__()
        obs_dim, act_dim = observation_space.shape[0], action_space.shape[0]
        self.pi = actor(obs_dim, act_dim, hidden_sizes, activation)
        self.v = MLPCritic(obs_dim, hidden_sizes, activation)

    def step(self, obs):
        """Sample an action for ``obs``; return ``(a, v(obs), log pi(a|obs))`` as NumPy arrays."""
        with torch.no_grad():
            pi, _ = self.pi(obs)
            a = pi.sample()
            logp_a = pi.log_prob(a)
            v = self.v(obs)
        return a.numpy(), v.numpy(), logp_a.numpy()

    def act(self, obs):
        return self.step(obs)[0]
