"""Running a benchmark: every experiment through :func:`call_experiment`, a few at a time on
this machine, or as Ray tasks on a cluster; finished runs are skipped, unfinished ones go on.

A run is finished when its folder holds ``config.json`` and a ``progress.txt`` with a row for
every epoch. On this machine, an unfinished run with a checkpoint (one stopped by Ctrl-C, or
that died after its first save) goes on from it; anything else in its place (a run that died
before, a lost Ray node) is removed and run again. So re-running the same command completes a
grid without duplicating a run.
"""
import functools
import json
import math
import os
import os.path as osp
import re
import shutil
import signal
import socket
import statistics
import sys
import tempfile
import time
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from spinup.benchmarks.presets import Experiment, family
from spinup.utils.checkpoint import find, read_info
from spinup.utils.errors import SpinupError, Terminated
from spinup.utils.run_utils import call_experiment, run_concurrently

# Saved models stay on a Ray worker unless asked for: pyt_save/, tf1_save/, numbered snapshots,
# and the checkpoint (a replay buffer can be large).
MODEL_DIRS = re.compile(r'^((pyt|tf1)_save\d*|checkpoint)$')
INCOMING = '.incoming'  # where the files of a Ray run are put together before they take their place


def train(algo_name: str, hidden_sizes: Tuple[int, ...], activation: str, **kwargs: Any) -> None:
    """Run the registered algorithm ``algo_name`` with a network of ``hidden_sizes`` and the
    activation called ``activation`` ('tanh' or 'relu') in its own backend."""
    from spinup.algos import load, split_name
    if split_name(algo_name)[1] == 'pytorch':
        import torch.nn as nn

        from spinup.utils.activations_pytorch import Tanh
        act = {'tanh': Tanh, 'relu': nn.ReLU}[activation]
    else:
        import tensorflow.compat.v1 as tf
        act = {'tanh': tf.nn.tanh, 'relu': tf.nn.relu}[activation]
    ac_kwargs = dict(hidden_sizes=tuple(hidden_sizes), activation=act, **kwargs.pop('ac_kwargs', {}))
    load(algo_name)(ac_kwargs=ac_kwargs, **kwargs)


def launch(exp: Experiment, data_dir: str, resume: bool = False) -> None:
    """Run ``exp`` in a fresh process into ``data_dir/exp.relpath``, its output in ``output.txt``
    there; with ``resume``, go on from the checkpoint in that folder."""
    thunk = functools.partial(train, exp.pair, exp.hidden_sizes, exp.activation)
    run_dir = osp.join(data_dir, exp.relpath)
    more = dict(resume_from=run_dir, logger_kwargs=dict(output_dir=run_dir, exp_name=exp.name)) if resume else {}
    call_experiment(exp.name, thunk, seed=exp.seed, data_dir=data_dir,
                    log_path=osp.join(run_dir, 'output.txt'), env_name=exp.env,
                    epochs=exp.epochs, steps_per_epoch=exp.steps_per_epoch, **exp.kwargs, **more)


def is_finished(run_dir: str, epochs: int) -> bool:
    """Whether ``run_dir`` holds a whole run: config.json, and a progress row for each of ``epochs``."""
    progress = osp.join(run_dir, 'progress.txt')
    if not (osp.isfile(osp.join(run_dir, 'config.json')) and osp.isfile(progress)):
        return False
    with open(progress) as f:
        rows = sum(1 for line in f if line.strip()) - 1  # less the header
    return rows >= epochs


def run_seconds(run_dir: str) -> Optional[float]:
    """The ``Time`` of the last epoch of the run in ``run_dir``: the seconds it ran, over all its
    sittings (a resumed run's clock goes on from its checkpoint). None when it cannot be read."""
    try:
        with open(osp.join(run_dir, 'progress.txt')) as f:
            header, *rows = [line.rstrip('\n').split('\t') for line in f if line.strip()]
        seconds = float(rows[-1][header.index('Time')])
    except (OSError, ValueError, IndexError):
        return None
    return seconds if math.isfinite(seconds) and seconds > 0 else None


def resumable(run_dir: str, epochs: int) -> bool:
    """Whether ``run_dir`` holds an unfinished run whose checkpoint it can go on from."""
    folder = find(run_dir) if osp.isfile(osp.join(run_dir, 'config.json')) else None
    if folder is None:
        return False
    try:
        done = read_info(folder)['counters'].get('epoch')
    except SpinupError:
        return False
    return isinstance(done, int) and done < epochs


