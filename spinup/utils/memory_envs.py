"""Partially observed environments: tasks that a policy with memory can solve and a policy
without memory cannot, for testing and teaching recurrent policies.

Three ids, registered with gymnasium by :func:`register` (which
:func:`spinup.utils.envs.resolve_env_id` calls the first time it meets one of them):

- ``CartPoleNoVel-v1``: CartPole-v1 with the cart's and the pole's velocities (observation
  entries 1 and 3) replaced by 0, as RL Zoo's ``MaskVelocityWrapper`` does. The policy sees
  where the cart and the pole are, not where they are going: it must remember the last
  observations to tell. Same time limit (500 steps) and reward threshold (475) as CartPole-v1.
- ``PendulumNoVel-v1``: Pendulum-v1 with the angular velocity (entry 2) replaced by 0.
  Same time limit (200 steps).
- ``CueRecall-v0``: :class:`CueRecall`, a memory task in its plainest form: see a cue, wait,
  then name the cue. A policy without memory scores exactly 1/``num_cues``.

The observation spaces stay those of the full environments (a masked entry is always 0, which
they contain), so a network is built for the same shapes. ``render_mode`` goes through to the
environment inside: ``gymnasium.make('CartPoleNoVel-v1', render_mode='rgb_array')`` renders
CartPole's frames (the full state: a video shows what the policy could not see).

Importing this module imports gymnasium and NumPy only.
"""
from typing import Any, Dict, Optional, Sequence, Tuple

import gymnasium as gym
import numpy as np
from gymnasium.envs.classic_control import CartPoleEnv, PendulumEnv
from gymnasium.utils import RecordConstructorArgs

MEMORY_ENV_IDS = ('CartPoleNoVel-v1', 'PendulumNoVel-v1', 'CueRecall-v0')


class MaskVelocity(gym.ObservationWrapper, RecordConstructorArgs):
    """Replace the observation entries at ``indices`` (the velocities) by 0.

    The observation space is unchanged. The wrapper records its argument (as a list of ints),
    so that ``env.spec`` describes it and ``gymnasium.make(env.spec)`` builds the same
    environment again, also from a spec that went through JSON.
    """

    def __init__(self, env: gym.Env, indices: Sequence[int]):
        indices = [int(i) for i in indices]
        RecordConstructorArgs.__init__(self, indices=indices)
        gym.ObservationWrapper.__init__(self, env)
        size = env.observation_space.shape[0]
        assert all(0 <= i < size for i in indices), f'indices {indices} out of range for {size} entries'
        self.indices = indices

    def observation(self, observation: np.ndarray) -> np.ndarray:
        masked = np.array(observation, copy=True)
        masked[self.indices] = 0
        return masked


def make_cartpole_novel(render_mode: Optional[str] = None, **kwargs: Any) -> gym.Env:
    """CartPole without its velocities (the entry point of ``CartPoleNoVel-v1``): gymnasium's
    ``CartPoleEnv(render_mode, **kwargs)`` seen through :class:`MaskVelocity` of entries 1
    (the cart's velocity) and 3 (the pole's angular velocity)."""
    return MaskVelocity(CartPoleEnv(render_mode=render_mode, **kwargs), indices=[1, 3])


def make_pendulum_novel(render_mode: Optional[str] = None, **kwargs: Any) -> gym.Env:
    """Pendulum without its angular velocity (the entry point of ``PendulumNoVel-v1``):
    gymnasium's ``PendulumEnv(render_mode, **kwargs)`` (``g=`` sets gravity) seen through
    :class:`MaskVelocity` of entry 2. Entries 0 and 1, cos and sin of the angle, stay."""
    return MaskVelocity(PendulumEnv(render_mode=render_mode, **kwargs), indices=[2])


