"""Checkpoints: everything a run needs to go on training where it stopped, and a safe stop on
Ctrl-C or SIGTERM.

With each save (every ``save_freq`` epochs and after the last one) an algorithm also writes
``checkpoint/`` in its output folder. The new checkpoint takes the old one's place in one
step, so a crash while it is written leaves the previous one whole::

    checkpoint/
        checkpoint.json   where the run is: its algorithm, the loop's counters (epochs done,
                          environment steps), rows of progress.txt, time trained, processes
        model.pt          PyTorch: the state dicts of every network (target networks too)
                          and optimizer
        tf1/              TF1: a tf.train.Saver of every variable (Adam's slots and the
                          policy's random generator too)
        buffer/*.npy      a replay buffer's stored transitions (its filled part) and counters
        normalizer.pkl    the running statistics of observations and returns, where the run
                          normalizes them (the same on every MPI process at an epoch's end)
        processes.pkl     each MPI process's random states (Python, NumPy, the framework,
                          the environments and their action spaces) and what it stored for
                          the epoch's row so far

A resumed run (the algorithm's ``resume_from`` keyword, or ``python -m spinup.run resume
RUN``) builds its agent as usual, then loads all of that, and appends to progress.txt. The
episode under way when the checkpoint was written is cut there, as a time limit would cut it:
the environment's own state is not saved, so the resumed run starts a new one.

Stopping: while a :class:`Checkpoint` is alive, the first Ctrl-C (SIGINT) or SIGTERM only
asks the run to stop. An on-policy algorithm finishes the epoch under way (one batch, one
update: seconds), an off-policy one the step; each then saves, writes the checkpoint,
prints the command that resumes it, and stops with status 130 (143 for SIGTERM). A second
signal stops the run at once. Under MPI every process gets the signal from ``mpiexec`` and
they agree to stop after the same epoch.
"""
import json
import os
import os.path as osp
import pickle
import random
import signal
import threading
import time
import weakref
from types import SimpleNamespace
from typing import Any, Dict, Optional

import numpy as np

from spinup.utils.errors import SpinupError, interrupt
from spinup.utils.mpi_tools import mpi_sum, num_procs, proc_id
from spinup.utils.phases import phase
from spinup.utils.serialization_utils import atomic_dir, saved_dir

FOLDER = 'checkpoint'
INFO = 'checkpoint.json'
TF1_RNG_COLLECTION = 'spinup_random_generators'
NORMALIZER = 'normalizer.pkl'
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def find(path: str) -> Optional[str]:
    """The checkpoint folder of the run folder ``path`` (or ``path`` itself if it is one), or
    None if it has none."""
    for candidate in (osp.join(path, FOLDER), path):
        folder = saved_dir(candidate)  # (or the copy set aside if a crash fell mid-swap)
        if osp.isfile(osp.join(folder, INFO)):
            return folder
    return None


def read_info(folder: str) -> Dict[str, Any]:
    """The contents of a checkpoint's ``checkpoint.json``."""
    path = osp.join(folder, INFO)
    try:
        with open(path) as f:
            info = json.load(f)
    except (OSError, ValueError) as err:
        raise SpinupError(f'cannot read the checkpoint {path} ({err}).') from None
    if not (isinstance(info, dict) and isinstance(info.get('counters'), dict)):
        raise SpinupError(f'{path} is not a checkpoint of this library.')
    return info


def resume_command(run_dir: str) -> str:
    return f'python -m spinup.run resume {run_dir}'


def epoch_span(start: int, stop: int) -> str:
    """Epochs ``start`` to ``stop - 1``, named as progress.txt's ``Epoch`` column numbers them
    (from 0): ``'epochs 2-5'``, ``'epoch 0'``, ``'no epoch'``. Every message about epochs uses
    it: a checkpoint's counter ``epoch`` is a count, n epochs done, which are epochs 0 to n - 1."""
    if stop - start <= 0:
        return 'no epoch'
    return f'epoch {start}' if stop - start == 1 else f'epochs {start}-{stop - 1}'


def counted(counters: Dict[str, int]) -> str:
    """A checkpoint's counters, said: ``'epochs 0-1 done (total_steps 900)'``."""
    others = {k: v for k, v in counters.items() if k != 'epoch'}
    said = ', '.join(f'{k} {v}' for k, v in others.items())
    if 'epoch' not in counters:
        return said
    return f'{epoch_span(0, counters["epoch"])} done' + (f' ({said})' if said else '')


