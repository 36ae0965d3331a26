"""Solution to exercise 1.4: GAE-Lambda advantages and rewards-to-go, one trajectory at a
time, each with the recursion run backwards from its end:

    A_t = delta_t + gamma * lam * A_(t+1),     R_t = r_t + gamma * R_(t+1),

started from A = 0 and R = (0 if terminated else the last value) after the last step.
(The TF1 tree's solution writes the same sums with ``discount_cumsum``.)
"""
from typing import List, Tuple

import numpy as np


def advantages_and_returns(rews: np.ndarray, vals: np.ndarray, path_ends: List[int],
                           last_vals: np.ndarray, terminated: np.ndarray, gamma: float,
                           lam: float) -> Tuple[np.ndarray, np.ndarray]:
    """GAE-Lambda advantages and rewards-to-go of a buffer of trajectories: [T] -> ([T], [T])."""
    adv = np.zeros(len(rews), dtype=np.float32)
    ret = np.zeros(len(rews), dtype=np.float32)
    start = 0
    for end, last_val, term in zip(path_ends, last_vals, terminated):
        # what follows the last step: nothing after a terminal state, V(s_T) after a truncation
        next_val = 0.0 if term else float(last_val)
        next_adv, next_ret = 0.0, next_val
        for t in reversed(range(start, end)):
            delta = rews[t] + gamma * next_val - vals[t]
            next_adv = delta + gamma * lam * next_adv
            next_ret = rews[t] + gamma * next_ret
            adv[t], ret[t] = next_adv, next_ret
            next_val = vals[t]
        start = end
    return adv, ret


if __name__ == '__main__':
    from spinup.exercises.pytorch.checks import check_1_4
    check_1_4(advantages_and_returns)
