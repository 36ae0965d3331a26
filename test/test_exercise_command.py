"""``python -m spinup.run exercise``: which file it runs, with which flags, and its errors.
The files themselves are not run here (test_exercises_*.py run them)."""
import os

import pytest

from spinup.exercises import EXERCISES, command
from spinup.run import main
from spinup.utils.errors import SpinupError


@pytest.fixture
def launched(monkeypatch):
    """What ``exercise`` would run: (path, args) of each call, and exit status 7."""
    calls = []
    monkeypatch.setattr(command, '_run', lambda path, args: calls.append((path, args)) or 7)
    return calls


def test_the_list_names_every_exercise(capsys):
    assert main(['exercise']) == 0
    out = capsys.readouterr().out
    for number, ex in EXERCISES.items():
        assert f'{number}  {ex.title}' in out
    assert command.exercise_path('1.1', 'pytorch') in out


def test_it_runs_the_file_of_the_backend_asked_for_and_passes_its_status_on(launched):
    assert main(['exercise', '1.1']) == 7
    assert main(['exercise', '1.4', '--backend', 'tf1']) == 7
    assert main(['exercise', '1.4', '--backend=tf1', '--solution']) == 7
    assert main(['exercise', '1.2', '--epochs', '3', '--solution']) == 7
    paths = [path.split('spinup/exercises/')[1] for path, _ in launched]
    assert paths == ['pytorch/problem_set_1/exercise1_1.py', 'tf1/problem_set_1/exercise1_4.py',
                     'tf1/problem_set_1_solutions/exercise1_4_soln.py',
                     'pytorch/problem_set_1_solutions/exercise1_2_soln.py']
    assert [args for _, args in launched] == [[], [], [], ['--epochs', '3']]


def test_exercise_1_6_runs_its_file_or_its_solution_in_either_backend(launched):
    assert main(['exercise', '1.6']) == 7
    assert main(['exercise', '1.6', '--backend', 'tf1', '--solution']) == 7
    paths = [path.split('spinup/exercises/')[1] for path, _ in launched]
    assert paths == ['pytorch/problem_set_1/exercise1_6.py', 'tf1/problem_set_1_solutions/exercise1_6_soln.py']


@pytest.mark.parametrize('backend', ['pytorch', 'tf1'])
def test_every_listed_file_is_there(backend):
    missing = [path for number, ex in EXERCISES.items()
               for path in [command.exercise_path(number, backend)] +
               ([command.exercise_path(number, backend, solution=True)] if ex.solution else [])
               if not os.path.isfile(path)]
    assert not missing, missing


def test_the_solution_of_1_3_is_the_library_td3(launched):
    main(['exercise', '1.3', '--solution', '--env', 'Pendulum-v1'])
    path, args = launched[0]
    assert path.endswith('pytorch/problem_set_1/exercise1_3.py') and args == ['--env', 'Pendulum-v1', '--use_soln']


@pytest.mark.parametrize('argv, message', [
    (['exercise', '3.1'], "there is no exercise '3.1'"),
    (['exercise', '1.1', '--backend', 'jax'], '--backend takes tf1 or pytorch'),
    (['exercise', '1.1', '--backend'], '--backend takes tf1 or pytorch'),
    (['exercise', '2.2', '--solution'], 'has no solution file'),
])
def test_bad_input_is_one_clear_error(launched, argv, message):
    with pytest.raises(SpinupError, match=message):
        main(argv)
    assert not launched
