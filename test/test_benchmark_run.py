"""``benchmark run`` and ``benchmark report`` through the command line: the smoke preset killed
midway and run again, run once more (nothing to do), reported; a failed run in a user grid."""
import os
import signal
import subprocess
import sys
import time

import pandas as pd

from spinup.benchmarks.presets import PRESETS, experiments
from spinup.benchmarks.runner import is_finished

SMOKE = experiments(PRESETS['smoke'])


def benchmark(*args):
    return [sys.executable, '-m', 'spinup.run', 'benchmark', *map(str, args)]


def test_smoke_killed_midway_then_completed_then_skipped_then_reported(tmp_path):
    data = tmp_path / 'smoke'
    command = benchmark('run', 'smoke', '--data_dir', data, '--workers', 2)

    # kill the whole benchmark (launcher and experiments, as a lost machine would) once a run is done
    first = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 300
    try:
        while not any(is_finished(str(data / exp.relpath), exp.epochs) for exp in SMOKE):
            assert first.poll() is None, 'the benchmark ended before it could be killed'
            assert time.time() < deadline, 'no run finished in 300 s'
            time.sleep(0.2)
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
    finished_before = sum(is_finished(str(data / exp.relpath), exp.epochs) for exp in SMOKE)
    assert finished_before < len(SMOKE), 'killed too late to test anything'

    again = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    assert f'{finished_before} finished already, {len(SMOKE) - finished_before} to run' in again.stdout
    # every run whole, and only once: the experiment folders, one folder a seed, one row an epoch
    assert sorted(os.listdir(data)) == sorted({exp.name for exp in SMOKE})
    for exp in SMOKE:
        assert sorted(os.listdir(data / exp.name)) == sorted(f'{exp.name}_s{s}' for s in PRESETS['smoke'].seeds)
        progress = pd.read_table(data / exp.relpath / 'progress.txt')
        assert list(progress['Epoch']) == list(range(exp.epochs)), exp.relpath

    third = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert third.returncode == 0
    assert f'{len(SMOKE)} finished already, 0 to run' in third.stdout

    out = tmp_path / 'report'
    report = subprocess.run(benchmark('report', data, '--out', out), capture_output=True, text=True, timeout=300)
    assert report.returncode == 0, report.stderr
    results = pd.read_csv(out / 'results.csv')
    assert len(results) == sum(exp.epochs for exp in SMOKE)  # one row per (run, epoch)
    assert set(zip(results['algorithm'], results['backend'])) == {(e.algo, e.backend) for e in SMOKE}
    for kind in ('algorithms', 'head_to_head'):
        for ext in ('svg', 'png'):
            assert (out / f'Pendulum-v1_{kind}.{ext}').stat().st_size > 1000
    summary = pd.read_csv(out / 'summary.csv')
    assert sorted(summary['algorithm']) == ['ddpg', 'ppo']
    assert (summary[['tf1_seeds', 'pytorch_seeds']] == len(PRESETS['smoke'].seeds)).all().all()
    assert '| ppo | Pendulum-v1 |' in (out / 'summary.md').read_text()


def test_a_failed_run_is_reported_once_and_the_others_finish(tmp_path):
    data = tmp_path / 'grid'
    run = subprocess.run(benchmark('run', 'custom', '--algos', 'ppo', '--backends', 'pytorch',
                                   '--envs', 'NoSuchEnv-v0', 'CartPole-v1', '--epochs', 1, '--steps_per_epoch', 200,
                                   '--data_dir', data), capture_output=True, text=True, timeout=300)
    assert run.returncode == 1
    output = run.stdout + run.stderr
    assert output.count("unknown environment id 'NoSuchEnv-v0'") == 1, output
    assert 'Traceback' not in output
    assert is_finished(str(data / 'ppo_pytorch_CartPole-v1' / 'ppo_pytorch_CartPole-v1_s0'), 1)