def other_budget(run_dir: str, exp: Experiment) -> Optional[str]:
    """How the run in ``run_dir`` was budgeted, if not as ``exp`` is (``'10 x 4000 steps'``), else None."""
    try:
        with open(osp.join(run_dir, 'config.json')) as f:
            config = json.load(f)
    except (OSError, ValueError):
        return None  # no run there yet, or one that died before writing it: it is redone
    recorded = (config.get('epochs'), config.get('steps_per_epoch'))
    if recorded != (exp.epochs, exp.steps_per_epoch):
        return f'{recorded[0]} x {recorded[1]} steps'
    return None


def _groups(exp: Experiment) -> Tuple[str, str, str]:
    """What a run's speed is learnt for, most alike first: its pair, its family, every run."""
    return exp.pair, family(exp.algo), 'all'


class Progress:
    """One line: runs done / running / failed / left, and an estimate of the time left.

    The estimate prices each run left by the seconds per environment step that finished runs
    of the same algorithm and backend took (else of the same family, else of any), and shares
    the total among the ``parallel`` runs that go at once (but no less than the longest run
    left). A finished run's seconds are the ``Time`` of its last epoch in ``data_dir``
    (start-up left out; a resumed run's clock goes on from its checkpoint, so it counts
    whole), else the wall time it took here; the runs ``finished`` in earlier sittings count
    too. With ``queued=True`` (Ray) a started run may still wait for a CPU, so its time
    counts whole.
    """

    def __init__(self, runs: Sequence[Experiment], parallel: int, stream=None, queued: bool = False,
                 data_dir: Optional[str] = None, finished: Sequence[Experiment] = ()):
        self.runs = {exp.run_name: exp for exp in runs}
        self.data_dir = data_dir
        self.parallel = max(1, min(parallel, len(runs)))
        self.queued = queued
        self.running_label = 'queued or running' if queued else 'running'
        self.started: Dict[str, float] = {}
        self.per_step: Dict[str, List[float]] = {}  # 'ppo_tf1', 'on-policy', 'all' -> seconds per step
        for exp in finished:
            self._learn(exp)
        self.done = self.failed = 0
        self.start = time.time()
        self.stream = stream or sys.stdout
        self.live = self.stream.isatty()

    def _learn(self, exp: Experiment, took: Optional[float] = None) -> None:
        seconds = run_seconds(osp.join(self.data_dir, exp.relpath)) if self.data_dir else None
        seconds = seconds or took
        if seconds is None:
            return
        for group in _groups(exp):
            self.per_step.setdefault(group, []).append(seconds / exp.steps)

    def _seconds(self, exp: Experiment) -> Optional[float]:
        for group in _groups(exp):
            if group in self.per_step:
                return exp.steps * statistics.mean(self.per_step[group])
        return None

    def eta(self) -> Optional[float]:
        now, left = time.time(), []
        for k, exp in self.runs.items():
            seconds = self._seconds(exp)
            if seconds is None:
                return None
            running = k in self.started and not self.queued
            left.append(max(0.0, seconds - (now - self.started[k])) if running else seconds)
        return max(sum(left) / self.parallel, max(left, default=0.0))  # no sooner than the longest run left

    def line(self) -> str:
        from tqdm import tqdm
        left = len(self.runs) - len(self.started)
        eta = self.eta()
        return (f'done {self.done}, {self.running_label} {len(self.started)}, failed {self.failed}, left {left} '
                f'| {tqdm.format_interval(time.time() - self.start)} elapsed, '
                f"ETA {tqdm.format_interval(eta) if eta is not None else '?'}")

    def event(self, kind: str, k: str, error: Optional[str] = None) -> None:
        if kind == 'start':
            self.started[k] = time.time()
        else:
            exp, took = self.runs.pop(k), time.time() - self.started.pop(k)
            if kind == 'done':
                self.done += 1
                self._learn(exp, took)
            else:
                self.failed += 1
        if self.live:
            print(f'\r\x1b[2K{self.line()}', end='', file=self.stream, flush=True)
        else:
            print(f'[{kind} {k}] {self.line()}', file=self.stream, flush=True)

    def close(self) -> None:
        if self.live:
            print(file=self.stream, flush=True)


