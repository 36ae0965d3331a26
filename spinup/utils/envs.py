"""Finding, building and describing gymnasium environments.

Old tutorials name environments gymnasium no longer serves (``LunarLander-v2``,
``HalfCheetah-v2``): :func:`resolve_env_id` maps such an id to the newest served version
of the same environment, with a one-line warning, and turns an unknown id into a
:class:`SpinupError` that names the nearest match. :func:`make_vector_env` steps several
copies of an environment together, for the on-policy algorithms' ``num_envs``.
"""
import dataclasses
import difflib
import functools
import os
import signal
import sys
from typing import Any, Callable, Dict, Optional

from spinup.utils import phases
from spinup.utils.errors import SpinupError


def _served(spec) -> bool:
    """False for ids gymnasium keeps registered only to say they are gone (mujoco-py ones)."""
    entry = spec.entry_point
    return not (callable(entry) and getattr(entry, '__name__', '').startswith('_raise'))


def resolve_env_id(env_id: str) -> str:
    """Return the id to build for ``env_id``: itself if served, else its newest served version.

    Raises:
        SpinupError: no registered environment has that name.
    """
    import gymnasium as gym
    from gymnasium.envs.registration import get_env_id, parse_env_id

    registry = gym.registry
    if env_id not in registry:
        from spinup.utils import atari, memory_envs
        if atari.looks_atari(env_id):  # ale-py's games are registered once ale-py is imported
            atari.register()
        elif env_id in memory_envs.MEMORY_ENV_IDS:  # ours, registered on first use
            memory_envs.register()
    if env_id in registry and _served(registry[env_id]):
        return env_id
    try:
        ns, name, _ = parse_env_id(env_id)
    except gym.error.Error:
        ns, name = None, None
    versions = [spec.version for spec in registry.values()
                if name is not None and spec.namespace == ns and spec.name == name
                and spec.version is not None and _served(spec)]
    if versions:
        newest = get_env_id(ns, name, max(versions))
        print(f"Warning: environment '{env_id}' is not served by gymnasium {gym.__version__}; "
              f"using '{newest}' instead.", file=sys.stderr)
        return newest
    served = [k for k, spec in registry.items() if _served(spec)]
    near = difflib.get_close_matches(env_id, served, n=1, cutoff=0.5)
    hint = f"did you mean '{near[0]}'?" if near else "see gymnasium.pprint_registry() for the ids there are."
    raise SpinupError(f"unknown environment id '{env_id}': {hint}")


# MuJoCo's notices that say nothing a user can act on: gymnasium's own models use an attribute
# that MuJoCo 4 deprecates.
MUJOCO_NOTICES = ("compiler attribute 'settotalmass' is deprecated",)
_mujoco_quiet = False


def quiet_mujoco(env_id: str) -> None:
    """Before making ``env_id``, if it is a MuJoCo environment: MuJoCo's warnings go through a
    filter (its ``mju_user_warning`` hook) that drops :data:`MUJOCO_NOTICES` and prints the
    others as MuJoCo does. Once a process."""
    global _mujoco_quiet
    import gymnasium as gym
    try:
        entry_point = str(gym.spec(env_id).entry_point)
    except gym.error.Error:
        return
    if _mujoco_quiet or 'mujoco' not in entry_point:
        return
    import mujoco

    def warn(message: str) -> None:
        if not any(notice in message for notice in MUJOCO_NOTICES):
            print(f'WARNING: {message}\n', flush=True)
    mujoco.set_mju_user_warning(warn)
    _mujoco_quiet = True


class EnvFn:
    """A picklable ``env_fn`` that builds a registered environment by id.

    ``EnvFn('CartPole-v1')()`` is ``gymnasium.make('CartPole-v1')``; it prints and
    serializes as its id, so ``config.json`` shows what was run. An Atari game's id builds the
    game with PPO2's preprocessing (:func:`spinup.utils.atari.make_atari`, which ``kwargs``
    then configure).
    """

    def __init__(self, env_id: str, **kwargs: Any):
        self.env_id = env_id
        self.kwargs = kwargs

    def __call__(self):
        import gymnasium as gym
        from spinup.utils.atari import is_atari, looks_atari, make_atari
        from spinup.utils.memory_envs import MEMORY_ENV_IDS
        if looks_atari(self.env_id) and is_atari(resolve_env_id(self.env_id)):
            return make_atari(self.env_id, **self.kwargs)
        if self.env_id in MEMORY_ENV_IDS:  # (an experiment's fresh process has not registered them)
            resolve_env_id(self.env_id)
        quiet_mujoco(self.env_id)
        return gym.make(self.env_id, **self.kwargs)

    def __repr__(self) -> str:
        extra = ''.join(f', {k}={v!r}' for k, v in self.kwargs.items())
        return f'EnvFn({self.env_id!r}{extra})'


