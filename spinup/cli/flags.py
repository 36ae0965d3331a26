"""The command line's flags: parsing ``--flag value ...`` into Python values, and the checks
an algorithm's flags must pass before any process is launched. Used by :mod:`spinup.run` and
by :mod:`spinup.cli.relaunch`.
"""
import ast
import difflib
import importlib
import inspect
import itertools
import os
import re
import shutil
import textwrap
import typing
from typing import Any, Callable, Dict, List, Optional, Tuple

from spinup.algos import (ALGOS, BACKENDS, CONTINUOUS_ONLY, OFF_POLICY, RECURRENT, REGISTRY,
                          VARIANTS, base_algo, split_name)
from spinup.user_config import DEFAULT_BACKEND, DEFAULT_DATA_DIR
from spinup.utils.errors import SpinupError

# The commands besides the algorithms (spinup.run dispatches them)
UTILITIES = ('plot', 'test_policy', 'exercise', 'benchmark', 'relaunch', 'resume')

# Shortcut flags and the argument each one stands for.
SUBSTITUTIONS = {
    'env': 'env_name',
    'hid': 'ac_kwargs:hidden_sizes',
    'act': 'ac_kwargs:activation',
    'init': 'ac_kwargs:init',
    'cpu': 'num_cpu',
    'dt': 'datestamp',
    # PPO's vector and update options, by the names PPO2 and Stable-Baselines3 give them
    'num_env': 'num_envs',
    'n_envs': 'num_envs',
    'nminibatches': 'num_minibatches',
    'noptepochs': 'update_epochs',
    'n_epochs': 'update_epochs',
    # observation and reward normalization, by Stable-Baselines3's VecNormalize names
    'norm_obs': 'normalize_obs',
    'norm_reward': 'normalize_reward',
}

# Flags that set how experiments run rather than an argument of the algorithm.
RUN_KWARGS = ('num_cpu', 'data_dir', 'datestamp', 'workers', 'tensorboard')

# Names a value may refer to: a prefix typed on the command line -> the module it means.
NAME_MODULES = {
    'torch.nn.functional': 'torch.nn.functional',
    'torch.nn': 'torch.nn',
    'nn': 'torch.nn',
    'torch': 'torch',
    'tf.nn': 'tensorflow.compat.v1.nn',
    'tf': 'tensorflow.compat.v1',
    'tensorflow.nn': 'tensorflow.compat.v1.nn',
}


def nearest(word: str, choices) -> str:
    """' (did you mean 'X'?)' for the closest of ``choices`` to ``word``, ignoring case; or ''."""
    by_lower = {c.lower(): c for c in choices}
    near = difflib.get_close_matches(word.lower(), list(by_lower), n=1, cutoff=0.5)
    return f" (did you mean '{by_lower[near[0]]}'?)" if near else ''


def resolve_name(text: str) -> Any:
    """Look up a dotted name such as ``torch.nn.ReLU`` in the allowed modules.

    Returns the object, or None if ``text`` does not start with an allowed prefix.
    Raises SpinupError if the prefix is allowed but the name is not there.
    """
    for prefix in sorted(NAME_MODULES, key=len, reverse=True):
        if text.startswith(prefix + '.'):
            attr = text[len(prefix) + 1:]
            if not attr.isidentifier():
                return None
            module = importlib.import_module(NAME_MODULES[prefix])
            if not hasattr(module, attr):
                public = [n for n in dir(module) if not n.startswith('_')]
                raise SpinupError(f"'{text}' does not exist{nearest(attr, public)}.")
            return getattr(module, attr)
    return None


