"""The phases of a training run, marked on purpose so that a tool can time them.

An algorithm marks the functions that make up its steps: ``@phase('update')`` on its update,
``@phase('policy')`` on its agent's ``step`` and ``act``; the logger and the checkpoints mark
saving, and :func:`spinup.utils.envs.make_vector_env` marks a vector's steps and resets
(``'env'``, ``'reset'``) when it is built while a tool listens. The speed benchmark
(``python -m spinup.benchmarks.speed``) listens, with :func:`listening`, and adds up the time
of each phase; nothing else does, and with no one listening a marked call costs one check.
"""
import contextlib
import functools
from typing import Any, Callable, Iterator, Optional

# listener(phase, fn, args, kwargs) -> fn(*args, **kwargs), while a tool listens
Listener = Callable[[str, Callable, tuple, dict], Any]
_listener: Optional[Listener] = None


def phase(name: str) -> Callable[[Callable], Callable]:
    """Mark a function as phase ``name`` of a run: a listening tool sees each call."""
    def mark(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def marked(*args, **kwargs):
            if _listener is None:
                return fn(*args, **kwargs)
            return _listener(name, fn, args, kwargs)
        return marked
    return mark


def is_listened_to() -> bool:
    return _listener is not None


@contextlib.contextmanager
def listening(listener: Listener) -> Iterator[None]:
    """Hand every marked call to ``listener`` while the block runs."""
    global _listener
    previous, _listener = _listener, listener
    try:
        yield
    finally:
        _listener = previous