def tf1_random_generator():
    """The TF1 graph's random generator, for the policy's samples: its state is a variable, so
    the checkpoint's ``tf.train.Saver`` keeps it and a resumed run draws the numbers the
    uninterrupted one would have. (A plain ``tf.random_normal`` keeps its state inside the
    op, where no checkpoint reaches.) Made once a graph, at its top level (outside the
    scopes that name the networks' variables), seeded from ``tf.set_random_seed``."""
    import tensorflow.compat.v1 as tf
    graph = tf.get_default_graph()
    made = graph.get_collection(TF1_RNG_COLLECTION)
    if made:
        return made[0]
    with graph.name_scope(None):
        generator = tf.random.Generator.from_seed(graph.seed or 0)
    graph.add_to_collection(TF1_RNG_COLLECTION, generator)
    return generator


def _rng_state(generator) -> Dict[str, Any]:
    return generator.bit_generator.state


class Checkpoint:
    """What an algorithm needs to checkpoint and resume one run.

    Made after the agent, optimizers and buffer, with the run's logger::

        checkpoint = Checkpoint(logger, envs=dict(env=env), parts=dict(ac=ac, pi_optimizer=pi_optimizer))
        start = checkpoint.restore(resume_from, epoch=0)  # start.epoch: 0, or where the run stopped
        ...
        checkpoint.save(epoch=epoch + 1)                   # with each save of the agent

    Args:
        logger: The run's :class:`~spinup.utils.logx.EpochLogger`.
        envs (dict): The run's environments by name; their random states and their action
            spaces' are kept.
        parts (dict): PyTorch: everything with a ``state_dict`` to keep (networks, target
            networks, optimizers), by name.
        session: TF1: the ``tf.Session``, whose every variable is kept.
        buffer: A replay buffer (``obs_buf``... arrays of ``max_size`` rows, ``ptr``,
            ``size``), whose filled part is kept. (An on-policy buffer is empty at the epoch
            ends where checkpoints are written.)
        normalizer: A :class:`~spinup.utils.normalization.Normalizer`, whose statistics are
            kept where it normalizes anything.
    """

    def __init__(self, logger, envs: Dict[str, Any], parts: Optional[Dict[str, Any]] = None,
                 session=None, buffer=None, normalizer=None):
        self.logger, self.envs, self.parts = logger, envs, parts or {}
        self.session, self.buffer = session, buffer
        self.normalizer = normalizer if normalizer is not None and normalizer.on else None
        self.folder = osp.join(logger.output_dir, FOLDER)
        self.clock = time.time()  # time trained = now - clock
        self.signum: Optional[int] = None
        self.last_epoch: Optional[int] = None  # the epochs done at the last save
        self._previous: Dict[int, Any] = {}  # the signal handlers before the run's
        if session is not None:
            import tensorflow.compat.v1 as tf
            with session.graph.as_default():
                self._saver = tf.train.Saver(allow_empty=True, max_to_keep=None, save_relative_paths=True)
            self._tf_rng = [g.state for g in session.graph.get_collection(TF1_RNG_COLLECTION)]
        self._catch_signals()

    # --- stopping ---------------------------------------------------------------------------

    def _catch_signals(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return  # (signals reach the main thread only)
        previous = self._previous = {s: signal.getsignal(s) for s in STOP_SIGNALS}
        this = weakref.ref(self)

        def on_signal(signum, frame):
            checkpoint = this()
            if checkpoint is None or not _running(checkpoint, frame):
                # the run is over (ended, or stopped by an error): the signal does what it did before
                _restore_signals(previous)
                handler = previous[signum]
                if callable(handler):
                    return handler(signum, frame)
                os.kill(os.getpid(), signum)
                return
            if checkpoint.signum is not None and time.time() - checkpoint.signal_time < 1:
                return  # the same request again (the terminal's Ctrl-C, and a launcher passing it on)
            if checkpoint.signum is not None:
                print(f'\nSecond {signal.Signals(signum).name}: stopping now, without a new checkpoint.',
                      flush=True)
                _restore_signals(previous)
                raise interrupt(signum, reported=True)
            checkpoint.signum, checkpoint.signal_time = signum, time.time()
            if proc_id() == 0:
                print(f'\n{signal.Signals(signum).name}: stopping after this '
                      f'{"step" if checkpoint.buffer is not None else "epoch"}, with a checkpoint '
                      '(again to stop at once).', flush=True)

        for s in STOP_SIGNALS:
            signal.signal(s, on_signal)
        # once the run is over (this object dropped), the signals do what they did before
        weakref.finalize(self, _restore_signals, previous)

    def stop_requested(self) -> bool:
        """Whether Ctrl-C or SIGTERM asked the run to stop. Under MPI, whether any process
        was asked: call it on every process at the same point (an epoch's end)."""
        return mpi_sum(self.signum is not None) > 0

    def exit(self) -> None:
        """Stop the run after its last checkpoint: say how to resume it, then raise
        KeyboardInterrupt (exit status 130 from the command line), or
        :class:`~spinup.utils.errors.Terminated` for SIGTERM (143). A run whose last
        checkpoint came after its last epoch has nothing left to resume: it ends as usual."""
        if self.last_epoch is not None and self.last_epoch == self.logger.total_epochs:
            return
        _restore_signals(self._previous)
        if proc_id() == 0:
            print(f'\nStopped with {epoch_span(0, self.last_epoch or 0)} done; the checkpoint is '
                  f'in {self.folder}. To go on:\n\n    {resume_command(self.logger.output_dir)}\n',
                  flush=True)
        raise interrupt(self.signum, reported=True)  # (said: no 'Interrupted.' after it)

    # --- saving -----------------------------------------------------------------------------

    def _process_state(self) -> Dict[str, Any]:
        state = dict(python=random.getstate(), numpy=np.random.get_state(),
                     envs={name: _env_states(env) for name, env in self.envs.items()},
                     stored={k: list(v) for k, v in self.logger.epoch_dict.items()})
        if self.session is not None:
            state['tf1'] = self.session.run(self._tf_rng)
        else:
            import torch
            state['torch'] = torch.get_rng_state()
        return state

    @phase('save')
    def save(self, **counters: int) -> None:
        """Write a checkpoint at this point of the loop, whose ``counters`` (epochs done, steps
        taken, ...) a resumed run starts from. Under MPI, call it on every process."""
        self.last_epoch = counters.get('epoch')
        states = [self._process_state()]
        if num_procs() > 1:
            from mpi4py import MPI
            states = MPI.COMM_WORLD.gather(states[0], root=0)
        if proc_id() == 0:
            self._write(states, counters)
        if num_procs() > 1:  # no process stops (or goes on) before the checkpoint is whole
            from mpi4py import MPI
            MPI.COMM_WORLD.Barrier()

    def _write(self, states, counters: Dict[str, int]) -> None:
        info = dict(function=self.logger._caller, counters=counters, rows=self.logger.rows,
                    elapsed=time.time() - self.clock, num_procs=num_procs(),
                    framework='tf1' if self.session is not None else 'pytorch')
        with atomic_dir(self.folder) as tmp:
            os.makedirs(tmp)
            if self.session is not None:
                self._saver.save(self.session, osp.join(tmp, 'tf1', 'variables'),
                                 write_meta_graph=False, write_state=False)
            else:
                import torch
                torch.save({name: part.state_dict() for name, part in self.parts.items()},
                           osp.join(tmp, 'model.pt'))
            if self.buffer is not None:
                _save_buffer(self.buffer, osp.join(tmp, 'buffer'))
            if self.normalizer is not None:
                with open(osp.join(tmp, NORMALIZER), 'wb') as f:
                    pickle.dump(self.normalizer.state_dict(), f, protocol=pickle.HIGHEST_PROTOCOL)
            with open(osp.join(tmp, 'processes.pkl'), 'wb') as f:
                pickle.dump(states, f, protocol=pickle.HIGHEST_PROTOCOL)
            with open(osp.join(tmp, INFO), 'w') as f:  # last: a folder with it is complete
                json.dump(info, f, indent=1)

    # --- resuming ---------------------------------------------------------------------------

    def restore(self, resume_from: Optional[str], **counters: int) -> SimpleNamespace:
        """Load the checkpoint in ``resume_from`` (a run folder or its ``checkpoint/``), if
        given, into the agent, optimizers, buffer, random states and logger.

        Returns:
            The loop's counters to start from: those given (a new run) or the checkpoint's;
            also ``resumed`` (bool) and ``elapsed``, the seconds trained before.
        """
        if resume_from is None:
            return SimpleNamespace(resumed=False, elapsed=0.0, **counters)
        folder = find(resume_from)
        if folder is None:
            raise SpinupError(f'no checkpoint in {resume_from}.')
        info = read_info(folder)
        check_compatible(info, folder, self.logger._caller, num_procs())
        if set(info['counters']) != set(counters):
            raise SpinupError(f'the checkpoint {folder} counts {sorted(info["counters"])}, this algorithm '
                              f'{sorted(counters)}: it was written by another version of the algorithm.')
        if self.session is not None:
            self._saver.restore(self.session, osp.join(folder, 'tf1', 'variables'))
        else:
            import torch
            # (read onto the CPU: load_state_dict copies each tensor to its part's device)
            saved = torch.load(osp.join(folder, 'model.pt'), weights_only=True, map_location='cpu')
            for name, part in self.parts.items():
                part.load_state_dict(saved[name])
        if self.buffer is not None:
            _load_buffer(self.buffer, osp.join(folder, 'buffer'))
        if self.normalizer is not None:
            self.normalizer.load_state_dict(_load_normalizer(folder))
        with open(osp.join(folder, 'processes.pkl'), 'rb') as f:
            state = pickle.load(f)[proc_id()]
        random.setstate(state['python'])
        np.random.set_state(state['numpy'])
        for name, env in self.envs.items():
            _set_env_states(env, state['envs'][name])
        if self.session is not None:
            for variable, value in zip(self._tf_rng, state['tf1']):
                variable.load(value, self.session)
        else:
            import torch
            torch.set_rng_state(state['torch'])
        for key, values in state['stored'].items():
            self.logger.epoch_dict[key] = list(values)
        self.clock -= info['elapsed']
        self.logger.log(f'Resuming from {folder}: {counted(info["counters"])}')
        return SimpleNamespace(resumed=True, elapsed=float(info['elapsed']), **info['counters'])


def _env_states(env) -> Dict[str, Any]:
    """The random states of an environment's generator (a list, one a copy, for a gymnasium
    vector environment, whose copies may live in subprocesses) and of its action space."""
    if hasattr(env, 'single_action_space'):
        copies = [_rng_state(generator) for generator in env.get_attr('np_random')]
    else:
        copies = _rng_state(env.unwrapped.np_random)
    return dict(env=copies, action_space=_rng_state(env.action_space.np_random))


def _set_env_states(env, states: Dict[str, Any]) -> None:
    """Put back what :func:`_env_states` took."""
    if hasattr(env, 'single_action_space'):
        generators = list(env.get_attr('np_random'))
        copies = states['env'] if isinstance(states['env'], list) else [states['env']]  # (written for one env)
        for generator, state in zip(generators, copies):
            generator.bit_generator.state = state
        env.set_attr('np_random', generators)
    else:
        env.unwrapped.np_random.bit_generator.state = states['env']
    env.action_space.np_random.bit_generator.state = states['action_space']


def check_compatible(info: Dict[str, Any], folder: str, function: Optional[str], procs: int) -> None:
    """Raise a one-line :class:`SpinupError` if the checkpoint in ``folder`` was not written by
    ``function`` with ``procs`` processes."""
    if function is not None and info.get('function') != function:
        raise SpinupError(f'the checkpoint in {folder} was written by {info.get("function")}, '
                          f'not {function}: resume it with its own algorithm.')
    if info.get('num_procs', 1) != procs:
        raise SpinupError(f'the checkpoint in {folder} was written by {info.get("num_procs")} MPI '
                          f'process(es), not {procs}: resume it with --cpu {info.get("num_procs")}.')


def _running(checkpoint: Checkpoint, frame) -> bool:
    """Whether the code interrupted at ``frame`` is inside the run that made ``checkpoint`` (a
    frame up the stack holds it), rather than after it (a notebook's next cell, say)."""
    while frame is not None:
        if any(value is checkpoint for value in frame.f_locals.values()):
            return True
        frame = frame.f_back
    return False


def _restore_signals(previous: Dict[int, Any]) -> None:
    if threading.current_thread() is threading.main_thread():
        for s, handler in previous.items():
            signal.signal(s, handler if handler is not None else signal.SIG_DFL)


def _load_normalizer(folder: str) -> Dict[str, Any]:
    path = osp.join(folder, NORMALIZER)
    if not osp.isfile(path):
        raise SpinupError(f'the checkpoint {folder} has no normalization statistics: the run did not '
                          f'normalize; resume it without normalize_obs and normalize_reward.')
    with open(path, 'rb') as f:
        return pickle.load(f)


def _buffer_arrays(buffer) -> Dict[str, np.ndarray]:
    return {name: value for name, value in vars(buffer).items()
            if isinstance(value, np.ndarray) and len(value) == buffer.max_size}


def _save_buffer(buffer, folder: str) -> None:
    """Each array's filled rows to ``<name>.npy``, written straight from the buffer's memory
    (``np.save`` of a slice copies nothing), and the counters to ``counters.json``."""
    os.makedirs(folder)
    for name, array in _buffer_arrays(buffer).items():
        np.save(osp.join(folder, f'{name}.npy'), array[:buffer.size])
    counters = {k: int(v) for k, v in vars(buffer).items() if isinstance(v, (int, np.integer))}
    with open(osp.join(folder, 'counters.json'), 'w') as f:
        json.dump(counters, f)


def _load_buffer(buffer, folder: str) -> None:
    with open(osp.join(folder, 'counters.json')) as f:
        counters = json.load(f)
    if counters['max_size'] != buffer.max_size:
        raise SpinupError(f'the replay buffer in {folder} holds {counters["max_size"]} transitions, '
                          f'this run\'s {buffer.max_size}: resume with the same replay_size.')
    for name, array in _buffer_arrays(buffer).items():
        saved = np.load(osp.join(folder, f'{name}.npy'), mmap_mode='r')  # read into place, not copied first
        array[:len(saved)] = saved
        del saved
    for key, value in counters.items():
        setattr(buffer, key, value)
