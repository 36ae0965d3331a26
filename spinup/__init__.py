"""Spinning Up, rebuilt: deep RL algorithms in TensorFlow 1 graph mode and PyTorch.

The algorithms are exported by name (``spinup.ppo_pytorch``, ..., and PPO with a recurrent
agent, ``spinup.ppo_lstm_pytorch``) but imported lazily, on
first use, so that ``import spinup`` loads neither TensorFlow nor PyTorch.
"""
import logging as _logging
import os as _os

from spinup.algos import IMPLEMENTATIONS as _REGISTRY
from spinup.version import __version__

# TensorFlow, if it is loaded after this, keeps to errors (not its start-up notices and
# deprecation warnings for the tf.compat.v1 API this library uses on purpose).
_os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')
_logging.getLogger('tensorflow').setLevel(_logging.ERROR)

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
