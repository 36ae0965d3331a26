"""``python -m spinup.run relaunch RUN/config.json [--flag value ...]``: a new run with the
arguments a finished (or unfinished) run recorded in its ``config.json``, any of them
overridden by flags.

``config.json`` holds every argument as JSON, so some cannot come back by themselves:
functions and classes are stored by their qualified name and come back only from the
library and the frameworks (``spinup``, ``torch``, ``tensorflow``), which the experiment's
fresh process can import too; a lambda or a class of your own cannot. The environment comes
back from an :class:`~spinup.utils.envs.EnvFn` record (its id and keyword arguments); any
other ``env_fn`` needs ``--env ID``. An argument whose recorded value equals its default is
left to the default. The algorithm must be one of the library's (an algorithm, or an
exercise's copy of one).
"""
import importlib
import inspect
import json
import os.path as osp
from typing import Any, Callable, Dict, List, Optional, Tuple

from spinup.utils.errors import SpinupError
from spinup.cli.flags import RUN_KWARGS, check_counts, check_flags, check_types, check_values, parse_flags
from spinup.utils.serialization_utils import convert_json

USAGE = 'python -m spinup.run relaunch RUN/config.json [--exp_name NAME] [--flag value ...]'
# Recorded keys that are not arguments of the algorithm
NOT_ARGUMENTS = ('_run', 'exp_name', 'logger_kwargs', 'resume_from')
# Packages whose names a relaunch imports: the experiment's fresh process has them too
IMPORTABLE = ('spinup', 'torch', 'tensorflow')


# PPO's default agents before pick_actor_critic: each became the CNN for image observations,
# as pick_actor_critic picks, so a run that recorded one relaunches with today's default
OLD_DEFAULT_AGENTS = ('spinup.algos.pytorch.ppo.core.MLPActorCritic',
                      'spinup.algos.tf1.ppo.core.mlp_actor_critic')

def read_config(path: str) -> Tuple[str, Dict[str, Any]]:
    """The path of ``config.json`` (given it or its run folder) and its contents."""
    if osp.isdir(path):
        path = osp.join(path, 'config.json')
    if not osp.isfile(path):
        raise SpinupError(f"no config.json at {path}: give a run folder or its config.json, as in {USAGE}")
    try:
        with open(path) as f:
            config = json.load(f)
    except (OSError, ValueError) as err:
        raise SpinupError(f'cannot read {path} as JSON ({err}).') from None
    if not isinstance(config, dict):
        raise SpinupError(f'{path} does not hold a run configuration (a JSON object).')
    for key in ('_run', 'logger_kwargs'):
        if not isinstance(config.get(key) or {}, dict):
            raise SpinupError(f'{path}: {key} should be a JSON object, not {json.dumps(config[key])}.')
    num_procs = (config.get('_run') or {}).get('num_procs', 1)
    if not (isinstance(num_procs, int) and not isinstance(num_procs, bool) and num_procs >= 1):
        raise SpinupError(f'{path}: _run.num_procs should be a number of processes, not {json.dumps(num_procs)}.')
    return path, config


def recorded_algorithm(config: Dict[str, Any], path: str) -> Tuple[Optional[str], str]:
    """``(registered name or None, qualified name)`` of the function that made the run."""
    from spinup.algos import IMPLEMENTATIONS
    by_function = {f'{module}.{function}': name for name, (module, function) in IMPLEMENTATIONS.items()}
    function = (config.get('_run') or {}).get('function')
    if function is not None and not isinstance(function, str):
        raise SpinupError(f'{path}: _run.function should be a qualified name, not {json.dumps(function)}.')
    if function is None:
        # runs from before the function was recorded: the default agent's module names it
        ac = config.get('actor_critic')
        parts = ac.split('.') if isinstance(ac, str) else []
        if len(parts) >= 5 and parts[:2] == ['spinup', 'algos'] and parts[4] == 'core':
            function = f'spinup.algos.{parts[2]}.{parts[3]}.{parts[3]}.{parts[3]}'
            print(f'{path} does not name its algorithm (a run from an older version): taking '
                  f'{function}, from its actor_critic.')
    if function is None:
        raise SpinupError(f'{path} does not say which algorithm made the run, and its actor_critic '
                          f'does not tell: relaunch it with the command or script that made it.')
    return by_function.get(function), function


