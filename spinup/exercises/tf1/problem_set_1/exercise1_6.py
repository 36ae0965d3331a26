"""Exercise 1.6: the memory's mask, one step of an LSTM cell (TensorFlow 1 graph mode).

A recurrent policy remembers: an LSTM cell carries a memory, the pair (h, c), from one step
to the next, and reads it at every step together with the new observation. The agent plays
episode after episode (B copies of the environment side by side), and nothing stops that
memory at the end of an episode: the first step of the next one would find h and c still
full of what happened in the last. A new episode must not remember the last one -- where
the cue was, how far the cart had drifted -- or the policy acts, and learns, on a past that
is not this episode's.

So each step comes with a flag per row, start_t, 1 where this step's observation is the first
of a new episode, and the step zeroes the memory of those rows BEFORE anything reads it. The
other rows keep theirs. With n the size of the memory:

    h, c = h * (1 - start_t), c * (1 - start_t)     (row by row)
    z    = x_t Wx + h Wh + b                         (x_t Wx is given to you: xw_t)
    i, f, o, u = the four blocks of n columns of z, in that order
    c'   = sigmoid(f) * c + sigmoid(i) * tanh(u)
    h'   = sigmoid(o) * tanh(c')

i (input), f (forget) and o (output) are gates between 0 and 1; u is the update written into
c. Zeroing after the step is too late: the step has read the old memory by then. And zero
both: the old h reaches every gate through h Wh, the old c reaches c' through sigmoid(f) * c.
A row that starts an episode must give exactly what it gives with h = c = 0.

Write the function below so that it builds the graph ops of that step for a batch of B rows
(it is called with placeholders; the check runs the ops). Then run this file
(``python -m spinup.run exercise 1.6 --backend tf1``): it compares your step with the
library's own cell on random batches, with rows that start an episode and rows that do not,
and names the classic mistakes when it sees one. The library's cell is the function ``step``
inside ``lstm`` in ``spinup/algos/tf1/ppo/core_lstm.py`` (the docs page "Memory: recurrent
policies"): read it once you are done.
"""
from typing import Tuple

import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()


def lstm_step(xw_t: tf.Tensor, start_t: tf.Tensor, h: tf.Tensor, c: tf.Tensor,
              wh: tf.Tensor, b: tf.Tensor) -> Tuple[tf.Tensor, tf.Tensor]:
    """The ops of one step of an LSTM cell whose memory is zeroed where an episode starts.

    Args:
        xw_t: The input's part of the pre-activation, x_t Wx, shape [B, 4n].
        start_t: 1.0 where this step's observation starts a new episode, else 0.0, shape [B].
        h: The output of the step before, shape [B, n].
        c: The cell state of the step before, shape [B, n].
        wh: The recurrent weights, shape [n, 4n]: z = xw_t + tf.matmul(h, wh) + b.
        b: The bias, shape [4n].

    Returns:
        The tensors ``(h, c)`` after the step, each of shape [B, n].
    """
    #######################
    #                     #
    #   YOUR CODE HERE    #
    #                     #
    #######################
    raise NotImplementedError


if __name__ == '__main__':
    from spinup.exercises.tf1.checks import check_1_6
    check_1_6(lstm_step)
