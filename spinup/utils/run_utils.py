"""Launching experiments: output paths, one experiment in a fresh process, grids of them."""
import base64
import collections
import itertools
import os
import os.path as osp
import signal
import string
import subprocess
import sys
import threading
import time
import zlib
from textwrap import dedent
from typing import Any, Callable, Deque, Dict, List, Optional, Sequence, Set, TextIO, Tuple, Union

import cloudpickle

from spinup.user_config import DEFAULT_DATA_DIR, DEFAULT_SHORTHAND, FORCE_DATESTAMP, WAIT_BEFORE_LAUNCH
from spinup.utils.errors import SpinupError, Terminated, killed_by
from spinup.utils.logx import can_colorize, colorize

DIV_LINE_WIDTH = 80


def setup_logger_kwargs(exp_name: str, seed: Optional[int] = None, data_dir: Optional[str] = None,
                        datestamp: bool = False, tensorboard: bool = False) -> Dict[str, Any]:
    """Logger arguments for an experiment: its output folder and name.

    The folder is ``data_dir/exp_name/exp_name_s<seed>``, or with a datestamp
    ``data_dir/YYYY-MM-DD_exp_name/YYYY-MM-DD_HH-MM-SS-exp_name_s<seed>``; with no seed, the
    last level is left out. ``data_dir`` defaults to ``user_config.DEFAULT_DATA_DIR`` and
    ``FORCE_DATESTAMP`` there turns the datestamp on for every run.

    Returns:
        ``dict(output_dir=..., exp_name=...)``, ready for ``EpochLogger(**logger_kwargs)``;
        with ``tensorboard``, also ``tensorboard=True`` (TensorBoard scalars beside progress.txt).
    """
    datestamp = datestamp or FORCE_DATESTAMP
    relpath = (time.strftime('%Y-%m-%d_') if datestamp else '') + exp_name
    if seed is not None:
        if datestamp:
            subfolder = f"{time.strftime('%Y-%m-%d_%H-%M-%S')}-{exp_name}_s{seed}"
        else:
            subfolder = f'{exp_name}_s{seed}'
        relpath = osp.join(relpath, subfolder)
    data_dir = data_dir or DEFAULT_DATA_DIR
    logger_kwargs: Dict[str, Any] = dict(output_dir=osp.join(data_dir, relpath), exp_name=exp_name)
    if tensorboard:
        logger_kwargs['tensorboard'] = True
    return logger_kwargs


class ExperimentError(SpinupError):
    """An experiment's process failed (its own output above says why) or crashed."""


def _resolve_thunk(thunk: Union[str, Callable]) -> Callable:
    if isinstance(thunk, str):
        # an algorithm by name, through the package's own lazy exports (the utilities sit
        # below the algorithms and never import them)
        import spinup
        names = sorted(set(spinup.__all__) - {'__version__'})
        name = thunk.split('.')[-1]  # accept 'spinup.ppo_pytorch' as well as 'ppo_pytorch'
        if name not in names:
            raise SpinupError(f"unknown algorithm '{thunk}': choose one of {', '.join(names)}.")
        return getattr(spinup, name)
    return thunk


