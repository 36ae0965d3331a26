"""The logger: progress rows and statistics, config.json, saved state, atomic writes."""
import io
import json
import math
import os
import sys

import gymnasium as gym
import joblib
import numpy as np
import pandas as pd
import pytest
import torch

from spinup.utils.logx import EpochLogger, Logger, colorize
from spinup.utils.serialization_utils import atomic_path, convert_json


def read_progress(path):
    return pd.read_table(os.path.join(path, 'progress.txt'))


def test_epoch_statistics(tmp_path):
    logger = EpochLogger(output_dir=str(tmp_path))
    for ret in [1.0, 2.0, 3.0, 6.0]:
        logger.store(EpRet=ret)
    logger.store(Loss=np.array([1.0, 3.0]))  # arrays are flattened into the pool
    logger.log_tabular('Epoch', 0)
    logger.log_tabular('EpRet', with_min_and_max=True)
    logger.log_tabular('Loss', average_only=True)
    logger.dump_tabular()
    row = read_progress(tmp_path).iloc[0]
    assert list(read_progress(tmp_path).columns) == ['Epoch', 'AverageEpRet', 'StdEpRet', 'MaxEpRet', 'MinEpRet', 'Loss']
    assert row['AverageEpRet'] == pytest.approx(3.0)
    assert row['StdEpRet'] == pytest.approx(np.std([1, 2, 3, 6]))
    assert row['MaxEpRet'] == 6.0 and row['MinEpRet'] == 1.0
    assert row['Loss'] == pytest.approx(2.0)


def test_epoch_with_no_finished_episode_logs_nan(tmp_path):
    logger = EpochLogger(output_dir=str(tmp_path))
    for epoch in range(2):
        if epoch == 0:
            logger.store(EpRet=5.0)
        logger.log_tabular('Epoch', epoch)
        logger.log_tabular('EpRet', with_min_and_max=True)
        logger.dump_tabular()
    progress = read_progress(tmp_path)
    assert len(progress) == 2
    assert progress['AverageEpRet'][0] == 5.0
    assert all(math.isnan(progress[k][1]) for k in ['AverageEpRet', 'StdEpRet', 'MaxEpRet', 'MinEpRet'])


def test_progress_is_flushed_every_epoch(tmp_path):
    logger = Logger(output_dir=str(tmp_path))
    logger.log_tabular('Epoch', 0)
    logger.dump_tabular()
    # readable before the logger is closed or the process ends
    assert open(tmp_path / 'progress.txt').read() == 'Epoch\n0\n'


def test_new_key_after_first_row_is_an_error(tmp_path):
    logger = Logger(output_dir=str(tmp_path))
    logger.log_tabular('A', 1)
    logger.dump_tabular()
    with pytest.raises(KeyError, match='first epoch'):
        logger.log_tabular('B', 2)


def test_save_config_handles_anything(tmp_path):
    logger = EpochLogger(output_dir=str(tmp_path), exp_name='cfg')

    class Thing:
        def __init__(self):
            self.size = 3

    config = dict(lr=1e-3, hidden=(64, 64), act=torch.nn.ReLU, fn=lambda x: x, thing=Thing(),
                  arr=np.arange(3), nested=dict(a=[1, 2]), logger=logger)
    logger.save_config(config)
    saved = json.load(open(tmp_path / 'config.json'))
    assert saved['lr'] == 1e-3 and saved['hidden'] == [64, 64]
    assert saved['act'] == 'torch.nn.modules.activation.ReLU'
    assert saved['fn'].startswith('<lambda>')
    assert saved['arr'] == [0, 1, 2]
    assert saved['nested'] == {'a': [1, 2]}
    assert list(saved['thing'].values()) == [{'size': 3}]
    assert saved['exp_name'] == 'cfg'
    assert 'logger' not in saved
    assert 'numpy' in saved['_run']['versions']


def test_convert_json_leaves_plain_values():
    assert convert_json({'a': 1, 'b': [1.5, 'x', None, True]}) == {'a': 1, 'b': [1.5, 'x', None, True]}
    assert json.dumps(convert_json((1, 2))) == '[1, 2]'


def test_save_state_stores_env_description_and_numbers(tmp_path):
    logger = EpochLogger(output_dir=str(tmp_path))
    env = gym.make('Pendulum-v1', g=9.0)
    model = torch.nn.Linear(2, 1)
    logger.setup_pytorch_saver(model)
    logger.save_state({'env': env, 'step': 7}, None)
    logger.save_state({'env': env, 'step': 8}, itr=3)
    state = joblib.load(tmp_path / 'vars.pkl')
    assert state['env_spec'] == {'env_id': 'Pendulum-v1', 'env_kwargs': {'g': 9.0}, 'max_episode_steps': 200}
    assert state['step'] == 7
    assert joblib.load(tmp_path / 'vars3.pkl')['step'] == 8
    assert (tmp_path / 'pyt_save' / 'model.pt').exists() and (tmp_path / 'pyt_save' / 'model3.pt').exists()
    loaded = torch.load(tmp_path / 'pyt_save' / 'model.pt', weights_only=False)
    assert torch.equal(loaded.weight, model.weight)
    assert not [f for f in os.listdir(tmp_path) if f.startswith('.')], 'temporary files left behind'