def parse_value(text: str, flag: str) -> Any:
    """Turn one command-line value into a Python value.

    Literals (``3``, ``1e-3``, ``[64,64]``, ``True``) become what they say; allowed dotted
    names (``torch.nn.ReLU``) become the object; anything else stays a string (an
    environment id, an experiment name). Malformed brackets are an error, not a string.
    """
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        pass
    obj = resolve_name(text)
    if obj is not None:
        return obj
    if any(c in text for c in '[](){}\'",') or text.strip() != text:
        raise SpinupError(f"malformed value {text!r} for --{flag}: write a Python literal, "
                          f"e.g. --{flag} \"[64,64]\" (quote it in the shell).")
    return text


# Flags whose values are names, kept as typed (an experiment called '1e3' stays '1e3').
STRING_FLAGS = ('env_name', 'exp_name', 'data_dir')


def parse_flags(args: List[str]) -> Tuple[Dict[str, List[Any]], Dict[str, str]]:
    """Parse ``--flag v1 v2 --other v`` into ``{flag: [values]}`` and ``{flag: shorthand}``.

    ``--flag[sh]`` gives the flag's shorthand in experiment names; ``--flag=v`` is
    ``--flag v``; dashes in a flag's name are underscores; a flag with no value is True;
    shortcut flags (``--env``, ``--hid``, ...) are replaced by what they stand for.
    """
    values: Dict[str, List[Any]] = {}
    shorthands: Dict[str, str] = {}
    key = None
    for arg in args:
        if arg.startswith('--'):
            flag, eq, inline_value = arg.partition('=')
            match = re.fullmatch(r'--([A-Za-z_][\w:\-]*)(?:\[([\w\-.]*)\])?', flag)
            if match is None:
                raise SpinupError(f"malformed flag '{arg}': write --name value or --name[shorthand] value.")
            name = match.group(1).replace('-', '_')
            key = SUBSTITUTIONS.get(name, name)
            if key in values:
                raise SpinupError(f"flag --{name} given twice: give all its values after one flag.")
            values[key] = []
            if match.group(2) is not None:
                shorthands[key] = match.group(2)
            if eq:
                values[key].append(inline_value if key in STRING_FLAGS else parse_value(inline_value, key))
        elif key is None:
            raise SpinupError(f"'{arg}' comes before any flag: values follow a flag, as in --env CartPole-v1.")
        elif arg.startswith('-') and not _is_number(arg):
            raise SpinupError(f"'{arg}' is not a flag: flags start with two dashes, as in --seed 0.")
        else:
            values[key].append(arg if key in STRING_FLAGS else parse_value(arg, key))
    for vals in values.values():
        if not vals:
            vals.append(True)  # a bare flag (--dt) switches something on
    return values, shorthands


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def resolve_algo(cmd: str) -> str:
    """The registered implementation a command names: ``ppo`` -> ``ppo_<DEFAULT_BACKEND['ppo']>``."""
    if cmd in ALGOS:
        backend = DEFAULT_BACKEND.get(cmd)
        if backend not in BACKENDS:
            raise SpinupError(f"user_config.DEFAULT_BACKEND['{cmd}'] is {backend!r}: set it to 'tf1' or 'pytorch'.")
        name = f'{cmd}_{backend}'
    else:
        name = cmd
    if name in REGISTRY:
        return name
    algo, backend = split_name(name)
    if algo in ALGOS and backend in BACKENDS:
        raise SpinupError(f"'{name}' is not available yet; available algorithms: {', '.join(sorted(REGISTRY))}.")
    commands = list(REGISTRY) + list(ALGOS) + list(UTILITIES)
    raise SpinupError(f"unknown command '{cmd}'{nearest(cmd, commands)}; "
                      "run 'python -m spinup.run' to list the commands.")


# PPO2's --policy: the recurrent agents, which PPO's variant ppo_lstm trains (without the flag,
# PPO's agent is an MLP, or the Nature CNN for images)
POLICIES = ('lstm', 'lnlstm')