def run_benchmark(runs: Sequence[Experiment], data_dir: str, workers: int = 2,
                  ray_address: Optional[str] = None, use_ray: bool = False, models: bool = False) -> int:
    """Run what is not finished of ``runs`` into ``data_dir``; report failures at the end.

    Args:
        runs: The experiments (from :func:`spinup.benchmarks.presets.experiments`).
        data_dir: The benchmark's folder; run folders go to ``data_dir/<exp name>/<exp name>_s<seed>``.
        workers: How many experiments run at once on this machine (with Ray, on a local Ray
            instance; on a cluster, Ray decides).
        use_ray: Run each experiment as a Ray task; ``ray_address`` names the cluster (None: a
            local Ray instance). The run folders come back to ``data_dir`` here.
        models: With Ray, bring the saved models back too (they stay on the worker otherwise).

    Returns:
        The exit status: 0 when every run is finished, 1 when some failed.
    """
    if use_ray and ray_address:
        check_reachable(ray_address)  # before anything is written or said
    data_dir = osp.abspath(data_dir)
    try:
        os.makedirs(data_dir, exist_ok=True)
    except OSError as e:
        raise SpinupError(f'cannot make the benchmark folder {data_dir} ({e.strerror}): choose another --data_dir.') \
            from None
    budgets = [(exp, other_budget(osp.join(data_dir, exp.relpath), exp)) for exp in runs]
    clashes = [(exp, budget) for exp, budget in budgets if budget]
    if clashes:
        exp, budget = clashes[0]
        raise SpinupError(f'{data_dir} holds {runs_word(len(clashes))} of another budget ({exp.run_name}: {budget}, '
                          f'not {exp.epochs} x {exp.steps_per_epoch}): give another --data_dir, or remove them.')
    todo = [exp for exp in runs if not is_finished(osp.join(data_dir, exp.relpath), exp.epochs)]
    print(f'{len(runs)} runs: {len(runs) - len(todo)} finished already, {len(todo)} to run '
          f"{'as Ray tasks' if use_ray else f'{workers} at a time'}, into {data_dir}", flush=True)
    left = {exp.run_name for exp in todo}
    progress = Progress(todo, workers, queued=use_ray, data_dir=data_dir,
                        finished=[exp for exp in runs if exp.run_name not in left])
    t0 = time.time()
    try:
        if use_ray:
            failed = run_on_ray(todo, data_dir, ray_address, workers, models, progress)
        else:
            def local(exp: Experiment) -> Tuple[str, Callable[[], None]]:
                def go() -> None:
                    run_dir = osp.join(data_dir, exp.relpath)
                    if resumable(run_dir, exp.epochs):
                        launch(exp, data_dir, resume=True)
                        return
                    shutil.rmtree(run_dir, ignore_errors=True)  # what a dead run left
                    launch(exp, data_dir)
                return exp.run_name, go
            failed = run_concurrently([local(exp) for exp in todo], workers, progress.event)
    except KeyboardInterrupt:
        progress.close()
        print(f'{runs_word(progress.done)} finished before the interrupt; the same command again runs the rest '
              f"(unfinished runs {'start over' if use_ray else 'go on from their checkpoints'}).", file=sys.stderr)
        raise
    progress.close()
    minutes = (time.time() - t0) / 60
    print(f'{runs_word(progress.done)} finished in {minutes:.1f} min, {len(failed)} failed.')
    if failed:
        print(f'{runs_word(len(failed))} failed (the same command again retries them):', file=sys.stderr)
        for name, error in failed.items():
            print(f'  {name}: {error}', file=sys.stderr)
        return 1
    print(f'Report: python -m spinup.run benchmark report {data_dir}')
    return 0


def runs_word(n: int) -> str:
    return f"{n} run{'' if n == 1 else 's'}"


# ---------------------------------------------------------------------------------------------
# Ray: each experiment a task; its small outputs come back as bytes and are written here.

