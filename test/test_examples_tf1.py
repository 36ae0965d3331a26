"""The TensorFlow 1 examples of spinup/examples, run as a student runs them (each script in a
fresh process, by its path or with ``python -m``) on tiny budgets. The checks live in
example_scripts.py, shared with test_examples_pytorch.py (which also tests the data loader
both train_mnist.py files use)."""
import runpy
import sys
from pathlib import Path

import pytest

from conftest import REPO
from example_scripts import (assert_pg_examples_run,
                             assert_rtg_pg_is_simple_pg_with_rewards_to_go, assert_train_mnist_learns_digits,
                             assert_train_mnist_refuses_a_missing_file, function_source)

BACKEND = 'tf1'
EXAMPLES = Path(REPO) / 'spinup' / 'examples' / BACKEND


def test_pg_examples_train_by_path_and_as_modules_and_refuse_continuous_actions(tmp_path):
    assert_pg_examples_run(BACKEND, tmp_path)


def test_rtg_pg_differs_from_simple_pg_only_by_rewards_to_go():
    assert_rtg_pg_is_simple_pg_with_rewards_to_go(BACKEND)


def test_framework_free_functions_are_the_pytorch_examples_copies():
    """The pg files keep their own copies on purpose (each reads alone): the copies agree."""
    for script, name in [('pg_math/1_simple_pg', 'make_env'), ('pg_math/2_rtg_pg', 'reward_to_go')]:
        assert function_source(BACKEND, script, name) == function_source('pytorch', script, name), name


def test_bench_ppo_cartpole_prepares_every_run_of_its_grid(tmp_path, monkeypatch):
    """test_examples_pytorch.py runs its twin's grid; here each of the four runs is only
    prepared: its name, its arguments, and that they pickle as call_experiment ships them
    (TensorFlow's own tf.nn.tanh would not)."""
    import cloudpickle

    from spinup.utils import run_utils
    launched = {}

    def prepare(exp_name, thunk, **kwargs):
        cloudpickle.dumps((thunk, kwargs))
        launched[exp_name] = kwargs
    monkeypatch.setattr(run_utils, 'call_experiment', prepare)
    monkeypatch.setattr(sys, 'argv', ['bench_ppo_cartpole.py', '--num_runs', '1', '--data_dir', str(tmp_path)])
    with pytest.raises(SystemExit) as done:
        runpy.run_path(str(EXAMPLES / 'bench_ppo_cartpole.py'), run_name='__main__')
    assert done.value.code == 0
    expected = {f'bench-ppo-cartpole_hid{hid}_{act}': (sizes, act)
                for hid, sizes in (('32', (32,)), ('64-64', (64, 64))) for act in ('tanh', 'relu')}
    assert sorted(launched) == sorted(expected)
    for name, (sizes, act) in expected.items():
        ac_kwargs = launched[name]['ac_kwargs']
        assert ac_kwargs['hidden_sizes'] == sizes and ac_kwargs['activation'].__name__ == act, (name, ac_kwargs)
        assert launched[name]['seed'] == 0 and launched[name]['env_name'] == 'CartPole-v1'


def test_train_mnist_learns_the_digits_and_logs_each_epoch(tmp_path):
    assert_train_mnist_learns_digits(BACKEND, tmp_path, better_than=0.5)  # 12 seeds gave 0.82 to 0.92 here


def test_train_mnist_refuses_a_missing_file_in_one_line(tmp_path):
    assert_train_mnist_refuses_a_missing_file(BACKEND, tmp_path)
