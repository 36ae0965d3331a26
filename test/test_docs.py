"""The docs site builds with no warning, and every ``literalinclude`` marker it uses exists.

The commands and snippets of the pages run in test_docs_guide.py and test_docs_algorithms.py.
"""
import re
import subprocess
import sys


from docs_pages import DOCS, REPO, blocks, pages, shell_commands, shown_before, shrink

ALGOS = ('vpg', 'trpo', 'ppo', 'ddpg', 'td3', 'sac')


def test_the_site_builds_without_a_warning(tmp_path):
    """The command the installation page gives, with its -W: a warning fails the build."""
    out = subprocess.run([sys.executable, '-m', 'sphinx', '-W', '--keep-going', '-b', 'html',
                          '-d', str(tmp_path / 'doctrees'), str(DOCS), str(tmp_path / 'html')],
                         capture_output=True, text=True, timeout=900, cwd=REPO)
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-4000:]
    assert 'WARNING' not in out.stderr, out.stderr[-4000:]
    index = (tmp_path / 'html' / 'index.html').read_text()
    for algo in ALGOS:
        assert f'algorithms/{algo}.html' in index
        page = (tmp_path / 'html' / 'algorithms' / f'{algo}.html').read_text()
        # autodoc found both versions' docstrings
        for backend in ('pytorch', 'tf1'):
            assert f'spinup.algos.{backend}.{algo}.{algo}.{algo}' in page, (algo, backend)
        assert 'class="math' in page  # equations, for MathJax to render


def _literalincludes():
    for page in sorted(DOCS.rglob('*.rst')):
        text = page.read_text()
        for m in re.finditer(r'^\s*\.\. literalinclude::\s*(\S+)\n((?:\s+:[\w-]+:.*\n)*)', text, re.M):
            options = dict(re.findall(r':([\w-]+):\s*(.*)', m.group(2)))
            yield page, (page.parent / m.group(1)).resolve(), options


def test_every_literalinclude_marker_exists_in_the_file_it_names():
    found = list(_literalincludes())
    assert len(found) >= 30  # the implementation details of six algorithm pages
    for page, target, options in found:
        assert target.is_file(), f'{page.name}: {target} does not exist'
        code = target.read_text()
        start, end = options.get('start-after'), options.get('end-before')
        assert start and end, f'{page.name}: include {target.name} between named markers, not line numbers'
        assert re.fullmatch(r'\[docs [\w-]+\]', start) and end == start[:-1] + ' end]', (page.name, start, end)
        assert code.count(f'# {start}') == 1, f'{page.name}: marker {start} not (or twice) in {target}'
        assert code.count(f'# {end}') == 1, f'{page.name}: marker {end} not (or twice) in {target}'
        assert code.index(f'# {start}') < code.index(f'# {end}')


def test_every_marker_in_the_code_is_shown_somewhere():
    """A marker no page includes is clutter in the algorithm file."""
    used = {(target, options['start-after']) for _, target, options in _literalincludes()}
    for path in sorted((REPO / 'spinup' / 'algos').rglob('*.py')):
        for name in re.findall(r'# (\[docs [\w-]+\])$', path.read_text(), re.M):
            assert (path.resolve(), name) in used, f'{name} in {path} is shown by no page'


def test_each_algorithm_page_documents_both_backends():
    for algo in ALGOS:
        text = (DOCS / 'algorithms' / f'{algo}.rst').read_text()
        for backend in ('pytorch', 'tf1'):
            assert f'.. autofunction:: spinup.algos.{backend}.{algo}.{algo}.{algo}' in text


def test_the_pages_are_read_as_the_docs_tests_expect():
    """The extraction the command tests rely on: commands after ``&&`` are found, budgets
    are cut, and a removed command would fail (it is run, not just listed)."""
    readme = REPO / 'README.md'
    commands = shell_commands(readme)
    assert any('--exp_name installtest' in c for c in commands)  # the install command, after &&
    assert all(c.startswith('python -m spinup') for c in commands)
    argv = shrink('python -m spinup.run sac_pytorch --env Pendulum-v1 --epochs 50 --seed 0 10  # a grid')
    assert argv[argv.index('--epochs') + 1] == '1' and argv.count('--epochs') == 1
    assert argv[-2:] == ['--seed', '0']  # a grid over seeds keeps its first
    assert '--num_test_episodes' in argv and '#' not in argv
    argv = shrink('python -m spinup.run test_policy data/x/x_s0')
    assert '--norender' in argv and argv[argv.index('--episodes') + 1] == '1'
    assert blocks(readme, 'python'), 'README shows Python snippets'
    # a command that only prints runs once, on the first page that shows it; a training runs
    # on every page that shows it (the page's later commands read its run)
    speed = DOCS / 'benchmarks' / 'speed.rst'
    assert tuple(shrink('python -m spinup.benchmarks.speed')) in shown_before(speed)
    install = next(c for c in shell_commands(readme) if '--exp_name installtest' in c)
    assert install in shell_commands(DOCS / 'user' / 'installation.rst')
    assert tuple(shrink(install)) not in shown_before(DOCS / 'user' / 'installation.rst')
    assert len(pages()) > 10
