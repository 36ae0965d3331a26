"""Output paths, experiment grids, and how a failed or crashed experiment is reported."""
import os
import os.path as osp
import re
import signal
import subprocess
import sys
import time

import pytest

from spinup.utils.errors import SpinupError
from spinup.utils.run_utils import ExperimentError, ExperimentGrid, call_experiment, setup_logger_kwargs, valid_str


def test_setup_logger_kwargs(tmp_path):
    kw = setup_logger_kwargs('cp', seed=10, data_dir=str(tmp_path))
    assert kw == dict(output_dir=osp.join(str(tmp_path), 'cp', 'cp_s10'), exp_name='cp')
    assert setup_logger_kwargs('cp', data_dir=str(tmp_path))['output_dir'] == osp.join(str(tmp_path), 'cp')
    dated = setup_logger_kwargs('cp', seed=0, data_dir=str(tmp_path), datestamp=True)['output_dir']
    rel = osp.relpath(dated, str(tmp_path))
    assert re.fullmatch(r'\d{4}-\d\d-\d\d_cp/\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d-cp_s0', rel), rel


def test_valid_str():
    assert valid_str([64, 64]) == '64-64'
    assert valid_str('Hello World!') == 'hello-world-'
    assert valid_str(int) == 'int'


def make_grid():
    eg = ExperimentGrid(name='cp')
    eg.add('env_name', 'CartPole-v1', '', False)
    eg.add('seed', [0, 10])
    eg.add('ac_kwargs:hidden_sizes', [[32], [64, 64]], 'h')
    eg.add('ac_kwargs:activation', 'tanh')
    return eg


def test_variants_are_the_product_with_nested_keys():
    variants = make_grid().variants()
    assert len(variants) == 4
    assert variants[0] == {'env_name': 'CartPole-v1', 'seed': 0,
                           'ac_kwargs': {'hidden_sizes': [32], 'activation': 'tanh'}}
    assert {(v['seed'], tuple(v['ac_kwargs']['hidden_sizes'])) for v in variants} == \
        {(0, (32,)), (0, (64, 64)), (10, (32,)), (10, (64, 64))}


def test_variant_names_use_shorthands_and_skip_seed():
    eg = make_grid()
    names = [eg.variant_name(v) for v in eg.variants()]
    assert names == ['cp_h32', 'cp_h64-64', 'cp_h32', 'cp_h64-64']


def test_variant_names_default_shorthand_in_name_and_bools():
    eg = ExperimentGrid(name='x')
    eg.add('pi_lr', [1e-3, 3e-4])
    eg.add('gamma', 0.9, in_name=True)
    eg.add('use_thing', [True, False], 'ut')
    names = sorted({eg.variant_name(v) for v in eg.variants()})
    assert names == ['x_pi_0.0003_gam0.9', 'x_pi_0.0003_gam0.9_ut', 'x_pi_0.001_gam0.9', 'x_pi_0.001_gam0.9_ut']


def test_no_two_parameters_of_a_grid_share_a_short_name():
    eg = ExperimentGrid(name='g')
    eg.add('env_name', 'CartPole-v1', '', True)
    eg.add('num_envs', 1, in_name=True)
    eg.add('num_minibatches', 4, in_name=True)
    eg.add('ac_kwargs:hidden_sizes', [[32]], in_name=True)
    eg.add('ac_kwargs:hidden_act', ['x'], in_name=True)
    eg.add('pi_lr', 1e-3, 'num', in_name=True)  # a shorthand given is kept; the defaults make way
    assert eg.shorthands() == ['', 'num_e', 'num_m', 'ac_-hidden_s', 'ac_-hidden_a', 'num']
    assert eg.variant_name(eg.variants()[0]) == \
        'g_cartpole-v1_num_e1_num_m4_ac_-hidden_s32_ac_-hidden_ax_num0.001'


@pytest.mark.parametrize('name', ['vpg_pytorch', 'trpo_pytorch', 'ppo_pytorch', 'ddpg_pytorch',
                                  'td3_pytorch', 'sac_pytorch'])
def test_the_short_names_of_every_flag_of_an_algorithm_differ(name):
    import inspect
    from spinup.algos import load
    eg = ExperimentGrid(name='g')
    for key in inspect.signature(load(name)).parameters:
        eg.add(key, 0)
    for key in ('hidden_sizes', 'activation', 'init'):
        eg.add(f'ac_kwargs:{key}', 0)
    shorthands = eg.shorthands()
    assert len(set(shorthands)) == len(shorthands), shorthands


def test_a_grid_of_one_run_announces_it_in_one_line(tmp_path, capfd):
    def work(env_fn, seed, logger_kwargs):
        print('working in', logger_kwargs['output_dir'], flush=True)

    eg = ExperimentGrid('one')
    eg.add('env_name', 'CartPole-v1')
    eg.add('seed', 3)
    eg.run(work, data_dir=str(tmp_path))
    out = re.sub(r'\x1b\[[0-9;]*m', '', capfd.readouterr().out)
    run_dir = str(tmp_path / 'one' / 'one_s3')
    assert out.splitlines()[:2] == [f'Running work on CartPole-v1, seed 3: output in {run_dir}',
                                    f'working in {run_dir}']
    assert 'ExperimentGrid' not in out and 'with arguments' not in out


