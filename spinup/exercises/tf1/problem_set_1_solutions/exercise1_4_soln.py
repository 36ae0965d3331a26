"""Solution to exercise 1.4: GAE-Lambda advantages and rewards-to-go, one trajectory at a
time, as discounted sums over its steps with the value after the end appended, as the TF1
buffers' ``finish_path`` computes them. (The PyTorch tree's solution runs the recursion
A_t = delta_t + gamma * lam * A_(t+1) in a loop instead.)
"""
from typing import List, Tuple

import numpy as np
import scipy.signal


def discount_cumsum(x: np.ndarray, discount: float) -> np.ndarray:
    """y[t] = sum_k discount^k x[t+k], as the buffers compute it (a linear filter run backwards)."""
    return scipy.signal.lfilter([1], [1, float(-discount)], x[::-1], axis=0)[::-1]


def advantages_and_returns(rews: np.ndarray, vals: np.ndarray, path_ends: List[int],
                           last_vals: np.ndarray, terminated: np.ndarray, gamma: float,
                           lam: float) -> Tuple[np.ndarray, np.ndarray]:
    """GAE-Lambda advantages and rewards-to-go of a buffer of trajectories: [T] -> ([T], [T])."""
    adv = np.zeros(len(rews), dtype=np.float32)
    ret = np.zeros(len(rews), dtype=np.float32)
    starts = [0] + list(path_ends[:-1])
    for start, end, last_val, term in zip(starts, path_ends, last_vals, terminated):
        # what follows the last step: nothing after a terminal state, V(s_T) after a truncation
        boot = 0.0 if term else float(last_val)
        r = np.append(rews[start:end], boot)
        v = np.append(vals[start:end], boot)
        deltas = r[:-1] + gamma * v[1:] - v[:-1]
        adv[start:end] = discount_cumsum(deltas, gamma * lam)
        ret[start:end] = discount_cumsum(r, gamma)[:-1]
    return adv, ret


if __name__ == '__main__':
    from spinup.exercises.tf1.checks import check_1_4
    check_1_4(advantages_and_returns)