def pick_policy(name: str, values: Dict[str, List[Any]],
                shorthands: Dict[str, str]) -> str:
    """The implementation to run for ``--policy`` (PPO2's flag): ``ppo_<backend>`` with
    ``--policy lstm`` or ``lnlstm`` is ``ppo_lstm_<backend>``, its cell that policy (several
    make a grid). Takes ``policy`` out of ``values``; ``name`` as it is without the flag."""
    if 'policy' not in values:
        return name
    policies = values.pop('policy')
    algo, backend = split_name(name)
    for policy in policies:
        if policy not in POLICIES:
            raise SpinupError(f"--policy takes lstm or lnlstm (PPO2's recurrent policies), not "
                              f"{policy!r}: without it, PPO's agent is an MLP, or the Nature CNN "
                              f"for images.")
    if algo not in ('ppo', 'ppo_lstm'):
        raise SpinupError(f"--policy {policies[0]} is PPO's recurrent agent: run ppo (or "
                          f"ppo_pytorch, ppo_tf1) with it, not {name}.")
    if 'ac_kwargs:cell' in values:
        raise SpinupError('--policy and --ac_kwargs:cell both set the cell: give one of them.')
    values['ac_kwargs:cell'] = policies
    if 'policy' in shorthands:
        shorthands['ac_kwargs:cell'] = shorthands.pop('policy')
    return f'ppo_lstm_{backend}'


def check_flags(name: str, algo_fn, values: Dict[str, List[Any]]) -> None:
    """Every flag must be an argument of the algorithm (or of its default actor-critic)."""
    params = inspect.signature(algo_fn).parameters
    # env_fn and logger_kwargs are made from --env, --exp_name, --data_dir and --dt
    valid = [p for p in params if p not in ('env_fn', 'logger_kwargs')] + ['env_name', 'exp_name'] + list(RUN_KWARGS)
    default_ac = params['actor_critic'].default if 'actor_critic' in params else None
    ac_params = []
    if default_ac is not None and 'actor_critic' not in values:
        # the keyword arguments a user may set (not the spaces or placeholders it is built from)
        ac_params = [p.name for p in inspect.signature(default_ac).parameters.values()
                     if p.default is not p.empty and p.name != 'action_space']
    for key in values:
        outer, _, inner = key.partition(':')
        if outer not in valid:
            shown = sorted(set(valid) | {'env', 'hid', 'act', 'cpu', 'dt'})
            raise SpinupError(f"unknown flag --{key} for {name}{nearest(outer, valid)}; "
                              f"valid flags: {', '.join('--' + v for v in shown)}.")
        if inner and outer == 'ac_kwargs' and ac_params and inner.split(':')[0] not in ac_params:
            raise SpinupError(f"unknown flag --{key}: the default actor-critic of {name} takes "
                              f"{', '.join(ac_params)}{nearest(inner, ac_params)}.")


def check_types(algo_fn, values: Dict[str, List[Any]]) -> None:
    """Each value of a numeric or boolean argument must have the type of its default, or of its
    annotation where the default is None; None itself passes where the annotation is Optional
    (``--target_kl None``)."""
    params = inspect.signature(algo_fn).parameters
    for key, vals in values.items():
        if key not in params:
            continue
        default, annotation = params[key].default, params[key].annotation
        optional = type(None) in typing.get_args(annotation)
        if default is None and optional:
            kind = next(t for t in typing.get_args(annotation) if t is not type(None))
        else:
            kind = type(default)
        if kind is bool:
            wanted, ok = 'True or False', lambda v: isinstance(v, bool)
        elif kind is int:
            wanted, ok = 'a whole number', lambda v: isinstance(v, int) and not isinstance(v, bool)
        elif kind is float:
            wanted, ok = 'a number', lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)
        else:
            continue
        for v in vals:
            if not (ok(v) or (v is None and optional)):
                raise SpinupError(f'--{key} takes {wanted}{" or None" if optional else ""} (default {default!r}), '
                                  f'not {v!r}.')


