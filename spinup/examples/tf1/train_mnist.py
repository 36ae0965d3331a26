"""Supervised learning with the experiment logger: an MLP that classifies images of digits (TF1).

The logger that records the RL algorithms serves any training loop. During an epoch,
``logger.store`` collects each batch's loss and accuracy; at its end, ``log_tabular`` writes
their statistics as one row of ``progress.txt``, and ``dump_tabular`` prints the row. The
learning curve then plots as an RL run's does:

    python spinup/examples/tf1/train_mnist.py --exp_name digits_tf1
    (then: python -m spinup.run plot data/digits_tf1 --xaxis Epoch --value AverageAcc TestAcc)

Nothing is downloaded. By default it trains on scikit-learn's bundled 8x8 digits; with
``--mnist PATH`` on MNIST from a local ``mnist.npz`` (arrays x_train, y_train, x_test, y_test).
"""
import time

import numpy as np

from spinup.algos.tf1.vpg.core import mlp  # spinup comes first: it keeps TensorFlow's start-up notices quiet
from spinup.examples.image_data import N_CLASSES, load_image_data
from spinup.utils.errors import ArgumentParser, check_inputs, run_main
from spinup.utils.logx import EpochLogger
from spinup.utils.run_utils import setup_logger_kwargs

import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()


def train_mnist(mnist=None, hidden_sizes=(128, 128), lr=1e-3, epochs=20, steps_per_epoch=100,
                batch_size=128, seed=0, logger_kwargs=None):
    """Train a classifier with Adam on random batches; log each epoch; return the test accuracy.

    ``mnist`` is the path of a local mnist.npz, or None for scikit-learn's digits.
    """
    config = dict(locals())  # the arguments, for config.json
    x_train, y_train, x_test, y_test = load_image_data(mnist)  # first: a bad --mnist writes nothing
    logger = EpochLogger(**(logger_kwargs or {}))
    logger.save_config(config)
    tf.reset_default_graph()  # each call builds its own graph
    tf.set_random_seed(seed)  # the graph's seed: the initial weights
    np.random.seed(seed)  # the batches

    # The classifier: pixels in, one logit per class out.
    x_ph = tf.placeholder(tf.float32, shape=(None, x_train.shape[1]))
    y_ph = tf.placeholder(tf.int64, shape=(None,))
    logits = mlp(x_ph, hidden_sizes=[*hidden_sizes, N_CLASSES], activation=tf.nn.relu)

    # The cross-entropy loss, and the accuracy: the fraction of images whose most likely class is the label.
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y_ph, logits=logits))
    acc = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, axis=1), y_ph), tf.float32))
    train_op = tf.train.AdamOptimizer(learning_rate=lr).minimize(loss)

    sess = tf.Session()
    sess.run(tf.global_variables_initializer())

    start_time = time.time()
    for epoch in range(epochs):
        for _ in range(steps_per_epoch):
            idx = np.random.randint(len(x_train), size=batch_size)
            # loss and acc are of the batch as it was before this step's update
            batch_loss, batch_acc, _ = sess.run([loss, acc, train_op],
                                                feed_dict={x_ph: x_train[idx], y_ph: y_train[idx]})
            logger.store(Loss=batch_loss, Acc=batch_acc)
        test_acc = sess.run(acc, feed_dict={x_ph: x_test, y_ph: y_test})

        logger.log_tabular('Epoch', epoch)
        logger.log_tabular('Loss', average_only=True)   # Loss: the average over the epoch's batches
        logger.log_tabular('Acc', with_min_and_max=True)  # AverageAcc, StdAcc, MaxAcc, MinAcc
        logger.log_tabular('TestAcc', test_acc)
        logger.log_tabular('Time', time.time() - start_time)
        logger.dump_tabular()
    return test_acc


def main(argv=None):
    parser = ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--mnist', default=None, metavar='PATH',
                        help='a local mnist.npz to train on (default: scikit-learn\'s digits)')
    parser.add_argument('--epochs', type=int, default=20)
    parser.add_argument('--steps_per_epoch', type=int, default=100, help='batches an epoch')
    parser.add_argument('--batch_size', type=int, default=128)
    parser.add_argument('--lr', type=float, default=1e-3, help="Adam's learning rate")
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--exp_name', default=None, help='default: digits_tf1, or mnist_tf1 with --mnist')
    parser.add_argument('--data_dir', default=None, help='where the run goes')
    args = parser.parse_args(argv)
    check_inputs('train_mnist', epochs=args.epochs, steps_per_epoch=args.steps_per_epoch,
                 batch_size=args.batch_size)

    exp_name = args.exp_name or ('mnist_tf1' if args.mnist else 'digits_tf1')
    test_acc = train_mnist(mnist=args.mnist, lr=args.lr, epochs=args.epochs,
                           steps_per_epoch=args.steps_per_epoch, batch_size=args.batch_size,
                           seed=args.seed, logger_kwargs=setup_logger_kwargs(exp_name, args.seed, args.data_dir))
    print(f'Final test accuracy: {test_acc:.4f}')


if __name__ == '__main__':
    run_main(main)
