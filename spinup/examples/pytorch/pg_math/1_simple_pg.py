"""The simplest policy gradient, in PyTorch.

Read it beside the derivation of the policy gradient, whose result is

    grad J(pi_theta) = E_{tau ~ pi_theta} [ sum_{t=0}^{T} grad log pi_theta(a_t|s_t) R(tau) ]

and whose sample estimate, over a batch D of episodes run with pi_theta, is

    g = 1/|D| sum_{tau in D} sum_{t=0}^{T} grad log pi_theta(a_t|s_t) R(tau).

Each epoch collects a batch of whole episodes with the current policy, builds a loss whose
gradient is that estimate, and takes one step of Adam on it. Each log-probability is
weighted by the return R(tau) of the whole episode it belongs to.

Only NumPy, gymnasium and PyTorch are used, so the file reads on its own. 2_rtg_pg.py is the
same file with rewards-to-go in place of R(tau): ``diff`` the two to see the change.

    python spinup/examples/pytorch/pg_math/1_simple_pg.py --env CartPole-v1
"""
import argparse
import sys

import gymnasium as gym
import numpy as np
import torch
import torch.nn as nn
from gymnasium.spaces import Box, Discrete
from torch.distributions import Categorical
from torch.optim import Adam


def mlp(sizes, activation=nn.Tanh, output_activation=nn.Identity):
    """A multi-layer perceptron with layer widths ``sizes``: sizes[0] inputs, sizes[-1] outputs."""
    layers = []
    for j in range(len(sizes) - 1):
        act = activation if j < len(sizes) - 2 else output_activation
        layers += [nn.Linear(sizes[j], sizes[j + 1]), act()]
    return nn.Sequential(*layers)


def make_env(env_name):
    """The environment; if this script cannot use it, one line on stderr and exit status 2."""
    try:
        env = gym.make(env_name)
    except gym.error.Error as err:  # an unknown id, or a missing dependency
        problem = str(err)
    else:
        if isinstance(env.observation_space, Box) and len(env.observation_space.shape) == 1 \
                and isinstance(env.action_space, Discrete):
            return env
        problem = (f'this example needs vector observations and discrete actions, but {env_name} '
                   f'has observations {env.observation_space} and actions {env.action_space}.')
    print(f'error: {problem}', file=sys.stderr)
    sys.exit(2)


def train(env_name='CartPole-v1', hidden_sizes=(32,), lr=1e-2, epochs=50, batch_size=5000, seed=0):
    torch.manual_seed(seed)
    torch.set_num_threads(1)  # a network this small runs fastest on one thread
    env = make_env(env_name)
    obs_dim = env.observation_space.shape[0]
    n_acts = env.action_space.n

    # The policy network: an observation in, one logit (unnormalised log-probability) per action out.
    logits_net = mlp(sizes=[obs_dim, *hidden_sizes, n_acts])

    def get_policy(obs):
        """pi_theta(.|s), the categorical distribution over actions, for observations (N, obs_dim)."""
        return Categorical(logits=logits_net(obs))

    def get_action(obs):
        """One action a ~ pi_theta(.|s) for one observation (obs_dim,), as an int for env.step."""
        return get_policy(obs).sample().item()

    def compute_loss(obs, act, weights):
        """A loss whose gradient is minus the policy-gradient estimate g.

        obs (N, obs_dim), act (N,) and weights (N,) hold the N steps of the batch. It is not
        a measure of performance: its value only means something for the batch it is computed
        on, whose data came from the current policy. Averaging over the N steps instead of
        dividing by |D| episodes only scales the gradient, which Adam largely ignores.
        """
        logp = get_policy(obs).log_prob(act)  # log pi_theta(a_t|s_t), shape (N,)
        return -(logp * weights).mean()

    optimizer = Adam(logits_net.parameters(), lr=lr)

    obs, _ = env.reset(seed=seed)  # seeds the environment once; later resets carry on from it
    for epoch in range(epochs):
        # Collect a batch with the current policy: whole episodes, until batch_size steps or more.
        batch_obs, batch_acts, batch_weights = [], [], []  # one entry a step
        batch_rets, batch_lens = [], []  # one entry an episode, to report progress
        ep_rews = []  # the rewards of the episode under way
        while True:
            batch_obs.append(obs)
            with torch.no_grad():  # acting needs no gradient: the loss below recomputes log pi
                act = get_action(torch.as_tensor(obs, dtype=torch.float32))
            obs, rew, terminated, truncated, _ = env.step(act)
            batch_acts.append(act)
            ep_rews.append(rew)

            if terminated or truncated:  # CartPole-v1 truncates at 500 steps: treated as an end here
                ep_ret, ep_len = sum(ep_rews), len(ep_rews)
                batch_rets.append(ep_ret)
                batch_lens.append(ep_len)
                # the weight of each log pi(a_t|s_t) of the episode: its whole return R(tau)
                batch_weights += [ep_ret] * ep_len
                obs, _ = env.reset()
                ep_rews = []
                if len(batch_obs) >= batch_size:
                    break

        # One policy-gradient step: gradient descent on the loss is ascent on J.
        optimizer.zero_grad()
        batch_loss = compute_loss(obs=torch.as_tensor(np.array(batch_obs), dtype=torch.float32),
                                  act=torch.as_tensor(batch_acts, dtype=torch.int64),
                                  weights=torch.as_tensor(batch_weights, dtype=torch.float32))
        batch_loss.backward()
        optimizer.step()
        print(f'epoch: {epoch:3d} \t loss: {batch_loss.item():.3f} \t '
              f'return: {np.mean(batch_rets):.3f} \t ep_len: {np.mean(batch_lens):.3f}', flush=True)


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--env', '--env_name', dest='env_name', default='CartPole-v1',
                        help='a gymnasium id, with vector observations and discrete actions')
    parser.add_argument('--lr', type=float, default=1e-2, help="Adam's learning rate")
    parser.add_argument('--epochs', type=int, default=50, help='number of batches, one update each')
    parser.add_argument('--batch_size', type=int, default=5000,
                        help='least number of environment steps a batch (its episodes are whole)')
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args()
    print('The simplest policy gradient: each log pi(a_t|s_t) weighted by the return of its episode.')
    train(env_name=args.env_name, lr=args.lr, epochs=args.epochs, batch_size=args.batch_size,
          seed=args.seed)
