"""Solution to exercise 1.6: the memory's mask, one step of an LSTM cell (TensorFlow 1 graph mode)."""
from typing import Tuple

import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()


def lstm_step(xw_t: tf.Tensor, start_t: tf.Tensor, h: tf.Tensor, c: tf.Tensor,
              wh: tf.Tensor, b: tf.Tensor) -> Tuple[tf.Tensor, tf.Tensor]:
    """The ops of one LSTM step, the memory zeroed first where start_t is 1: ([B, 4n], [B],
    [B, n] x 2, [n, 4n], [4n]) -> (h, c), each [B, n]."""
    keep = (1 - start_t)[:, None]  # [B, 1]: 0 where a new episode starts
    h, c = h * keep, c * keep  # before the step reads them: a new episode starts with no memory
    z = xw_t + tf.matmul(h, wh) + b
    i, f, o, u = tf.split(z, 4, axis=-1)
    c = tf.sigmoid(f) * c + tf.sigmoid(i) * tf.tanh(u)
    h = tf.sigmoid(o) * tf.tanh(c)
    return h, c


if __name__ == '__main__':
    from spinup.exercises.tf1.checks import check_1_6
    check_1_6(lstm_step)