def test_grid_rejects_duplicate_keys_empty_values_and_colliding_names():
    eg = ExperimentGrid('x')
    eg.add('seed', [0])
    with pytest.raises(SpinupError, match='twice'):
        eg.add('seed', [1])
    with pytest.raises(SpinupError, match="'epochs' was given no values"):
        eg.add('epochs', [])
    eg = ExperimentGrid('x')
    eg.add('env_name', 'CartPole-v1')
    eg.add('ac_kwargs:hidden_sizes', [[64, 64], (64, 64)], 'h')  # both named x_h64-64
    with pytest.raises(SpinupError, match='overwrite each other'):
        eg.run(lambda **kw: None)
    eg = ExperimentGrid('x')
    eg.add('env_name', 'CartPole-v1')
    eg.add('ac_kwargs', [dict(hidden_sizes=[1])])
    eg.add('ac_kwargs:hidden_sizes', [[2]])
    with pytest.raises(SpinupError, match='both whole'):
        eg.variants()


def test_an_experiment_killed_by_a_signal_is_reported_with_its_last_lines(tmp_path, capfd):
    def crash(seed, logger_kwargs):
        import os
        print('epoch 0 done', flush=True)
        os.abort()  # as a native library's crash would

    with pytest.raises(ExperimentError) as err:
        call_experiment('boom', crash, data_dir=str(tmp_path))
    message = str(err.value)
    assert message.startswith("experiment 'boom' crashed with SIGABRT (exit status -6)")
    assert message.splitlines()[-1] == '    epoch 0 done'
    assert 'epoch 0 done' in capfd.readouterr().out  # its output was shown as it came too


def test_an_experiment_that_raises_is_reported_as_failed(tmp_path, capfd):
    def fail(seed, logger_kwargs):
        raise ValueError('broken on purpose')

    with pytest.raises(ExperimentError, match=r"experiment 'bad' failed \(exit status 1\)"):
        call_experiment('bad', fail, data_dir=str(tmp_path))
    assert 'ValueError: broken on purpose' in capfd.readouterr().err


def test_a_grid_with_workers_runs_side_by_side_and_reports_every_failure_at_the_end(tmp_path, capsys):
    def work(seed, logger_kwargs, fail):
        import os
        import time
        os.makedirs(logger_kwargs['output_dir'], exist_ok=True)
        with open(os.path.join(logger_kwargs['output_dir'], 'times'), 'w') as f:
            f.write(f'{time.time()} ')
            time.sleep(1.5)
            f.write(f'{time.time()}')
        print(f'seed {seed} says hello', flush=True)
        if fail:
            raise ValueError(f'seed {seed} broke on purpose')

    eg = ExperimentGrid('w')
    eg.add('seed', [0, 1, 2])
    eg.add('fail', [False, True])
    with pytest.raises(ExperimentError) as err:
        eg.run(work, data_dir=str(tmp_path), workers=2)
    lines = str(err.value).splitlines()
    assert lines[0] == '3 of 6 experiments failed:'
    assert sorted(line.split(':')[0].strip() for line in lines[1:]) == [f'w_fai (seed {s})' for s in range(3)]
    assert all(line.endswith('output.txt)') and f'seed {line.split("seed ")[1][0]} broke on purpose' in line
               for line in lines[1:])
    out = capsys.readouterr().out
    assert 'hello' not in out  # each experiment's output went to its own file
    spans = []
    for seed in range(3):
        for name in ('w', 'w_fai'):
            run_dir = tmp_path / name / f'{name}_s{seed}'
            assert f'seed {seed} says hello' in (run_dir / 'output.txt').read_text()
            spans.append([float(t) for t in (run_dir / 'times').read_text().split()])
    spans.sort()
    assert any(later[0] < earlier[1] for earlier, later in zip(spans, spans[1:])), 'no two ran at once'
    with pytest.raises(SpinupError, match='workers must be a whole number'):
        eg.run(work, workers=0)


GRID_TO_STOP = '''
import os, sys, time
from spinup.utils.errors import run_main
from spinup.utils.run_utils import ExperimentGrid

def nap(seed, logger_kwargs):
    os.makedirs(logger_kwargs['output_dir'], exist_ok=True)
    with open(os.path.join(logger_kwargs['output_dir'], 'pid'), 'w') as f:
        f.write(str(os.getpid()))
    time.sleep(120)

def main():
    eg = ExperimentGrid('nap')
    eg.add('seed', [0, 1, 2])
    eg.run(nap, data_dir=sys.argv[1], workers=2)

run_main(main)
'''


def test_sigterm_to_a_grid_stops_its_experiments_and_starts_no_more(tmp_path):
    script = tmp_path / 'grid.py'
    script.write_text(GRID_TO_STOP)
    launcher = subprocess.Popen([sys.executable, str(script), str(tmp_path / 'runs')],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    pid_files = [tmp_path / 'runs' / 'nap' / f'nap_s{seed}' / 'pid' for seed in range(3)]
    deadline = time.time() + 60
    while sum(f.is_file() and f.read_text() != '' for f in pid_files) < 2:
        assert time.time() < deadline and launcher.poll() is None, 'the two experiments did not start'
        time.sleep(0.1)
    launcher.send_signal(signal.SIGTERM)  # to the launcher alone, as `kill` does
    _, err = launcher.communicate(timeout=30)
    assert launcher.returncode == 143, err
    for f in pid_files:
        if f.is_file():
            pid = int(f.read_text())
            deadline = time.time() + 10
            while os.path.exists(f'/proc/{pid}') and time.time() < deadline:
                time.sleep(0.1)
            assert not os.path.exists(f'/proc/{pid}'), 'an experiment outlived its launcher'
    assert sum(f.is_file() for f in pid_files) == 2, 'a third experiment started after SIGTERM'
    assert 'Traceback' not in err
