"""Observation and reward normalization for the on-policy algorithms: what OpenAI baselines'
``VecNormalize`` does for PPO2 and TRPO on MuJoCo, with statistics that belong to the agent.

- An observation ``o`` reaches the agent as ``clip((o - mean) / sqrt(var + 1e-8), -10, 10)``,
  with ``mean`` and ``var`` running over every observation the agent has acted on (all copies
  of a vector, all MPI processes), this one included.
- A reward ``r`` reaches the buffer as ``clip(r / sqrt(var_R + 1e-8), -10, 10)``, with ``var_R``
  running over the discounted return ``R <- gamma * R + r`` of each copy, which restarts with
  each episode. Dividing (not centering) keeps the sign of every reward.

The statistics are gymnasium's ``RunningMeanStd`` (``gymnasium.wrappers.utils``), merged with
its own parallel formula. Gymnasium's vector wrappers ``NormalizeObservation`` and
``NormalizeReward`` are not used as they are: they live in the environment rather than in the
agent (a saved agent could not apply them), they clip nothing, their return restarts only at
termination (a time limit carries it on), and they have no way to merge MPI processes.
"""
import copy
from typing import Any, Dict

import numpy as np
from gymnasium.spaces import Box, Space
from gymnasium.wrappers.utils import RunningMeanStd

from spinup.utils.errors import SpinupError
from spinup.utils.mpi_tools import allgather, num_procs

CLIP = 10.0
EPSILON = 1e-8


class Normalizer:
    """The running statistics of one run's observations and returns, and the two normalizations.

    Each is off unless asked for; off, :meth:`obs` and :meth:`reward` hand back what they are
    given, untouched. Under MPI each process adds what it sees to its own statistics at once,
    and :meth:`sync`, at the end of each epoch, merges every process's additions since the last
    sync, so that from then on all processes hold the statistics of everything seen.

    Args:
        observation_space: The space of one observation (a float Box: images are not
            normalized, the CNN scales their bytes).
        num_envs (int): Copies of the environment, each with its own discounted return.
        gamma (float): The discount of that return.
        observations (bool): Normalize observations.
        rewards (bool): Scale rewards.
    """

    def __init__(self, observation_space: Space, num_envs: int, gamma: float,
                 observations: bool = False, rewards: bool = False):
        if observations and not (isinstance(observation_space, Box)
                                 and np.issubdtype(observation_space.dtype, np.floating)):
            raise SpinupError(f'normalize_obs takes observations of float numbers, not '
                              f'{observation_space}: leave it off (the CNN scales images itself).')
        self.observations, self.rewards, self.gamma = observations, rewards, gamma
        # (gymnasium's start: mean 0, variance 1, a count of 1e-4, as baselines')
        self.stats = dict(obs=RunningMeanStd(shape=observation_space.shape), ret=RunningMeanStd(shape=()))
        self.ret = np.zeros(num_envs)  # each copy's discounted return so far
        # under MPI: the statistics at the last sync, and what this process added since
        self._synced, self._new = (copy.deepcopy(self.stats), self._empty()) if num_procs() > 1 \
            else (None, None)

    @property
    def on(self) -> bool:
        return self.observations or self.rewards

    def _empty(self) -> Dict[str, RunningMeanStd]:
        return {k: RunningMeanStd(epsilon=0, shape=s.mean.shape) for k, s in self.stats.items()}

    def _add(self, key: str, batch: np.ndarray) -> None:
        self.stats[key].update(batch)
        if self._new is not None:
            self._new[key].update(batch)

    def obs(self, o: np.ndarray, update: bool = True) -> np.ndarray:
        """The observations ``o`` (a batch, one a row) as the agent sees them; ``update`` first
        adds them to the statistics (acting in training), frozen statistics leave it out."""
        if not self.observations:
            return o
        # [docs normalize-obs]
        if update:
            self._add('obs', o)
        stats = self.stats['obs']
        return np.clip((o - stats.mean) / np.sqrt(stats.var + EPSILON), -CLIP, CLIP)
        # [docs normalize-obs end]

    def reward(self, r: np.ndarray) -> np.ndarray:
        """The rewards ``r`` (one a copy) as the value function learns them: each copy's return
        goes on by ``r``, the statistics take the new returns, and ``r`` is scaled by them."""
        if not self.rewards:
            return r
        # [docs scale-reward]
        self.ret = self.gamma * self.ret + r
        self._add('ret', self.ret)
        return np.clip(r / np.sqrt(self.stats['ret'].var + EPSILON), -CLIP, CLIP)
        # [docs scale-reward end]

    def restart(self, copies: Any = slice(None)) -> None:
        """New episodes begin in ``copies`` (a mask, or all): their returns start from 0."""
        self.ret[copies] = 0.0

    def sync(self) -> None:
        """Merge the statistics of all MPI processes (call it on every process at once)."""
        if self._new is None or not self.on:
            return
        for key in self.stats:
            merged = copy.deepcopy(self._synced[key])
            new = self._new[key]
            for mean, var, count in allgather((new.mean, new.var, new.count)):
                if count > 0:
                    merged.update_from_moments(mean, var, count)
            self.stats[key] = merged
        self._synced, self._new = copy.deepcopy(self.stats), self._empty()

    # --- saving and loading ---------------------------------------------------------------

    def state_dict(self) -> Dict[str, Any]:
        """The statistics, as plain arrays (call after :meth:`sync`: every process holds the
        same)."""
        return {key: dict(mean=np.array(s.mean), var=np.array(s.var), count=float(s.count))
                for key, s in self.stats.items()}

    def load_state_dict(self, state: Dict[str, Any]) -> None:
        for key, saved in state.items():
            stats = self.stats[key]
            stats.mean, stats.var, stats.count = (np.array(saved['mean']), np.array(saved['var']),
                                                  float(saved['count']))
        if self._new is not None:
            self._synced, self._new = copy.deepcopy(self.stats), self._empty()

