"""Atari games as PPO2 plays them: gymnasium's Atari preprocessing, frame stacking and reward
clipping, configured as OpenAI baselines configures them, in one function.

``make_atari('BreakoutNoFrameskip-v4')`` (or ``'ALE/Breakout-v5'``) builds the game with
``ale-py`` and wraps it, from the inside out, in

1. ``AtariPreprocessing``: up to 30 random no-ops after a new game, the same action for 4
   frames with the max over the last two (Atari sprites flicker), 84x84 grayscale;
2. ``RecordEpisodeStatistics``: the real score and length of each whole game (every life,
   rewards unclipped), in ``info['episode']`` at the game's last step;
3. :class:`EpisodicLife`: a lost life ends the training episode, but the game goes on;
4. :class:`FireReset`: FIRE after every start, in games that wait for it;
5. ``ClipReward`` to [-1, 1]: the sign of the reward, as Atari rewards are whole numbers;
6. ``FrameStackObservation``: the last 4 frames, a ``uint8`` observation of shape (4, 84, 84).

:func:`atari_wrappers` applies them to a game a user built. gymnasium has no wrappers for
steps 3 and 4, so they are here; every wrapper records its arguments, so that
``gymnasium.make(env.spec)`` builds the whole stack again (which is how a saved run's
environment is rebuilt).
"""
from typing import Any

import gymnasium as gym
from gymnasium.utils import RecordConstructorArgs

from spinup.utils.errors import SpinupError

INSTALL = 'pip install -e ".[atari]"'


def register() -> None:
    """Register ale-py's games with gymnasium, or say in one line how to install it."""
    try:
        import ale_py
    except ImportError:
        raise SpinupError(f'Atari games need ale-py (it ships the ROMs): {INSTALL}') from None
    ale_py.ALEInterface.setLoggerMode(ale_py.LoggerMode.Error)  # (not its banner at every game)
    gym.register_envs(ale_py)


def looks_atari(env_id: str) -> bool:
    """Whether ``env_id`` names one of ale-py's games (``ALE/Pong-v5``, ``PongNoFrameskip-v4``...)."""
    return env_id.startswith('ALE/') or 'NoFrameskip' in env_id or env_id.endswith('Deterministic-v4')


def is_atari(env_id: str) -> bool:
    """Whether ``env_id`` is registered as one of ale-py's games."""
    spec = gym.registry.get(env_id)
    return spec is not None and str(spec.entry_point).startswith('ale_py')


class EpisodicLife(gym.Wrapper, RecordConstructorArgs):
    """A lost life ends the episode for training (``terminated``), so that the value of what
    follows is not counted; but the game goes on: ``reset`` after a lost life takes one no-op
    step, and only a game over starts a new game."""

    def __init__(self, env: gym.Env):
        RecordConstructorArgs.__init__(self)
        gym.Wrapper.__init__(self, env)
        self.lives, self.game_over = 0, True

    def step(self, action):
        obs, reward, terminated, truncated, info = self.env.step(action)
        self.game_over = terminated or truncated
        lives = self.env.unwrapped.ale.lives()
        terminated = terminated or 0 < lives < self.lives
        self.lives = lives
        return obs, reward, terminated, truncated, info

    def reset(self, **kwargs):
        if self.game_over:
            obs, info = self.env.reset(**kwargs)
        else:  # the same game, from where the life was lost
            obs, _, terminated, truncated, info = self.env.step(0)
            if terminated or truncated:
                obs, info = self.env.reset(**kwargs)
        self.game_over = False
        self.lives = self.env.unwrapped.ale.lives()
        return obs, info


class FireReset(gym.Wrapper, RecordConstructorArgs):
    """Press FIRE (then action 2) after every reset: some games (Breakout) wait for it."""

    def __init__(self, env: gym.Env):
        RecordConstructorArgs.__init__(self)
        gym.Wrapper.__init__(self, env)

    def reset(self, **kwargs):
        obs, info = self.env.reset(**kwargs)
        for action in (1, 2):
            obs, _, terminated, truncated, info = self.env.step(action)
            if terminated or truncated:
                obs, info = self.env.reset(**kwargs)
        return obs, info


def needs_fire(env: gym.Env) -> bool:
    """Whether the game's action 1 is FIRE (and it has an action 2), as where FIRE starts play."""
    meanings = env.unwrapped.get_action_meanings()
    return len(meanings) >= 3 and meanings[1] == 'FIRE'


def atari_wrappers(env: gym.Env, noop_max: int = 30, frame_skip: int = 4, screen_size: int = 84,
                   frame_stack: int = 4, episodic_life: bool = True, fire_reset: bool = True,
                   clip_rewards: bool = True) -> gym.Env:
    """Wrap an ale-py game, built with ``frameskip=1``, as PPO2 does (see the module's text).

    Args:
        env: The game, e.g. ``gymnasium.make('ALE/Breakout-v5', frameskip=1)``.
        noop_max: Most random no-ops at the start of a game.
        frame_skip: Frames each action is repeated for (the observation is the max of the
            last two).
        screen_size: Side of the square grayscale frame.
        frame_stack: Frames stacked into one observation.
        episodic_life: A lost life ends the training episode (not the game).
        fire_reset: Press FIRE after each reset in games whose action 1 is FIRE.
        clip_rewards: Clip rewards to [-1, 1] (their sign).
    """
    from gymnasium.wrappers import AtariPreprocessing, ClipReward, FrameStackObservation, RecordEpisodeStatistics
    env = AtariPreprocessing(env, noop_max=noop_max, frame_skip=frame_skip, screen_size=screen_size,
                             terminal_on_life_loss=False, grayscale_obs=True)
    env = RecordEpisodeStatistics(env)
    if episodic_life:
        env = EpisodicLife(env)
    if fire_reset and needs_fire(env):
        env = FireReset(env)
    if clip_rewards:
        env = ClipReward(env, -1.0, 1.0)
    return FrameStackObservation(env, frame_stack)


def make_atari(env_id: str, render_mode=None, **kwargs: Any) -> gym.Env:
    """Build the ale-py game ``env_id`` with no frame skip of its own, and wrap it with
    :func:`atari_wrappers` (whose arguments ``kwargs`` may set). ``ALE/*-v5`` games keep
    their sticky actions (a 25 % chance of repeating the last action); ``*NoFrameskip-v4``
    ones have none, as in PPO2's results."""
    register()
    make_kwargs = {'render_mode': render_mode} if render_mode is not None else {}
    if gym.registry[env_id].kwargs.get('frameskip', 1) != 1:
        make_kwargs['frameskip'] = 1
    return atari_wrappers(gym.make(env_id, **make_kwargs), **kwargs)


__all__ = ['EpisodicLife', 'FireReset', 'atari_wrappers', 'is_atari', 'make_atari', 'register']