def env_description(env) -> Optional[Dict[str, Any]]:
    """What is needed to build ``env`` again (for a vector environment, one of its copies):
    its registered id, keyword arguments and time limit.

    Returns None for an environment that was not made from the registry.
    """
    spec = getattr(env, 'spec', None)
    if spec is None and hasattr(env, 'single_action_space'):  # a vector environment: one copy's
        spec = env.get_attr('spec')[0]
    if spec is None or spec.id is None:
        return None
    kwargs = {k: v for k, v in (spec.kwargs or {}).items() if k != 'render_mode'}
    desc = {'env_id': spec.id, 'env_kwargs': kwargs, 'max_episode_steps': spec.max_episode_steps}
    if spec.additional_wrappers:  # wrappers that record their arguments (the Atari ones do)
        desc['wrappers'] = [dict(name=w.name, entry_point=w.entry_point, kwargs=w.kwargs)
                            for w in spec.additional_wrappers]
    return desc


def reports_episodes(env) -> bool:
    """Whether ``env`` (or a vector's copies) reports each whole episode's return and length in
    ``info['episode']``, through gymnasium's ``RecordEpisodeStatistics``: the Atari games here
    do, with the real score of a whole game, where training sees clipped rewards and a lost
    life ends an episode. An algorithm then logs the figures the game reports."""
    desc = env_description(env)
    return desc is not None and any(w['name'] == 'RecordEpisodeStatistics' for w in desc.get('wrappers', ()))


def make_from_description(desc: Dict[str, Any], render_mode: Optional[str] = None):
    """Build the environment ``env_description`` described (its wrappers too), optionally
    with a render mode."""
    import gymnasium as gym
    from gymnasium.envs.registration import WrapperSpec
    kwargs = dict(desc.get('env_kwargs') or {})
    if render_mode is not None:
        kwargs['render_mode'] = render_mode
    registered = gym.spec(resolve_env_id(desc['env_id']))
    spec = dataclasses.replace(registered, kwargs={**registered.kwargs, **kwargs},
                               additional_wrappers=tuple(WrapperSpec(**w) for w in desc.get('wrappers') or ()))
    if desc.get('max_episode_steps') is not None:
        spec.max_episode_steps = desc['max_episode_steps']
    quiet_mujoco(spec.id)
    return gym.make(spec)


def check_flat_observations(obs_shape: Optional[tuple]) -> None:
    """Refuse, in one clear line, observations that are not flat vectors (the shape of one
    observation must be ``(obs_dim,)``): the MLP actor-critics take nothing else."""
    if obs_shape is None or len(obs_shape) != 1:
        raise SpinupError(f'the MLP actor-critic needs flat vector observations (a 1-D Box), not '
                          f'observations of shape {obs_shape}: flatten them with a gymnasium wrapper.')


def check_continuous(action_space, algo: str) -> None:
    """Refuse, in one clear line, an action space that is not a 1-D Box (continuous vector actions)."""
    import gymnasium as gym
    if isinstance(action_space, gym.spaces.Box) and len(action_space.shape) == 1:
        return
    if isinstance(action_space, (gym.spaces.Discrete, gym.spaces.MultiDiscrete, gym.spaces.MultiBinary)):
        raise SpinupError(f'{algo} needs continuous actions (a 1-D Box), not {action_space}: use an '
                          f'on-policy algorithm (vpg, trpo, ppo) for discrete actions.')
    raise SpinupError(f'{algo} needs continuous actions in a 1-D Box, not {action_space}: flatten the '
                      f'actions with a gymnasium wrapper.')


