"""The TensorFlow 1 examples of spinup/examples, run as a student runs them (each script in a
fresh process, by its path or with ``python -m``) on tiny budgets. The checks live in
example_scripts.py, shared with test_examples_pytorch.py (which also tests the data loader
both train_mnist.py files use)."""
import pytest

from example_scripts import (assert_bench_grid_ran, assert_pg_examples_run,
                             assert_rtg_pg_is_simple_pg_with_rewards_to_go, assert_train_mnist_learns_digits,
                             assert_train_mnist_refuses_a_missing_file, function_source)

BACKEND = 'tf1'


def test_pg_examples_train_by_path_and_as_modules_and_refuse_continuous_actions(tmp_path):
    assert_pg_examples_run(BACKEND, tmp_path)


def test_rtg_pg_differs_from_simple_pg_only_by_rewards_to_go():
    assert_rtg_pg_is_simple_pg_with_rewards_to_go(BACKEND)


def test_framework_free_functions_are_the_pytorch_examples_copies():
    """The pg files keep their own copies on purpose (each reads alone): the copies agree."""
    for script, name in [('pg_math/1_simple_pg', 'make_env'), ('pg_math/2_rtg_pg', 'reward_to_go')]:
        assert function_source(BACKEND, script, name) == function_source('pytorch', script, name), name


@pytest.mark.slow
def test_bench_ppo_cartpole_runs_every_setting_of_its_grid(tmp_path):
    assert_bench_grid_ran(BACKEND, tmp_path)


def test_train_mnist_learns_the_digits_and_logs_each_epoch(tmp_path):
    assert_train_mnist_learns_digits(BACKEND, tmp_path, better_than=0.5)  # 12 seeds gave 0.82 to 0.92 here


def test_train_mnist_refuses_a_missing_file_in_one_line(tmp_path):
    assert_train_mnist_refuses_a_missing_file(BACKEND, tmp_path)
