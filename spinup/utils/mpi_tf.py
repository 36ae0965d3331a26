"""TensorFlow 1 graphs and sessions for the algorithms: a graph of each run's own, the session's
threads, and MPI: parameter sync and an Adam optimizer that averages gradients across processes.

With one process every op here reduces to the plain TensorFlow one, so a single-process run
pays nothing for MPI.
"""
import functools
import os
import sys
import tempfile
from typing import Callable, List, Optional, Sequence

import numpy as np

from spinup.utils.display import keep_opengl_out_of_tensorflow

keep_opengl_out_of_tensorflow()  # before TensorFlow is loaded: see spinup.utils.display

import tensorflow.compat.v1 as tf  # noqa: E402

from spinup.utils.mpi_tools import broadcast, mpi_avg, num_procs  # noqa: E402

tf.disable_v2_behavior()


def tf1_gpus(device: str) -> Optional[str]:
    """Which GPUs a session of PPO's ``device`` may use: ``''`` none (``'cpu'``), ``'N'`` GPU N
    (``'cuda'`` is GPU 0, ``'cuda:N'`` GPU N), None all that TensorFlow sees (``'auto'``). A
    GPU that TensorFlow does not see is one clear line."""
    if device == 'cpu':
        return ''
    if device == 'auto':
        return None
    if device == 'cuda' or device.startswith('cuda:'):
        index = device.split(':')[1] if ':' in device else '0'
        seen = tf.config.list_physical_devices('GPU')
        if not index.isdigit() or int(index) >= len(seen):
            from spinup.utils.errors import SpinupError
            raise SpinupError(f"device={device!r}, but TensorFlow {tf.__version__} sees {len(seen)} GPU(s) "
                              f"(tensorflow-cpu sees none): use device='cpu', or 'auto' to take a GPU only "
                              f"where there is one.")
        return index
    from spinup.utils.errors import SpinupError
    raise SpinupError(f"device must be 'cpu', 'cuda', 'cuda:N' or 'auto', not {device!r}.")


# What TensorFlow 2.20 prints at a process's first session run, through absl's C++ logging,
# which TF_CPP_MIN_LOG_LEVEL does not reach: a notice of its own start-up order and one that a
# pass this library does not use is off. Neither says anything a user can act on.
TF_NOTICES = ('All log messages before absl::InitializeLog() is called are written to STDERR',
              'MLIR V1 optimization pass is not enabled')
_quiet = False


def _quiet_first_run() -> None:
    """Run an empty session once a process, its standard error (file descriptor 2) caught, and
    pass on every line of it but :data:`TF_NOTICES`: TensorFlow prints those once a process."""
    global _quiet
    if _quiet:
        return
    _quiet = True
    sys.stderr.flush()
    saved = os.dup(2)
    with tempfile.TemporaryFile() as caught:
        os.dup2(caught.fileno(), 2)
        try:
            # (on the CPU alone: a session that saw a GPU would take its memory for good)
            with tf.Graph().as_default(), tf.Session(config=tf.ConfigProto(device_count={'GPU': 0})) as sess:
                sess.run(tf.constant(0))
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        caught.seek(0)
        lines = caught.read().decode(errors='replace').splitlines(keepends=True)
    sys.stderr.write(''.join(line for line in lines if not any(n in line for n in TF_NOTICES)))
    sys.stderr.flush()


def session_config(gpus: Optional[str] = None) -> tf.ConfigProto:
    """Session threads for this process: one intra-op thread, unless a single process is
    given ``OMP_NUM_THREADS``, and the ops run in the thread that calls ``sess.run``.

    The networks here are small: extra threads cost more in hand-offs than they gain, and
    MPI processes already share the cores. ``gpus`` is :func:`tf1_gpus`'s answer: all that
    TensorFlow sees by default. Running the ops in the calling thread
    (``inter_op_parallelism_threads=-1``) spares a hand-off to a pool thread at every
    ``sess.run``: a policy step takes about 90 us instead of 140.

    The first call in a process also runs an empty session (:func:`_quiet_first_run`).
    """
    _quiet_first_run()
    threads = 1
    if num_procs() == 1 and os.environ.get('OMP_NUM_THREADS', '').isdigit():
        threads = max(1, int(os.environ['OMP_NUM_THREADS']))
    config = tf.ConfigProto(intra_op_parallelism_threads=threads, inter_op_parallelism_threads=-1)
    if gpus == '':  # the CPU only
        config.device_count['GPU'] = 0
    elif gpus is not None:
        config.gpu_options.visible_device_list = gpus
    return config