def action_limit(action_space, algo: str) -> float:
    """The bound ``c`` of an action space ``[-c, c]^act_dim``: what a tanh actor is scaled by.

    DDPG, TD3 and SAC's actors output ``c * tanh(...)``, so the space must be a 1-D Box with
    the same finite, symmetric bounds in every dimension; anything else gets a clear error.
    """
    import numpy as np
    check_continuous(action_space, algo)
    high, low = action_space.high, action_space.low
    if not (np.all(np.isfinite(high)) and np.all(np.isfinite(low))):
        raise SpinupError(f'{algo} scales a tanh by the action limit, so it needs finite action bounds, not '
                          f'low={low}, high={high}: clip the actions to a finite range with a gymnasium '
                          f'wrapper, then rescale them with gymnasium.wrappers.RescaleAction(env, -1, 1).')
    if not (np.all(high == high[0]) and np.all(low == -high) and high[0] > 0):
        raise SpinupError(f'{algo} scales a tanh by one action limit, so it needs the same bounds [-c, c] in '
                          f'every dimension, not low={low}, high={high}: wrap the environment in '
                          f'gymnasium.wrappers.RescaleAction(env, -1, 1).')
    return float(high[0])


VECTOR_MODES = ('sync', 'async', 'ale')


def check_vector_mode(vector_mode: str) -> None:
    """Refuse, in one clear line, a ``vector_mode`` that :func:`make_vector_env` does not know."""
    if vector_mode not in VECTOR_MODES:
        raise SpinupError(f"vector_mode must be 'sync', 'async' or 'ale', not {vector_mode!r}.")


def ale_game(env_fn: Callable[[], Any]) -> str:
    """The Atari game ``env_fn`` builds, for ``vector_mode='ale'``; refuses, in one line, an
    ``env_fn`` that builds something else."""
    from spinup.utils.atari import is_atari, looks_atari
    env_id = getattr(env_fn, 'env_id', None)
    game = resolve_env_id(env_id) if env_id is not None and looks_atari(env_id) else None
    if game is None or not is_atari(game):
        raise SpinupError(f"vector_mode='ale' steps Atari games in ale-py's C++ vector, and "
                          f"{env_id or env_fn} is not one: use 'sync' or 'async' for it.")
    return game


def make_vector_env(env_fn: Callable[[], Any], num_envs: int = 1, vector_mode: str = 'sync'):
    """``num_envs`` copies of ``env_fn()`` stepped together as one gymnasium vector environment.

    ``vector_mode`` ``'sync'`` steps the copies one after another in this process
    (``gymnasium.vector.SyncVectorEnv``); ``'async'`` gives each copy a subprocess of its own
    (``AsyncVectorEnv``), which pays off when a step costs more than passing its data between
    processes. ``'ale'`` steps an Atari game's copies in ale-py's C++ vector, which does the
    preprocessing itself (:class:`~spinup.utils.atari.AleVector`; ``env_fn`` must be an
    :class:`EnvFn` of a game). The copies never reset themselves (gymnasium's
    ``AutoresetMode.DISABLED``): the algorithm resets the copies whose episodes ended with
    ``reset(options={'reset_mask': done})``, so the observation a step returns is always that
    step's own, the true final one at an episode's end, to bootstrap a truncated episode from.
    A sync vector is a ``OneCopyVector`` for one copy and a ``DirectSyncVector`` for more:
    ``SyncVectorEnv``'s results, without the cost of its general step.
    """
    import gymnasium as gym
    from gymnasium.vector import AutoresetMode
    check_vector_mode(vector_mode)
    if vector_mode == 'ale':
        from spinup.utils.atari import AleVector
        envs = AleVector(ale_game(env_fn), num_envs, **getattr(env_fn, 'kwargs', {}))
    elif vector_mode == 'sync' and num_envs == 1:
        envs = one_copy_vector_class()([env_fn], autoreset_mode=AutoresetMode.DISABLED)
    elif vector_mode == 'sync':
        envs = direct_vector_class()([env_fn] * num_envs, autoreset_mode=AutoresetMode.DISABLED)
    else:
        envs = gym.vector.AsyncVectorEnv([CopyInSubprocess(env_fn)] * num_envs,
                                         autoreset_mode=AutoresetMode.DISABLED)
    if phases.is_listened_to():  # a tool times this run: mark the vector's steps and resets
        envs.step, envs.reset = phases.phase('env')(envs.step), phases.phase('reset')(envs.reset)
    return envs


