"""Exercise 1.4: GAE-Lambda advantages and rewards-to-go.

VPG, TRPO and PPO collect an epoch of experience as several trajectories laid end to end
in one buffer, then compute for every step t (see the VPG page of the docs):

    delta_t = r_t + gamma * V(s_(t+1)) - V(s_t)
    A_t     = sum_(l >= 0) (gamma * lam)^l * delta_(t+l)       (GAE-Lambda advantage)
    R_t     = sum_(l >= 0) gamma^l * r_(t+l)                     (reward-to-go)

where the sums stop at the end of t's own trajectory. How a trajectory ended decides what
follows its last step:

* terminated (the pole fell, the robot reached the goal): the future is worth 0;
* truncated (a time limit, or the epoch ran out of steps): the episode would have gone on,
  so V of the next state stands in for everything after it, in delta and in R alike.

Write both, in NumPy, for a whole buffer (this is what the buffers' ``finish_path`` does,
one trajectory at a time, in both backends). Run this file to check: cases worked out by
hand (one step, lam = 0, lam = 1, a truncated end) and random buffers against the solution.
"""
from typing import List, Tuple

import numpy as np


def advantages_and_returns(rews: np.ndarray, vals: np.ndarray, path_ends: List[int],
                           last_vals: np.ndarray, terminated: np.ndarray, gamma: float,
                           lam: float) -> Tuple[np.ndarray, np.ndarray]:
    """GAE-Lambda advantages and rewards-to-go of every step of a buffer of trajectories.

    Args:
        rews: Rewards r_t, shape [T], the trajectories one after another.
        vals: Values V(s_t) of the states the steps started from, shape [T].
        path_ends: Where each trajectory ends: one past its last step, increasing; the last is T.
            ``path_ends = [3, 5]`` means steps 0-2 and steps 3-4.
        last_vals: For each trajectory, V of the state after its last step, shape [len(path_ends)].
        terminated: For each trajectory, whether it ended in a terminal state (True) or was
            truncated (False), shape [len(path_ends)].
        gamma: The discount factor.
        lam: GAE's lambda.

    Returns:
        ``(adv, ret)``: the advantages A_t and the rewards-to-go R_t, each of shape [T].
    """
    #######################
    #                     #
    #   YOUR CODE HERE    #
    #                     #
    #######################
    raise NotImplementedError


if __name__ == '__main__':
    from spinup.exercises.pytorch.checks import check_1_4
    check_1_4(advantages_and_returns)
