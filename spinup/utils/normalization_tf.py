"""A TF1 agent saved with its observation statistics, so that it normalizes what it is given."""
from typing import Callable, Tuple

import tensorflow.compat.v1 as tf

from spinup.utils.normalization import CLIP, EPSILON, Normalizer


def normalized_input(x_ph: tf.Tensor, normalizer: Normalizer) -> Tuple[tf.Tensor, tf.Tensor, Callable]:
    """The agent's input, where ``normalizer`` normalizes observations.

    Returns ``(raw_x, x, store)``. ``x`` is what the agent's networks read: training feeds it
    the observations normalized already (``normalizer.obs``); left unfed, as in the saved
    agent, it is computed from ``raw_x`` (``x_ph``, raw observations) with the statistics held
    in two variables, which ``store(sess)`` sets from the normalizer before each save. Without
    normalization, ``raw_x`` and ``x`` are both ``x_ph`` and ``store`` does nothing.
    """
    if not normalizer.observations:
        return x_ph, x_ph, lambda sess: None
    stats = normalizer.stats['obs']
    with tf.variable_scope('normalization'):
        mean, var = (tf.get_variable(name, initializer=value, trainable=False)
                     for name, value in (('obs_mean', stats.mean), ('obs_var', stats.var)))
        mean_ph, var_ph = (tf.placeholder(tf.float64, shape=stats.mean.shape) for _ in range(2))
        assign = tf.group(mean.assign(mean_ph), var.assign(var_ph))
        # the normalizer's float64 operations, on the float32 observations the placeholder takes
        x_frozen = tf.clip_by_value((tf.cast(x_ph, tf.float64) - mean) / tf.sqrt(var + EPSILON),
                                    -CLIP, CLIP)
        x = tf.placeholder_with_default(tf.cast(x_frozen, tf.float32), shape=x_ph.shape)

    def store(sess: tf.Session) -> None:
        now = normalizer.stats['obs']  # (replaced when MPI processes merge: read it now)
        sess.run(assign, {mean_ph: now.mean, var_ph: now.var})

    return x_ph, x, store