@functools.lru_cache(maxsize=None)
def one_copy_vector_class():
    """``OneCopyVector``, a ``SyncVectorEnv`` of one copy that steps it directly (made on
    first use: importing this module does not import gymnasium)."""
    import gymnasium as gym
    import numpy as np

    class OneCopyVector(gym.vector.SyncVectorEnv):
        """A sync vector of one copy, whose ``step`` goes straight to the copy: what the general
        one does for many copies (iterate over the batched action, concatenate observations,
        gather infos key by key) cost as much as a MuJoCo step for one. It returns what
        ``SyncVectorEnv`` returns, arrays of one row and the same infos, and resets as it does;
        observations other than arrays (a Dict or Tuple space) take the general step."""

        def step(self, actions):
            if not isinstance(self.single_observation_space, gym.spaces.Box):
                return super().step(actions)
            assert not self._autoreset_envs[0], 'the copy ended its episode: reset it first'
            obs, reward, terminated, truncated, info = self.envs[0].step(actions[0])
            self._observations[0] = obs
            self._rewards[0], self._terminations[0], self._truncations[0] = reward, terminated, truncated
            self._autoreset_envs = self._terminations | self._truncations
            return (self._observations.copy() if self.copy else self._observations, self._rewards.copy(),
                    self._terminations.copy(), self._truncations.copy(), one_copy_info(info))

    def one_copy_info(info: Dict[str, Any]) -> Dict[str, Any]:
        """``info`` as a vector of one gathers it (``VectorEnv._add_info``): each value in an
        array of one, of the type gymnasium picks, beside a mask ``_key`` that is True."""
        batched: Dict[str, Any] = {}
        for key, value in info.items():
            if isinstance(value, dict):
                batched[key] = one_copy_info(value)
            elif type(value) in (int, float, bool) or isinstance(value, np.number):
                batched[key] = np.array([value], dtype=type(value))
            elif isinstance(value, np.ndarray):
                batched[key] = value[None].copy()
            else:
                batched[key] = np.full(1, fill_value=None, dtype=object)
                batched[key][0] = value
            batched[f'_{key}'] = np.ones(1, dtype=np.bool_)
        return batched

    return OneCopyVector