def call_experiment(exp_name: str, thunk: Union[str, Callable], seed: int = 0,
                    num_cpu: Union[int, str] = 1, data_dir: Optional[str] = None,
                    datestamp: bool = False, log_path: Optional[str] = None, tensorboard: bool = False,
                    announce: bool = True, **kwargs: Any) -> None:
    """Run ``thunk(seed=seed, **kwargs)`` in a fresh process, under MPI if ``num_cpu > 1``.

    The thunk (a function, or the registered name of an algorithm such as ``'ppo_pytorch'``)
    is cloudpickled and handed to ``run_entrypoint.py`` in a new Python process, so every
    experiment starts clean. ``env_name='CartPole-v1'`` in ``kwargs`` becomes
    ``env_fn=EnvFn('CartPole-v1')`` (an id gymnasium no longer serves becomes its newest version); ``logger_kwargs`` is filled in from ``exp_name``,
    ``seed``, ``data_dir`` and ``datestamp`` unless given.

    Args:
        exp_name (str): Name of the experiment (and of its output folder).
        thunk: The function to run, or an algorithm's registered name.
        seed (int): Seed passed to the thunk.
        num_cpu (int or 'auto'): Number of MPI processes; ``'auto'`` uses every core.
        data_dir (str): Where outputs go; ``user_config.DEFAULT_DATA_DIR`` if None.
        datestamp (bool): Prefix the output folders with the date and time.
        log_path (str): Write what the experiment prints to this file instead of this
            process's output (how experiments running side by side keep their output apart).
        tensorboard (bool): Also write the progress rows as TensorBoard scalars in the run folder.
        announce (bool): Print the experiment's name and arguments before it starts. (A grid of
            one experiment has announced it in one line already.)

    The experiment's output is copied to this process's as it comes (or to ``log_path``). If its process is
    killed by a signal (a native crash), the error names the signal and repeats the last
    lines the experiment printed.

    Raises:
        ExperimentError: the experiment's process exited with an error, or crashed.
    """
    num_cpu = os.cpu_count() if num_cpu == 'auto' else int(num_cpu)
    kwargs['seed'] = seed
    if log_path is not None:
        os.makedirs(osp.dirname(osp.abspath(log_path)), exist_ok=True)
        with open(log_path, 'a' if kwargs.get('resume_from') else 'w') as log:  # (a resumed run's goes on)
            return _call_experiment(exp_name, thunk, num_cpu, data_dir, datestamp, tensorboard, log, kwargs,
                                    announce)
    return _call_experiment(exp_name, thunk, num_cpu, data_dir, datestamp, tensorboard, sys.stdout, kwargs,
                            announce)


def _call_experiment(exp_name: str, thunk: Union[str, Callable], num_cpu: int, data_dir: Optional[str],
                     datestamp: bool, tensorboard: bool, out: TextIO, kwargs: Dict[str, Any],
                     announce: bool = True) -> None:
    if announce:
        print(colorize(f'Experiment {exp_name}, with arguments:\n', color='cyan', bold=True, stream=out),
              file=out)
        print('\n'.join(f'    {k}: {v!r}' for k, v in sorted(kwargs.items())) + '\n', file=out, flush=True)

    if 'logger_kwargs' not in kwargs:
        kwargs['logger_kwargs'] = setup_logger_kwargs(exp_name, kwargs['seed'], data_dir, datestamp, tensorboard)
    else:
        if tensorboard:
            kwargs['logger_kwargs'] = {**kwargs['logger_kwargs'], 'tensorboard': True}
        if announce and out is sys.stdout and kwargs.get('resume_from') is None:
            print('Note: logger_kwargs given: exp_name, data_dir and datestamp are not used for the output path.\n',
                  file=out)

    if 'env_name' in kwargs:
        from spinup.utils.envs import EnvFn, resolve_env_id
        kwargs['env_fn'] = EnvFn(resolve_env_id(kwargs.pop('env_name')))

    def thunk_plus():
        from spinup.utils.mpi_tools import mpi_fork
        mpi_fork(num_cpu)  # the entry-point process re-launches itself under mpiexec
        _resolve_thunk(thunk)(**kwargs)

    encoded = base64.b64encode(zlib.compress(cloudpickle.dumps(thunk_plus))).decode('ascii')
    entrypoint = osp.join(osp.dirname(osp.abspath(__file__)), 'run_entrypoint.py')
    last_errors: Deque[str] = collections.deque(maxlen=20)
    returncode, last_lines = run_and_echo([sys.executable, '-u', entrypoint, encoded],
                                          sink=None if out is sys.stdout else out, errors=last_errors)
    signal_name = killed_by(returncode)
    if signal_name is not None:
        # killed by a signal: a native crash (SIGSEGV, SIGABRT) or the system (SIGKILL when out of memory)
        shown = '\n'.join('    ' + line for line in last_lines) or '    (nothing)'
        raise ExperimentError(f"experiment '{exp_name}' crashed with {signal_name} "
                              f"(exit status {returncode}); the last lines it printed:\n{shown}")
    if returncode in (130, 143):  # Ctrl-C or SIGTERM: it has said where its checkpoint is
        raise ExperimentError(f"experiment '{exp_name}' was stopped.", reported=True, exit_code=returncode)
    if returncode != 0 and out is not sys.stdout:
        # its output went to a file: say the error here (the last line printed) and where the rest is
        error = next((line for line in [*reversed(last_errors), *reversed(last_lines)] if line.strip()),
                     '(it printed nothing)')
        raise ExperimentError(f"experiment '{exp_name}' failed (exit status {returncode}): {error.strip()} "
                              f"(all it printed: {out.name})")
    if returncode != 0:
        # status 2: the experiment stopped on bad input and has already said why, in one line
        raise ExperimentError(f"experiment '{exp_name}' failed (exit status {returncode}); "
                              "its error is printed above.", reported=returncode == 2)

    logdir = kwargs['logger_kwargs']['output_dir']
    print(dedent(f"""
    {'=' * DIV_LINE_WIDTH}
    {colorize(f'Experiment {exp_name} finished.', 'cyan', bold=True)}

    Learning curves:    python -m spinup.run plot {logdir}
    The trained agent:  python -m spinup.run test_policy {logdir}
    {'=' * DIV_LINE_WIDTH}
    """), file=out, flush=True)


