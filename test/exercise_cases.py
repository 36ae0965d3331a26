"""The exercise tests, written once for both backends: test_exercises_pytorch.py and
test_exercises_tf1.py import them and give the fixtures ``backend`` and ``wrong_answers``
(so that TensorFlow and PyTorch never load in the same test process).

The checks run in this process (``runpy``, as ``python FILE`` would run them), apart from
the tests of the two ways to start a file from the command line.
"""
import ast
import os
import runpy
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from conftest import REPO

CHECKED = ['1.1', '1.2', '1.3', '1.4', '1.5', '1.6']


def path_of(backend, number, solution=False):
    from spinup.exercises.command import exercise_path
    return Path(exercise_path(number, backend, solution))


def paste(exercise_src: str, solution_src: str) -> str:
    """The exercise with the solution pasted in, as a student would: each top-level function
    or class the solution defines replaces the exercise's of that name (one the exercise does
    not have goes right after the first one replaced), and the solution's imports go after
    the exercise's docstring."""
    ex_tree, sol_tree = ast.parse(exercise_src), ast.parse(solution_src)
    sol_lines = solution_src.split('\n')

    def source(node):
        start = min([node.lineno] + [d.lineno for d in getattr(node, 'decorator_list', [])])
        return sol_lines[start - 1:node.end_lineno]

    sol_defs = {n.name: source(n) for n in sol_tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    sol_imports = [line for n in sol_tree.body if isinstance(n, (ast.Import, ast.ImportFrom))
                   for line in sol_lines[n.lineno - 1:n.end_lineno]]
    lines = exercise_src.split('\n')
    replaced = [n for n in ex_tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name in sol_defs]
    assert replaced, 'the solution defines none of the exercise\'s functions'
    extra = [line for name, src in sol_defs.items() if name not in {n.name for n in replaced}
             for line in src + ['', '']]
    for node in sorted(replaced, key=lambda n: n.lineno, reverse=True):
        start = min([node.lineno] + [d.lineno for d in node.decorator_list])
        lines[start - 1:node.end_lineno] = sol_defs[node.name] + (extra if node is replaced[0] else [])
    docstring_end = ex_tree.body[0].end_lineno if isinstance(ex_tree.body[0], ast.Expr) else 0
    lines[docstring_end:docstring_end] = sol_imports
    return '\n'.join(lines)


def mutate(src: str, old: str, new: str) -> str:
    """``src`` with ``old`` replaced by ``new``: a wrong answer made from a right one."""
    assert old in src, f'the solution no longer contains {old!r}: update this wrong answer'
    return src.replace(old, new)


def run_file(path, args, monkeypatch, capsys):
    """Run ``path`` as a script with ``args``, here; return (exit status, what it printed)."""
    monkeypatch.setattr(sys, 'argv', [str(path), *args])
    code = 0
    try:
        runpy.run_path(str(path), run_name='__main__')
    except SystemExit as done:
        code = done.code
    return code, capsys.readouterr().out


def run_pasted(tmp_path, backend, number, solution_src, args, monkeypatch, capsys):
    exercise = path_of(backend, number)
    pasted = tmp_path / exercise.name
    pasted.write_text(paste(exercise.read_text(), solution_src))
    return run_file(pasted, args, monkeypatch, capsys)


def banner_parts(out):
    """The verdict ('PASSED', 'FAILED' or None) and the text of the last banner in ``out``."""
    head, _, _ = out.rpartition('=' * 78 + '\n')
    block = out[out.rfind('=' * 78, 0, len(head)):]
    verdict = 'PASSED' if ': PASSED\n' in block else 'FAILED' if ': FAILED\n' in block else None
    return verdict, block


# --- every exercise file is unsolved: it exits 1, and the banner says what is missing ---

@pytest.mark.parametrize('number', CHECKED)
def test_the_unsolved_exercise_fails_and_says_why(backend, number, tmp_path, monkeypatch, capsys):
    args = ['--data_dir', str(tmp_path)] if number in ('1.2', '1.3') else []  # the two that train
    code, out = run_file(path_of(backend, number), args, monkeypatch, capsys)
    verdict, block = banner_parts(out)
    assert code == 1 and verdict == 'FAILED', out[-3000:]
    assert 'not written yet' in block and "YOUR CODE HERE" in block
    assert f'{path_of(backend, number).name}, line' in block  # where the student's code raised


def test_a_mistyped_flag_is_one_line_and_status_2(backend, monkeypatch, capsys):
    monkeypatch.setattr(sys, 'argv', [str(path_of(backend, '1.1')), '--soluton'])
    with pytest.raises(SystemExit) as done:
        runpy.run_path(str(path_of(backend, '1.1')), run_name='__main__')
    err = capsys.readouterr().err
    assert done.value.code == 2 and err.count('\n') == 1 and 'unrecognized arguments: --soluton' in err, err


def test_both_ways_of_starting_a_file_run_its_check(backend, tmp_path):
    """``python -m spinup.exercises...`` and ``python path/to/file.py`` (from another folder)."""
    module = f'spinup.exercises.{backend}.problem_set_1.exercise1_4'
    path = path_of(backend, '1.4')
    for argv in ([sys.executable, '-m', module], [sys.executable, str(path)]):
        result = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True, timeout=300)
        assert result.returncode == 1, result.stderr
        assert 'Exercise 1.4: GAE-Lambda advantages and rewards-to-go: FAILED' in result.stdout
        assert 'Traceback' not in result.stdout + result.stderr