def check_values(name: str, values: Dict[str, List[Any]]) -> None:
    """Check the values a run cannot start without, before any process is launched."""
    for key in ('exp_name',) + RUN_KWARGS:
        if key in values and len(values[key]) > 1:
            raise SpinupError(f'--{key} takes one value, got {len(values[key])}.')
    if 'num_cpu' in values:
        cpu = values['num_cpu'][0]
        if cpu != 'auto' and not (isinstance(cpu, int) and not isinstance(cpu, bool) and cpu >= 1):
            raise SpinupError(f"--cpu takes a whole number of processes or 'auto', not {cpu!r}.")
        if split_name(name)[0] in OFF_POLICY and cpu != 1:
            raise SpinupError(f'{name} runs in one process: drop --cpu (only vpg, trpo and ppo run '
                              f'under MPI); to use more cores, start several runs (other seeds, say) '
                              f'at the same time.')
    for key in ('exp_name', 'data_dir'):
        if key in values and not isinstance(values[key][0], str):
            raise SpinupError(f'--{key} takes a name (a folder, for --data_dir), not {values[key][0]!r}.')
    for key, flag in (('datestamp', '--dt'), ('tensorboard', '--tensorboard')):
        if key in values and not isinstance(values[key][0], bool):
            raise SpinupError(f'{flag} is a switch: give it alone (or True/False), not {values[key][0]!r}.')
    if values.get('tensorboard', [False])[0] and split_name(name)[1] == 'pytorch':
        from spinup.utils.tb_scalars import check_writer
        check_writer('pytorch')  # before any experiment of the grid starts
    if 'workers' in values:
        workers = values['workers'][0]
        if not (isinstance(workers, int) and not isinstance(workers, bool) and workers >= 1):
            raise SpinupError(f'--workers takes a whole number of experiments to run at once, not {workers!r}.')
    if 'ac_kwargs:hidden_sizes' in values:
        sizes = []
        for v in values['ac_kwargs:hidden_sizes']:
            v = [v] if isinstance(v, int) and not isinstance(v, bool) else v
            if not (isinstance(v, (list, tuple)) and all(isinstance(h, int) and not isinstance(h, bool) and h > 0 for h in v)):
                raise SpinupError(f'--hid takes lists of layer widths such as "[64,64]", not {v!r}.')
            sizes.append(list(v))
        values['ac_kwargs:hidden_sizes'] = sizes
    if 'ac_kwargs:activation' in values:
        _, backend = split_name(name)
        for act in values['ac_kwargs:activation']:
            if backend == 'pytorch':
                import torch
                ok = isinstance(act, type) and issubclass(act, torch.nn.Module)
                example = 'torch.nn.ReLU'
            else:
                ok = callable(act) and not isinstance(act, type)
                example = 'tf.nn.relu'
            if not ok:
                raise SpinupError(f'--act takes an activation such as {example} for {name}, not {act!r}.')
    if 'env_name' not in values:
        raise SpinupError(f'no environment given: add --env ENV_ID, e.g. python -m spinup.run {name} --env CartPole-v1')

    from spinup.utils.envs import resolve_env_id
    env_ids = [resolve_env_id(env_id) for env_id in values['env_name']]
    values['env_name'] = env_ids

    if 'actor_critic' not in values:
        for env_id in env_ids:
            check_spaces(name, env_id)
    if 'ale' in values.get('vector_mode', ()):  # (ale-py's C++ vector steps Atari games only)
        from spinup.utils.envs import EnvFn, ale_game
        for env_id in env_ids:
            ale_game(EnvFn(env_id))