# Experiment processes running now, so that a launcher told to stop can stop them too; once
# STOPPING is set, no new one starts.
LIVE_PROCESSES: Set[subprocess.Popen] = set()
STOPPING = threading.Event()
_LIVE_LOCK = threading.Lock()


def stop_live_processes(sig: int = signal.SIGTERM) -> None:
    """Start no more experiment processes, and send ``sig`` to those that still run."""
    with _LIVE_LOCK:
        STOPPING.set()
        for proc in list(LIVE_PROCESSES):
            try:
                proc.send_signal(sig)
            except OSError:  # it ended meanwhile
                pass


def _raise_terminated(signum, frame):
    raise Terminated


def run_and_echo(cmd: List[str], keep: int = 20, sink: Optional[TextIO] = None,
                 errors: Optional[Deque[str]] = None) -> Tuple[int, List[str]]:
    """Run ``cmd``, copying its output and errors to ours (or both to ``sink``) as they come.

    ``errors``, if given, also receives the lines of its error stream alone.

    Returns:
        ``(returncode, last_lines)``: the exit status (negative for a signal, as in
        :mod:`subprocess`) and the last ``keep`` lines it printed, for a crash report.
    """
    last_lines: Deque[str] = collections.deque(maxlen=keep)
    lock = threading.Lock()

    def copy(source, dest, also=None):
        for raw in iter(source.readline, b''):
            line = raw.decode(errors='replace')
            with lock:
                last_lines.append(line.rstrip('\n'))
                if also is not None:
                    also.append(line.rstrip('\n'))
                try:
                    dest.write(line)
                    dest.flush()
                except (OSError, ValueError):  # our output is gone (a closed pipe): keep draining
                    pass

    with _LIVE_LOCK:
        if STOPPING.is_set():
            raise ExperimentError('not started: the launcher is stopping.', reported=True)
        # the experiment writes into a pipe: it colours its lines where they end on a terminal
        env = {**os.environ, 'FORCE_COLOR': '1'} if sink is None and can_colorize(sys.stdout) else os.environ
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        LIVE_PROCESSES.add(proc)
    copiers = [threading.Thread(target=copy, args=(proc.stdout, sink or sys.stdout), daemon=True),
               threading.Thread(target=copy, args=(proc.stderr, sink or sys.stderr, errors), daemon=True)]
    for thread in copiers:
        thread.start()
    # SIGTERM (sent to this process alone, by kill or a scheduler) stops as Ctrl-C does
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _raise_terminated) if in_main else None
    try:
        returncode = proc.wait()
    except KeyboardInterrupt as interrupt:
        # pass it on, and let the experiment checkpoint, say so and end (one that had Ctrl-C
        # from the terminal too takes the two as one request)
        proc.send_signal(signal.SIGTERM if isinstance(interrupt, Terminated) else signal.SIGINT)
        proc.wait()
        raise
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        LIVE_PROCESSES.discard(proc)
        for thread in copiers:
            thread.join(timeout=5)  # what is left in the pipes; a process it started may hold them open
    return returncode, list(last_lines)


