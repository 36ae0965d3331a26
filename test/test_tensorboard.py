"""--tensorboard: every progress row also goes to an event file in the run folder, through
the run's own framework's writer; and the console's epoch k/N line."""
import glob
import json
import textwrap

import numpy as np
import pandas as pd
import pytest

from conftest import assert_ok, run_cli, run_python


def read_scalars(run_dir):
    """{tag: [(step, value), ...]} from the event files in ``run_dir``, read by TensorBoard itself."""
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    files = glob.glob(f'{run_dir}/events.out.tfevents.*')
    assert len(files) == 1, files
    events = EventAccumulator(str(run_dir), size_guidance={'scalars': 0})
    events.Reload()
    return {tag: [(e.step, e.value) for e in events.Scalars(tag)] for tag in events.Tags()['scalars']}


def assert_scalars_match_progress(run_dir):
    progress = pd.read_table(run_dir / 'progress.txt')
    scalars = read_scalars(run_dir)
    assert set(scalars) == set(progress.columns)
    steps = progress['TotalEnvInteracts'].astype(int).tolist()
    for column in progress.columns:
        assert [step for step, _ in scalars[column]] == steps, column
        # scalars are stored as 32-bit floats
        np.testing.assert_allclose([value for _, value in scalars[column]], progress[column].to_numpy(dtype=float),
                                   rtol=1e-6, err_msg=column)


@pytest.mark.parametrize('algo, cpu', [('ppo_pytorch', 2), ('ppo_tf1', 1)])
def test_the_command_lines_tensorboard_flag_writes_the_progress_rows_as_scalars(data_dir, algo, cpu):
    run_dir = data_dir / 'tb' / 'tb_s0'
    run_dir.mkdir(parents=True)
    (run_dir / 'progress.txt').write_text('Epoch\n0\n')  # an earlier run in the same folder, replaced
    (run_dir / 'events.out.tfevents.1.old').write_bytes(b'')
    result = run_cli(algo, '--env', 'CartPole-v1', '--hid', '[8]', '--steps_per_epoch', 200, '--epochs', 3,
                     '--exp_name', 'tb', '--tensorboard', '--cpu', cpu, '--data_dir', data_dir)
    assert_ok(result)
    assert_scalars_match_progress(run_dir)  # one event file (process 0's alone), the new run's
    assert f'tensorboard --logdir {run_dir}' in result.stdout
    # the console's line after each row: the row's epoch, k of N, time spent and left
    assert 'Epoch 0 done (1 of 3), ' in result.stdout and 'to go' in result.stdout
    assert 'Epoch 2 done (3 of 3), ' in result.stdout
    assert json.load(open(run_dir / 'config.json'))['logger_kwargs']['tensorboard'] is True


@pytest.mark.parametrize('backend, other', [('pytorch', 'tensorflow'), ('tf1', 'torch')])
def test_a_runs_scalars_come_from_its_own_framework_alone(tmp_path, backend, other):
    """An off-policy run with the logger keyword: the other framework is never loaded."""
    out = run_python(textwrap.dedent(f"""
        import sys
        import gymnasium as gym
        from spinup.algos.{backend}.td3.td3 import td3
        td3(lambda: gym.make('Pendulum-v1'), ac_kwargs=dict(hidden_sizes=(8,)), steps_per_epoch=150, epochs=2,
            start_steps=100, update_after=100, update_every=50, num_test_episodes=1, max_ep_len=50,
            logger_kwargs=dict(output_dir={str(tmp_path)!r}, tensorboard=True))
        print('LOADED', {other!r} in sys.modules)
    """), timeout=300)
    assert 'LOADED False' in out
    assert_scalars_match_progress(tmp_path)


def test_without_tensorboardx_a_pytorch_run_stops_before_training_with_one_line(tmp_path):
    out = run_python(textwrap.dedent(f"""
        import sys
        sys.modules['tensorboardX'] = None  # as if it were not installed
        import torch
        from spinup.utils.errors import SpinupError
        from spinup.utils.logx import EpochLogger
        try:
            EpochLogger(output_dir={str(tmp_path / 'run')!r}, tensorboard=True)
        except SpinupError as err:
            print('ERROR', err)
    """))
    assert 'ERROR TensorBoard output in PyTorch needs tensorboardX: in the repository, pip install -e ".[tensorboard]"' in out
    assert not (tmp_path / 'run').exists()  # nothing written


def test_the_progress_line_counts_epochs_and_estimates_the_time_left(tmp_path, capsys):
    from spinup.utils.logx import EpochLogger
    logger = EpochLogger(output_dir=str(tmp_path))
    logger.save_config({'epochs': np.int64(4)})
    lines = []
    for epoch, elapsed in [(0, 10.0), (1, 20.0), (3, 42.0)]:
        logger.log_tabular('Epoch', epoch)
        logger.log_tabular('Time', elapsed)
        logger.dump_tabular()
        lines.append(capsys.readouterr().out.strip().splitlines()[-1])
    assert lines == ['Epoch 0 done (1 of 4), 00:10 elapsed, about 00:30 to go',
                     'Epoch 1 done (2 of 4), 00:20 elapsed, about 00:20 to go',
                     'Epoch 3 done (4 of 4), 00:42 elapsed, finished']
    # no line without the number of epochs, or with epochs counted from 1 past the end
    for config, epoch in [({}, 0), ({'epochs': 2}, 2)]:
        logger = EpochLogger(output_dir=str(tmp_path / f'other{epoch}'))
        logger.save_config(config)
        logger.log_tabular('Epoch', epoch)
        logger.log_tabular('Time', 1.0)
        logger.dump_tabular()
        assert 'elapsed' not in capsys.readouterr().out


@pytest.mark.parametrize('flag', ['no', 'data/tb'])
def test_the_tensorboard_flag_is_a_switch(data_dir, flag):
    result = run_cli('ppo_pytorch', '--env', 'CartPole-v1', '--tensorboard', flag, '--data_dir', data_dir)
    assert result.returncode == 2 and 'Traceback' not in result.stderr
    assert f"Error: --tensorboard is a switch: give it alone (or True/False), not '{flag}'." in result.stderr
