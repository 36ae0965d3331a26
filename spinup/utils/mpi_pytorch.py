"""MPI for PyTorch: thread set-up, gradient averaging and parameter sync across processes."""
import os

import torch

from spinup.utils.mpi_tools import broadcast, mpi_avg, num_procs


def setup_pytorch_for_mpi() -> None:
    """Give PyTorch one thread per process, unless ``OMP_NUM_THREADS`` says otherwise.

    The networks here are small: extra threads cost more in hand-offs than they gain, and
    MPI processes already share the cores.
    """
    if 'OMP_NUM_THREADS' not in os.environ or num_procs() > 1:
        torch.set_num_threads(1)


def mpi_avg_grads(module: torch.nn.Module) -> None:
    """Average the gradients of ``module``'s parameters across all processes, in place."""
    if num_procs() == 1:
        return
    for p in module.parameters():
        if p.grad is None:
            continue
        p_grad_numpy = p.grad.numpy()  # shares memory with p.grad
        p_grad_numpy[:] = mpi_avg(p_grad_numpy)


def sync_params(module: torch.nn.Module) -> None:
    """Copy process 0's parameters of ``module`` to every other process."""
    if num_procs() == 1:
        return
    for p in module.parameters():
        p_numpy = p.data.numpy()  # shares memory with p
        broadcast(p_numpy)
