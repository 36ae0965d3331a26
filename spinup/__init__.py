"""Spinning Up, rebuilt: deep RL algorithms in TensorFlow 1 graph mode and PyTorch.

The algorithms are exported by name (``spinup.ppo_pytorch``, ...) but imported lazily, on
first use, so that ``import spinup`` loads neither TensorFlow nor PyTorch.
"""
from spinup.algos import REGISTRY as _REGISTRY
from spinup.version import __version__

__all__ = sorted(_REGISTRY) + ['__version__']


def __getattr__(name):
    if name in _REGISTRY:
        from spinup.algos import load
        fn = load(name)
        globals()[name] = fn  # later look-ups skip this hook
        return fn
    raise AttributeError(f"module 'spinup' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_REGISTRY))
