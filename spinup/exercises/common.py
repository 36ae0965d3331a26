"""What every exercise's check shares: comparing an answer with what it should be, saying
exactly what differed, and the pass/fail banner that ends each exercise script.

A check is a list of named parts. Each part is a function that returns None when the answer
is right and one line saying what is wrong otherwise; an exception raised by the student's
code fails that part with the exception's message and the line of the student's file it
came from. ``Checker.finish`` prints the banner and exits: 0 when every part passed, 1 when
one failed.
"""
import os
import sys
import time
import traceback
from typing import Callable, List, Optional, Tuple

import numpy as np

RULE = '=' * 78


def as_numpy(value) -> np.ndarray:
    """A NumPy array of ``value``: an array, a number, or a PyTorch tensor (detached)."""
    if hasattr(value, 'detach'):
        value = value.detach().cpu().numpy()
    return np.asarray(value)


def compare(got, want, atol: float = 1e-5, rtol: float = 1e-5) -> Optional[str]:
    """None if ``got`` matches ``want`` (shape, and every value within ``atol + rtol * |want|``);
    otherwise one line naming the first difference.

    For example: ``shape (32, 1), expected (32,)``, or ``5 of 32 values differ; the first at
    [3]: got -4.1816, expected -3.2627 (tolerance 1e-05 + 1e-05 * |expected|)``.
    """
    got, want = as_numpy(got), as_numpy(want)
    if got.shape != want.shape:
        return f'shape {got.shape}, expected {want.shape}'
    got64, want64 = got.astype(np.float64), want.astype(np.float64)
    close = np.isclose(got64, want64, atol=atol, rtol=rtol)  # equal infinities match; NaN never does
    if close.all():
        return None
    bad = np.argwhere(~close)
    first = tuple(int(i) for i in bad[0])
    where = f' at {list(first)}' if first else ''
    return (f'{len(bad)} of {close.size} values differ; the first{where}: got {got64[first]:.6g}, '
            f'expected {want64[first]:.6g} (tolerance {atol:g} + {rtol:g} * |expected|)')


def _where_raised(err: BaseException) -> str:
    """'' or ' (file.py, line 12: the line)': where the student's code raised ``err``.

    That is the last frame in the file being run or in a problem set's folder; failing
    those, the last one outside the library's checks (which may be inside the framework).
    """
    frames = traceback.extract_tb(err.__traceback__)
    script = os.path.abspath(sys.argv[0]) if sys.argv and sys.argv[0] else None
    here = os.path.dirname(os.path.abspath(__file__))
    theirs = [f for f in frames if os.path.abspath(f.filename) == script or
              f'{os.sep}problem_set_' in f.filename]
    outside = [f for f in frames if not os.path.abspath(f.filename).startswith(here + os.sep)]
    if not (theirs or outside):
        return ''
    f = (theirs or outside)[-1]
    return f' ({os.path.basename(f.filename)}, line {f.lineno}: {(f.line or "").strip()})'


