"""Where a PyTorch algorithm puts its networks: ``device='cpu'`` (the default), ``'cuda'``
(or ``'cuda:N'``), or ``'auto'``, a CUDA GPU when PyTorch sees one and the CPU otherwise."""
import torch

from spinup.utils.errors import SpinupError


def torch_device(name: str) -> torch.device:
    """The ``torch.device`` that ``name`` asks for; a GPU that is not there is one clear line."""
    if name == 'auto':
        return torch.device('cuda' if torch.cuda.is_available() else 'cpu')
    if name == 'cpu':
        return torch.device('cpu')
    if name == 'cuda' or name.startswith('cuda:'):
        if not torch.cuda.is_available():
            build = 'a CPU-only build' if torch.version.cuda is None else f'built for CUDA {torch.version.cuda}'
            raise SpinupError(f"device={name!r}, but PyTorch {torch.__version__} ({build}) sees no CUDA GPU: "
                              f"use device='cpu', or 'auto' to take a GPU only where there is one.")
        index = int(name.split(':')[1]) if ':' in name else 0
        if index >= torch.cuda.device_count():
            raise SpinupError(f'device={name!r}, but PyTorch sees {torch.cuda.device_count()} CUDA GPU(s).')
        return torch.device(name)
    raise SpinupError(f"device must be 'cpu', 'cuda', 'cuda:N' or 'auto', not {name!r}.")
