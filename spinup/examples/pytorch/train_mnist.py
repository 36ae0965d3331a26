"""Supervised learning with the experiment logger: an MLP that classifies images of digits (PyTorch).

The logger that records the RL algorithms serves any training loop. During an epoch,
``logger.store`` collects each batch's loss and accuracy; at its end, ``log_tabular`` writes
their statistics as one row of ``progress.txt``, and ``dump_tabular`` prints the row. The
learning curve then plots as an RL run's does:

    python spinup/examples/pytorch/train_mnist.py --exp_name digits_pytorch
    (then: python -m spinup.run plot data/digits_pytorch --xaxis Epoch --value AverageAcc TestAcc)

Nothing is downloaded. By default it trains on scikit-learn's bundled 8x8 digits; with
``--mnist PATH`` on MNIST from a local ``mnist.npz`` (arrays x_train, y_train, x_test, y_test).
"""
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.optim import Adam

from spinup.algos.pytorch.vpg.core import mlp
from spinup.examples.image_data import N_CLASSES, load_image_data
from spinup.utils.errors import ArgumentParser, check_inputs, run_main
from spinup.utils.logx import EpochLogger
from spinup.utils.run_utils import setup_logger_kwargs


def train_mnist(mnist=None, hidden_sizes=(128, 128), lr=1e-3, epochs=20, steps_per_epoch=100,
                batch_size=128, seed=0, logger_kwargs=None):
    """Train a classifier with Adam on random batches; log each epoch; return the test accuracy.

    ``mnist`` is the path of a local mnist.npz, or None for scikit-learn's digits.
    """
    config = dict(locals())  # the arguments, for config.json
    x_train, y_train, x_test, y_test = load_image_data(mnist)  # first: a bad --mnist writes nothing
    logger = EpochLogger(**(logger_kwargs or {}))
    logger.save_config(config)
    torch.manual_seed(seed)
    torch.set_num_threads(1)  # as the algorithms do: one thread a process
    np.random.seed(seed)  # the batches

    x_train, y_train, x_test, y_test = (torch.as_tensor(a) for a in (x_train, y_train, x_test, y_test))

    # The classifier: pixels in, one logit per class out.
    model = mlp([x_train.shape[1], *hidden_sizes, N_CLASSES], activation=nn.ReLU)

    def accuracy(logits, y):
        """The fraction of images whose most likely class is the label."""
        return (logits.argmax(dim=1) == y).float().mean().item()

    optimizer = Adam(model.parameters(), lr=lr)

    start_time = time.time()
    for epoch in range(epochs):
        for _ in range(steps_per_epoch):
            idx = np.random.randint(len(x_train), size=batch_size)
            x, y = x_train[idx], y_train[idx]
            logits = model(x)
            loss = F.cross_entropy(logits, y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            # loss and accuracy are of the batch as it was before this step's update
            logger.store(Loss=loss.item(), Acc=accuracy(logits, y))
        with torch.no_grad():
            test_acc = accuracy(model(x_test), y_test)

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
    parser.add_argument('--exp_name', default=None, help='default: digits_pytorch, or mnist_pytorch with --mnist')
    parser.add_argument('--data_dir', default=None, help='where the run goes')
    args = parser.parse_args(argv)
    check_inputs('train_mnist', epochs=args.epochs, steps_per_epoch=args.steps_per_epoch,
                 batch_size=args.batch_size)

    exp_name = args.exp_name or ('mnist_pytorch' if args.mnist else 'digits_pytorch')
    test_acc = train_mnist(mnist=args.mnist, lr=args.lr, epochs=args.epochs,
                           steps_per_epoch=args.steps_per_epoch, batch_size=args.batch_size,
                           seed=args.seed, logger_kwargs=setup_logger_kwargs(exp_name, args.seed, args.data_dir))
    print(f'Final test accuracy: {test_acc:.4f}')


if __name__ == '__main__':
    run_main(main)