class Checker:
    """Runs the named parts of one exercise's check and prints its banner.

    Example::

        checker = Checker('Exercise 1.1: diagonal Gaussian log-likelihood (PyTorch)')
        checker.part('log_std of shape [dim]', lambda: compare(mine(x), reference(x)))
        checker.finish()   # prints the banner; exits 0 if every part passed, 1 otherwise
    """

    def __init__(self, title: str):
        self.title = title
        self.results: List[Tuple[str, Optional[str]]] = []

    def part(self, what: str, check: Callable[[], Optional[str]]) -> bool:
        """Run one part of the check; return whether it passed."""
        try:
            problem = check()
        except NotImplementedError as err:
            problem = 'not written yet: the code raises NotImplementedError' + _where_raised(err) + \
                      " -- write it where the file says 'YOUR CODE HERE'"
        except Exception as err:  # the student's code failed: say how, in one line
            problem = f'raised {type(err).__name__}: {err}{_where_raised(err)}'.replace('\n', ' ')
        self.results.append((what, problem))
        return problem is None

    def note(self, what: str, problem: Optional[str]) -> bool:
        """Record a part whose outcome was computed elsewhere (``problem`` None: it passed)."""
        self.results.append((what, problem))
        return problem is None

    @property
    def passed(self) -> bool:
        return all(problem is None for _, problem in self.results)

    def banner(self) -> str:
        verdict = 'PASSED' if self.passed else 'FAILED'
        lines = ['', RULE, f'{self.title}: {verdict}', '']
        previous = None
        for what, problem in self.results:
            lines.append(f'  {"ok  " if problem is None else "FAIL"}  {what}')
            if problem is not None:
                lines.append(f'        {"(the same as above)" if problem == previous else problem}')
            previous = problem
        if not self.passed:
            lines += ['', 'Fix the first FAIL above, then run this file again.']
        lines.append(RULE)
        return '\n'.join(lines)

    def finish(self) -> None:
        """Print the banner and exit: status 0 if every part passed, 1 if any failed."""
        print(self.banner(), flush=True)
        sys.exit(0 if self.passed else 1)


def exercise_flags(argv: Optional[List[str]] = None, **defaults):
    """The flags an exercise script takes, read from ``argv`` (default: the command line).

    Each keyword is a flag with its default (``epochs=20`` gives ``--epochs N``; a False
    default gives a switch). A mistake is one line on stderr and exit status 2.
    """
    from spinup.utils.errors import ArgumentParser, SpinupError
    parser = ArgumentParser(prog=os.path.basename(sys.argv[0]))
    for name, default in defaults.items():
        if isinstance(default, bool):
            parser.add_argument(f'--{name}', action='store_true')
        else:
            parser.add_argument(f'--{name}', type=type(default) if default is not None else str, default=default)
    try:
        return parser.parse_args(sys.argv[1:] if argv is None else argv)
    except SpinupError as err:
        print(f'Error: {err}', file=sys.stderr)
        sys.exit(2)


def grid_then_plot(name: str, thunk, flags, compared: dict, values: List[str], **fixed) -> None:
    """Run an experiment grid for problem set 2, then plot it to files (their paths are printed).

    Args:
        name: The grid's name, which starts the name of each run's folder in ``DATA_DIR``; the
            figures go beside them (``DATA_DIR/name.png``, or ``name_VALUE.png`` for several values).
        thunk: The algorithm's registered name (``'trpo_pytorch'``) or a function.
        flags: ``env``, ``seeds`` (how many: 0, 10, 20, ...), ``epochs``, ``steps_per_epoch``
            and ``data_dir``, as ``exercise_flags`` read them.
        compared: ``{argument: (values, shorthand)}``, the settings compared side by side.
        values: The columns to plot (``'Performance'``, ``'LossV'``).
        **fixed: Further arguments, the same in every run.
    """
    from spinup.user_config import DEFAULT_DATA_DIR, FORCE_DATESTAMP
    from spinup.utils.plot import make_plots
    from spinup.utils.run_utils import ExperimentGrid
    grid = ExperimentGrid(name)
    grid.add('env_name', flags.env)
    grid.add('seed', [10 * k for k in range(flags.seeds)])
    for key, (vals, shorthand) in compared.items():
        grid.add(key, vals, shorthand, in_name=True)
    grid.add('epochs', flags.epochs)
    grid.add('steps_per_epoch', flags.steps_per_epoch)
    for key, val in fixed.items():
        grid.add(key, val)
    grid.run(thunk, data_dir=flags.data_dir)
    # every run of the grid has a folder whose name starts with the grid's name (and the date
    # before it, when user_config.FORCE_DATESTAMP asks for one)
    stamp = time.strftime('%Y-%m-%d_') if FORCE_DATESTAMP else ''
    prefix = os.path.join(flags.data_dir or DEFAULT_DATA_DIR, stamp + name)
    make_plots([prefix], values=values, out=prefix + '.png')
