"""The images train_mnist.py learns from, as flat float vectors: nothing is ever downloaded.

By default, scikit-learn's bundled handwritten digits (1797 images of 8x8 pixels, installed with
the package); with a path, MNIST from a local ``mnist.npz`` (the usual layout: ``x_train``
(60000, 28, 28), ``y_train`` (60000,), ``x_test`` (10000, 28, 28), ``y_test`` (10000,), pixels
0-255).
"""
import os.path as osp
import zipfile
from typing import Optional, Tuple

import numpy as np

from spinup.utils.errors import SpinupError

# Images of digits, in both sets.
N_CLASSES = 10
# The share of the digits held out for testing.
DIGITS_TEST_FRACTION = 0.2


def load_image_data(mnist: Optional[str] = None) -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``x_train, y_train, x_test, y_test``: images (N, pixels) as float32 in [0, 1], labels (N,) int64.

    Args:
        mnist (str): Path of a local ``mnist.npz``; if None, scikit-learn's digits, split in
            the same way every time (a fixed shuffle, then 20% held out for testing).

    Raises:
        SpinupError: the file is missing, unreadable, or not laid out as ``mnist.npz`` is.
    """
    if mnist is None:
        from sklearn.datasets import load_digits  # only here: MNIST from a file needs no scikit-learn
        digits = load_digits()
        x, y = digits.data / 16.0, digits.target  # pixels 0-16
        order = np.random.RandomState(0).permutation(len(x))
        n_test = int(len(x) * DIGITS_TEST_FRACTION)
        test, train = order[:n_test], order[n_test:]
        x_train, y_train, x_test, y_test = x[train], y[train], x[test], y[test]
    else:
        if not osp.isfile(mnist):
            raise SpinupError(f"--mnist {mnist}: no such file; give the path of a local mnist.npz "
                              "(nothing is downloaded), or leave --mnist out to train on the digits.")
        keys = ('x_train', 'y_train', 'x_test', 'y_test')
        try:
            data = np.load(mnist)  # allow_pickle stays False: reading a file runs no code from it
            x_train, y_train, x_test, y_test = (data[k] for k in keys)
        except (OSError, ValueError, KeyError, IndexError, zipfile.BadZipFile):
            raise SpinupError(f"--mnist {mnist}: cannot read it as an .npz holding the arrays "
                              f"{', '.join(keys)}.") from None
        if len(x_train) != len(y_train) or len(x_test) != len(y_test):
            raise SpinupError(f'--mnist {mnist}: the images and labels differ in number.')
        if not np.isin(np.concatenate([y_train, y_test]), np.arange(N_CLASSES)).all():
            raise SpinupError(f'--mnist {mnist}: the labels must be the digits 0 to {N_CLASSES - 1}.')
        x_train, x_test = x_train / 255.0, x_test / 255.0  # pixels 0-255

    def flat(images):
        return images.reshape(len(images), -1).astype(np.float32)

    return flat(x_train), y_train.astype(np.int64), flat(x_test), y_test.astype(np.int64)