def check_spaces(name: str, env_id: str) -> None:
    """The default MLP actor-critics take flat Box observations, and Box or Discrete actions
    (Box only for the off-policy algorithms); PPO's CNN takes images with Discrete actions."""
    import gymnasium as gym
    from spinup.utils.envs import EnvFn
    env = EnvFn(env_id)()  # (an Atari game with its preprocessing)
    obs_space, act_space = env.observation_space, env.action_space
    env.close()
    algo, _ = split_name(name)
    image_obs = isinstance(obs_space, gym.spaces.Box) and len(obs_space.shape) == 3
    if image_obs and base_algo(algo) == 'ppo':
        if not isinstance(act_space, gym.spaces.Discrete):
            raise SpinupError(f"{env_id} has {act_space} actions; {name}'s CNN takes Discrete actions.")
        return
    if not (isinstance(obs_space, gym.spaces.Box) and len(obs_space.shape) == 1):
        images = ' (ppo takes images, such as Atari\'s)' if len(getattr(obs_space, 'shape', None) or ()) == 3 else ''
        raise SpinupError(f'{env_id} has {obs_space} observations, but {name} takes flat vectors '
                          f'(a 1-D Box){images}: choose an environment such as CartPole-v1 or Pendulum-v1.')
    if algo in CONTINUOUS_ONLY and not isinstance(act_space, gym.spaces.Box):
        raise SpinupError(f"{name} needs continuous (Box) actions, but {env_id} has "
                          f"{type(act_space).__name__} actions: use an on-policy algorithm "
                          f"(vpg, trpo, ppo) or a continuous environment such as Pendulum-v1.")
    if not (isinstance(act_space, gym.spaces.Discrete) or
            (isinstance(act_space, gym.spaces.Box) and len(act_space.shape) == 1)):
        raise SpinupError(f'{env_id} has {act_space} actions; {name} takes Box (1-D) or Discrete actions.')
    if algo in CONTINUOUS_ONLY:
        from spinup.utils.envs import action_limit
        action_limit(act_space, name)  # finite bounds [-c, c], the same in every dimension


# The arguments that the algorithms' own check (spinup.utils.errors.check_inputs) holds to at
# least 1; test_cli holds this list to their check_inputs calls.
COUNTS = ('steps_per_epoch', 'save_freq', 'num_envs', 'update_epochs', 'num_minibatches',
          'replay_size', 'batch_size', 'update_every', 'policy_delay')


