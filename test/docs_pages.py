"""What the docs show, read back out of them: the shell commands and Python snippets of each
page of docs/ and of README.md, and the budget cuts that let a test run them in seconds.

A page's commands run in order in one fresh folder (``data/NAME/...`` then means a run an
earlier command of the same page made); its Python snippets run after them, each as its own
script, in the same folder.
"""
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import List, Tuple

from spinup.algos import OFF_POLICY, split_name

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / 'docs'
# The user guide's pages that train a run to load or watch again: the slowest to run.
SAVED_RUN_PAGES = ('saving_and_loading.rst', 'watching.rst')

# Flags set on every training command, whatever the page asked for: one short epoch. A grid
# over seeds keeps its first seed only; grids over other flags stay whole.
ON_POLICY_BUDGET = {'--epochs': '1', '--steps_per_epoch': '200'}
OFF_POLICY_BUDGET = {'--epochs': '1', '--steps_per_epoch': '150', '--start_steps': '100',
                     '--update_after': '50', '--update_every': '50', '--batch_size': '32',
                     '--num_test_episodes': '1', '--max_ep_len': '50'}


def pages() -> List[Path]:
    """README.md and every page of the docs, in a stable order."""
    return [REPO / 'README.md'] + sorted(DOCS.rglob('*.rst'))


def page_id(page: Path) -> str:
    return str(page.relative_to(REPO))


def _rst_blocks(text: str, language: str) -> List[str]:
    """The bodies of the ``.. code-block:: LANGUAGE`` directives of a reStructuredText page."""
    blocks = []
    lines = text.split('\n')
    i = 0
    while i < len(lines):
        m = re.match(r'^(\s*)\.\. code-block::\s*(\S+)\s*$', lines[i])
        i += 1
        if not m or m.group(2) != language:
            continue
        indent = len(m.group(1))
        while i < len(lines) and lines[i].strip().startswith(':'):  # the directive's options
            i += 1
        body = []
        while i < len(lines) and (not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > indent):
            body.append(lines[i])
            i += 1
        width = min((len(ln) - len(ln.lstrip()) for ln in body if ln.strip()), default=0)
        blocks.append('\n'.join(ln[width:] for ln in body).strip('\n'))
    return blocks


def _md_blocks(text: str, language: str) -> List[str]:
    """The bodies of the ```LANGUAGE fences of a Markdown page."""
    return [m.group(1) for m in re.finditer(rf'^```{language}\n(.*?)^```', text, re.M | re.S)]


def blocks(page: Path, language: str) -> List[str]:
    text = page.read_text()
    return _md_blocks(text, language) if page.suffix == '.md' else _rst_blocks(text, language)


def shell_commands(page: Path) -> List[str]:
    """Each ``python -m spinup...`` command of the page's bash blocks (also after ``&&``)."""
    commands = []
    for block in blocks(page, 'bash'):
        for line in block.split('\n'):
            for part in line.split('&&'):
                part = part.strip()
                if part.startswith('python -m spinup'):
                    commands.append(part)
    return commands


def python_snippets(page: Path) -> List[str]:
    return blocks(page, 'python')


def _set_flags(argv: List[str], flags: dict) -> List[str]:
    """``argv`` with each of ``flags`` set to its value (replacing the values given, if any)."""
    out, i = [], 0
    while i < len(argv):
        if argv[i] in flags:
            i += 1
            while i < len(argv) and not argv[i].startswith('--'):
                i += 1
            continue
        out.append(argv[i])
        i += 1
    for flag, value in flags.items():
        out += [flag, value]
    return out


