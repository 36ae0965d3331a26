"""The PyTorch examples of spinup/examples, run as a student runs them (each script in a fresh
process, by its path or with ``python -m``) on tiny budgets, and the data loader both
train_mnist.py files use. The checks live in example_scripts.py, shared with test_examples_tf1.py."""
import os

import numpy as np
import pytest

from example_scripts import (assert_bench_grid_ran, assert_pg_examples_run,
                             assert_rtg_pg_is_simple_pg_with_rewards_to_go, assert_train_mnist_learns_digits,
                             assert_train_mnist_refuses_a_missing_file)
from spinup.utils.errors import SpinupError

BACKEND = 'pytorch'


def test_pg_examples_train_by_path_and_as_modules_and_refuse_continuous_actions(tmp_path):
    assert_pg_examples_run(BACKEND, tmp_path)


def test_rtg_pg_differs_from_simple_pg_only_by_rewards_to_go():
    assert_rtg_pg_is_simple_pg_with_rewards_to_go(BACKEND)


@pytest.mark.slow
def test_bench_ppo_cartpole_runs_every_setting_of_its_grid(tmp_path):
    assert_bench_grid_ran(BACKEND, tmp_path)


def test_train_mnist_learns_the_digits_and_logs_each_epoch(tmp_path):
    run = assert_train_mnist_learns_digits(BACKEND, tmp_path, better_than=0.5)  # 12 seeds gave 0.73 to 0.83 here
    # the learning curve plots as the docs say, against the epochs
    from spinup.utils.plot import make_plots
    paths = make_plots([str(run)], xaxis='Epoch', values=['AverageAcc', 'TestAcc'], out=str(tmp_path / 'acc.png'))
    assert len(paths) == 2 and all(os.path.getsize(path) > 0 for path in paths)


def test_train_mnist_refuses_a_missing_file_in_one_line(tmp_path):
    assert_train_mnist_refuses_a_missing_file(BACKEND, tmp_path)


def test_image_data_reads_digits_and_mnist_files_and_refuses_bad_ones(tmp_path):
    from spinup.examples.image_data import load_image_data
    x_train, y_train, x_test, y_test = load_image_data()
    assert x_train.shape == (1438, 64) and x_test.shape == (359, 64)
    assert x_train.dtype == np.float32 and 0 <= x_train.min() and x_train.max() == 1
    assert set(y_train) == set(range(10)) and y_test.dtype == np.int64
    assert np.array_equal(load_image_data()[3], y_test)  # the same split every time

    rng = np.random.default_rng(0)
    arrays = dict(x_train=rng.integers(0, 256, (30, 28, 28), dtype=np.uint8), y_train=np.arange(30) % 10,
                  x_test=np.full((5, 28, 28), 255, dtype=np.uint8), y_test=np.arange(5))
    np.savez(tmp_path / 'mnist.npz', **arrays)
    x_train, y_train, x_test, y_test = load_image_data(str(tmp_path / 'mnist.npz'))
    assert x_train.shape == (30, 784) and np.allclose(x_train * 255, arrays['x_train'].reshape(30, -1))
    assert (x_test == 1).all() and list(y_test) == [0, 1, 2, 3, 4]

    np.savez(tmp_path / 'partial.npz', x_train=arrays['x_train'])
    (tmp_path / 'text.npz').write_text('not an archive')
    np.savez(tmp_path / 'labels.npz', **dict(arrays, y_test=np.arange(5) + 8))
    for name, says in [('partial.npz', 'cannot read'), ('text.npz', 'cannot read'), ('labels.npz', 'labels'),
                       ('absent.npz', 'no such file')]:
        with pytest.raises(SpinupError, match=says):
            load_image_data(str(tmp_path / name))
