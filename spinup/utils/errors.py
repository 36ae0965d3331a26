"""The exception type for mistakes a user can fix, and a parser that raises it."""
import argparse
import signal
import sys
from typing import Callable, Optional


class SpinupError(Exception):
    """Bad input: the message says what was wrong and what to do.

    The command line prints it as one line (no traceback) and exits non-zero. One marked
    ``reported`` was already printed (by the experiment's own process) and is not repeated.
    """

    def __init__(self, message: str = '', reported: bool = False, exit_code: int = 2):
        super().__init__(message)
        self.reported = reported
        self.exit_code = exit_code


class ArgumentParser(argparse.ArgumentParser):
    """An argparse parser whose usage errors are a :class:`SpinupError`: one line, no usage block."""

    def error(self, message: str):
        raise SpinupError(f'{message} (see: {self.prog} --help)')


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where a command turns it into an interrupt so that it stops as on Ctrl-C."""


def interrupt(signum: int, reported: bool = False) -> KeyboardInterrupt:
    """The interrupt that stops a command on signal ``signum``: :class:`Terminated` for
    SIGTERM, KeyboardInterrupt for any other. ``reported``: the user was already told that
    the run stopped and how to go on, so :func:`run_main` does not say ``Interrupted.``
    (the launcher, which has the signal too, says it once)."""
    stop = Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()
    stop.reported = reported
    return stop


def run_main(main: Callable[[], Optional[int]], say_interrupted: bool = True) -> None:
    """Run a command's ``main`` and exit with its status.

    A :class:`SpinupError` becomes one line on stderr and exit status 2 (or its
    ``exit_code``: 130 and 143 for an experiment that stopped on a signal); Ctrl-C exits
    with 130 (SIGTERM, when the command turned it into :class:`Terminated`, with 143) after
    one line, ``Interrupted.``, unless the interrupt was already reported (:func:`interrupt`)
    or ``say_interrupted`` is False (an experiment's own process: its launcher says it).
    Any other error keeps its traceback: it is a bug to report.
    """
    try:
        code = main() or 0
    except SpinupError as err:
        if not err.reported:
            print(f'Error: {err}', file=sys.stderr)
        code = err.exit_code
    except KeyboardInterrupt as stop:
        if say_interrupted and not getattr(stop, 'reported', False):
            print('\nInterrupted.', file=sys.stderr)
        code = 143 if isinstance(stop, Terminated) else 130
    sys.exit(code)


def killed_by(returncode: int) -> Optional[str]:
    """The signal that ended a process with exit status ``returncode`` (``'SIGABRT'``), or None.

    ``subprocess`` gives -N for a process killed by signal N; a shell or ``mpiexec`` passing
    it on gives 128 + N. 130 and 143 are left out: they are how ``run_main`` ends on Ctrl-C and
    SIGTERM (and an algorithm, after writing its checkpoint).
    """
    if returncode < 0:
        signum = -returncode
    elif 128 < returncode < 160 and returncode not in (130, 143):
        signum = returncode - 128
    else:
        return None
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f'signal {signum}'


def check_inputs(algo: str, one_process: bool = False, **counts: int) -> None:
    """Refuse, in one clear line, arguments that ``algo`` cannot run with.

    Args:
        algo: The algorithm's name, as the message gives it (``'SAC'``).
        one_process: The algorithm runs in one process: refuse a launch on several MPI
            processes (``--cpu 2``).
        **counts: Counts that must be at least 1 (``steps_per_epoch=4000, save_freq=0``).
    """
    if one_process:
        from spinup.utils.mpi_tools import num_procs
        if num_procs() > 1:
            raise SpinupError(f'{algo} runs in one process: launch it without --cpu '
                              f'(only vpg, trpo and ppo use MPI).')
    for name, value in counts.items():
        if value < 1:
            raise SpinupError(f'{name} must be at least 1, not {value}.')


def check_ppo2_update(local_steps: int, num_minibatches: Optional[int],
                      max_grad_norm: Optional[float]) -> None:
    """PPO2's update options: minibatches that split the ``local_steps`` each process collects
    an epoch evenly, and a gradient norm above 0 (None: no minibatches, no clipping)."""
    if max_grad_norm is not None and max_grad_norm <= 0:
        raise SpinupError(f'max_grad_norm must be above 0 (or None, not to clip), not {max_grad_norm}.')
    if num_minibatches is not None and local_steps % num_minibatches:
        raise SpinupError(f'num_minibatches={num_minibatches} must split the {local_steps} steps each '
                          f'process collects an epoch evenly.')



def check_recurrent_update(num_envs: int, num_minibatches: int,
                           max_grad_norm: Optional[float]) -> None:
    """PPO2's update for a recurrent agent: minibatches of whole copies, so ``num_minibatches``
    must split the ``num_envs`` copies evenly; and a gradient norm above 0 (None: no clipping)."""
    check_ppo2_update(num_envs, None, max_grad_norm)
    if num_envs % num_minibatches:
        raise SpinupError(f'num_minibatches={num_minibatches} must split the num_envs={num_envs} '
                          f'environment copies evenly: a recurrent agent trains on whole '
                          f'sequences, a few copies to a minibatch.')

INITS = ('default', 'orthogonal')


def check_init(init: str) -> str:
    """``init`` if it names an initialisation of the agents' layers (:data:`INITS`), else one
    clear error."""
    if init not in INITS:
        raise SpinupError(f"init must be 'default' (the framework's own) or 'orthogonal' (PPO2's), "
                          f"not {init!r}.")
    return init


VALUE_TARGETS = ('rewards-to-go', 'lambda-returns')


def check_value_targets(value_targets: str) -> str:
    """``value_targets`` if it names what PPO's value is trained on (:data:`VALUE_TARGETS`),
    else one clear error."""
    if value_targets not in VALUE_TARGETS:
        raise SpinupError(f"value_targets must be 'rewards-to-go' (Spinning Up's) or "
                          f"'lambda-returns' (PPO2's: advantage + value), not {value_targets!r}.")
    return value_targets
