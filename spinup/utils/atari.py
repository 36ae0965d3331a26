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
from typing import Any, Dict, List, Optional

import gymnasium as gym
import numpy as np
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


class AleVector(gym.vector.VectorEnv):
    """``num_envs`` copies of an Atari game stepped by ale-py's own C++ vector
    (``ale_py.vector_env.AtariVectorEnv``), which preprocesses the frames, stacks them, presses
    FIRE and ends a training episode at a lost life itself, in threads: what
    :func:`make_atari` does in Python wrappers, without them. ``vector_mode='ale'`` of
    :func:`spinup.utils.envs.make_vector_env`.

    It keeps the library's vector rules: a copy whose episode ended returns that episode's last
    observation (a truncated episode bootstraps from it), and gives the next episode's first
    only when the algorithm resets it (``reset(options={'reset_mask': done})``); rewards are
    clipped here, after the real score of each whole game is added up, which ``info['episode']``
    reports at the game's end as ``RecordEpisodeStatistics`` does in the Python path.

    What differs from the Python path (:func:`atari_wrappers`), each a detail of ale-py's
    vector: at a new game, the frames stacked before the first are blank (the Python path
    repeats the first); after a lost life the game goes straight on (the Python path takes a
    no-op step first); FIRE is pressed once (the Python path presses FIRE, then action 2); the
    random no-ops come from ale-py's generator; a game's length counts the agent's steps only
    (the Python path's also counts those no-op and FIRE steps). With no no-ops and no FIRE, the
    two give the same frames, rewards and lost lives up to the first lost life.

    Args:
        env_id: A registered ale-py game (``BreakoutNoFrameskip-v4``, ``ALE/Breakout-v5``); its
            sticky actions, action set and frame limit are the registry's.
        num_envs: Copies of the game.
        num_threads: Threads stepping the copies (0: ale-py's choice, one per copy up to the
            cores).
        noop_max, frame_skip, screen_size, frame_stack, episodic_life, fire_reset,
        clip_rewards: As for :func:`atari_wrappers`.
    """

    def __init__(self, env_id: str, num_envs: int, num_threads: int = 0, noop_max: int = 30,
                 frame_skip: int = 4, screen_size: int = 84, frame_stack: int = 4,
                 episodic_life: bool = True, fire_reset: bool = True, clip_rewards: bool = True):
        from ale_py.vector_env import AtariVectorEnv
        from gymnasium.vector.utils import batch_space
        # One game built the Python way: the spaces, and the description a saved run keeps
        # (test_policy rebuilds it)
        one = make_atari(env_id, noop_max=noop_max, frame_skip=frame_skip, screen_size=screen_size,
                         frame_stack=frame_stack, episodic_life=episodic_life, fire_reset=fire_reset,
                         clip_rewards=clip_rewards)
        self.copy_spec = one.spec
        self.single_observation_space, self.single_action_space = one.observation_space, one.action_space
        one.close()
        game = gym.registry[env_id].kwargs
        self.games = AtariVectorEnv(
            game['game'], num_envs, num_threads=num_threads,
            repeat_action_probability=game.get('repeat_action_probability', 0.0),
            full_action_space=game.get('full_action_space', False),
            max_num_frames_per_episode=game.get('max_num_frames_per_episode', 108000),
            autoreset_mode='SameStep', img_height=screen_size, img_width=screen_size,
            stack_num=frame_stack, frameskip=frame_skip, noop_max=noop_max,
            episodic_life=False, life_loss_info=episodic_life, reward_clipping=False,
            use_fire_reset=fire_reset)
        self.num_envs, self.clip_rewards, self.episodic_life = num_envs, clip_rewards, episodic_life
        self.observation_space = batch_space(self.single_observation_space, num_envs)
        self.action_space = batch_space(self.single_action_space, num_envs)
        self.metadata = {'autoreset_mode': gym.vector.AutoresetMode.DISABLED}
        # Each copy's generator draws the seeds of the games this class starts (the C++ vector
        # seeds the games it starts itself, after a game over, from its own generator)
        self.np_randoms = [np.random.default_rng() for _ in range(num_envs)]
        self.score, self.length = np.zeros(num_envs), np.zeros(num_envs, dtype=np.int64)
        # A game's frame count: it starts again at each new game, and goes on after a lost life
        self.frames = np.zeros(num_envs, dtype=np.int64)
        self.started = False
        # The copies the C++ vector has moved on, their next episodes' first observations, and
        # what each copy shows now
        self.restarted = np.zeros(num_envs, dtype=bool)
        self.first_obs = np.zeros(self.observation_space.shape, np.uint8)
        self.obs = np.zeros(self.observation_space.shape, np.uint8)

    def _new_games(self, which: np.ndarray, seed: Optional[int] = None) -> None:
        """Start new games in the copies ``which``: copy ``i`` from ``seed + i`` (as the Python
        path seeds copy ``i``), or from a seed its generator draws."""
        if seed is not None:
            self.np_randoms = [np.random.default_rng(seed + i) for i in range(self.num_envs)]
            seeds = seed + np.flatnonzero(which)
        else:
            seeds = np.array([self.np_randoms[i].integers(2**31) for i in np.flatnonzero(which)])
        options = None if which.all() else {'reset_mask': which}
        obs, info = self.games.reset(seed=seeds, options=options)
        self.obs = np.where(which[:, None, None, None], obs, self.obs)
        self.frames[which] = info['episode_frame_number'][which]
        self.score[which], self.length[which], self.restarted[which] = 0, 0, False

    def reset(self, *, seed: Optional[int] = None, options: Optional[Dict[str, Any]] = None):
        """Start the next episode in every copy, or with ``options={'reset_mask': done}`` in
        the copies in ``done``. As in the Python path, that is a new game only where the game
        is over (or with a ``seed``, or without ``episodic_life``); after a lost life, or where
        the algorithm stopped an episode itself (its own time limit, or an epoch's end with one
        copy), the same game goes on."""
        mask = (options or {}).get('reset_mask')
        mask = np.ones(self.num_envs, dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
        if seed is not None or not self.started:
            self._new_games(np.ones(self.num_envs, dtype=bool), seed)
            self.started = True
            return self.obs.copy(), {}
        obs = self.obs.copy()
        moved_on = mask & self.restarted  # (their next episode has begun already)
        obs[moved_on] = self.first_obs[moved_on]
        self.restarted &= ~mask
        self.obs = obs
        if not self.episodic_life and (mask & ~moved_on).any():  # a reset is a new game there
            self._new_games(mask & ~moved_on)
        return self.obs.copy(), {}

    def step(self, actions):
        """Step every copy; a copy whose episode ends returns its last observation."""
        obs, reward, terminated, truncated, info = self.games.step(np.asarray(actions))
        reward = reward.astype(np.float64)
        self.score += reward
        self.length += 1
        done = terminated | truncated
        frames = info['episode_frame_number'].astype(np.int64)
        out: Dict[str, Any] = {}
        if done.any():
            # The C++ vector has moved these copies on already, and shows where they are now:
            # after a lost life, the same game (its last observation, too); after a game over
            # or a time limit, the next game's first observation (its frame count starts
            # again), the last one being in info['final_obs']
            game_over = done & (frames < self.frames)
            self.first_obs[done] = obs[done]
            obs = np.where(game_over[:, None, None, None], info.get('final_obs', obs), obs)
            self.restarted |= done
            if game_over.any():
                out['episode'] = dict(r=np.where(game_over, self.score, 0.0),
                                      l=np.where(game_over, self.length, 0))
                out['_episode'] = game_over
                self.score[game_over], self.length[game_over] = 0, 0
        self.frames, self.obs = frames, obs
        if self.clip_rewards:
            reward = np.sign(reward)
        return obs, reward, terminated, truncated, out

    def get_attr(self, name: str) -> List[Any]:
        """A copy's ``spec`` (its Python twin's) or ``np_random``, as a vector's ``get_attr``."""
        if name == 'spec':
            return [self.copy_spec] * self.num_envs
        if name == 'np_random':
            return list(self.np_randoms)
        raise AttributeError(f'an AleVector has no copy attribute {name!r}')

    def set_attr(self, name: str, values: List[Any]) -> None:
        if name != 'np_random':
            raise AttributeError(f'an AleVector cannot set {name!r}')
        self.np_randoms = list(values)

    def close_extras(self, **kwargs: Any) -> None:
        self.games.close()


__all__ = ['AleVector', 'EpisodicLife', 'FireReset', 'atari_wrappers', 'is_atari', 'make_atari', 'register']