def own_graph(algo: Callable) -> Callable:
    """Run the TF1 algorithm function ``algo`` in a new graph of its own.

    The algorithm builds its placeholders, networks and ops into that graph (the default
    graph while it runs) and leaves the caller's default graph as it was. So it can be
    called inside ``with tf.Graph().as_default():``, twice in one process, or after another
    algorithm, and its graph-level seed always seeds the same ops.
    """
    @functools.wraps(algo)
    def run_in_own_graph(*args, **kwargs):
        with tf.Graph().as_default():
            return algo(*args, **kwargs)

    return run_in_own_graph


def flat_concat(xs: Sequence[tf.Tensor]) -> tf.Tensor:
    """The tensors ``xs``, flattened and joined into one vector."""
    return tf.concat([tf.reshape(x, (-1,)) for x in xs], axis=0)


def assign_params_from_flat(x: tf.Tensor, params: List[tf.Variable]) -> tf.Operation:
    """An op that sets ``params`` from the flat vector ``x`` (laid out as :func:`flat_concat` does)."""
    sizes = [int(np.prod(p.shape.as_list())) for p in params]
    splits = tf.split(x, sizes)
    new_params = [tf.reshape(p_new, p.shape) for p, p_new in zip(params, splits)]
    return tf.group([tf.assign(p, p_new) for p, p_new in zip(params, new_params)])


def sync_params(params: List[tf.Variable]) -> tf.Operation:
    """An op that copies process 0's values of ``params`` to every other process."""
    if num_procs() == 1:
        return tf.no_op()

    def _broadcast(x):
        broadcast(x)
        return x

    synced = tf.py_func(_broadcast, [flat_concat(params)], tf.float32, stateful=True)
    return assign_params_from_flat(synced, params)


def sync_all_params() -> tf.Operation:
    """An op that copies process 0's values of every float32 global variable (the networks'
    weights and the optimizers' slots) to the other processes."""
    return sync_params([v for v in tf.global_variables() if v.dtype.base_dtype == tf.float32])


class MpiAdamOptimizer(tf.train.AdamOptimizer):
    """Adam whose gradients are averaged across MPI processes before each step.

    Every process then applies the same step, and the parameters are synced from process 0
    afterwards so that rounding can never make them drift apart.
    """

    def compute_gradients(self, loss, var_list=None, **kwargs):
        grads_and_vars = [(g, v) for g, v in super().compute_gradients(loss, var_list, **kwargs)
                          if g is not None]
        if num_procs() == 1:
            return grads_and_vars
        flat_grad = flat_concat([g for g, _ in grads_and_vars])

        def _avg(x):
            return mpi_avg(x).astype(np.float32)

        avg_flat_grad = tf.py_func(_avg, [flat_grad], tf.float32, stateful=True)
        avg_flat_grad.set_shape(flat_grad.shape)
        sizes = [int(np.prod(v.shape.as_list())) for _, v in grads_and_vars]
        avg_grads = tf.split(avg_flat_grad, sizes)
        return [(tf.reshape(g, v.shape), v) for g, (_, v) in zip(avg_grads, grads_and_vars)]

    def apply_gradients(self, grads_and_vars, global_step=None, name=None):
        grads_and_vars = list(grads_and_vars)
        opt = super().apply_gradients(grads_and_vars, global_step, name)
        if num_procs() == 1:
            return opt
        with tf.control_dependencies([opt]):
            sync = sync_params([v for _, v in grads_and_vars])
        return tf.group([opt, sync])


def train_op(loss, optimizers_and_vars, max_grad_norm: Optional[float]):
    """An op that takes one step of each (MPI) optimizer on its variables, down the gradient
    of ``loss``, with the global norm of all those gradients (as one vector) clipped to
    ``max_grad_norm`` first (None does not clip): PPO's steps, on one loss or on PPO2's
    joint one."""
    # Each optimizer averages its gradients over MPI processes, and syncs its variables after
    # the step: one after the other, so that every process makes those calls in the same order
    grads_and_vars, before = [], []
    for optimizer, var_list in optimizers_and_vars:
        with tf.control_dependencies(before):
            grads_and_vars.append(optimizer.compute_gradients(loss, var_list=var_list))
        before = [g for g, _ in grads_and_vars[-1]]
    if max_grad_norm is not None:
        grads = [g for gvs in grads_and_vars for g, _ in gvs]
        clipped, _ = tf.clip_by_global_norm(grads, max_grad_norm)
        clipped = iter(clipped)
        grads_and_vars = [[(next(clipped), v) for _, v in gvs] for gvs in grads_and_vars]
    steps = []
    for (optimizer, _), gvs in zip(optimizers_and_vars, grads_and_vars):
        with tf.control_dependencies(steps[-1:]):
            steps.append(optimizer.apply_gradients(gvs))
    return tf.group(steps)