def shrink(command: str) -> List[str]:
    """The argv that runs ``command`` on a tiny budget (the comment after ``#`` dropped)."""
    argv = shlex.split(command, comments=True)
    assert argv[:2] == ['python', '-m'], command
    module, args = argv[2], argv[3:]
    if module == 'spinup.benchmarks.speed':
        args = _set_flags(args, {'--steps': '400', '--epochs': '1'})  # (400: split by 1, 4 or 8 copies)
        if '--num_envs' in args:  # the most copies asked for, alone: each is a run
            counts = args[args.index('--num_envs') + 1:]
            counts = counts[:next((i for i, a in enumerate(counts) if a.startswith('--')), len(counts))]
            args = _set_flags(args, {'--num_envs': counts[-1]})
        if '--vector_mode' in args:  # and one kind of vector, the first given
            modes = args[args.index('--vector_mode') + 1:]
            args = _set_flags(args, {'--vector_mode': modes[0]})
    elif module == 'spinup.run' and args and '--help' not in args:
        cmd = args[0]
        if cmd == 'test_policy':
            args = _set_flags(args, {'--episodes': '1', '--len': '50'})
            if '--video' not in args and '--norender' not in args:
                args.append('--norender')  # there is no screen here
        elif cmd == 'benchmark':
            if args[1:2] == ['run']:  # one seed of the PyTorch runs, one short epoch each
                args = _set_flags(args, {'--seeds': '0', '--backends': 'pytorch', '--epochs': '1',
                                         '--steps_per_epoch': '200'})
        elif cmd == 'relaunch':  # the recorded run was shrunk already; one epoch of it
            args = _set_flags(args, {'--epochs': '1'})
        elif cmd == 'resume':  # the run was shrunk to one epoch already; one more
            args = _set_flags(args, {'--epochs': '2'})
        elif cmd not in ('plot', 'exercise'):
            algo = split_name(cmd)[0] if '_' in cmd else cmd
            args = _set_flags(args, OFF_POLICY_BUDGET if algo in OFF_POLICY else ON_POLICY_BUDGET)
            if '--num_minibatches' in args:  # minibatches that split the short epoch
                args = _set_flags(args, {'--num_minibatches': '4'})
            if '--seed' in args:
                k = args.index('--seed')
                args = _set_flags(args, {'--seed': args[k + 1]})
    return [sys.executable, '-m', module, *args]


def only_prints(argv: List[str]) -> bool:
    """A command that reads and writes no run (the speed bench, the list of commands, an
    algorithm's ``--help``): what it does cannot depend on the page that shows it."""
    module, args = argv[2], argv[3:]
    return module == 'spinup.benchmarks.speed' or (module == 'spinup.run' and (not args or '--help' in args))


def shown_before(page: Path) -> set:
    """The shrunk commands that only print and that an earlier page of :func:`pages` shows:
    they run there, once in the suite, not again on ``page``."""
    every = pages()
    earlier = every[:every.index(page)] if page in every else []
    shown = (shrink(c) for p in earlier for c in shell_commands(p))
    return {tuple(argv) for argv in shown if only_prints(argv)}


def run_page(page: Path, workdir: Path) -> List[Tuple[str, subprocess.CompletedProcess]]:
    """Run the page's commands, then its snippets, in ``workdir``; stop at the first failure.
    A command that only prints and that an earlier page shows already is not run again.

    Returns what ran, as (what, result) pairs; the last one failed if any did.
    """
    env = dict(os.environ, SPINUP_DATA_DIR=str(workdir / 'data'), MPLBACKEND='Agg')
    for key in ('DISPLAY', 'WAYLAND_DISPLAY'):
        env.pop(key, None)  # as on a machine with no screen
    done, ran_elsewhere = [], shown_before(page)
    for command in shell_commands(page):
        argv = shrink(command)
        if tuple(argv) in ran_elsewhere:
            continue
        result = subprocess.run(argv, cwd=workdir, env=env, capture_output=True,
                                text=True, timeout=900)
        done.append((command, result))
        if result.returncode != 0:
            return done
    for k, snippet in enumerate(python_snippets(page)):
        script = workdir / f'snippet_{k}.py'
        script.write_text(snippet + '\n')
        result = subprocess.run([sys.executable, script.name], cwd=workdir, env=env,
                                capture_output=True, text=True, timeout=900)
        done.append((snippet, result))
        if result.returncode != 0:
            return done
    return done


def assert_page_runs(page: Path, workdir: Path) -> None:
    """Fail, showing the command or snippet and its output, if anything on ``page`` fails."""
    for what, result in run_page(page, workdir):
        assert result.returncode == 0, (f'{page_id(page)}: this failed (exit {result.returncode}):\n{what}\n'
                                        f'STDOUT:\n{result.stdout[-2000:]}\nSTDERR:\n{result.stderr[-3000:]}')


def runnable(page: Path) -> bool:
    return bool(shell_commands(page) or python_snippets(page))
