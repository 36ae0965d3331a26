"""Stopping a run safely and resuming it from the command line: Ctrl-C (SIGINT) and SIGTERM,
alone and under MPI; SIGKILL in the middle of writing a checkpoint; ``resume``'s one-line
refusals; ``benchmark run`` going on from a checkpoint."""
import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pandas as pd
import pytest

from conftest import assert_ok, run_cli

OFF_POLICY = ['--env', 'Pendulum-v1', '--hid', '[16]', '--steps_per_epoch', 400, '--start_steps', 100,
              '--update_after', 100, '--update_every', 50, '--num_test_episodes', 1, '--max_ep_len', 100]
ON_POLICY = ['--env', 'CartPole-v1', '--hid', '[8]', '--steps_per_epoch', 400]


def rows(run_dir):
    path = run_dir / 'progress.txt'
    return pd.read_table(path) if path.exists() and len(path.read_text().splitlines()) > 1 else None


def start(*args, cwd=None):
    """``python -m spinup.run ARGS`` in its own process group, as a terminal runs a command."""
    return subprocess.Popen([sys.executable, '-m', 'spinup.run', *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True, cwd=cwd)


def stop_after_first_row(proc, run_dir, sig, timeout=300):
    """Send ``sig`` to the whole command (as Ctrl-C in a terminal does) once a row is written."""
    deadline = time.time() + timeout
    while rows(run_dir) is None:
        assert proc.poll() is None, proc.stdout.read()[-3000:]
        assert time.time() < deadline, 'no progress row in time'
        time.sleep(0.1)
    os.killpg(proc.pid, sig)
    out, _ = proc.communicate(timeout=300)
    return proc.returncode, out


@pytest.mark.parametrize('algo, sig, code, extra', [
    ('td3_pytorch', signal.SIGINT, 130, OFF_POLICY + ['--epochs', 6]),
    ('sac_tf1', signal.SIGTERM, 143, OFF_POLICY + ['--epochs', 6]),
    ('ppo_pytorch', signal.SIGINT, 130, ON_POLICY + ['--epochs', 12, '--cpu', 2]),
    # the copies in subprocesses get the terminal's Ctrl-C too: they must outlive the last epoch
    ('ppo_tf1', signal.SIGINT, 130, ON_POLICY + ['--epochs', 12, '--num_envs', 2, '--vector_mode', 'async']),
], ids=['td3_pytorch-SIGINT', 'sac_tf1-SIGTERM', 'ppo_pytorch-cpu2-SIGINT', 'ppo_tf1-async-SIGINT'])
def test_a_stopped_run_checkpoints_and_resumes_to_the_end(data_dir, algo, sig, code, extra):
    run_dir = data_dir / 'x' / 'x_s0'
    proc = start(algo, *extra, '--exp_name', 'x', '--data_dir', data_dir)
    returncode, out = stop_after_first_row(proc, run_dir, sig)
    assert returncode == code, out[-3000:]
    assert f'python -m spinup.run resume {run_dir}' in out
    assert 'Traceback' not in out
    info = json.loads((run_dir / 'checkpoint' / 'checkpoint.json').read_text())
    epochs = extra[extra.index('--epochs') + 1]
    assert 1 <= info['counters']['epoch'] < epochs
    assert info['num_procs'] == (2 if '--cpu' in extra else 1)
    if algo.startswith('ppo'):  # an on-policy run stops after the epoch under way: its row is written
        assert len(rows(run_dir)) == info['counters']['epoch'] == info['rows']
    else:  # an off-policy run, after the step: mid-epoch, with the epoch's row still to come
        assert info['counters']['total_steps'] > info['rows'] * 400
        assert len(rows(run_dir)) == info['rows']

    result = run_cli('resume', run_dir)
    assert_ok(result)
    progress = rows(run_dir)
    assert progress['Epoch'].tolist() == list(range(epochs))
    steps_per_epoch = extra[extra.index('--steps_per_epoch') + 1]
    assert progress['TotalEnvInteracts'].tolist() == [steps_per_epoch * (k + 1) for k in range(epochs)]


def epoch_numbers(out):
    """The epochs the progress lines of a run's output name (``Epoch 3 done (4 of 6), ...``)."""
    return [int(line.split()[1]) for line in out.splitlines() if line.startswith('Epoch ') and ' done (' in line]


def test_the_messages_of_a_stop_and_its_resume_number_epochs_as_progress_txt(data_dir):
    """One numbering, the table's (from 0), in the progress lines, the stop and the resume
    messages; and one 'Interrupted.' for a stop, though the launcher and the run both see it."""
    run_dir = data_dir / 'x' / 'x_s0'
    proc = start('ppo_pytorch', '--env', 'CartPole-v1', '--hid', '[8]', '--steps_per_epoch', 200, '--epochs', 6,
                 '--exp_name', 'x', '--data_dir', data_dir)
    returncode, out = stop_after_first_row(proc, run_dir, signal.SIGINT)
    assert returncode == 130, out[-3000:]
    assert out.count('Interrupted.') == 1, out[-1000:]
    table = rows(run_dir)['Epoch'].tolist()
    last = table[-1]
    assert epoch_numbers(out) == table
    done = 'epoch 0' if last == 0 else f'epochs 0-{last}'
    assert f'Stopped with {done} done; the checkpoint is in {run_dir / "checkpoint"}.' in out

    result = run_cli('resume', run_dir)
    assert_ok(result)
    to_go = 'epoch 5' if last == 4 else f'epochs {last + 1}-5'
    assert f'Resuming {run_dir}: {done} done, {to_go} to go.' in result.stdout
    assert f'Resuming from {run_dir / "checkpoint"}: {done} done' in result.stdout
    assert epoch_numbers(result.stdout) == rows(run_dir)['Epoch'].tolist()[last + 1:] == list(range(last + 1, 6))


@pytest.mark.parametrize('reported', [False, True])
def test_an_interrupt_is_announced_once(capsys, reported):
    """A stop the checkpoint has already explained ('Stopped with ...') is not announced again:
    the launcher, which has the signal too, says 'Interrupted.'"""
    from spinup.utils.errors import interrupt, run_main

    def main():
        raise interrupt(signal.SIGINT, reported=reported)

    with pytest.raises(SystemExit) as stop:
        run_main(main)
    assert stop.value.code == 130
    assert capsys.readouterr().err.count('Interrupted.') == (0 if reported else 1)
    with pytest.raises(SystemExit) as stop:
        run_main(lambda: (_ for _ in ()).throw(interrupt(signal.SIGTERM)))
    assert stop.value.code == 143


SLOW_SAVE = textwrap.dedent("""
    import os, sys, time
    import numpy as np
    from spinup.algos.pytorch.td3.td3 import td3
    from spinup.utils.envs import EnvFn
    saves, save = [], np.save
    def slow_save(path, array):
        save(path, array)
        if not saves or saves[-1] != os.path.dirname(path):
            saves.append(os.path.dirname(path))
        if len(saves) == 2:  # the second checkpoint, half written: say so, and wait to be killed
            open(sys.argv[2], 'w').close()
            time.sleep(600)
    np.save = slow_save  # (the replay buffer's arrays go to the checkpoint through it)
    td3(EnvFn('Pendulum-v1'), ac_kwargs=dict(hidden_sizes=(8,)), steps_per_epoch=200, epochs=3, start_steps=100,
        update_after=100, update_every=50, num_test_episodes=1, max_ep_len=100,
        logger_kwargs=dict(output_dir=sys.argv[1]))
""")


def test_killed_while_writing_a_checkpoint_it_resumes_from_the_one_before(tmp_path):
    run_dir, marker = tmp_path / 'run', tmp_path / 'half-written'
    script = tmp_path / 'slow_save.py'
    script.write_text(SLOW_SAVE)
    proc = subprocess.Popen([sys.executable, str(script), str(run_dir), str(marker)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    while not marker.exists():
        assert proc.poll() is None and time.time() < deadline
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    # the first checkpoint (after epoch 0) is whole; the second, half written, is not taken for it
    info = json.loads((run_dir / 'checkpoint' / 'checkpoint.json').read_text())
    assert (info['counters']['epoch'], info['counters']['total_steps']) == (1, 200)
    assert len(rows(run_dir)) == 2  # epoch 1's row was written before its checkpoint

    assert_ok(run_cli('resume', run_dir))
    progress = rows(run_dir)
    assert progress['Epoch'].tolist() == [0, 1, 2]  # epoch 1 again, once
    assert not [p for p in os.listdir(run_dir) if p.endswith('.tmp')]  # the dead write cleared away


@pytest.fixture(scope='module')
def finished_run(tmp_path_factory):
    data = tmp_path_factory.mktemp('data')
    assert_ok(run_cli('ppo_pytorch', *ON_POLICY, '--epochs', 2, '--exp_name', 'done', '--data_dir', data))
    return data / 'done' / 'done_s0'


def listing(folder):
    return sorted((str(p.relative_to(folder)), p.stat().st_mtime_ns) for p in folder.rglob('*'))


def refused(args, folder, expected):
    before = listing(folder)
    result = run_cli('resume', *args)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.strip().splitlines() == [f'Error: {expected}'] or expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and 'Traceback' not in result.stderr
    assert listing(folder) == before  # nothing written
    return result.stderr


def test_resume_refuses_bad_input_in_one_line(finished_run, tmp_path):
    refused([finished_run], finished_run, 'finished all its 2 epochs: give --epochs N, more than 2')
    refused([finished_run, '--epochs', 2], finished_run, 'the run has done 2 epochs already')
    no_checkpoint = tmp_path / 'old'
    no_checkpoint.mkdir()
    (no_checkpoint / 'config.json').write_text((finished_run / 'config.json').read_text())
    refused([no_checkpoint], no_checkpoint, f'no checkpoint in {no_checkpoint}')
    refused([tmp_path / 'nowhere'], tmp_path, 'no run folder at')
    # a checkpoint another algorithm wrote (copied over from another run, say)
    other = tmp_path / 'other'
    subprocess.run(['cp', '-r', str(finished_run), str(other)], check=True)
    info_path = other / 'checkpoint' / 'checkpoint.json'
    info = json.loads(info_path.read_text())
    info['function'] = 'spinup.algos.tf1.vpg.vpg.vpg'
    info_path.write_text(json.dumps(info))
    refused([other, '--epochs', 3], other, 'was written by spinup.algos.tf1.vpg.vpg.vpg')


def test_resume_extends_a_finished_run(finished_run, tmp_path):
    run = tmp_path / 'extended'
    subprocess.run(['cp', '-r', str(finished_run), str(run)], check=True)
    result = run_cli('resume', run, '--epochs', 3)
    assert_ok(result)
    assert rows(run)['Epoch'].tolist() == [0, 1, 2]
    assert json.loads((run / 'config.json').read_text())['epochs'] == 3
    # a relaunch of the resumed run's config.json starts afresh, not from the checkpoint
    assert_ok(run_cli('relaunch', run, '--epochs', 1, '--exp_name', 'fresh', '--data_dir', tmp_path))
    assert rows(tmp_path / 'fresh' / 'fresh_s0')['Epoch'].tolist() == [0]


@pytest.fixture
def python_ctrl_c():
    """Python's own Ctrl-C handler to start from, as in a terminal (a shell that starts the
    suite in the background without job control has it ignored instead), put back after."""
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, before)


def test_a_second_signal_stops_at_once(tmp_path, python_ctrl_c):
    from spinup.utils.checkpoint import Checkpoint
    from spinup.utils.logx import EpochLogger
    checkpoint = Checkpoint(EpochLogger(output_dir=str(tmp_path)), envs={})
    os.kill(os.getpid(), signal.SIGINT)
    assert checkpoint.stop_requested()  # the first only asks
    os.kill(os.getpid(), signal.SIGINT)  # the same request again at once (terminal and mpiexec): still asks
    checkpoint.signal_time -= 2
    with pytest.raises(KeyboardInterrupt):
        os.kill(os.getpid(), signal.SIGINT)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # the second gave Ctrl-C back
    # a run that ended (here, dropped) gives the signals back as well
    checkpoint = Checkpoint(EpochLogger(output_dir=str(tmp_path)), envs={})
    assert signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    del checkpoint
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_ctrl_c_after_a_run_that_failed_interrupts_as_usual(tmp_path, python_ctrl_c):
    from spinup.utils.checkpoint import Checkpoint
    from spinup.utils.logx import EpochLogger

    def failing_run():
        checkpoint = Checkpoint(EpochLogger(output_dir=str(tmp_path)), envs={})
        raise ValueError(checkpoint)  # (its traceback keeps the checkpoint alive, as a notebook does)

    with pytest.raises(ValueError) as failure:
        failing_run()
    assert failure.value.__traceback__ is not None
    with pytest.raises(KeyboardInterrupt):  # outside the run: Python's Ctrl-C, not a stop request
        os.kill(os.getpid(), signal.SIGINT)


def test_benchmark_run_goes_on_from_a_checkpoint(tmp_path):
    from spinup.benchmarks.presets import PRESETS, experiments
    from spinup.benchmarks.runner import resumable
    ddpg = next(exp for exp in experiments(PRESETS['smoke']) if exp.algo == 'ddpg' and exp.backend == 'pytorch')
    data = tmp_path / 'bench'
    run_dir = data / ddpg.relpath
    code = (f'from spinup.benchmarks.presets import PRESETS, experiments\n'
            f'from spinup.benchmarks.runner import launch\n'
            f'exp = [e for e in experiments(PRESETS["smoke"]) if e.name == {ddpg.name!r} and e.seed == {ddpg.seed}][0]\n'
            f'launch(exp, {str(data)!r})\n')
    proc = subprocess.Popen([sys.executable, '-c', code], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, start_new_session=True)
    returncode, out = stop_after_first_row(proc, run_dir, signal.SIGINT)
    assert returncode != 0 and resumable(str(run_dir), ddpg.epochs), out[-3000:]

    result = subprocess.run([sys.executable, '-c', code.replace('launch(exp', 'run_benchmark([exp]').replace(
        'import launch', 'import run_benchmark') + '\n'], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert 'Resuming from' in (run_dir / 'output.txt').read_text()
    assert rows(run_dir)['Epoch'].tolist() == list(range(ddpg.epochs))


EARLY_STOP = textwrap.dedent("""
    import time
    from spinup.utils.errors import run_main
    from spinup.utils.run_utils import call_experiment

    def wait(**kwargs):
        print('READY', flush=True)
        time.sleep(60)

    run_main(lambda: call_experiment('early', wait, data_dir={data_dir!r}))
""")


def test_ctrl_c_before_a_run_has_its_checkpoint_says_interrupted_once(tmp_path):
    import subprocess
    import sys
    import time
    proc = subprocess.Popen([sys.executable, '-c', EARLY_STOP.format(data_dir=str(tmp_path))],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)  # a group of its own, as a terminal's Ctrl-C reaches
    lines = []
    for line in proc.stdout:
        lines.append(line)
        if 'READY' in line:
            break
    time.sleep(0.5)
    os.killpg(proc.pid, signal.SIGINT)
    out, _ = proc.communicate(timeout=60)
    output = ''.join(lines) + out
    assert proc.returncode == 130, output
    assert output.count('Interrupted.') == 1, output