# --- each solution passes; the solution pasted into the exercise file passes ---

@pytest.mark.parametrize('number', ['1.1', '1.4', '1.5', '1.6'])
def test_the_solution_passes_its_check(backend, number, monkeypatch, capsys):
    code, out = run_file(path_of(backend, number, solution=True), [], monkeypatch, capsys)
    verdict, block = banner_parts(out)
    assert code == 0 and verdict == 'PASSED', out[-3000:]
    assert 'FAIL ' not in block


@pytest.mark.parametrize('number', ['1.1', '1.4', '1.5', '1.6'])
def test_the_exercise_with_the_solution_pasted_in_passes(backend, number, tmp_path, monkeypatch, capsys):
    solution = path_of(backend, number, solution=True).read_text()
    code, out = run_pasted(tmp_path, backend, number, solution, [], monkeypatch, capsys)
    assert code == 0 and banner_parts(out)[0] == 'PASSED', out[-3000:]


@pytest.mark.parametrize('number', ['1.1', '1.3', '1.4', '1.5', '1.6'])
def test_a_subtly_wrong_answer_is_caught(backend, number, wrong_answers, tmp_path, monkeypatch, capsys):
    for what, (src, expected) in wrong_answers[number].items():
        code, out = run_pasted(tmp_path, backend, number, src, [], monkeypatch, capsys)
        verdict, block = banner_parts(out)
        assert code == 1 and verdict == 'FAILED', f'{what}:\n{out[-3000:]}'
        assert expected in block, f'{what}: expected {expected!r} in\n{block}'


# --- 1.3: the exercise is the library's TD3 with three blanks ---

def library_td3_source(backend):
    return (Path(REPO) / 'spinup' / 'algos' / backend / 'td3' / 'td3.py').read_text()


def without_docstring_and_main(src):
    tree = ast.parse(src)
    lines = src.split('\n')
    main = next(n for n in tree.body if isinstance(n, ast.If))
    kept = lines[tree.body[0].end_lineno:main.lineno - 1]
    return '\n'.join(line for line in kept if '# [docs ' not in line).strip()


