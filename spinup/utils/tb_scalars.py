"""TensorBoard scalars from the progress table: each row the logger writes to progress.txt
also goes, column by column, to an event file in the run's folder.

The writer is the one that comes with the run's own framework, so a run never loads the
other: ``tensorboardX`` for PyTorch (the ``tensorboard`` extra; PyTorch's own
``torch.utils.tensorboard`` would load TensorFlow when it is installed) and
``tf.summary.FileWriter`` for TF1. Watch a run live with ``tensorboard --logdir data/``.
"""
import importlib.util
import math
import sys
import weakref
from typing import Any, Dict, Optional

from spinup.utils.errors import SpinupError

# The x axis: interactions with the environment when the row has them, else the epoch
STEP_KEYS = ('TotalEnvInteracts', 'Epoch')


def row_step(row: Dict[str, Any], rows_written: int) -> int:
    """The global step a row's scalars are written at: its first of ``STEP_KEYS``, or its index."""
    for key in STEP_KEYS:
        value = _as_float(row.get(key))
        if value is not None and math.isfinite(value):
            return int(value)
    return rows_written


def _as_float(value: Any) -> Optional[float]:
    """``value`` as a float (NaN included), or None if it is not a number."""
    if isinstance(value, (str, bytes)):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def guess_framework(caller: Optional[str] = None) -> str:
    """The framework a run uses, before its saver says: the one in the name of the module that
    made the logger (``spinup.algos.tf1...``), else ``'tf1'`` if this process has loaded
    TensorFlow and not PyTorch, else ``'pytorch'``."""
    for framework in ('tf1', 'pytorch'):
        if caller and f'.{framework}.' in f'.{caller}.':
            return framework
    return 'tf1' if 'tensorflow' in sys.modules and 'torch' not in sys.modules else 'pytorch'


def check_writer(framework: str) -> None:
    """Raise a one-line error now, before training, if ``framework``'s writer is missing."""
    if framework == 'pytorch' and importlib.util.find_spec('tensorboardX') is None:
        raise SpinupError(MISSING_TENSORBOARDX)


MISSING_TENSORBOARDX = ('TensorBoard output in PyTorch needs tensorboardX: in the repository, '
                        'pip install -e ".[tensorboard]" (or pip install tensorboardX).')


class ScalarWriter:
    """Writes rows of named numbers as TensorBoard scalars to ``logdir``."""

    def __init__(self, logdir: str, framework: str):
        """``framework`` is ``'pytorch'`` or ``'tf1'``: the run's, whose writer is used."""
        self.rows_written = 0
        if framework == 'tf1':
            import tensorflow.compat.v1 as tf
            self._tf = tf
            with tf.Graph().as_default():  # a FileWriter needs graph mode; the run's graph is not written
                self._writer = tf.summary.FileWriter(logdir)
        else:
            try:
                from tensorboardX import SummaryWriter
            except ImportError:
                raise SpinupError(MISSING_TENSORBOARDX) from None
            self._tf = None
            self._writer = SummaryWriter(logdir=logdir)
        # closed when the writer goes, so that runs one after another in a process leave no threads behind
        weakref.finalize(self, self._writer.close)

    def write_row(self, row: Dict[str, Any]) -> None:
        """Write every numeric value of ``row`` as a scalar, tagged by its key, and flush."""
        step = row_step(row, self.rows_written)
        scalars = {key: number for key, number in ((k, _as_float(v)) for k, v in row.items()) if number is not None}
        if self._tf is not None:
            summary = self._tf.Summary(value=[self._tf.Summary.Value(tag=key, simple_value=value)
                                              for key, value in scalars.items()])
            self._writer.add_summary(summary, step)
        else:
            for key, value in scalars.items():
                self._writer.add_scalar(key, value, step)
        self._writer.flush()
        self.rows_written += 1