@functools.lru_cache(maxsize=None)
def direct_vector_class():
    """``DirectSyncVector``, a ``SyncVectorEnv`` that steps its copies directly and gathers
    their infos once a step (made on first use: importing this module does not import
    gymnasium)."""
    import gymnasium as gym
    import numpy as np
    from gymnasium.vector import AutoresetMode

    class DirectSyncVector(gym.vector.SyncVectorEnv):
        """A sync vector whose ``step`` calls each copy's ``step`` and writes its results into
        the batch, then gathers the copies' infos key by key (:func:`gather_infos`).
        ``SyncVectorEnv``'s general step iterates over the batched action through the action
        space, concatenates the observations through the observation space and merges each
        copy's info into the batch one key at a time: with 8 copies of HalfCheetah, about 9
        microseconds a copy's step above MuJoCo's 38, of which this class saves about a fifth
        (the speed page). It returns what ``SyncVectorEnv`` returns, the same arrays and
        infos, and resets as it does. Observations other than arrays (a Dict or Tuple space),
        actions other than Box or Discrete, and copies that reset themselves take the general
        step; infos that only gymnasium's merge makes sense of (a value that is a dict in one
        copy and not in another, a key of the copy's own that starts with ``_``) are merged
        by it."""

        def step(self, actions):
            if not (isinstance(self.single_observation_space, gym.spaces.Box)
                    and isinstance(self.single_action_space, (gym.spaces.Box, gym.spaces.Discrete))
                    and self.autoreset_mode == AutoresetMode.DISABLED):
                return super().step(actions)
            assert not self._autoreset_envs.any(), 'a copy ended its episode: reset it first'
            assert len(actions) == self.num_envs, f'{len(actions)} actions for {self.num_envs} copies'
            infos = []
            for i, env in enumerate(self.envs):
                obs, reward, terminated, truncated, info = env.step(actions[i])
                self._env_obs[i] = self._observations[i] = obs  # (reset concatenates _env_obs)
                self._rewards[i], self._terminations[i], self._truncations[i] = reward, terminated, truncated
                infos.append(info)
            self._autoreset_envs = self._terminations | self._truncations
            info = gather_infos(infos)
            if info is None:
                info = {}
                for i, one in enumerate(infos):
                    info = self._add_info(info, one, i)
            return (self._observations.copy() if self.copy else self._observations, self._rewards.copy(),
                    self._terminations.copy(), self._truncations.copy(), info)

    def gather_infos(infos: list) -> Optional[Dict[str, Any]]:
        """The copies' ``infos`` (a dict each, or None where a nested dict is absent) as a vector
        gathers them (``VectorEnv._add_info``): each key's values in an array of one row a copy,
        of the type gymnasium picks from the first copy that has the key, beside a mask
        ``_key`` of the copies that have it; a nested dict is gathered the same way. None for
        infos whose shape only gymnasium's merge makes sense of (see ``DirectSyncVector``)."""
        n, batched = len(infos), {}
        keys = dict.fromkeys(key for info in infos if info for key in info)
        if any(isinstance(key, str) and key.startswith('_') for key in keys):
            return None
        every = all(info and info.keys() == keys.keys() for info in infos)  # the usual case
        for key in keys:
            if every:
                values, mask = [info[key] for info in infos], np.ones(n, dtype=np.bool_)
            else:
                mask = np.array([bool(info) and key in info for info in infos])
                values = [info[key] if has else None for info, has in zip(infos, mask)]
            present = values if every else [value for value, has in zip(values, mask) if has]
            value = present[0]  # the first copy's that has the key
            nested = [isinstance(v, dict) for v in present]
            if key != 'final_obs' and any(nested):
                if not all(nested):
                    return None
                batched[key] = gather_infos(values)
                if batched[key] is None:
                    return None
            else:
                if key == 'final_obs':
                    dtype = object
                elif type(value) in (int, float, bool) or isinstance(value, np.number):
                    dtype = type(value)
                else:
                    dtype = value.dtype if isinstance(value, np.ndarray) else object
                if every and dtype is not object and not isinstance(value, np.ndarray):
                    batched[key] = np.array(values, dtype=dtype)  # every copy's number at once
                else:  # gymnasium's way: an empty array, each copy's value written into its row
                    array = np.zeros((n, *np.shape(value)), dtype) if dtype is not object else \
                        np.full(n, fill_value=None, dtype=object)
                    for i in np.flatnonzero(mask):
                        array[i] = values[i]
                    batched[key] = array
            batched[f'_{key}'] = mask
        return batched

    return DirectSyncVector


class CopyInSubprocess:
    """``env_fn`` for an async vector's subprocesses: a copy built in one ignores Ctrl-C, which
    a terminal sends to every process of the command, so that the training process can finish
    its epoch, save and stop (see :mod:`spinup.utils.checkpoint`) with its copies still there."""

    def __init__(self, env_fn: Callable[[], Any]):
        self.env_fn, self.parent = env_fn, os.getpid()

    def __call__(self):
        if os.getpid() != self.parent:  # (the vector builds one copy in this process, to read its spaces)
            signal.signal(signal.SIGINT, signal.SIG_IGN)
        return self.env_fn()


def steps_per_copy(local_steps: int, num_envs: int, vector_mode: str = 'sync') -> int:
    """Each environment copy's share of a process's ``local_steps`` steps an epoch. Refuses, in
    one clear line, a count that the copies do not split evenly, and a ``vector_mode`` that
    :func:`make_vector_env` does not know, before anything is built."""
    check_vector_mode(vector_mode)
    if local_steps % num_envs:
        raise SpinupError(f'steps_per_epoch must split evenly over the num_envs={num_envs} environment '
                          f'copies: each process collects {local_steps} steps an epoch; pick a multiple '
                          f'of {num_envs} (times the number of processes).')
    return local_steps // num_envs
