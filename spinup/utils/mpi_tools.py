"""Small helpers over mpi4py: forking under ``mpiexec``, ranks, reductions, statistics.

Every function works in a plain single process too (``mpi4py`` then runs as a
singleton MPI world of size 1), so the algorithms need no special case for it.
"""
import os
import shutil
import signal
import subprocess
import sys
from typing import Any, Sequence

import numpy as np
from mpi4py import MPI


def _mpiexec() -> str:
    """The ``mpiexec`` beside this interpreter (the ``mpich`` wheel puts it there), else on PATH."""
    beside = os.path.join(os.path.dirname(sys.executable), 'mpiexec')
    if os.path.exists(beside):
        return beside
    found = shutil.which('mpiexec')
    if found is None:
        raise RuntimeError("mpiexec not found: install the MPI launcher with 'pip install mpich'.")
    return found


def mpi_fork(n: int, bind_to_core: bool = False) -> None:
    """Re-launch the current script with ``n`` copies under ``mpiexec``, then exit.

    Call it at the top of a script: the parent process starts ``mpiexec -n n python
    <the same command line>`` and exits with its status once the children end; in the
    children (which see ``IN_MPI`` in their environment) it returns at once, and so does
    it when ``n <= 1``.

    Args:
        n (int): Number of processes to run.
        bind_to_core (bool): Pin each process to one core.
    """
    if n <= 1 or os.getenv('IN_MPI') is not None:
        return
    env = os.environ.copy()
    # One thread per process for the numeric libraries: n processes share the cores.
    env.update(MKL_NUM_THREADS='1', OMP_NUM_THREADS='1', IN_MPI='1')
    args = [_mpiexec(), '-n', str(n)]
    if bind_to_core:
        args += ['-bind-to', 'core']
    args += [sys.executable] + sys.argv
    proc = subprocess.Popen(args, env=env)
    # While the copies run, Ctrl-C reaches them from the terminal (and mpiexec passes it on),
    # so this process only waits for them to checkpoint and stop; SIGTERM, often sent to this
    # process alone, is passed on.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda signum, frame: proc.send_signal(signum))
    code = proc.wait()
    sys.exit(128 - code if code < 0 else code)  # killed by signal N: exit 128 + N, as a shell says


def msg(m: str, string: str = '') -> None:
    """Print ``m``, prefixed with this process's rank."""
    print(f'Message from {proc_id()}: {string} \t {m}')


def proc_id() -> int:
    """Rank of the calling process."""
    return MPI.COMM_WORLD.Get_rank()


def num_procs() -> int:
    """Number of active MPI processes."""
    return MPI.COMM_WORLD.Get_size()


def local_steps(steps_per_epoch: int) -> int:
    """Each process's share of an epoch's ``steps_per_epoch`` environment steps.

    When they do not split evenly, every process collects the rounded-down share, and
    process 0 says so.
    """
    share = steps_per_epoch // num_procs()
    if share * num_procs() != steps_per_epoch and proc_id() == 0:
        print(f'Warning: {steps_per_epoch} steps do not split evenly over {num_procs()} processes; '
              f'each collects {share}.', flush=True)
    return share


def allreduce(*args, **kwargs):
    return MPI.COMM_WORLD.Allreduce(*args, **kwargs)


def allgather(x: Any) -> list:
    """Every process's ``x`` (any picklable object), in the order of their ranks."""
    return MPI.COMM_WORLD.allgather(x) if num_procs() > 1 else [x]


def broadcast(x: np.ndarray, root: int = 0) -> None:
    """Overwrite the array ``x`` in place with the root process's copy."""
    MPI.COMM_WORLD.Bcast(x, root=root)


def mpi_op(x, op):
    """Reduce ``x`` (a scalar or an array) over all processes with ``op``."""
    x, scalar = (np.asarray([x], dtype=np.float64), True) if np.isscalar(x) else (np.asarray(x, dtype=np.float64), False)
    if num_procs() == 1:
        return x[0] if scalar else x.copy()
    buff = np.zeros_like(x)
    allreduce(x, buff, op=op)
    return buff[0] if scalar else buff


def mpi_sum(x):
    """Sum of ``x`` over all processes."""
    return mpi_op(x, MPI.SUM)


def mpi_avg(x):
    """Average of ``x`` over all processes."""
    return mpi_sum(x) / num_procs()


def mpi_statistics_scalar(x: Sequence[float], with_min_and_max: bool = False):
    """Mean and standard deviation (and min and max) of the values ``x`` held across all processes.

    Every process passes its own list; the statistics are over the union of them. With no
    values anywhere, every statistic is NaN rather than an error, so an epoch in which no
    episode ended still logs a row.

    Returns:
        ``(mean, std)``, or ``(mean, std, min, max)`` with ``with_min_and_max``.
    """
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    global_sum, global_n = mpi_sum([np.sum(x), len(x)])
    if global_n == 0:
        nan = float('nan')
        return (nan, nan, nan, nan) if with_min_and_max else (nan, nan)
    mean = global_sum / global_n
    global_sum_sq = mpi_sum(np.sum((x - mean) ** 2))
    std = np.sqrt(global_sum_sq / global_n)
    if with_min_and_max:
        global_min = mpi_op(np.min(x) if len(x) > 0 else np.inf, op=MPI.MIN)
        global_max = mpi_op(np.max(x) if len(x) > 0 else -np.inf, op=MPI.MAX)
        return mean, std, global_min, global_max
    return mean, std
