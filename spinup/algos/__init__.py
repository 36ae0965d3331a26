"""The registry of algorithm implementations.

Each entry maps the public name of an implementation (``ppo_pytorch``) to the module and
function that hold it. The command line and the lazy exports of :mod:`spinup` read this
table, so an algorithm is made available in one place, and nothing is imported until it is
asked for: a TF1 user never waits for torch, and the reverse.
"""
import importlib
import importlib.util
from typing import Callable, Dict, Tuple

from spinup.utils.errors import SpinupError

ALGOS = ('vpg', 'trpo', 'ppo', 'ddpg', 'td3', 'sac')
BACKENDS = ('tf1', 'pytorch')

# name -> (module, function)
REGISTRY: Dict[str, Tuple[str, str]] = {
    'vpg_tf1': ('spinup.algos.tf1.vpg.vpg', 'vpg'),
    'vpg_pytorch': ('spinup.algos.pytorch.vpg.vpg', 'vpg'),
    'trpo_tf1': ('spinup.algos.tf1.trpo.trpo', 'trpo'),
    'trpo_pytorch': ('spinup.algos.pytorch.trpo.trpo', 'trpo'),
    'ppo_tf1': ('spinup.algos.tf1.ppo.ppo', 'ppo'),
    'ppo_pytorch': ('spinup.algos.pytorch.ppo.ppo', 'ppo'),
    'ddpg_tf1': ('spinup.algos.tf1.ddpg.ddpg', 'ddpg'),
    'ddpg_pytorch': ('spinup.algos.pytorch.ddpg.ddpg', 'ddpg'),
    'td3_tf1': ('spinup.algos.tf1.td3.td3', 'td3'),
    'td3_pytorch': ('spinup.algos.pytorch.td3.td3', 'td3'),
    'sac_tf1': ('spinup.algos.tf1.sac.sac', 'sac'),
    'sac_pytorch': ('spinup.algos.pytorch.sac.sac', 'sac'),
}

# PPO with a recurrent agent (PPO2's --policy lstm|lnlstm), in a file of its own beside ppo.py:
# name -> (module, function), as in REGISTRY
VARIANTS: Dict[str, Tuple[str, str]] = {
    'ppo_lstm_tf1': ('spinup.algos.tf1.ppo.ppo_lstm', 'ppo_lstm'),
    'ppo_lstm_pytorch': ('spinup.algos.pytorch.ppo.ppo_lstm', 'ppo_lstm'),
}

# Each variant's algorithm: the one whose docstring and checks it shares
VARIANT_OF: Dict[str, str] = {'ppo_lstm': 'ppo'}

# Variants with a memory: their minibatches hold whole copies' sequences, not steps
RECURRENT = frozenset({'ppo_lstm'})

# Every function a name can load: the algorithms and their variants
IMPLEMENTATIONS: Dict[str, Tuple[str, str]] = {**REGISTRY, **VARIANTS}

# Algorithms whose policies only produce continuous (Box) actions.
CONTINUOUS_ONLY = frozenset({'ddpg', 'td3', 'sac'})

# Algorithms that learn from a replay buffer, in one process (no MPI), with test episodes.
OFF_POLICY = frozenset({'ddpg', 'td3', 'sac'})


# The package each backend's algorithms need, and how to install it
FRAMEWORKS = {'pytorch': ('torch', 'pip install torch==2.13.0 (see the README for its CPU build)'),
              'tf1': ('tensorflow', 'pip install "tensorflow-cpu>=2.18,<2.21" (tensorflow on macOS)')}


def _missing_framework(name: str) -> SpinupError:
    package, how = FRAMEWORKS[split_name(name)[1]]
    return SpinupError(f'{name} needs {package}, which is not installed: {how}.')


def check_framework(name: str) -> None:
    """Refuse, in one line, the registered ``name`` if its framework is not installed (found
    without importing it)."""
    package = FRAMEWORKS[split_name(name)[1]][0]
    if importlib.util.find_spec(package) is None:
        raise _missing_framework(name)


def load(name: str) -> Callable:
    """Import and return the function registered as ``name`` (in ``IMPLEMENTATIONS``); refuse, in one line,
    one whose framework is not installed."""
    module, function = IMPLEMENTATIONS[name]
    try:
        return getattr(importlib.import_module(module), function)
    except ModuleNotFoundError as err:
        if err.name is None or err.name.split('.')[0] != FRAMEWORKS[split_name(name)[1]][0]:
            raise
        raise _missing_framework(name) from None


def base_algo(algo: str) -> str:
    """``'ppo_lstm'`` -> ``'ppo'``: the algorithm a variant belongs to (an algorithm, itself)."""
    return VARIANT_OF.get(algo, algo)


def split_name(name: str) -> Tuple[str, str]:
    """``'ppo_pytorch'`` -> ``('ppo', 'pytorch')``; ``'ppo_lstm_tf1'`` -> ``('ppo_lstm', 'tf1')``."""
    algo, _, backend = name.rpartition('_')
    return (algo, backend) if algo else (name, '')
