"""The smoke benchmark (its first seed: four runs, PPO and DDPG in both backends) on a real
two-node Ray cluster on this machine, into a data_dir only the launcher writes: every run
folder must come back."""
import os
import os.path as osp
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import pytest

pytest.importorskip('ray', reason='Ray is not installed: pip install -e ".[ray]"')

from spinup.benchmarks.presets import PRESETS, experiments  # noqa: E402
from spinup.benchmarks.runner import is_finished  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def processes_of(folders):
    """Pids of the processes whose command line names one of ``folders``, and all their descendants."""
    parents, found = {}, set()
    for pid in filter(str.isdigit, os.listdir('/proc')):
        try:
            with open(f'/proc/{pid}/cmdline', 'rb') as f:
                cmdline = f.read().decode(errors='replace')
            with open(f'/proc/{pid}/stat') as f:
                ppid = int(f.read().rsplit(')', 1)[1].split()[1])
        except (OSError, IndexError, ValueError):  # it ended meanwhile
            continue
        parents[int(pid)] = ppid
        if any(folder in cmdline for folder in folders):
            found.add(int(pid))
    mine, pid = set(), os.getpid()
    while pid > 1:  # this process and those above it are not the cluster's, whatever their command lines
        mine.add(pid)
        pid = parents.get(pid, 1)
    found -= mine
    grew = True
    while grew:
        children = {pid for pid, ppid in parents.items() if ppid in found} - found
        grew = bool(children)
        found |= children
    return found


def stop_nodes(folders):
    """Stop what this test started, and only that (``ray stop`` would stop every Ray on the
    machine): every process whose command line names one of ``folders``, and its descendants."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in processes_of(folders):
            try:
                os.kill(pid, sig)
            except OSError:
                pass
        deadline = time.time() + 15
        while processes_of(folders) and time.time() < deadline:
            time.sleep(0.5)
    return processes_of(folders)


def test_smoke_preset_on_a_two_node_ray_cluster(tmp_path):
    ray = shutil.which('ray', path=osp.dirname(sys.executable) + os.pathsep + os.environ.get('PATH', ''))
    assert ray, 'the ray command is not next to this Python'
    # short folders: Ray's socket paths inside them must stay under the system's limit
    head_dir = tempfile.mkdtemp(prefix='rh', dir='/tmp')
    worker_dir = tempfile.mkdtemp(prefix='rw', dir='/tmp')
    port = free_port()
    # A token of the test's own, given to both nodes and the launcher: newer Rays turn token
    # authentication on by default, and a token left in ~/.ray must not decide the outcome.
    # Ray runs its tasks at niceness 15, which the other test worker's trainings would starve:
    # here they run at the usual priority.
    env = dict(os.environ, RAY_USAGE_STATS_ENABLED='0', RAY_AUTH_MODE='token', RAY_AUTH_TOKEN=secrets.token_hex(32),
               RAY_worker_niceness='0')
    # Loopback addresses, one a node: Ray swaps a node address of exactly 127.0.0.1 for the
    # machine's network address, but keeps the rest of 127.0.0.0/8, which stays on this machine.
    head_ip, worker_ip = '127.0.0.2', '127.0.0.3'
    common = ['--num-cpus=1', '--disable-usage-stats']
    data_dir = tmp_path / 'benchmark'  # only the launcher writes here: the tasks run in their own folders
    try:
        subprocess.run([ray, 'start', '--head', f'--node-ip-address={head_ip}', f'--port={port}',
                        f'--ray-client-server-port={free_port()}', f'--temp-dir={head_dir}',
                        '--include-dashboard=false', *common],
                       env=env, check=True, timeout=180, capture_output=True)
        subprocess.run([ray, 'start', f'--address={head_ip}:{port}', f'--node-ip-address={worker_ip}',
                        f'--temp-dir={worker_dir}', *common],
                       env=env, check=True, timeout=180, capture_output=True)
        run = subprocess.run([sys.executable, '-m', 'spinup.run', 'benchmark', 'run', 'smoke',
                              '--seeds', '0', '--data_dir', str(data_dir), '--ray', f'{head_ip}:{port}'],
                             env=env, timeout=600, capture_output=True, text=True)
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    finally:
        # the processes of its folders, and those started with its address (Ray's client server)
        left = stop_nodes([head_dir, worker_dir, f'{head_ip}:{port}'])
        shutil.rmtree(head_dir, ignore_errors=True)
        shutil.rmtree(worker_dir, ignore_errors=True)
    assert not left, f'Ray processes outlived the test: {sorted(left)}'

    runs = experiments(PRESETS['smoke'], seeds=[0])
    assert len(runs) == 4
    for exp in runs:
        run_dir = data_dir / exp.relpath
        assert is_finished(str(run_dir), exp.epochs), f'{exp.relpath} did not arrive whole'
        assert (run_dir / 'output.txt').is_file()
        assert not [d for d in os.listdir(run_dir) if d.endswith('_save')], 'models came back unasked'
    assert sorted(os.listdir(data_dir)) == sorted({exp.name for exp in runs})  # no staging folder left
    assert f'{len(runs)} runs finished' in run.stdout


def test_an_address_where_no_cluster_answers_is_one_line_at_once(tmp_path):
    address = f'127.0.0.2:{free_port()}'  # nothing listens there
    started = time.time()
    run = subprocess.run([sys.executable, '-m', 'spinup.run', 'benchmark', 'run', 'smoke',
                          '--data_dir', str(tmp_path / 'benchmark'), '--ray', address],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 2
    assert run.stderr.strip().splitlines() == [
        f'Error: could not reach the Ray cluster at {address} (Connection refused): start it there with '
        f'ray start --head --port {address.rpartition(":")[2]}, or give the address that ray status prints '
        'on its head node.']
    assert time.time() - started < 60  # Ray alone would retry for ever