def test_atomic_path_keeps_old_file_on_failure(tmp_path):
    target = tmp_path / 'file.txt'
    target.write_text('old')
    with pytest.raises(RuntimeError):
        with atomic_path(str(target)) as tmp:
            open(tmp, 'w').write('half')
            raise RuntimeError('crash mid-write')
    assert target.read_text() == 'old'
    assert os.listdir(tmp_path) == ['file.txt']
    with atomic_path(str(target)) as tmp:
        open(tmp, 'w').write('new')
    assert target.read_text() == 'new'


def test_atomic_path_gives_normal_permissions(tmp_path):
    old = os.umask(0o022)
    try:
        with atomic_path(str(tmp_path / 'f.json')) as tmp:
            open(tmp, 'w').write('{}')
    finally:
        os.umask(old)
    assert os.stat(tmp_path / 'f.json').st_mode & 0o777 == 0o644


class FakeStdout(io.StringIO):
    def __init__(self, tty):
        super().__init__()
        self.tty = tty

    def isatty(self):
        return self.tty


@pytest.fixture
def no_colour_settings(monkeypatch):
    for name in ('NO_COLOR', 'FORCE_COLOR', 'TERM'):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_colorize_on_a_terminal(no_colour_settings):
    no_colour_settings.setattr(sys, 'stdout', FakeStdout(tty=True))
    assert colorize('hi', 'red', bold=True) == '\x1b[31;1mhi\x1b[0m'
    no_colour_settings.setenv('NO_COLOR', '')  # set but empty: no effect (no-color.org)
    assert colorize('hi', 'red') == '\x1b[31mhi\x1b[0m'


@pytest.mark.parametrize('tty, env', [(False, {}), (True, {'NO_COLOR': '1'}),
                                      (True, {'TERM': 'dumb'}), (False, {'NO_COLOR': '1', 'FORCE_COLOR': '1'})],
                         ids=['redirected', 'NO_COLOR', 'dumb-terminal', 'NO_COLOR-over-FORCE_COLOR'])
def test_no_escape_codes_off_a_terminal_or_with_no_color(no_colour_settings, tmp_path, tty, env):
    for name, value in env.items():
        no_colour_settings.setenv(name, value)
    out = FakeStdout(tty)
    no_colour_settings.setattr(sys, 'stdout', out)
    assert colorize('hi', 'green', bold=True) == 'hi'
    logger = EpochLogger(output_dir=str(tmp_path))  # prints 'Progress goes to ...'
    logger.log('a message')
    logger.save_config({'epochs': 1})
    assert 'Progress goes to' in out.getvalue() and 'a message' in out.getvalue()
    assert '\x1b' not in out.getvalue()


def test_force_color_colours_a_pipe(no_colour_settings):
    """The convention (force-color.org) a launcher uses to keep a child's colours on its terminal."""
    no_colour_settings.setattr(sys, 'stdout', FakeStdout(tty=False))
    no_colour_settings.setenv('FORCE_COLOR', '1')
    assert colorize('hi', 'cyan') == '\x1b[36mhi\x1b[0m'
    # a stream given explicitly is the one asked (a log file, not the terminal)
    no_colour_settings.delenv('FORCE_COLOR')
    no_colour_settings.setattr(sys, 'stdout', FakeStdout(tty=True))
    assert colorize('hi', 'cyan', stream=FakeStdout(tty=False)) == 'hi'


def test_the_progress_line_names_the_epoch_as_the_table_does(tmp_path, capsys):
    logger = EpochLogger(output_dir=str(tmp_path))
    logger.save_config({'epochs': 3})
    for epoch, elapsed in [(0, 10.0), (1, 20.0), (2, 31.0)]:
        logger.log_tabular('Epoch', epoch)
        logger.log_tabular('Time', elapsed)
        logger.dump_tabular()
    out = capsys.readouterr().out
    shown = [int(line.split()[1]) for line in out.splitlines() if line.startswith('Epoch ')]
    assert shown == read_progress(tmp_path)['Epoch'].tolist() == [0, 1, 2]
    assert 'Epoch 0 done (1 of 3), 00:10 elapsed, about 00:20 to go' in out
    assert 'Epoch 2 done (3 of 3), 00:31 elapsed, finished' in out


def test_epoch_spans_are_named_in_the_tables_numbering():
    from spinup.utils.checkpoint import epoch_span
    assert [epoch_span(0, 0), epoch_span(0, 1), epoch_span(0, 2), epoch_span(2, 6)] == ['no epoch', 'epoch 0', 'epochs 0-1',
                                                                        'epochs 2-5']
