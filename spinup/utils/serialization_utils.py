"""Turning Python objects into JSON for ``config.json``, and writing output files atomically."""
import contextlib
import glob
import json
import os
import shutil
import tempfile
from typing import Any, Iterator


def convert_json(obj: Any) -> Any:
    """Convert ``obj`` to a JSON-serializable equivalent.

    Numbers, strings, booleans and None pass through; dicts, lists and tuples are
    converted element by element; functions and classes become their qualified name
    (``torch.nn.modules.activation.Tanh``); any other object becomes a dict of its
    attributes under its ``str()``, or its ``str()`` alone.
    """
    if is_json_serializable(obj):
        return obj
    if isinstance(obj, dict):
        return {str(convert_json(k)): convert_json(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [convert_json(x) for x in obj]
    if hasattr(obj, 'dtype') and hasattr(obj, 'tolist'):  # numpy arrays and scalars
        return convert_json(obj.tolist())
    if callable(obj) and hasattr(obj, '__qualname__'):
        module = getattr(obj, '__module__', None)
        if getattr(obj, '__name__', '') == '<lambda>':
            return f'<lambda> in {module}'
        return f'{module}.{obj.__qualname__}' if module else obj.__qualname__
    if hasattr(obj, '__dict__') and obj.__dict__:
        return {str(obj): {str(k): convert_json(v) for k, v in vars(obj).items()}}
    return str(obj)


def is_json_serializable(v: Any) -> bool:
    """True if ``json.dumps`` accepts ``v`` as it is (NaN and infinities included)."""
    try:
        json.dumps(v)
        return True
    except (TypeError, ValueError, OverflowError):
        return False


@contextlib.contextmanager
def atomic_path(path: str) -> Iterator[str]:
    """Yield a temporary path beside ``path``; on success, move it onto ``path`` in one step.

    Write the file to the yielded path. If the write fails (or the process dies) the old
    ``path``, if any, is left as it was, never half-written.
    """
    directory, name = os.path.split(os.path.abspath(path))
    # hidden, and with the same extension, for writers that choose a format by it
    fd, tmp = tempfile.mkstemp(prefix=f'.{name}.', suffix=os.path.splitext(name)[1], dir=directory)
    os.close(fd)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # the permissions a plain open() would give
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def _backup_name(path: str) -> str:
    directory, name = os.path.split(os.path.abspath(path))
    return os.path.join(directory, f'.{name}.old')


@contextlib.contextmanager
def atomic_dir(path: str) -> Iterator[str]:
    """Yield a temporary folder path beside ``path``; on success, put it in place of ``path``.

    The yielded path does not exist yet: the writer creates it (as ``SavedModelBuilder``
    insists on). If the write fails, or the process dies, the old folder stays as it was.
    The old folder is moved aside to ``.<name>.old`` for the instant between the two renames
    that swap the folders; :func:`saved_dir` finds it there if a crash falls in that instant.
    A process that dies mid-write leaves its hidden ``.<name>.*.tmp`` folder behind; the
    next write removes it. (Nothing is fsync'd: this guards against a crash of the
    process, not a power cut.)
    """
    directory, name = os.path.split(os.path.abspath(path))
    for stale in glob.glob(os.path.join(glob.escape(directory), f'.{glob.escape(name)}.*.tmp')):
        shutil.rmtree(stale, ignore_errors=True)  # left by a process that died mid-write
    tmp_parent = tempfile.mkdtemp(prefix=f'.{name}.', suffix='.tmp', dir=directory)
    tmp = os.path.join(tmp_parent, name)
    backup = _backup_name(path)
    try:
        yield tmp
        if os.path.exists(path):
            if os.path.exists(backup):  # left by an earlier crash; path is complete
                shutil.rmtree(backup)
            os.rename(path, backup)
        os.rename(tmp, path)
        shutil.rmtree(backup, ignore_errors=True)
    finally:
        shutil.rmtree(tmp_parent, ignore_errors=True)


def saved_dir(path: str) -> str:
    """``path``, or the copy :func:`atomic_dir` set aside if a crash mid-swap removed ``path``."""
    if not os.path.isdir(path) and os.path.isdir(_backup_name(path)):
        return _backup_name(path)
    return path
