"""``python -m spinup.run exercise [N.M] [--backend tf1|pytorch] [--solution] [flags...]``:
list the exercises, or run one of them (its file, or its solution), with its check."""
import os
import runpy
import sys
from typing import List, Optional

from spinup.exercises import EXERCISES
from spinup.utils.errors import SpinupError

USAGE = 'python -m spinup.run exercise N.M [--backend tf1|pytorch] [--solution] [flags of the exercise]'


def default_backend(number: str) -> str:
    """The backend of the algorithm the exercise is about (user_config.DEFAULT_BACKEND), else PyTorch."""
    from spinup.user_config import DEFAULT_BACKEND
    algo = EXERCISES[number].algo
    return DEFAULT_BACKEND.get(algo, 'pytorch') if algo else 'pytorch'


def exercise_path(number: str, backend: str, solution: bool = False) -> str:
    """The file of exercise ``number`` (or of its solution) in ``backend``'s tree."""
    module = EXERCISES[number].solution if solution else EXERCISES[number].module
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.join(here, backend, *module.split('.')) + '.py'


def print_list() -> None:
    print(f'Exercises ({USAGE}):\n')
    for number, ex in EXERCISES.items():
        print(f'  {number}  {ex.title:45s} default backend: {default_backend(number)}')
    print(f"\nEach runs an exercise file and checks it; for 1.1 in PyTorch, that is\n"
          f"    {exercise_path('1.1', 'pytorch')}\n"
          f'Write your answer in the file, then run it again. --solution runs the solution instead.')


def main(args: List[str]) -> Optional[int]:
    if not args or args[0] in ('-h', '--help'):
        print_list()
        return 0
    number, rest = args[0], list(args[1:])
    if number not in EXERCISES:
        raise SpinupError(f"there is no exercise '{number}': choose one of {', '.join(EXERCISES)} "
                          f"(python -m spinup.run exercise lists them).")
    backend = default_backend(number)
    rest = [part for arg in rest for part in (arg.split('=', 1) if arg.startswith('--backend=') else [arg])]
    if '--backend' in rest:
        k = rest.index('--backend')
        if k + 1 >= len(rest) or rest[k + 1] not in ('tf1', 'pytorch'):
            raise SpinupError('--backend takes tf1 or pytorch.')
        backend = rest[k + 1]
        del rest[k:k + 2]
    if '--solution' in rest:
        rest.remove('--solution')
        ex = EXERCISES[number]
        if ex.solution_flag:
            rest.append(ex.solution_flag)  # the exercise runs the library's own code as its solution
        elif ex.solution is None:
            raise SpinupError(f'exercise {number} is an experiment to run and think about: it has no solution '
                              f'file; the Problem set 2 page of the docs discusses what it shows.')
        else:
            path = exercise_path(number, backend, solution=True)
            return _run(path, rest)
    return _run(exercise_path(number, backend), rest)


def _run(path: str, args: List[str]) -> int:
    """Run the file at ``path`` as a script with ``args``; return its exit status."""
    print(f'Running {path}\n', flush=True)
    saved = sys.argv
    sys.argv = [path, *args]
    try:
        runpy.run_path(path, run_name='__main__')
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else (0 if done.code is None else 1)
    finally:
        sys.argv = saved
    return 0
