"""Logging and saving for experiments.

:class:`Logger` writes a run's outputs: ``config.json``, one row a epoch of
``progress.txt``, ``vars.pkl`` and the saved model. :class:`EpochLogger` adds the
``store`` / ``log_tabular`` pattern: an algorithm stores values as they come during the
epoch, and statistics over them (across all MPI processes) are logged at its end.

Only process 0 writes anything; that rule lives in :func:`_root_only`.
"""
import functools
import glob
import json
import os
import os.path as osp
import subprocess
import sys
import time
import warnings
from typing import Any, Callable, Dict, List, Optional, TextIO

import joblib
import numpy as np

from spinup.utils.envs import env_description
from spinup.utils.errors import SpinupError
from spinup.utils.mpi_tools import mpi_statistics_scalar, num_procs, proc_id
from spinup.utils.phases import phase
from spinup.utils.serialization_utils import atomic_dir, atomic_path, convert_json, saved_dir

color2num = dict(gray=30, red=31, green=32, yellow=33, blue=34, magenta=35, cyan=36, white=37, crimson=38)


def can_colorize(stream: Optional[TextIO] = None) -> bool:
    """Whether text printed to ``stream`` (default: stdout) may carry colour codes: never with
    ``NO_COLOR`` set to anything but '' (no-color.org); always with ``FORCE_COLOR`` so set (how
    a launcher that copies a child's output to its terminal keeps the child's colours);
    otherwise only on a terminal that is not ``TERM=dumb``. (Python 3.13's own rule, in
    ``_colorize.can_colorize``.)"""
    if os.environ.get('NO_COLOR'):
        return False
    if os.environ.get('FORCE_COLOR'):
        return True
    if os.environ.get('TERM') == 'dumb':
        return False
    stream = sys.stdout if stream is None else stream
    isatty = getattr(stream, 'isatty', None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


def colorize(string: str, color: str, bold: bool = False, highlight: bool = False,
             stream: Optional[TextIO] = None) -> str:
    """Wrap ``string`` in the terminal escape codes for ``color`` (one of ``color2num``), if
    ``stream`` (where it will be printed; default stdout) takes colour (:func:`can_colorize`);
    else return it as it is."""
    if not can_colorize(stream):
        return string
    num = color2num[color] + (10 if highlight else 0)
    attrs = [str(num)] + (['1'] if bold else [])
    return f'\x1b[{";".join(attrs)}m{string}\x1b[0m'


def _root_only(method: Callable) -> Callable:
    """Make ``method`` a no-op on every MPI process but process 0."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        if proc_id() == 0:
            return method(self, *args, **kwargs)
        return None
    return wrapper


def _run_metadata() -> Dict[str, Any]:
    """Versions of the libraries in use and the git revision of the code, when available."""
    versions = {'python': sys.version.split()[0]}
    for name in ('spinup', 'numpy', 'gymnasium', 'torch', 'tensorflow', 'mujoco'):
        module = sys.modules.get(name)
        if module is not None:
            versions[name] = getattr(module, '__version__', 'unknown')
    meta: Dict[str, Any] = {'versions': versions, 'num_procs': num_procs()}
    try:
        repo = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
        rev = subprocess.run(['git', '-C', repo, 'rev-parse', 'HEAD'], capture_output=True,
                             text=True, timeout=5)
        if rev.returncode == 0:
            meta['git_revision'] = rev.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return meta


def _calling_function() -> Optional[str]:
    """The qualified name (``spinup.algos.pytorch.ppo.ppo.ppo``) of the function that called
    into this module, the algorithm that saves its configuration; None if there is none."""
    frame = sys._getframe(1)
    # past this module's frames and any logger's own methods (a subclass's save_config, say)
    while frame is not None and (frame.f_globals.get('__name__') == __name__
                                 or isinstance(frame.f_locals.get('self'), Logger)):
        frame = frame.f_back
    if frame is None or frame.f_code.co_name == '<module>':
        return None
    return f"{frame.f_globals.get('__name__')}.{frame.f_code.co_qualname}"


class Logger:
    """Writes a run's configuration, progress table, state and model to its output folder."""

    def __init__(self, output_dir: Optional[str] = None, output_fname: str = 'progress.txt',
                 exp_name: Optional[str] = None, tensorboard: bool = False,
                 resume_from: Optional[str] = None):
        """
        Args:
            output_dir (str): Folder for the outputs; ``/tmp/experiments/<time>`` if None
                (resuming: the checkpoint's run folder).
            output_fname (str): Name of the tab-separated progress file in it.
            exp_name (str): Name of the experiment, recorded in ``config.json``.
            tensorboard (bool): Also write each row as TensorBoard scalars to an event file
                in ``output_dir`` (see :mod:`spinup.utils.tb_scalars`).
            resume_from (str): A run folder (or its ``checkpoint/``) being resumed: its
                progress file keeps the rows up to the checkpoint, and new rows follow them.
        """
        self.resume_info = None
        self._caller = _calling_function()  # the algorithm making this logger, whose name tells its framework
        if resume_from is not None:
            output_dir = self._resume_folder(resume_from, output_dir)
        self.output_dir = output_dir or f'/tmp/experiments/{int(time.time())}'
        self.output_file = None
        self.exp_name = exp_name
        self.first_row = True
        self.rows = 0  # rows written to the progress file (a checkpoint records how many)
        self._keep_lines: Optional[List[str]] = None  # a resumed run's progress file, cut at its checkpoint
        self.log_headers: List[str] = []
        self.log_current_row: Dict[str, Any] = {}
        self._savers: List[Callable[[Optional[int]], None]] = []
        self.tensorboard = tensorboard
        self._scalar_writer = None
        self._framework: Optional[str] = None  # 'pytorch' or 'tf1', once a saver says which
        self.total_epochs: Optional[int] = None  # from config.json's 'epochs', for the progress line
        if tensorboard:  # on every process: a missing writer stops the whole run now, not after an epoch
            from spinup.utils.tb_scalars import check_writer, guess_framework
            check_writer(guess_framework(self._caller))
        self._open_output(output_fname)

    def _resume_folder(self, resume_from: str, output_dir: Optional[str]) -> str:
        """The run folder of the checkpoint in ``resume_from``, which ``output_dir`` (if
        given) must be."""
        from spinup.utils.checkpoint import check_compatible, find, read_info
        folder = find(resume_from)
        if folder is None:
            raise SpinupError(f'no checkpoint in {resume_from}: nothing to resume.')
        self.resume_info = read_info(folder)
        check_compatible(self.resume_info, folder, self._caller, num_procs())  # before anything is written
        run_dir = osp.dirname(osp.abspath(folder))
        if output_dir is not None and osp.abspath(output_dir) != run_dir:
            raise SpinupError(f'a resumed run goes on in its own folder, {run_dir}, not {output_dir}.')
        return run_dir

    @_root_only
    def _open_output(self, output_fname: str) -> None:
        if self.resume_info is not None:
            self._reopen_output(output_fname)
            return
        if osp.exists(osp.join(self.output_dir, output_fname)):
            print(f'Warning: {self.output_dir} already holds a run; its outputs will be replaced.')
            # the old run's TensorBoard curves too (a new event file would not replace them)
            for old in glob.glob(osp.join(glob.escape(self.output_dir), 'events.out.tfevents.*')):
                os.remove(old)
        os.makedirs(self.output_dir, exist_ok=True)
        self.output_file = open(osp.join(self.output_dir, output_fname), 'w')
        print(colorize(f'Progress goes to {self.output_file.name}', 'green', bold=True))

    def _reopen_output(self, output_fname: str) -> None:
        """Open the progress file of the run being resumed for appending, after its header and
        the rows its checkpoint had seen (any written after it are dropped: they come again)."""
        path = osp.join(self.output_dir, output_fname)
        rows = self.resume_info['rows']
        lines = []
        if osp.exists(path):
            with open(path) as f:
                lines = f.readlines()
        if len(lines) < rows + (rows > 0):
            raise SpinupError(f'{path} has {max(0, len(lines) - 1)} rows, fewer than the {rows} its '
                              'checkpoint counted: it was changed since.')
        if rows > 0:
            self.log_headers = lines[0].rstrip('\n').split('\t')
            self.first_row, self.rows = False, rows
        if len(lines) > rows + (rows > 0):
            # (left as they are until the resumed run writes its first row: a resume refused
            # before then loses nothing)
            self._keep_lines = lines[:rows + (rows > 0)]
        self.output_file = open(path, 'a')
        print(colorize(f'Progress goes on in {path}', 'green', bold=True))

    @_root_only
    def log(self, msg: str, color: str = 'green') -> None:
        """Print a colorized message to stdout."""
        print(colorize(msg, color, bold=True))

    def log_tabular(self, key: str, val: Any) -> None:
        """Set the value of ``key`` in this epoch's row.

        Every key must be logged in the first epoch (which sets the columns); afterwards a
        key may be left out of a row but no new one may be added.
        """
        if self.first_row:
            self.log_headers.append(key)
        elif key not in self.log_headers:
            raise KeyError(f"log_tabular: key '{key}' was not logged in the first epoch; "
                           "log every column in the first epoch.")
        if key in self.log_current_row:
            raise KeyError(f"log_tabular: key '{key}' was already set this epoch; "
                           "call dump_tabular() between epochs.")
        self.log_current_row[key] = val

    def save_config(self, config: Dict[str, Any]) -> None:
        """Write ``config.json``: every argument, plus library versions and the git revision.

        Call it at the top of an algorithm as ``logger.save_config(locals())``. What JSON
        cannot hold is stored as a readable string.
        """
        epochs = config.get('epochs')
        if isinstance(epochs, (int, np.integer)) and not isinstance(epochs, bool):
            self.total_epochs = int(epochs)
        if proc_id() != 0:  # (every process knows the epochs; process 0 writes)
            return
        # the logger itself (in an algorithm's locals()) is not configuration
        config = convert_json({k: v for k, v in config.items() if not isinstance(v, Logger)})
        if self.exp_name is not None:
            config['exp_name'] = self.exp_name
        config['_run'] = _run_metadata()
        function = _calling_function()
        if function is not None:
            config['_run']['function'] = function  # the algorithm, for relaunch
        output = json.dumps(config, separators=(',', ':\t'), indent=4, sort_keys=True)
        print(colorize('Configuration (config.json):\n', color='cyan', bold=True))
        print(output)
        path = osp.join(self.output_dir, 'config.json')
        with atomic_path(path) as tmp, open(tmp, 'w') as out:
            out.write(output)

    @_root_only
    @phase('save')
    def save_state(self, state_dict: Dict[str, Any], itr: Optional[int] = None) -> None:
        """Save ``state_dict`` to ``vars.pkl`` and the model with every registered saver.

        A gymnasium environment in ``state_dict`` is saved as its description (registered id,
        keyword arguments, time limit) under ``<key>_spec``, from which ``test_policy``
        builds it again, rendering included; a vector of environments, as one of its copies. With ``itr``, the files are numbered
        (``vars3.pkl``, ``model3.pt``, ``tf1_save3/``) and earlier snapshots are kept; without it, they are
        overwritten.
        """
        state = {}
        for key, value in state_dict.items():
            desc = env_description(value) if _is_env(value) else None
            if desc is not None:
                state[f'{key}_spec'] = desc
            elif _is_env(value) and hasattr(value, 'single_action_space'):
                # a vector of environments made from no registered id: one copy of them, to play
                state[key] = value.envs[0] if hasattr(value, 'envs') else value.env_fns[0]()
            else:
                state[key] = value
        fname = 'vars.pkl' if itr is None else f'vars{itr}.pkl'
        try:
            with atomic_path(osp.join(self.output_dir, fname)) as tmp:
                joblib.dump(state, tmp)
        except Exception as err:  # an unpicklable custom environment must not stop training
            self.log(f'Warning: could not pickle the state dict ({err}); vars.pkl not saved.', color='red')
        for saver in self._savers:
            saver(itr)

    def setup_pytorch_saver(self, what_to_save) -> None:
        """Register a PyTorch module to be saved whole at every :meth:`save_state`.

        It goes to ``pyt_save/model.pt`` and is loaded with
        ``torch.load(path, weights_only=False)``.
        """
        self.pytorch_saver_elements = what_to_save
        self._framework = 'pytorch'
        if self.tensorboard:
            from spinup.utils.tb_scalars import check_writer
            check_writer('pytorch')
        self._savers.append(self._pytorch_simple_save)

    @_root_only
    def _pytorch_simple_save(self, itr: Optional[int] = None) -> None:
        import torch
        fpath = osp.join(self.output_dir, 'pyt_save')
        os.makedirs(fpath, exist_ok=True)
        fname = osp.join(fpath, 'model' + ('%d' % itr if itr is not None else '') + '.pt')
        with warnings.catch_warnings(), atomic_path(fname) as tmp:
            # torch warns about saving whole modules (source checks); the class is importable.
            warnings.simplefilter('ignore')
            torch.save(self.pytorch_saver_elements, tmp)

    def setup_tf_saver(self, sess, inputs: Dict[str, Any], outputs: Dict[str, Any]) -> None:
        """Register a TF1 graph to be saved as a SavedModel at every :meth:`save_state`.

        It goes to ``tf1_save/``, with ``model_info.pkl`` naming the tensors of ``inputs``
        and ``outputs`` (``{'x': x_ph}``, ``{'pi': pi, 'v': v}``), so that
        :func:`restore_tf_graph` can hand them back by key.

        Args:
            sess: The ``tf.Session`` holding the variables.
            inputs (dict): Placeholders of the policy, by key.
            outputs (dict): Tensors of the policy and value functions, by key.
        """
        import tensorflow.compat.v1 as tf
        self.tf_saver_elements = dict(session=sess, inputs=inputs, outputs=outputs)
        self._framework = 'tf1'
        self.tf_saver_info = {'inputs': {k: v.name for k, v in inputs.items()},
                              'outputs': {k: v.name for k, v in outputs.items()}}
        # one Saver, made now: building one at each save would grow the graph every time
        with sess.graph.as_default():
            self._tf_saver = tf.train.Saver(sharded=True, allow_empty=True)
        self._savers.append(self._tf_simple_save)

    @_root_only
    def _tf_simple_save(self, itr: Optional[int] = None) -> None:
        import tensorflow.compat.v1 as tf
        fpath = osp.join(self.output_dir, 'tf1_save' + ('%d' % itr if itr is not None else ''))
        elements = self.tf_saver_elements
        signature = tf.saved_model.signature_def_utils.predict_signature_def(
            inputs=elements['inputs'], outputs=elements['outputs'])
        with atomic_dir(fpath) as tmp, elements['session'].graph.as_default():
            # (the previous save stays whole until this one is; the builder saves the default graph)
            builder = tf.saved_model.builder.SavedModelBuilder(tmp)
            builder.add_meta_graph_and_variables(
                elements['session'], [tf.saved_model.tag_constants.SERVING],
                signature_def_map={tf.saved_model.signature_constants.DEFAULT_SERVING_SIGNATURE_DEF_KEY: signature},
                clear_devices=True, saver=self._tf_saver)
            builder.save()
            joblib.dump(self.tf_saver_info, osp.join(tmp, 'model_info.pkl'))

    def dump_tabular(self) -> None:
        """Print this epoch's row as a table and append it to the progress file (flushed)."""
        if proc_id() == 0:
            vals = []
            key_lens = [len(key) for key in self.log_headers]
            max_key_len = max(15, max(key_lens) if key_lens else 15)
            fmt = '| %' + str(max_key_len) + 's | %15s |'
            n_slashes = 22 + max_key_len
            lines = ['-' * n_slashes]
            for key in self.log_headers:
                val = self.log_current_row.get(key, '')
                valstr = '%8.3g' % val if hasattr(val, '__float__') else str(val)
                lines.append(fmt % (key, valstr))
                vals.append(val)
            lines.append('-' * n_slashes)
            progress = self._progress_line()
            if progress:
                lines.append(progress)
            print('\n'.join(lines), flush=True)
            if self.output_file is not None:
                if self._keep_lines is not None:  # a resumed run's first row: drop those after its checkpoint
                    self.output_file.close()
                    with atomic_path(self.output_file.name) as tmp, open(tmp, 'w') as out:
                        out.writelines(self._keep_lines)
                    self.output_file, self._keep_lines = open(self.output_file.name, 'a'), None
                text = ''
                if self.first_row:
                    text += '\t'.join(self.log_headers) + '\n'
                text += '\t'.join(map(str, vals)) + '\n'
                self.output_file.write(text)  # the whole row at once
                self.output_file.flush()
            self.rows += 1
            if self.tensorboard:
                self._write_scalars()
        self.log_current_row.clear()
        self.first_row = False

    def _progress_line(self) -> str:
        """``Epoch k done (k+1 of N), <elapsed> elapsed, about <left> to go``, when the row has
        ``Epoch`` and ``Time`` and the configuration said how many epochs. The epoch is named as
        the row's ``Epoch`` column numbers it, from 0 (so are the checkpoint's messages)."""
        from tqdm import tqdm
        epoch, elapsed, total = self.log_current_row.get('Epoch'), self.log_current_row.get('Time'), self.total_epochs
        if not (isinstance(epoch, (int, np.integer)) and hasattr(elapsed, '__float__') and total):
            return ''
        done = int(epoch) + 1
        if not 0 < done <= total:
            return ''  # epochs counted some other way
        left = float(elapsed) / done * max(0, total - done)
        return (f'Epoch {epoch} done ({done} of {total}), '
                f'{tqdm.format_interval(float(elapsed))} elapsed'
                + (f', about {tqdm.format_interval(left)} to go' if done < total else ', finished'))

    def _write_scalars(self) -> None:
        if self._scalar_writer is None:
            from spinup.utils.tb_scalars import ScalarWriter, guess_framework
            self._scalar_writer = ScalarWriter(self.output_dir, self._framework or guess_framework(self._caller))
            print(colorize(f'TensorBoard scalars go to {self.output_dir} '
                           f'(tensorboard --logdir {self.output_dir})', 'green', bold=True))
        self._scalar_writer.write_row(self.log_current_row)


def restore_tf_graph(sess, fpath: str) -> Dict[str, Any]:
    """Load the SavedModel in ``fpath`` (a ``tf1_save`` folder) into ``sess``, whose graph must
    be empty (``tf.Session(graph=tf.Graph())``).

    Returns:
        A dict of the saved tensors by key (``x``, ``pi``, ``v``, ...), from ``model_info.pkl``.
    """
    import tensorflow.compat.v1 as tf
    if sess.graph.get_operations():
        # names would clash with what is there, and the wrong tensors would come back
        raise SpinupError('restore_tf_graph needs a session on an empty graph: '
                          'tf.Session(graph=tf.Graph()).')
    fpath = saved_dir(fpath)
    info_path = osp.join(fpath, 'model_info.pkl')
    if not osp.exists(info_path):
        raise SpinupError(f"no TF1 save at '{fpath}' (no model_info.pkl): give a tf1_save folder of a run.")
    with sess.graph.as_default():  # the loader imports into the default graph
        tf.saved_model.loader.load(sess, [tf.saved_model.tag_constants.SERVING], fpath)
    model_info = joblib.load(info_path)
    graph = sess.graph
    model = {}
    model.update({k: graph.get_tensor_by_name(v) for k, v in model_info['inputs'].items()})
    model.update({k: graph.get_tensor_by_name(v) for k, v in model_info['outputs'].items()})
    return model


def _is_env(value: Any) -> bool:
    gym = sys.modules.get('gymnasium')
    return gym is not None and isinstance(value, (gym.Env, gym.vector.VectorEnv))


class EpochLogger(Logger):
    """A :class:`Logger` that averages what the algorithm stores over an epoch.

    During the epoch::

        logger.store(EpRet=ep_ret, EpLen=ep_len)

    and at its end::

        logger.log_tabular('EpRet', with_min_and_max=True)  # AverageEpRet, StdEpRet, MaxEpRet, MinEpRet
        logger.log_tabular('EpLen', average_only=True)      # EpLen (its average)
        logger.dump_tabular()

    Statistics are over the values stored by all MPI processes. A key with nothing stored
    this epoch (no episode ended, say) logs NaN.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.epoch_dict: Dict[str, List[Any]] = {}

    def store(self, **kwargs: Any) -> None:
        """Append a value to each named key's list for this epoch."""
        for k, v in kwargs.items():
            self.epoch_dict.setdefault(k, []).append(v)

    def log_tabular(self, key: str, val: Any = None, with_min_and_max: bool = False,
                    average_only: bool = False) -> None:
        """Log ``val`` under ``key``, or, with no ``val``, statistics of what was stored under it.

        Args:
            key (str): Name of the diagnostic.
            val: A value to log as is. If None, the values stored under ``key`` this
                epoch are summarised as ``Average<key>`` and ``Std<key>``.
            with_min_and_max (bool): Also log ``Max<key>`` and ``Min<key>``.
            average_only (bool): Log only the average, under ``key`` itself.
        """
        if val is not None:
            super().log_tabular(key, val)
            return
        stats = mpi_statistics_scalar(self._pooled(key), with_min_and_max=with_min_and_max)
        super().log_tabular(key if average_only else 'Average' + key, stats[0])
        if not average_only:
            super().log_tabular('Std' + key, stats[1])
        if with_min_and_max:
            super().log_tabular('Max' + key, stats[3])
            super().log_tabular('Min' + key, stats[2])
        self.epoch_dict[key] = []

    def get_stats(self, key: str):
        """Mean and standard deviation of the values stored under ``key`` (across processes)."""
        return mpi_statistics_scalar(self._pooled(key))

    def _pooled(self, key: str) -> np.ndarray:
        """Everything stored under ``key`` this epoch, flattened into one array."""
        values = self.epoch_dict.get(key, [])
        return np.concatenate([np.ravel(v) for v in values]) if values else np.zeros(0)
