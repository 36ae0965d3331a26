"""Shared helpers for the test suite."""
import os
import signal
import subprocess
import sys

import pytest

from spinup.utils.display import keep_opengl_out_of_tensorflow

# The tests import TensorFlow in this process: MuJoCo must come in without its OpenGL
# renderer, even with MUJOCO_GL=osmesa exported (subprocesses still get the user's setting).
keep_opengl_out_of_tensorflow()

# The tests press Ctrl-C (SIGINT) as a terminal does. A suite started as a background job
# (`bash .ci/run &` from a script) inherits SIGINT ignored, which its child processes inherit
# in turn: give it back Python's own handler, so that a Ctrl-C reaches them as from a terminal.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

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


# --- progress.txt written on another machine ----------------------------------------------

# The statistics the logger writes of a key, and the family they form (AverageEpRet, StdEpRet, ...)
STATS = ('Average', 'Std', 'Max', 'Min')

# Columns logged after the epoch's update acts (every other column of an on-policy epoch is
# read from the data the epoch collected, or from the losses before its update)
AFTER_UPDATE = ('KL', 'DeltaLossPi', 'DeltaLossV', 'ClipFrac', 'StopIter', 'BacktrackIters')


def assert_progress_close(now, before, context='', counts=('Epoch', 'TotalEnvInteracts', 'EpLen'),
                          first_epoch=None, later=1e-2):
    """``now`` (this machine's progress.txt, a DataFrame) repeats ``before`` (one committed in
    the repository, written on another machine), Time aside.

    Counts are equal. Floats carry float32 rounding, which differs between CPUs (another
    vendor's kernels, another SIMD width: about 1e-7 relative) and which every update then
    amplifies (TRPO's conjugate gradient most, about 1e-3 relative two epochs on). So what the
    first epoch collected, before any update acts, agrees within rtol 1e-5 of the largest of
    its statistics (a standard deviation of returns near -1000 carries their rounding; atol
    1e-6 for the quantities that are zero but for rounding, such as PPO's first LossPi); the
    rest within 1 % of the largest value of its column. A changed step, episode end, bootstrap or loss
    moves the first epoch by far more than 1e-5 and the episode counts by whole steps.
    ``first_epoch`` names the columns of the first epoch that no update touches, where they
    are not all but AFTER_UPDATE's. ``later``: the tolerance after the first update, as a
    share of the column's largest value (DDPG and TD3 on Pendulum need more than 1 %: a
    deterministic policy's episodes carry a rounding difference into changes of several
    percent within a few hundred updates); None compares only the counts there.
    """
    import numpy as np
    import pandas as pd
    assert set(before.columns) <= set(now.columns), context
    assert len(now) == len(before), context
    for column in before.columns.drop('Time'):
        got, want = now[column].to_numpy(float), before[column].to_numpy(float)
        where = f'{context} {column}'
        if column in counts and np.all(np.isnan(want) | (want == np.round(want))):
            np.testing.assert_array_equal(got, want, err_msg=where)
            continue
        tight = column not in AFTER_UPDATE if first_epoch is None else column in first_epoch
        first = 1 if tight else 0
        family = [f'{stat}{key}' for key in (column.removeprefix(s) for s in STATS) if key != column
                  for stat in STATS] or [column]
        size = max((abs(before[c].iloc[0]) for c in family if c in before and pd.notna(before[c].iloc[0])),
                   default=0.0)
        np.testing.assert_allclose(got[:first], want[:first], rtol=1e-5, atol=max(1e-6, 1e-5 * size),
                                   err_msg=f'{where}, epoch 0')
        if later is not None:
            scale = np.nanmax(np.abs(want), initial=0.0)
            np.testing.assert_allclose(got[first:], want[first:], rtol=later, atol=later * scale + 1e-6,
                                       err_msg=f'{where}, after the first update')