def run_concurrently(launches: Sequence[Tuple[str, Callable[[], None]]], workers: int,
                     on_event: Optional[Callable[[str, str, Optional[str]], None]] = None) -> Dict[str, str]:
    """Call the ``(name, launch)`` pairs, up to ``workers`` at once; a failure does not stop the others.

    Each ``launch`` starts an experiment process and waits for it (:func:`call_experiment`),
    so ``workers`` experiments run side by side. ``on_event(kind, name, error)`` hears of each
    ``'start'``, ``'done'`` and ``'failed'`` (with the error's one line). An interrupt (Ctrl-C,
    or SIGTERM, which is turned into one here) stops the experiments that run and launches no more.

    Returns:
        ``{name: error}`` for the launches that failed.
    """
    from concurrent.futures import ThreadPoolExecutor, as_completed

    lock = threading.Lock()
    failed: Dict[str, str] = {}
    stopping = threading.Event()  # once set, experiments end because they were stopped: not news

    def tell(kind: str, name: str, error: Optional[str] = None) -> None:
        if on_event is not None and not stopping.is_set():
            with lock:
                on_event(kind, name, error)

    def one(name: str, launch: Callable[[], None]) -> None:
        tell('start', name)
        try:
            launch()
        except SpinupError as e:
            failed[name] = str(e)
            tell('failed', name, str(e))
        except Exception as e:  # a fault of this launcher: report it with the others, do not lose them
            failed[name] = f'{type(e).__name__}: {e}'
            tell('failed', name, failed[name])
        else:
            tell('done', name)

    STOPPING.clear()
    previous = signal.signal(signal.SIGTERM, _raise_terminated) if threading.current_thread() is threading.main_thread() else None
    pool = ThreadPoolExecutor(max_workers=max(1, int(workers)))
    try:
        futures = [pool.submit(one, name, launch) for name, launch in launches]
        for future in as_completed(futures):
            future.result()
    except KeyboardInterrupt as interrupt:
        stopping.set()
        pool.shutdown(wait=False, cancel_futures=True)
        # the same signal: each run then checkpoints and stops (one that also had it from the
        # terminal takes the two as one request)
        stop_live_processes(signal.SIGTERM if isinstance(interrupt, Terminated) else signal.SIGINT)
        raise
    finally:
        pool.shutdown(wait=True)
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
    return failed


def all_bools(vals: Sequence[Any]) -> bool:
    return all(isinstance(v, bool) for v in vals)


def valid_str(v: Any) -> str:
    """A string for ``v`` that is safe in a file name: ``[64, 64]`` -> ``'64-64'``."""
    if hasattr(v, '__name__'):
        return valid_str(v.__name__)
    if isinstance(v, (tuple, list)):
        return '-'.join(valid_str(x) for x in v)
    valid_chars = f'-_.{string.ascii_letters}{string.digits}'
    return ''.join(c if c in valid_chars else '-' for c in str(v).lower())


