"""Running the scripts of spinup/examples as a student would, and reading back what they print
and write (used by test_examples_pytorch.py and test_examples_tf1.py)."""
import ast
import csv
import difflib
import json
import math
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

EXAMPLES = Path(__file__).resolve().parent.parent / 'spinup' / 'examples'

# The line a policy-gradient script prints each epoch (tab-separated):
# 'epoch:   0  loss: 16.607  return: 20.654  ep_len: 20.654'
PG_LINE = re.compile(r'^epoch:\s*(\d+)\s+loss:\s*(\S+)\s+return:\s*(\S+)\s+ep_len:\s*(\S+)$', re.M)


def run_example(backend: str, script: str, *args, cwd: Path, as_module: bool = False,
                timeout: int = 600) -> subprocess.CompletedProcess:
    """Run ``spinup/examples/BACKEND/SCRIPT.py ARGS`` in a fresh process, by its path, or with
    ``python -m spinup.examples.BACKEND.SCRIPT`` if ``as_module``.

    Runs that name no ``--data_dir`` write below ``cwd/data`` (SPINUP_DATA_DIR), never in the repository.
    """
    if as_module:
        command = ['-m', f"spinup.examples.{backend}.{script.replace('/', '.')}"]
    else:
        command = [str(EXAMPLES / backend / f'{script}.py')]
    env = dict(os.environ, SPINUP_DATA_DIR=str(cwd / 'data'), MPLBACKEND='Agg')
    for key in ('DISPLAY', 'WAYLAND_DISPLAY'):
        env.pop(key, None)  # as on a machine with no screen
    return subprocess.run([sys.executable, *command, *map(str, args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def assert_pg_trained(result: subprocess.CompletedProcess, epochs: int) -> None:
    """The policy-gradient script ran ``epochs`` epochs on CartPole, printing one sensible line each."""
    assert result.returncode == 0, result.stderr[-3000:]
    rows = PG_LINE.findall(result.stdout)
    assert [int(row[0]) for row in rows] == list(range(epochs)), result.stdout
    assert len(result.stdout.strip().splitlines()) == epochs + 1  # a banner, then the epochs
    for _, loss, ret, ep_len in rows:
        assert math.isfinite(float(loss))
        # CartPole pays 1 a step: an episode's return is its length, at most 500 steps
        assert float(ret) == float(ep_len) and 8 <= float(ep_len) <= 500, (ret, ep_len)


def assert_refused(result: subprocess.CompletedProcess, *words: str) -> None:
    """Bad input stopped the script with exit status 2 and one line on stderr, naming ``words``."""
    assert result.returncode == 2, (result.returncode, result.stderr[-3000:])
    assert 'Traceback' not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]


def assert_pg_examples_run(backend: str, tmp_path: Path) -> None:
    """1_simple_pg.py by its path and 2_rtg_pg.py as a module train, print one line an epoch and
    write nothing; 1_simple_pg.py as a module refuses a continuous-action environment in one line."""
    assert_pg_trained(run_example(backend, 'pg_math/1_simple_pg', '--epochs', 2, '--batch_size', 500,
                                  cwd=tmp_path), epochs=2)
    assert_pg_trained(run_example(backend, 'pg_math/2_rtg_pg', '--env_name', 'CartPole-v1', '--epochs', 3,
                                  '--batch_size', 300, '--seed', 1, cwd=tmp_path, as_module=True), epochs=3)
    assert not any(tmp_path.iterdir())
    result = run_example(backend, 'pg_math/1_simple_pg', '--env', 'Pendulum-v1', cwd=tmp_path, as_module=True)
    assert_refused(result, 'Pendulum-v1', 'discrete actions')


def assert_bench_grid_ran(backend: str, tmp_path: Path) -> None:
    """bench_ppo_cartpole.py with one seed runs its 2 hidden sizes x 2 activations, each run with
    the settings its folder name says."""
    data = tmp_path / 'data'
    result = run_example(backend, 'bench_ppo_cartpole', '--num_runs', 1, '--epochs', 1, '--steps_per_epoch', 200,
                         '--data_dir', data, cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    settings = {f'bench-ppo-cartpole_hid{hid}_{act}': (sizes, act)
                for hid, sizes in (('32', [32]), ('64-64', [64, 64])) for act in ('tanh', 'relu')}
    assert sorted(p.name for p in data.iterdir()) == sorted(settings)
    for name, (sizes, act) in settings.items():
        run = data / name / f'{name}_s0'  # one seed: 0
        assert [row['Epoch'] for row in read_progress(run)] == [0]
        config = json.loads((run / 'config.json').read_text())
        assert config['ac_kwargs']['hidden_sizes'] == sizes
        assert config['ac_kwargs']['activation'].lower().endswith('.' + act), config['ac_kwargs']
        assert config['steps_per_epoch'] == 200 and config['seed'] == 0


def assert_train_mnist_learns_digits(backend: str, tmp_path: Path, better_than: float) -> Path:
    """train_mnist.py, two short epochs on the digits: it logs both epochs' columns and ends
    with a test accuracy above ``better_than``. Returns the run's folder."""
    result = run_example(backend, 'train_mnist', '--epochs', 2, '--steps_per_epoch', 20, cwd=tmp_path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    run = tmp_path / 'data' / f'digits_{backend}' / f'digits_{backend}_s0'  # SPINUP_DATA_DIR, as no --data_dir
    assert progress_columns(run) == ['Epoch', 'Loss', 'AverageAcc', 'StdAcc', 'MaxAcc', 'MinAcc', 'TestAcc', 'Time']
    rows = read_progress(run)
    assert [row['Epoch'] for row in rows] == [0, 1]
    last_line = result.stdout.strip().splitlines()[-1]
    assert last_line.startswith('Final test accuracy: '), last_line
    final = float(last_line.split(':')[1])
    assert abs(final - rows[-1]['TestAcc']) < 1e-4
    assert final > better_than  # chance is 0.1
    return run


def assert_train_mnist_refuses_a_missing_file(backend: str, tmp_path: Path) -> None:
    result = run_example(backend, 'train_mnist', '--mnist', tmp_path / 'mnist.npz', cwd=tmp_path)
    assert_refused(result, 'mnist.npz', 'no such file')
    assert not (tmp_path / 'data').exists()  # stopped before writing anything


def read_progress(run_dir: Path) -> List[Dict[str, float]]:
    """The rows of a run's progress.txt, as dicts of floats."""
    with open(run_dir / 'progress.txt') as f:
        return [{k: float(v) for k, v in row.items()} for row in csv.DictReader(f, delimiter='\t')]


def progress_columns(run_dir: Path) -> List[str]:
    return (run_dir / 'progress.txt').read_text().split('\n', 1)[0].split('\t')


def _pg_code(path: Path) -> List[str]:
    """The code of a pg_math file as lines, without comments, its docstring and reward_to_go."""
    tree = ast.parse(path.read_text())
    assert isinstance(tree.body[0], ast.Expr), f'{path} starts with its docstring'
    tree.body = [node for node in tree.body[1:]
                 if not (isinstance(node, ast.FunctionDef) and node.name == 'reward_to_go')]
    return ast.unparse(tree).splitlines()


def pg_code_changes(backend: str) -> List[str]:
    """The lines of code that 2_rtg_pg.py changes in 1_simple_pg.py ('- old', '+ new'), beside
    the docstring, the comments and the reward_to_go function it adds."""
    folder = EXAMPLES / backend / 'pg_math'
    diff = difflib.ndiff(_pg_code(folder / '1_simple_pg.py'), _pg_code(folder / '2_rtg_pg.py'))
    return [line[0] + ' ' + line[2:].strip() for line in diff if line[:2] in ('- ', '+ ')]


def function_source(backend: str, script: str, name: str) -> str:
    """The source of the top-level function ``name`` of ``spinup/examples/BACKEND/SCRIPT.py``."""
    text = (EXAMPLES / backend / f'{script}.py').read_text()
    node = next(n for n in ast.parse(text).body if isinstance(n, ast.FunctionDef) and n.name == name)
    return ast.get_source_segment(text, node)


def reward_to_go_function(backend: str):
    """2_rtg_pg.py's reward_to_go, compiled alone: the test need not import the framework."""
    namespace = {'np': __import__('numpy')}
    exec(function_source(backend, 'pg_math/2_rtg_pg', 'reward_to_go'), namespace)
    return namespace['reward_to_go']


def assert_rtg_pg_is_simple_pg_with_rewards_to_go(backend: str) -> None:
    """``diff 1_simple_pg.py 2_rtg_pg.py`` shows the reward-to-go change and nothing else, and
    reward_to_go sums the rewards from each step on."""
    assert pg_code_changes(backend) == [
        '- batch_weights += [ep_ret] * ep_len',
        '+ batch_weights += list(reward_to_go(ep_rews))',
        "- print('The simplest policy gradient: each log pi(a_t|s_t) weighted by the return of its episode.')",
        "+ print('The reward-to-go policy gradient: each log pi(a_t|s_t) weighted by the rewards from t on.')",
    ]
    reward_to_go = reward_to_go_function(backend)
    rews = [1.0, 0.0, -2.0, 0.5, 3.0]
    expected = [sum(rews[t:]) for t in range(len(rews))]
    assert list(reward_to_go(rews)) == expected
    assert list(reward_to_go([1.0])) == [1.0]