def ray_task(exp: Experiment, models: bool) -> Dict[str, Any]:
    """Run ``exp`` on a Ray worker in a temporary folder; return its files and its error, if any."""
    tmp = tempfile.mkdtemp(prefix='spinup-benchmark-')
    try:
        error = None
        try:
            launch(exp, tmp)
        except SpinupError as e:
            error = str(e).replace(tmp, '<worker>')
        files = {}
        run_dir = osp.join(tmp, exp.relpath)
        for root, dirs, names in os.walk(run_dir):
            dirs[:] = [d for d in dirs if models or not MODEL_DIRS.match(d)]
            for name in names:
                path = osp.join(root, name)
                with open(path, 'rb') as f:
                    files[osp.relpath(path, run_dir)] = f.read()
        return dict(error=error, files=files)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def receive(exp: Experiment, files: Dict[str, bytes], data_dir: str) -> None:
    """Write a run's files under ``data_dir``: first into a staging folder, then into place in one
    rename, so that a run folder is either whole or absent."""
    stage = osp.join(data_dir, INCOMING, exp.relpath)
    shutil.rmtree(stage, ignore_errors=True)
    for rel, data in files.items():
        path = osp.join(stage, rel)
        os.makedirs(osp.dirname(path), exist_ok=True)
        with open(path, 'wb') as f:
            f.write(data)
    os.makedirs(stage, exist_ok=True)
    final = osp.join(data_dir, exp.relpath)
    shutil.rmtree(final, ignore_errors=True)
    os.makedirs(osp.dirname(final), exist_ok=True)
    os.replace(stage, final)


def check_reachable(address: str, timeout: float = 10.0) -> None:
    """Refuse a ``HOST:PORT`` address where nothing answers, at once: Ray itself would retry for ever.
    Other forms (``auto``, ``ray://...``) are left to Ray."""
    host, sep, port = address.rpartition(':')
    if not (sep and host and port.isdigit()) or '://' in address:
        return
    try:
        socket.create_connection((host.strip('[]'), int(port)), timeout=timeout).close()
    except OSError as e:
        reason = e.strerror or type(e).__name__
        raise SpinupError(f'could not reach the Ray cluster at {address} ({reason}): start it there with '
                          f'ray start --head --port {port}, or give the address that ray status prints on its head '
                          'node.') from None


def run_on_ray(runs: Sequence[Experiment], data_dir: str, address: Optional[str], workers: int,
               models: bool, progress: Progress) -> Dict[str, str]:
    try:
        import ray
    except ImportError:
        raise SpinupError('--ray needs Ray, which is not installed: pip install -e ".[ray]" '
                          '(in the spinup checkout), then run the same command again.') from None
    shutil.rmtree(osp.join(data_dir, INCOMING), ignore_errors=True)
    options = dict(include_dashboard=False, log_to_driver=False, logging_level='ERROR')
    try:
        if address:
            ray.init(address=address, **options)
        else:
            ray.init(num_cpus=workers, **options)
    except (ConnectionError, RuntimeError, ValueError) as e:
        hint = (' (a cluster with token authentication needs RAY_AUTH_MODE=token and its token, in RAY_AUTH_TOKEN '
                'or ~/.ray/auth_token, on this machine too)') if address else ''
        raise SpinupError(f'could not reach the Ray cluster at {address or "(a local instance)"}: '
                          f'{str(e).splitlines()[0]}{hint}') from None

    def on_sigterm(signum, frame):  # Ray's own handler would exit at once: stop as on Ctrl-C instead
        raise Terminated
    previous = signal.signal(signal.SIGTERM, on_sigterm)
    progress.parallel = max(1, int(ray.cluster_resources().get('CPU', workers)))  # for the ETA
    failed: Dict[str, str] = {}
    try:
        task = ray.remote(ray_task)
        pending = {}
        for exp in runs:
            # a task takes the cores its experiment's processes use
            cpus = int(exp.kwargs.get('num_cpu', 1))
            pending[task.options(num_cpus=cpus, max_retries=3).remote(exp, models)] = exp
            progress.event('start', exp.run_name)
        while pending:
            ready, _ = ray.wait(list(pending), num_returns=1)
            exp = pending.pop(ready[0])
            k = exp.run_name
            try:
                result = ray.get(ready[0])
            except ray.exceptions.RayError as e:  # the task or its node died
                result = dict(error=str(e).strip().splitlines()[-1], files={})
            if result['files']:  # a failed run's too: its output.txt says what went wrong
                try:
                    receive(exp, result['files'], data_dir)
                except OSError as e:
                    result['error'] = result['error'] or f'its files could not be written into {data_dir}: {e}'
            if result['error']:
                failed[k] = result['error']
                progress.event('failed', k, result['error'])
            else:
                progress.event('done', k)
    except KeyboardInterrupt:
        for ref in list(pending):
            ray.cancel(ref, force=True)
        raise
    finally:
        signal.signal(signal.SIGTERM, previous)
        ray.shutdown()
        shutil.rmtree(osp.join(data_dir, INCOMING), ignore_errors=True)
    return failed