class ExperimentGrid:
    """A grid of experiments: every combination of the values added, run one after another
    (or ``workers`` at a time).

    Example::

        eg = ExperimentGrid(name='ppo-bench')
        eg.add('env_name', 'CartPole-v1', '', True)
        eg.add('seed', [0, 10, 20])
        eg.add('ac_kwargs:hidden_sizes', [(32,), (64, 64)], 'hid')
        eg.run(ppo_pytorch, num_cpu=1)

    A key with a colon sets a nested argument (``ac_kwargs['hidden_sizes']``).
    """

    def __init__(self, name: str = ''):
        self.keys: List[str] = []
        self.vals: List[List[Any]] = []
        self.shs: List[Optional[str]] = []  # the shorthands given to add(), None where none was
        self.in_names: List[bool] = []
        self.name(name)

    def name(self, _name: str) -> None:
        if not isinstance(_name, str):
            raise TypeError('the name of an ExperimentGrid must be a string')
        self._name = _name

    def print(self) -> None:
        """Print the grid: its name, each parameter with its shorthand and values, and counts."""
        lines = ['=' * DIV_LINE_WIDTH, colorize(f'ExperimentGrid [{self._name}] varies:', 'green', bold=True), '']
        for k, v, sh in zip(self.keys, self.vals, self.shorthands()):
            label = colorize(k, 'cyan', bold=True) + (f'  (shown as "{sh}")' if sh else '')
            lines.append(' ' + label)
            lines += ['     ' + str(convert_for_print(val)) for val in v]
        runs = 1
        for v in self.vals:
            runs *= len(v)
        seeds = len(self.vals[self.keys.index('seed')]) if 'seed' in self.keys else 1
        lines += ['', f' {runs} runs: {runs // seeds} settings x {seeds} seed(s)', '=' * DIV_LINE_WIDTH]
        print('\n'.join(lines), flush=True)

    def shorthands(self) -> List[Optional[str]]:
        """Each parameter's short name in experiment names: the one given to :meth:`add`, or
        (with ``DEFAULT_SHORTHAND`` on in ``user_config.py``) the first three letters of each
        colon-separated part of its key (``'ac_kwargs:hidden_sizes'`` -> ``'ac_-hid'``),
        lengthened letter by letter where two parameters would share one (``'num_envs'`` and
        ``'num_minibatches'`` -> ``'num_e'`` and ``'num_m'``), in the parts where their keys
        differ. None: named by the whole key."""
        if not DEFAULT_SHORTHAND:
            return list(self.shs)
        # letters kept of each part of each key without a shorthand given
        letters = {k: [3] * len(k.split(':')) for k, sh in zip(self.keys, self.shs) if sh is None}

        def short(key: str, sh: Optional[str]) -> str:
            return sh if sh is not None else '-'.join(p[:n] for p, n in zip(key.split(':'), letters[key]))

        while True:
            names = [short(k, sh) for k, sh in zip(self.keys, self.shs)]
            sharing = collections.defaultdict(list)  # keys by the name they would show
            for k, n in zip(self.keys, names):
                if n:
                    sharing[valid_str(n)].append(k)
            grown = False
            for k in letters:
                others = [o.split(':') for o in sharing[valid_str(short(k, None))] if o != k]
                for i, part in enumerate(k.split(':')):
                    # a part the others have too ('ac_kwargs') stays short
                    if others and letters[k][i] < len(part) and any(o[i:i + 1] != [part] for o in others):
                        letters[k][i] += 1
                        grown = True
            if not grown:
                return names

    def add(self, key: str, vals: Any, shorthand: Optional[str] = None, in_name: bool = False) -> None:
        """Add a parameter ``key`` with the value(s) ``vals`` to the grid.

        Args:
            key (str): Name of the argument; ``outer:inner`` for a nested one.
            vals: One value, or a list of values to try.
            shorthand (str): Short name for ``key`` in experiment names.
            in_name (bool): Put the parameter in the experiment name even if it has a
                single value. (Parameters with several values are always named, except
                the seed, which gets its own subfolder.)
        """
        if not isinstance(key, str) or not key:
            raise SpinupError('ExperimentGrid.add: the key must be a non-empty string.')
        if key in self.keys:
            raise SpinupError(f"ExperimentGrid.add: '{key}' was added twice; give all its values in one add().")
        if shorthand is not None and not isinstance(shorthand, str):
            raise SpinupError('ExperimentGrid.add: the shorthand must be a string.')
        if not isinstance(vals, list):
            vals = [vals]
        if not vals:
            raise SpinupError(f"ExperimentGrid.add: '{key}' was given no values; give at least one.")
        self.keys.append(key)
        self.vals.append(vals)
        self.shs.append(shorthand)
        self.in_names.append(in_name)

    def variant_name(self, variant: Dict[str, Any]) -> str:
        """The experiment name of one variant: the grid's name followed by the parameters
        that vary (or were asked to be named), as ``shorthand + value``.

        A parameter whose values are all booleans appears as its shorthand alone when True.
        The seed never appears: each seed gets its own subfolder.
        """
        def get_val(v, k):
            # look up a key, descending into nested dicts for 'outer:inner' keys
            if k in v:
                return v[k]
            outer, _, inner = k.partition(':')
            return get_val(v[outer], inner)

        var_name = self._name
        for k, v, sh, inn in zip(self.keys, self.vals, self.shorthands(), self.in_names):
            if (len(v) > 1 or inn) and k != 'seed':
                param_name = valid_str(sh if sh is not None else k)
                variant_val = get_val(variant, k)
                if all_bools(v):
                    var_name += ('_' + param_name) if variant_val else ''
                else:
                    var_name += '_' + param_name + valid_str(variant_val)
        return var_name.lstrip('_')

    def _variants(self, keys: List[str], vals: List[List[Any]]) -> List[Dict[str, Any]]:
        """Every combination of values, as flat dicts, the first key varying slowest."""
        return [dict(zip(keys, combo)) for combo in itertools.product(*vals)]

    def variants(self) -> List[Dict[str, Any]]:
        """Every combination of the grid's values, with ``outer:inner`` keys made into nested dicts."""
        flat_variants = self._variants(self.keys, self.vals)

        def unflatten_var(var):
            whole = {k for k in var if ':' not in k}
            new_var = {}
            for k, v in var.items():
                if ':' in k:
                    outer, inner = k.split(':', 1)
                    if outer in whole:
                        raise SpinupError(f"ExperimentGrid: '{outer}' is set both whole and by its part '{k}'.")
                    new_var.setdefault(outer, {})[inner] = v
                else:
                    new_var[k] = v
            # parts may nest further ('a:b:c')
            return {k: unflatten_var(v) if k not in whole and any(':' in kk for kk in v) else v
                    for k, v in new_var.items()}

        return [unflatten_var(var) for var in flat_variants]

    def run(self, thunk: Union[str, Callable], num_cpu: Union[int, str] = 1,
            data_dir: Optional[str] = None, datestamp: bool = False, workers: int = 1,
            tensorboard: bool = False) -> None:
        """Run every variant of the grid with ``thunk`` via :func:`call_experiment`.

        Args:
            thunk: The function to run, or an algorithm's registered name ('ppo_pytorch').
            num_cpu (int or 'auto'): MPI processes for each experiment.
            data_dir (str): Where outputs go.
            datestamp (bool): Prefix the output folders with the date and time.
            workers (int): How many experiments run at once. With 1, one after another, their
                output shown as it comes, stopping at the first failure. With more, side by
                side, each one's output in ``output.txt`` in its run folder and a line when it
                starts and ends; a failure does not stop the others, and all failures are
                raised together at the end.
            tensorboard (bool): Also write each run's progress rows as TensorBoard scalars.
        """
        if not isinstance(workers, int) or isinstance(workers, bool) or workers < 1:
            raise SpinupError(f'ExperimentGrid.run: workers must be a whole number of at least 1, not {workers!r}.')
        if not isinstance(tensorboard, bool):
            raise SpinupError(f'ExperimentGrid.run: tensorboard must be True or False, not {tensorboard!r}.')
        variants = self.variants()
        if len(variants) == 1:  # one run: announced as a run, in one line
            var, exp_name = variants[0], self.variant_name(variants[0])
            logger_kwargs = var.get('logger_kwargs') or setup_logger_kwargs(
                exp_name, var.get('seed', 0), data_dir, datestamp, tensorboard)
            print(colorize(run_line(thunk, var, logger_kwargs['output_dir']), 'cyan', bold=True), flush=True)
            call_experiment(exp_name, thunk, num_cpu=num_cpu, tensorboard=tensorboard, announce=False,
                            **{**var, 'logger_kwargs': logger_kwargs})
            return

        self.print()
        var_names = [self.variant_name(var) for var in variants]
        seeds = [var.get('seed', 0) for var in variants]
        if len(set(zip(var_names, seeds))) != len(variants):
            raise SpinupError('ExperimentGrid: several variants share a name and would overwrite each '
                              'other; name the varying parameters (in_name=True or a shorthand).')

        line = '=' * DIV_LINE_WIDTH
        joined = '\n'.join(sorted(set(var_names)))
        workers = min(workers, len(variants))  # with one experiment, its output is shown as it comes
        how = 'one after another' if workers == 1 else f'{workers} at a time'
        print(f"{line}\n{colorize(f'Experiments to run, {how}:', color='green', bold=True)}"
              f"\n\n{joined}\n\n{line}", flush=True)

        if WAIT_BEFORE_LAUNCH > 0 and sys.stdout.isatty():
            print(colorize('Starting soon: time to check the list above '
                           '(WAIT_BEFORE_LAUNCH in spinup/user_config.py sets the delay).',
                           color='cyan', bold=True))
            for remaining in range(int(WAIT_BEFORE_LAUNCH), 0, -1):
                print(f'\rLaunching in {remaining} s... (Ctrl-C to cancel)', end='', flush=True)
                time.sleep(1)
            print()

        if workers == 1:
            for var, exp_name in zip(variants, var_names):
                call_experiment(exp_name, thunk, num_cpu=num_cpu, data_dir=data_dir,
                                datestamp=datestamp, tensorboard=tensorboard, **var)
            return

        def launch(exp_name: str, var: Dict[str, Any]) -> Tuple[str, Callable[[], None]]:
            logger_kwargs = var.get('logger_kwargs') or setup_logger_kwargs(
                exp_name, var.get('seed', 0), data_dir, datestamp, tensorboard)
            log_path = osp.join(logger_kwargs['output_dir'], 'output.txt')
            label = f"{exp_name} (seed {var.get('seed', 0)})"
            return label, lambda: call_experiment(exp_name, thunk, num_cpu=num_cpu, log_path=log_path,
                                                  tensorboard=tensorboard, **{**var, 'logger_kwargs': logger_kwargs})

        def on_event(kind: str, label: str, error: Optional[str]) -> None:
            print(f'{kind:7s} {label}' + (f': {error}' if error else ''), flush=True)

        failed = run_concurrently([launch(n, v) for v, n in zip(variants, var_names)], workers, on_event)
        if failed:
            lines = '\n'.join(f'  {label}: {error}' for label, error in failed.items())
            raise ExperimentError(f'{len(failed)} of {len(variants)} experiments failed:\n{lines}')


def run_line(thunk: Union[str, Callable], variant: Dict[str, Any], output_dir: str) -> str:
    """One run in one line: ``Running ppo_pytorch on CartPole-v1, seed 0: output in data/cp/cp_s0``."""
    what = thunk if isinstance(thunk, str) else getattr(thunk, '__name__', 'the experiment')
    env = f" on {variant['env_name']}" if 'env_name' in variant else ''
    return f"Running {what}{env}, seed {variant.get('seed', 0)}: output in {output_dir}"


def convert_for_print(val: Any) -> Any:
    """Functions and classes print as their names in the grid's table."""
    return getattr(val, '__name__', val)