def check_counts(algo_fn: Callable, values: Dict[str, List[Any]], num_cpu: Any = 1) -> None:
    """Run the algorithm's own checks of its counts before any process is launched: each at
    least 1 (:func:`~spinup.utils.errors.check_inputs`), and an epoch's steps split evenly over
    the processes' environment copies (:func:`~spinup.utils.envs.steps_per_copy`), PPO2's
    minibatches and gradient norm (:func:`~spinup.utils.errors.check_ppo2_update`), for every
    combination of the values given and the algorithm's defaults. The same functions refuse
    the same values inside the algorithm; here they do so before the first experiment starts."""
    from spinup.utils.envs import steps_per_copy
    from spinup.utils.errors import check_inputs, check_ppo2_update, check_recurrent_update
    params = inspect.signature(algo_fn).parameters
    procs = os.cpu_count() if num_cpu == 'auto' else int(num_cpu)

    def given(key: str) -> List[Any]:
        return values.get(key, [params[key].default])

    for key in COUNTS:
        if key in params:
            for value in given(key):
                if value is not None:  # (None: the algorithm's own choice, as num_minibatches=None)
                    check_inputs(algo_fn.__name__.upper(), **{key: value})
    if 'num_envs' in params:
        modes = given('vector_mode') if 'vector_mode' in params else ['sync']
        for steps, copies, mode in itertools.product(given('steps_per_epoch'), given('num_envs'), modes):
            steps_per_copy(steps // procs, copies, mode)  # each process's share (mpi_tools.local_steps)
    if 'num_minibatches' in params and algo_fn.__name__ in RECURRENT:  # (minibatches of copies)
        for envs, minibatches, norm in itertools.product(given('num_envs'), given('num_minibatches'),
                                                         given('max_grad_norm')):
            check_recurrent_update(envs, minibatches, norm)
    elif 'num_minibatches' in params:
        for steps, minibatches, norm in itertools.product(given('steps_per_epoch'), given('num_minibatches'),
                                                          given('max_grad_norm')):
            check_ppo2_update(steps // procs, minibatches, norm)


# --help for an algorithm: its flags as a user types them, with a one-line meaning each.

# Flags that set how experiments run, and what each does.
RUN_FLAG_HELP = {
    'exp_name': 'Name of the experiment, and of its folder in the data folder.',
    'data_dir': 'Folder the runs go in (user_config.DEFAULT_DATA_DIR, or $SPINUP_DATA_DIR).',
    'datestamp': "Put the date and time in the run folders' names.",
    'num_cpu': "MPI processes for each run, or auto for one per core.",
    'workers': 'Experiments of a grid to run at once.',
    'tensorboard': 'Also write the progress as TensorBoard scalars in each run folder.',
}

# What the default agents' arguments do (--ac_kwargs:NAME)
AC_FLAG_HELP = {
    'hidden_sizes': 'Widths of the default agent\'s hidden layers, as "[64,64]".',
    'activation': "Activation of the default agent's hidden layers, such as {act}.",
    'init': "How the default agent initialises its layers: default (the framework's own) or "
            "orthogonal (PPO2's).",
    'cell': "The recurrent agent's cell: lstm, or lnlstm (layer-normalized); --policy sets it.",
    'lstm_size': "Units of the recurrent agent's LSTM (PPO2's nlstm).",
}


def docstring_args(doc: Optional[str]) -> Dict[str, str]:
    """The entries of a docstring's ``Args:`` section, ``name (type): text``, as ``{name: the
    first paragraph of its text, on one line}``."""
    lines = inspect.cleandoc(doc or '').splitlines()
    if 'Args:' not in lines:
        return {}
    entries: Dict[str, str] = {}
    indent, name, open_paragraph = None, None, False
    for line in lines[lines.index('Args:') + 1:]:
        if not line.strip():
            open_paragraph = False
            continue
        depth = len(line) - len(line.lstrip())
        indent = depth if indent is None else indent
        if depth < indent:
            break  # the next section (Returns:, ...)
        match = re.fullmatch(r'(\w+) \([^:]*\):\s*(.*)', line.strip()) if depth == indent else None
        if match:
            name, open_paragraph = match.group(1), True
            entries[name] = match.group(2)
        elif name is not None and open_paragraph:
            entries[name] += ' ' + line.strip()
    return entries


def plain(text: str) -> str:
    """RST markup as a terminal shows it: ````x```` and ``:class:`x``` -> `x`,
    ``:ref:`words <target>``` -> words."""
    text = re.sub(r':\w+:`([^`<]*?)\s*<[^>]*>`', r'\1', text)
    text = re.sub(r':\w+:`~?([^`]*)`', lambda m: f"`{m.group(1).split('.')[-1]}`", text)
    return text.replace('``', '`')


def first_sentence(text: str) -> str:
    """``text`` up to the end of its first sentence (not at ``e.g.``, nor inside brackets or
    backticks)."""
    for match in re.finditer(r'[.!?](?=\s|$)', text):
        head = text[:match.end()]
        if head.split()[-1].lower() in ('e.g.', 'i.e.', 'etc.', 'cf.', 'vs.'):
            continue
        if head.count('(') > head.count(')') or head.count('`') % 2:
            continue
        return head
    return text


def _shown(default: Any) -> Optional[str]:
    """A default as the help shows it: a name for a function or class; None if there is none."""
    if default is inspect.Parameter.empty:
        return None
    if isinstance(default, str):
        return default
    return getattr(default, '__name__', None) or repr(default)


def _flag_lines(names: List[str], meaning: str, default: Optional[str], width: int) -> List[str]:
    """One flag in argparse's layout: its names, then the meaning and default (None: the flag
    is required) from column 30, on the next line when the names are longer."""
    column = 30
    invocation = '  ' + ', '.join('--' + n for n in names)
    text = meaning + (f' (default: {default})' if default is not None else ' (required)')
    body = textwrap.wrap(text, width=max(width - column, 30))
    if len(invocation) <= column - 2:
        return [invocation.ljust(column) + body[0]] + [' ' * column + b for b in body[1:]]
    return [invocation] + [' ' * column + b for b in body]


def algorithm_help(name: str, algo_fn: Callable, width: Optional[int] = None) -> str:
    """``python -m spinup.run ALGO --help``: the algorithm's flags as a user types them (with
    their shortcuts), each with its default and the first sentence of its docstring entry,
    then the flags that set how the runs go."""
    width = width or min(shutil.get_terminal_size((100, 24)).columns, 100)
    doc = inspect.getdoc(algo_fn) or ''
    meanings = {k: plain(first_sentence(v)) for k, v in docstring_args(doc).items()}
    if name in VARIANTS:  # (a variant documents what differs; PPO's docstring, the rest)
        from spinup.cli.signatures import read_algorithm
        algo, backend = split_name(name)
        base = inspect.getdoc(read_algorithm(f'{base_algo(algo)}_{backend}')) or ''
        meanings = {**{k: plain(first_sentence(v)) for k, v in docstring_args(base).items()},
                    **meanings}
    act = 'tf.nn.relu' if split_name(name)[1] == 'tf1' else 'torch.nn.ReLU'
    shortcuts: Dict[str, List[str]] = {}
    for short, key in SUBSTITUTIONS.items():
        shortcuts.setdefault(key, []).append(short)
    params = inspect.signature(algo_fn).parameters

    def entry(key: str, meaning: str, default: Optional[str]) -> List[str]:
        return _flag_lines([key] + shortcuts.get(key, []), meaning, default, width)

    summary = plain(doc.split('\n\n')[0]).replace('\n', ' ')
    lines = [f'usage: python -m spinup.run {name} --env ENV_ID [--flag VALUE [VALUE ...]] ...', '']
    lines += textwrap.wrap(summary, width) + ['']
    lines += textwrap.wrap('Several values after a flag make a grid of experiments, and --flag[sh] names '
                           "the flag 'sh' in their names. Values are Python literals (3, 1e-3, True, "
                           f'"[64,64]") or names such as {act}.', width)
    lines += ['', 'flags:']
    lines += entry('env_name', 'Id of a gymnasium environment, such as CartPole-v1.', None)
    for key, param in params.items():
        if key in ('env_fn', 'logger_kwargs'):  # made from --env, and from the run flags
            continue
        lines += entry(key, meanings.get(key, ''), _shown(param.default))
        default_ac = params['actor_critic'].default if 'actor_critic' in params else None
        if key == 'ac_kwargs' and default_ac is not None:
            # the default agent's own arguments, which check_flags accepts as --ac_kwargs:NAME
            for p in inspect.signature(default_ac).parameters.values():
                if p.default is not p.empty and p.name != 'action_space':
                    meaning = AC_FLAG_HELP.get(p.name, f"The default agent's {p.name}.").format(act=act)
                    shown = "the agent's own" if p.default is None else _shown(p.default)
                    lines += entry(f'ac_kwargs:{p.name}', meaning, shown)
    lines += ['', 'run flags:']
    run_defaults = {'exp_name': f'cmd_{name}', 'data_dir': DEFAULT_DATA_DIR, 'datestamp': 'False',
                    'num_cpu': '1', 'workers': '1', 'tensorboard': 'False'}
    for key in ('exp_name',) + RUN_KWARGS:
        if key == 'num_cpu' and split_name(name)[0] in OFF_POLICY:
            continue  # (these run in one process: check_values refuses --cpu)
        lines += entry(key, RUN_FLAG_HELP[key], run_defaults[key])
    lines += ['', f'The whole docstring: python -c "import spinup; help(spinup.{name})"']
    return '\n'.join(lines)