class CueRecall(gym.Env):
    """See a cue, wait ``delay`` steps, then name the cue.

    An episode, for ``num_cues=k`` and ``delay=d`` (``k + 1`` observation entries):

    - t = 0 (the observation ``reset`` returns): the cue, entry ``cue`` is 1, the others 0;
    - t = 1, ..., d: blank, all 0;
    - t = d + 1: the query, the last entry (the query flag) is 1.

    The action taken on seeing the query earns 1 if it names the cue, else 0; the actions
    before it are ignored and earn 0. That step ends the episode (``terminated``; its
    observation is all 0), so an episode has ``d + 2`` steps and a return of 0 or 1. The cue
    is drawn uniformly from ``self.np_random`` (seeded by ``reset(seed=...)``) and kept in
    ``self.cue``.

    The query observation is the same whatever the cue: a policy without memory, which acts
    on the current observation alone, answers with the same probabilities whatever the cue,
    so it names the cue with probability exactly 1/k. A recurrent policy can carry the cue in its state across
    the blank steps and score 1; ``delay`` sets how long it must hold it.

    Args:
        num_cues (int): k, how many cues there are; the actions are ``Discrete(k)``. (At least 2.)
        delay (int): d, how many blank steps lie between the cue and the query. (At least 0.)
        render_mode (str): None, or ``'rgb_array'``: ``render()`` gives a ``uint8`` image of
            shape (64, 64 * (k + 1), 3), one square an observation entry: the cue's square lit
            (yellow) at the first step, the query square (blue) at the query step, and after
            the answer the answered cue's square, green if right, red if wrong.
    """

    metadata = {'render_modes': ['rgb_array'], 'render_fps': 2}

    CELL = 64  # pixels a side of one square of the rendered image
    COLOURS = dict(off=(40, 40, 40), cue=(230, 200, 40), query=(60, 120, 230),
                   right=(60, 190, 80), wrong=(210, 60, 50), border=(120, 120, 120))

    def __init__(self, num_cues: int = 4, delay: int = 3, render_mode: Optional[str] = None):
        if num_cues < 2 or delay < 0:
            raise ValueError(f'CueRecall needs num_cues >= 2 and delay >= 0, not {num_cues} and {delay}.')
        if render_mode is not None and render_mode not in self.metadata['render_modes']:
            raise ValueError(f"CueRecall renders in {self.metadata['render_modes']}, not {render_mode!r}.")
        self.num_cues, self.delay, self.render_mode = int(num_cues), int(delay), render_mode
        self.observation_space = gym.spaces.Box(0.0, 1.0, shape=(self.num_cues + 1,), dtype=np.float32)
        self.action_space = gym.spaces.Discrete(self.num_cues)
        self.cue, self.t, self.answer = 0, 0, None

    def _observation(self) -> np.ndarray:
        obs = np.zeros(self.num_cues + 1, dtype=np.float32)
        if self.t == 0:
            obs[self.cue] = 1.0
        elif self.t == self.delay + 1:
            obs[-1] = 1.0  # the query flag
        return obs

    def reset(self, *, seed: Optional[int] = None,
              options: Optional[Dict[str, Any]] = None) -> Tuple[np.ndarray, Dict[str, Any]]:
        super().reset(seed=seed)
        self.cue = int(self.np_random.integers(self.num_cues))
        self.t, self.answer = 0, None
        return self._observation(), {}

    def step(self, action) -> Tuple[np.ndarray, float, bool, bool, Dict[str, Any]]:
        assert self.action_space.contains(action), f'{action!r} ({type(action)}) is not an action'
        if self.t > self.delay + 1:
            raise gym.error.ResetNeeded('CueRecall: the episode has ended; call reset() first.')
        query = self.t == self.delay + 1
        reward = float(query and int(action) == self.cue)  # before the query, actions earn nothing
        if query:
            self.answer = int(action)
        self.t += 1  # past the query, _observation is all 0
        return self._observation(), reward, query, False, {}

    def render(self) -> Optional[np.ndarray]:
        if self.render_mode != 'rgb_array':
            return None
        c, colours = self.CELL, self.COLOURS
        frame = np.empty((c, c * (self.num_cues + 1), 3), dtype=np.uint8)
        frame[:] = colours['border']
        lit = {}
        if self.t == 0:
            lit[self.cue] = colours['cue']
        elif self.t == self.delay + 1:
            lit[self.num_cues] = colours['query']
        elif self.answer is not None:  # the episode has ended
            lit[self.answer] = colours['right' if self.answer == self.cue else 'wrong']
        for i in range(self.num_cues + 1):
            frame[4:c - 4, i * c + 4:(i + 1) * c - 4] = lit.get(i, colours['off'])
        return frame


def register() -> None:
    """Register :data:`MEMORY_ENV_IDS` with gymnasium; those already registered are left as they are.

    Each entry point is a string, ``'spinup.utils.memory_envs:...'``, so that
    ``gymnasium.make(spec)`` with one of their specs imports this module itself (in a fresh
    process too).
    """
    here = __name__
    cartpole = gym.spec('CartPole-v1')
    specs = {
        'CartPoleNoVel-v1': dict(entry_point=f'{here}:make_cartpole_novel', max_episode_steps=500,
                                 reward_threshold=cartpole.reward_threshold),
        'PendulumNoVel-v1': dict(entry_point=f'{here}:make_pendulum_novel', max_episode_steps=200),
        'CueRecall-v0': dict(entry_point=f'{here}:CueRecall'),  # (it ends itself after delay + 2 steps)
    }
    for env_id in MEMORY_ENV_IDS:
        if env_id not in gym.registry:
            gym.register(env_id, **specs[env_id])
