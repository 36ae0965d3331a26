"""Shared helpers for the test suite."""
import os
import subprocess
import sys

import pytest

from spinup.utils.display import keep_opengl_out_of_tensorflow

# The tests import TensorFlow in this process: MuJoCo must come in without its OpenGL
# renderer, even with MUJOCO_GL=osmesa exported (subprocesses still get the user's setting).
keep_opengl_out_of_tensorflow()

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_cli(*args, cwd=None, timeout=600, env=None):
    """Run ``python -m spinup.run ARGS`` in a fresh process; return the CompletedProcess.

    ``env`` adds to this process's environment variables; a value of None removes one.
    """
    full_env = dict(os.environ)
    full_env.pop('DISPLAY', None)  # tests run as on a machine with no screen
    full_env.pop('WAYLAND_DISPLAY', None)
    for key, value in (env or {}).items():
        if value is None:
            full_env.pop(key, None)
        else:
            full_env[key] = value
    return subprocess.run([sys.executable, '-m', 'spinup.run', *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout, env=full_env)


def run_python(code, cwd=None, timeout=300):
    """Run a snippet of Python in a fresh process; return its stdout (fails the test on error)."""
    out = subprocess.run([sys.executable, '-c', code], cwd=cwd, capture_output=True, text=True,
                         timeout=timeout)
    assert out.returncode == 0, out.stderr
    return out.stdout


def assert_ok(result):
    assert result.returncode == 0, f'exit {result.returncode}\nSTDOUT:\n{result.stdout[-3000:]}\nSTDERR:\n{result.stderr[-3000:]}'


@pytest.fixture
def data_dir(tmp_path):
    d = tmp_path / 'data'
    d.mkdir()
    return d