def test_exercise_1_3_is_the_library_td3_but_for_its_blanks(backend, tmp_path, monkeypatch, capsys):
    """With the library's three functions pasted in, the exercise file is the library's file
    (apart from the module docstring, the docs markers and the __main__ block), and passes."""
    library = library_td3_source(backend)
    only_losses = '\n'.join(
        ast.get_source_segment(library, n) for n in ast.parse(library).body
        if isinstance(n, ast.FunctionDef) and n.name in ('target_actions', 'compute_loss_q', 'compute_loss_pi'))
    imports = '\n'.join(ast.get_source_segment(library, n) for n in ast.parse(library).body
                        if isinstance(n, (ast.Import, ast.ImportFrom)))
    pasted = paste(path_of(backend, '1.3').read_text(), imports + '\n\n' + only_losses)
    body = without_docstring_and_main(pasted)
    # the pasted imports come first, then the exercise's own (the same ones)
    assert body.endswith(without_docstring_and_main(library)), 'exercise1_3.py has drifted from td3.py'

    code, out = run_pasted(tmp_path, backend, '1.3', imports + '\n\n' + only_losses,
                           ['--epochs', '1', '--steps_per_epoch', '1100', '--data_dir', str(tmp_path)],
                           monkeypatch, capsys)
    verdict, block = banner_parts(out)
    assert code == 0 and verdict == 'PASSED', out[-3000:]
    assert 'Learning curve' in out and 'AverageTestEpRet by epoch' in block


# --- 1.2: the pasted solution passes the quick checks, then PPO trains with it and is judged ---

def test_exercise_1_2_judges_the_training_of_the_solution(backend, tmp_path, monkeypatch, capsys):
    """On 4 short epochs the quick checks pass and the run falls short of the bar: the banner
    says so, with the returns of every epoch. (test_exercises_pytorch.py runs it past the bar.)"""
    solution = path_of(backend, '1.2', solution=True).read_text()
    code, out = run_pasted(tmp_path, backend, '1.2', solution,
                           ['--epochs', '4', '--steps_per_epoch', '500', '--data_dir', str(tmp_path)],
                           monkeypatch, capsys)
    verdict, block = banner_parts(out)
    assert code == 1 and verdict == 'FAILED', out[-3000:]
    assert block.count('FAIL  ') == 1 and 'FAIL  PPO on InvertedPendulum-v5, 4 epochs of 500 steps' in block
    assert block.count('  ok    ') == (6 if backend == 'pytorch' else 7)  # every quick check passed
    assert len(block.split('the returns by epoch were ')[1].split('\n')[0].split(', ')) == 4


# --- problem set 2: the grids run, and the plots are written with no screen ---

def test_exercise_2_1_runs_its_grid_and_plots_it(backend, tmp_path):
    result = subprocess.run([sys.executable, str(path_of(backend, '2.1')), '--env', 'CartPole-v1', '--seeds', '1',
                             '--epochs', '1', '--steps_per_epoch', '300', '--data_dir', str(tmp_path)],
                            cwd=tmp_path, capture_output=True, text=True, timeout=600,
                            env={k: v for k, v in os.environ.items() if k != 'DISPLAY'})
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    runs = sorted(p.name for p in tmp_path.iterdir() if p.is_dir())
    assert runs == [f'ex2-1_{backend}_v0', f'ex2-1_{backend}_v80'], runs
    for value in ('Performance', 'LossV'):
        assert (tmp_path / f'ex2-1_{backend}_{value}.png').stat().st_size > 0


def run_exercise_2_2(backend, tmp_path, seeds, epochs, steps_per_epoch):
    """Run exercise2_2.py; return the final AverageTestEpRet of its correct and its bugged run (seed 0)."""
    result = subprocess.run([sys.executable, str(path_of(backend, '2.2')), '--seeds', str(seeds), '--epochs',
                             str(epochs), '--steps_per_epoch', str(steps_per_epoch), '--data_dir', str(tmp_path)],
                            cwd=tmp_path, capture_output=True, text=True, timeout=900,
                            env={k: v for k, v in os.environ.items() if k != 'DISPLAY'})
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert (tmp_path / f'ex2-2_{backend}.png').stat().st_size > 0  # the plot of both, with no screen
    return [pd.read_table(tmp_path / name / f'{name}_s0' / 'progress.txt')['AverageTestEpRet'].iloc[-1]
            for name in (f'ex2-2_{backend}', f'ex2-2_{backend}_bugged')]