def import_by_name(qualified: str) -> Any:
    """The object a qualified name (``package.module.Class``) names, or None if it cannot be
    imported or lies outside ``IMPORTABLE``."""
    parts = qualified.split('.')
    if parts[0] not in IMPORTABLE:
        return None
    for cut in range(len(parts) - 1, 0, -1):
        try:
            obj = importlib.import_module('.'.join(parts[:cut]))
        except ImportError:
            continue
        except Exception:
            return None
        try:
            for attr in parts[cut:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return None
        return obj
    return None


def _restore(key: str, recorded: Any, default: Any, path: str) -> Any:
    """The value of argument ``key`` from its record: a JSON value as it is, a callable by name."""
    if callable(default):  # actor_critic: a class, recorded by its name
        obj = import_by_name(recorded) if isinstance(recorded, str) else None
        if obj is None or not callable(obj):
            raise SpinupError(f"{path} records {key} as {recorded!r}, which relaunch cannot import (it takes "
                              f"names from {', '.join(IMPORTABLE)} only): run the script that made the run instead.")
        return obj
    return recorded


def _restore_ac_kwargs(recorded: Dict[str, Any], path: str) -> Dict[str, Any]:
    """ac_kwargs, with an activation function or class brought back by name."""
    ac_kwargs = dict(recorded)
    for key in ('activation', 'output_activation'):
        if isinstance(ac_kwargs.get(key), str):
            obj = import_by_name(ac_kwargs[key])
            if obj is None:
                raise SpinupError(f"{path} records ac_kwargs {key} as {ac_kwargs[key]!r}, which relaunch cannot "
                                  f"import (it takes names from {', '.join(IMPORTABLE)} only): give it with --act.")
            ac_kwargs[key] = obj
    return ac_kwargs


def _restore_env_fn(recorded: Any, path: str) -> Callable:
    from spinup.utils.envs import EnvFn
    if isinstance(recorded, dict) and len(recorded) == 1:
        (label, fields), = recorded.items()
        if (label.startswith('EnvFn(') and isinstance(fields, dict) and isinstance(fields.get('env_id'), str)
                and isinstance(fields.get('kwargs') or {}, dict)):
            return EnvFn(fields['env_id'], **(fields.get('kwargs') or {}))
    raise SpinupError(f'{path} records env_fn as {json.dumps(recorded)}, which relaunch cannot build '
                      f'again (only an EnvFn of a registered id): give the environment with --env ID.')


def _new_exp_name(old: str, data_dir: str, seed: Any) -> str:
    """``<old>_relaunch``, or ``<old>_relaunch2``, ... : the first with no run of this seed."""
    for k in range(1, 1000):
        name = f'{old}_relaunch' + ('' if k == 1 else str(k))
        if not osp.exists(osp.join(data_dir, name, f'{name}_s{seed}')):
            return name
    raise SpinupError(f'too many relaunches of {old} in {data_dir}: give --exp_name.')


def _algorithm(config: Dict[str, Any], path: str) -> Tuple[str, Callable, bool]:
    """``(name, function, registered)``: the algorithm that made the run, and the name the
    command line's checks know it by (``td3_pytorch``, also for an exercise's copy of TD3)."""
    name, function = recorded_algorithm(config, path)
    if name is not None:
        from spinup.algos import load
        return name, load(name), True
    algo_fn = import_by_name(function) if function.startswith('spinup.') else None
    params = inspect.signature(algo_fn).parameters if callable(algo_fn) else {}
    if not ('seed' in params and 'logger_kwargs' in params and 'env_fn' in params):
        raise SpinupError(f"{path} was made by {function}, which is not one of the library's algorithms: "
                          f"relaunch it with the script that made it.")
    backend = 'tf1' if '.tf1.' in function else 'pytorch'
    return f"{function.rsplit('.', 1)[-1]}_{backend}", algo_fn, False


def relaunch_arguments(config_path: str, overrides: List[str], resume: bool = False) -> Dict[str, Any]:
    """What :func:`main` runs: the algorithm, its keyword arguments and how to run it, from
    ``config.json`` with ``overrides`` (command-line flags) applied. Checks everything first.
    With ``resume``, the run goes on in its own folder from its checkpoint instead."""
    from spinup.utils.envs import EnvFn
    from spinup.utils.run_utils import setup_logger_kwargs
    path, config = read_config(config_path)
    name, algo_fn, registered = _algorithm(config, path)
    values, _ = parse_flags(overrides)
    for key, vals in values.items():
        if len(vals) != 1:
            raise SpinupError(f'--{key} takes one value in a relaunch (a grid needs the algorithm command), '
                              f'got {len(vals)}.')
    if 'workers' in values:
        raise SpinupError('--workers is for grids; a relaunch is one run.')

    # the recorded arguments, where they differ from the defaults (the seed always)
    params = inspect.signature(algo_fn).parameters
    kwargs: Dict[str, Any] = {}
    for key, recorded in config.items():
        if key in NOT_ARGUMENTS or key not in params:
            continue
        default = params[key].default
        if key != 'seed' and default is not inspect.Parameter.empty and convert_json(default) == recorded:
            continue
        if key == 'actor_critic' and recorded in OLD_DEFAULT_AGENTS:
            continue  # an older run's default agent, which picked the CNN for images as today's does
        if key == 'env_fn':
            if 'env_name' not in values:
                kwargs['env_fn'] = _restore_env_fn(recorded, path)
        elif key == 'ac_kwargs' and isinstance(recorded, dict):
            kwargs['ac_kwargs'] = _restore_ac_kwargs(recorded, path)
        else:
            kwargs[key] = _restore(key, recorded, default, path)
    if 'env_fn' not in kwargs and 'env_name' not in values:
        raise SpinupError(f'{path} records no environment: give one with --env ID.')

    # the recorded values and the overrides, checked as the command line checks its flags; the
    # recorded environment and agent stand in for --env and --actor_critic when not given
    check_types(algo_fn, {k: [v] for k, v in kwargs.items()})
    env_from_record = 'env_name' not in values
    if env_from_record:
        values['env_name'] = [kwargs['env_fn'].env_id]
    ac_from_record = 'actor_critic' not in values and 'actor_critic' in kwargs
    if ac_from_record:
        values['actor_critic'] = [kwargs['actor_critic']]
    check_flags(name, algo_fn, values)
    check_types(algo_fn, values)
    check_values(name, values)
    if ac_from_record:
        values.pop('actor_critic')
    env_id = values.pop('env_name')[0]  # resolved by the checks (an old id -> the newest served)
    if env_from_record:
        kwargs['env_fn'] = EnvFn(env_id, **kwargs['env_fn'].kwargs)  # its keyword arguments kept
    else:
        kwargs['env_fn'] = EnvFn(env_id)

    run = {k: values.pop(k)[0] for k in RUN_KWARGS if k in values}
    run.setdefault('num_cpu', (config.get('_run') or {}).get('num_procs', 1))
    run.setdefault('tensorboard', bool((config.get('logger_kwargs') or {}).get('tensorboard', False)))
    new_name = values.pop('exp_name', [None])[0]
    for key, (value,) in values.items():
        outer, _, inner = key.partition(':')
        if not inner:
            kwargs[outer] = value
            continue
        nested = kwargs.setdefault(outer, {})
        *path_keys, last = inner.split(':')
        for part in path_keys:
            nested = nested.setdefault(part, {}) if isinstance(nested, dict) else None
        if not isinstance(nested, dict):
            raise SpinupError(f'--{key}: {outer} is not a dictionary of arguments, so it has no entry {inner}.')
        nested[last] = value
    check_counts(algo_fn, {k: [v] for k, v in kwargs.items()}, run['num_cpu'])  # as the algorithm would

    run_dir = osp.dirname(osp.abspath(path))
    old_name = str(config.get('exp_name') or osp.basename(run_dir))
    if resume:  # in its own folder, from its checkpoint
        kwargs['resume_from'] = run_dir
        kwargs['logger_kwargs'] = dict(output_dir=run_dir, exp_name=config.get('exp_name'))
        return dict(thunk=name if registered else algo_fn, exp_name=old_name, kwargs=kwargs, **run)

    # where it goes: beside the original run, under a new experiment name
    data_dir = run.pop('data_dir', None) or _original_data_dir(run_dir, old_name) or osp.dirname(run_dir)
    seed = kwargs.get('seed', params['seed'].default)
    exp_name = str(new_name or _new_exp_name(old_name, data_dir, seed))
    new_dir = setup_logger_kwargs(exp_name, seed, data_dir, run.get('datestamp', False))['output_dir']
    if osp.abspath(new_dir) == run_dir:
        raise SpinupError(f"the relaunch would write into the original run's folder ({run_dir}): give it "
                          f"another --exp_name (or leave --exp_name out for {old_name}_relaunch).")
    kwargs['seed'] = seed
    return dict(thunk=name if registered else algo_fn, exp_name=exp_name, data_dir=data_dir,
                kwargs=kwargs, **run)


def _original_data_dir(run_dir: str, exp_name: Any) -> Optional[str]:
    """The data folder of a run laid out as ``DATA/exp_name/exp_name_s<seed>``, else None."""
    parent = osp.dirname(run_dir)
    if osp.basename(parent) == str(exp_name) or osp.basename(parent).endswith(f'_{exp_name}'):
        return osp.dirname(parent)
    return None


def main(args: List[str]) -> int:
    if not args or args[0] in ('-h', '--help'):
        print(__doc__.split('\n\n')[0].replace('``', ''))
        print(f'\nusage: {USAGE}')
        return 0
    plan = relaunch_arguments(args[0], args[1:])
    from spinup.utils.run_utils import call_experiment
    kwargs = plan.pop('kwargs')
    call_experiment(plan.pop('exp_name'), plan.pop('thunk'), **plan, **kwargs)
    return 0
