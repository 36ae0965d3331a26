"""``benchmark run`` and ``benchmark report`` through the command line: the smoke preset killed
midway and run again, run once more (nothing to do), reported; a failed run in a user grid."""
import io
import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

from spinup.benchmarks.presets import PRESETS, experiments
from spinup.benchmarks.runner import Progress, is_finished, run_seconds

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


def test_the_mujoco_and_atari_presets_hold_the_runs_their_pages_describe():
    medium = experiments(PRESETS['mujoco-medium'])
    assert len(medium) == 6 * 2 * 2 * 3  # algorithms x backends x environments x seeds
    steps = {run.algo: run.steps for run in medium}
    assert steps == dict(vpg=1_000_000, trpo=1_000_000, ppo=1_000_000, ddpg=100_000, td3=100_000, sac=100_000)
    assert {run.env for run in medium} == {'HalfCheetah-v5', 'Hopper-v5'}

    small, full = experiments(PRESETS['atari-small']), experiments(PRESETS['atari'])
    assert [(run.pair, run.seed) for run in small] == [('ppo_tf1', 0), ('ppo_pytorch', 0)]
    assert len(full) == 3 * 2 * 3
    for run in small + full:  # PPO2's Atari settings, the CNN's layer of 512
        assert (run.hidden_sizes, run.activation, run.steps_per_epoch) == ((512,), 'relu', 1024)
        assert dict(run.kwargs, anneal_lr=True, anneal_clip=True, device='auto', vector_mode='async') == dict(
            num_envs=8, num_minibatches=4, update_epochs=4, pi_lr=2.5e-4, clip_ratio=0.1, anneal_lr=True,
            anneal_clip=True, clip_vloss=True, vf_coef=0.5, ent_coef=0.01, max_grad_norm=0.5, gamma=0.99,
            lam=0.95, target_kl=None, max_ep_len=27000, save_freq=100, device='auto', vector_mode='async')
    assert small[0].steps >= 1_000_000 and full[0].steps >= 10_000_000
    assert not small[0].kwargs['anneal_lr'] and full[0].kwargs['anneal_lr']
    assert 'vector_mode' not in small[0].kwargs  # sync, which 2 cores run as fast


def test_the_memory_presets_pit_the_lstm_against_the_mlp_with_arguments_both_take():
    import inspect
    from spinup.algos import load
    memory = experiments(PRESETS['memory'])
    assert len(memory) == 2 * 2 * 2 * 3  # LSTM and MLP x backends x environments x seeds
    assert {(run.algo, run.env) for run in memory} == {
        (algo, env) for algo in ('ppo', 'ppo_lstm') for env in ('CartPoleNoVel-v1', 'PendulumNoVel-v1')}
    assert {run.steps for run in memory} == {391 * 256, 25 * 4096}  # RL Zoo's 100k
    atari = experiments(PRESETS['memory-atari'])
    assert [run.pair for run in atari] == ['ppo_lstm_tf1', 'ppo_lstm_pytorch']
    for run in memory + atari:  # every argument is one the function takes
        params = inspect.signature(load(run.pair)).parameters
        assert set(run.kwargs) <= set(params), run.pair
        if run.algo == 'ppo_lstm':
            assert run.kwargs['num_envs'] % run.kwargs['num_minibatches'] == 0


def test_envs_the_preset_runs_narrow_it_to_their_blocks_and_new_envs_replace_every_blocks():
    whole = {run.relpath: run for run in experiments(PRESETS['memory'])}
    pendulum = experiments(PRESETS['memory'], algos=['ppo_lstm'], envs=['PendulumNoVel-v1'])
    assert len(pendulum) == 2 * 3  # backends x seeds, with Pendulum's own settings, not CartPole's
    for run in pendulum:
        assert run == whole[run.relpath]
    both = experiments(PRESETS['memory'], envs=['CartPoleNoVel-v1', 'PendulumNoVel-v1'])
    assert sorted(run.relpath for run in both) == sorted(whole)
    # an environment new to the preset runs in each of its blocks, with the block's settings
    hopper = experiments(PRESETS['small'], envs=['Hopper-v5'], seeds=[0])
    assert {run.env for run in hopper} == {'Hopper-v5'}
    assert {run.algo for run in hopper} == {run.algo for run in experiments(PRESETS['small'])}


def test_the_estimate_prices_the_runs_left_by_the_time_of_finished_runs(tmp_path):
    medium = experiments(PRESETS['mujoco-medium'])
    ppo = [e for e in medium if e.pair == 'ppo_tf1']  # 1M steps each
    ddpg = next(e for e in medium if e.pair == 'ddpg_tf1')  # 100k steps

    def finish(exp, *times):
        run = tmp_path / exp.relpath
        run.mkdir(parents=True, exist_ok=True)
        rows = ''.join(f'{k}\t1.5\t{t}\n' for k, t in enumerate(times))
        (run / 'progress.txt').write_text(f'Epoch\tAverageEpRet\tTime\n{rows}\n\n')  # blank lines at the end
        return str(run)

    assert run_seconds(finish(ddpg, 5.5, 400.0)) == 400.0  # the last epoch's Time
    for bad in ([], ['nan'], ['inf']):
        assert run_seconds(finish(ppo[3], *bad)) is None, bad
    assert run_seconds(str(tmp_path / 'nothing')) is None
    # a DDPG run of 400 s finished in an earlier sitting: alone, it prices a PPO run at 4000 s (400 s / 100k)
    guess = Progress(ppo[1:3], parallel=2, stream=io.StringIO(), data_dir=str(tmp_path), finished=[ddpg])
    assert guess.eta() == pytest.approx(4000.0)
    # a PPO run of the same pair took 1000 s: each PPO run left is priced at that
    finish(ppo[0], 10.0, 1000.0)
    known = Progress(ppo[1:3], parallel=2, stream=io.StringIO(), data_dir=str(tmp_path), finished=[ddpg, ppo[0]])
    assert known.eta() == pytest.approx(1000.0)  # two runs of 1000 s, two at a time
    assert 'ETA 16:40' in known.line()
    # a run resumed in this sitting finishes within seconds here, but its clock says 3000 s in all
    resumed = Progress(ppo[1:3], parallel=2, stream=io.StringIO(), data_dir=str(tmp_path))
    resumed.event('start', ppo[1].run_name)
    finish(ppo[1], 2900.0, 3000.0)
    resumed.event('done', ppo[1].run_name)
    assert resumed.eta() == pytest.approx(3000.0)  # the one left, alone


def test_list_names_every_preset_in_aligned_columns():
    done = subprocess.run(benchmark('list'), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    rows = [line for line in done.stdout.splitlines() if ' runs, ' in line]
    assert [row.split()[0] for row in rows] == list(PRESETS)
    assert len({row.index(' runs, ') for row in rows}) == 1, rows  # long names do not push a column
    medium = next(row for row in rows if row.split()[0] == 'mujoco-medium')
    assert ' 72 runs,    39.60M steps: about 6 hours on 2 cores' in medium
