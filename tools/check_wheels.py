"""Check that the project's requirements install from wheels on every supported platform and Python.

Reads ``python_requires``, ``install_requires`` (and the extras named with ``--extras``) from
``setup.py`` itself, then asks uv's resolver, for each platform x Python version, to pick a wheel
for every requirement and every requirement of those, evaluating the environment markers for
that target rather than for this machine::

    uv pip compile REQS --python-platform PLATFORM --python-version X.Y --only-binary :all:

It needs only the package registry, not the target machines, and downloads no wheel (the
resolver reads the packages' metadata). It prints a table, platform x Python -> ``ok`` or what
fails: a Python that ``python_requires`` refuses, or the requirements that have no wheel there
(each failing requirement is found by resolving it alone). ``uv`` comes with the ``test`` and
``tools`` extras (``pip install uv``).

Exit status: 0 when every cell resolves, 1 when one does not, 3 when the registry could not be
reached (nothing was checked).

    python tools/check_wheels.py                       # install_requires, 3 platforms x 3 Pythons
    python tools/check_wheels.py --extras docs,test    # with those extras' requirements too
    python tools/check_wheels.py --project /tmp/old    # another checkout's setup.py
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import textwrap
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from unittest import mock

REPO = Path(__file__).resolve().parent.parent

# name in the table -> uv's --python-platform, and the oldest OS it stands for: glibc 2.28
# (Debian 10, Ubuntu 18.10, RHEL 8 and newer) on Linux; macOS 14 on Apple silicon, the oldest
# macOS that PyTorch 2.13 ships wheels for (MACOSX_DEPLOYMENT_TARGET tells uv the version).
PLATFORMS = {
    'linux-x86_64': ('x86_64-manylinux_2_28', {}),
    'linux-aarch64': ('aarch64-manylinux_2_28', {}),
    'macos-arm64': ('aarch64-apple-darwin', {'MACOSX_DEPLOYMENT_TARGET': '14.0'}),
}
# checked only when named: native Windows is not a supported platform (see the README)
OTHER_PLATFORMS = {
    'windows-x86_64': ('x86_64-pc-windows-msvc', {}),
}
PYTHONS = ('3.11', '3.12', '3.13')

UNREACHABLE = 3
# what uv says when it cannot talk to the registry at all
NETWORK_ERRORS = ('dns error', 'error sending request', 'failed to connect', 'connection refused',
                  'network is unreachable', 'operation timed out', 'failed to fetch',
                  'tcp connect error', 'request failed after')


class Unreachable(Exception):
    """The registry did not answer: the check proves nothing either way."""


def read_setup(project):
    """The keyword arguments that ``project``/setup.py passes to setuptools.setup(), by running it
    with setup() replaced (nothing is built or installed)."""
    setup_py = Path(project) / 'setup.py'
    captured = {}
    code = compile(setup_py.read_text(), str(setup_py), 'exec')
    cwd = os.getcwd()
    os.chdir(setup_py.parent)
    try:
        with mock.patch('setuptools.setup', lambda **kw: captured.update(kw)):
            exec(code, {'__name__': '__main__', '__file__': str(setup_py)})
    finally:
        os.chdir(cwd)
    if 'install_requires' not in captured:
        raise SystemExit(f'{setup_py} called no setup(install_requires=...)')
    return captured


def requirements(setup_kwargs, extras=()):
    reqs = list(setup_kwargs['install_requires'])
    known = setup_kwargs.get('extras_require', {})
    for extra in extras:
        if extra not in known:
            raise SystemExit(f'no extra {extra!r} in setup.py (it has {", ".join(sorted(known))})')
        reqs += [r for r in known[extra] if r not in reqs]
    return reqs


def uv_command():
    uv = shutil.which('uv')
    if uv:
        return [uv]
    try:
        import uv as uv_module  # the PyPI package ships the binary
        return [uv_module.find_uv_bin()]
    except ImportError:
        raise SystemExit('uv is not installed: pip install uv (or pip install -e ".[tools]")') from None


def compile_reqs(uv, reqs, platform, python, workdir):
    """Resolve ``reqs`` for one target: (True, '') or (False, uv's message). Raises Unreachable."""
    fd, path = tempfile.mkstemp(suffix='.in', dir=workdir)
    with os.fdopen(fd, 'w') as f:
        f.write('\n'.join(reqs) + '\n')
    uv_platform, env = platform
    # --no-python-downloads: the target's version is only for markers and wheel tags; with
    # --only-binary nothing is built, so no interpreter of that version is fetched
    out = subprocess.run([*uv, 'pip', 'compile', path, '--python-platform', uv_platform,
                          '--python-version', python, '--only-binary', ':all:', '--no-header',
                          '--no-annotate', '--quiet', '--no-config', '--no-python-downloads',
                          '--output-file', os.devnull],
                         capture_output=True, text=True, timeout=600,
                         env={**os.environ, 'NO_COLOR': '1', **env})
    if out.returncode == 0:
        return True, ''
    message = out.stderr.strip()
    errors = '\n'.join(l for l in message.splitlines() if not l.startswith('warning:')).lower()
    if any(e in errors for e in NETWORK_ERRORS):
        raise Unreachable(message.splitlines()[-1].strip().removeprefix('cause: ') if message else 'no answer')
    return False, message


def short_reason(message):
    """One line out of uv's explanation: the package and why it has no candidate."""
    for pattern in (r'(\S+) has no (?:usable wheels|wheels with a matching [\w ]+? tag(?: \(e\.g\., `[^`]*`\))?)',
                    r'there is no version of (\S+)',
                    r'only (\S+)[^ ]* is available',
                    r'(\S+) was not found in the package registry',
                    r'the requested Python version \([^)]*\) does not satisfy [^\n]*'):
        m = re.search(pattern, message.replace('\n', ' '))
        if m:
            return re.sub(r'\s+', ' ', m.group(0))
    lines = [l.strip(' ×╰─▶') for l in message.splitlines() if l.strip()]
    return lines[-1] if lines else 'failed'


def check_target(uv, reqs, python_requires, platform, python, workdir):
    """What the table shows for one cell, and whether it passes."""
    from packaging.specifiers import SpecifierSet

    refused = python_requires and python + '.0' not in SpecifierSet(python_requires)
    ok, message = compile_reqs(uv, reqs, platform, python, workdir)
    if ok:
        if refused:
            return False, f'python_requires {python_requires} refuses it (the requirements resolve)'
        return True, 'ok'
    # find the requirements that fail on their own
    failing = []
    for req in reqs:
        alone_ok, alone_message = compile_reqs(uv, [req], platform, python, workdir)
        if not alone_ok:
            failing.append(f'{req}: {short_reason(alone_message)}')
    what = '; '.join(failing) if failing else f'conflict: {short_reason(message)}'
    if refused:
        what = f'python_requires {python_requires} refuses it; ' + what
    return False, what


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--project', default=str(REPO), help='folder of the setup.py to read (default: this repository)')
    parser.add_argument('--extras', default='', help='comma-separated extras whose requirements to add, e.g. docs,test')
    parser.add_argument('--platforms', default=','.join(PLATFORMS),
                        help=f'comma-separated, from {", ".join(PLATFORMS)} (the default) and {", ".join(OTHER_PLATFORMS)}')
    parser.add_argument('--pythons', default=','.join(PYTHONS), help='comma-separated Python versions (default: %(default)s)')
    args = parser.parse_args(argv)

    setup_kwargs = read_setup(args.project)
    extras = [e for e in args.extras.split(',') if e]
    reqs = requirements(setup_kwargs, extras)
    python_requires = setup_kwargs.get('python_requires', '')
    platforms = [p for p in args.platforms.split(',') if p]
    known = {**PLATFORMS, **OTHER_PLATFORMS}
    for p in platforms:
        if p not in known:
            parser.error(f'unknown platform {p!r}: choose from {", ".join(known)}')
    pythons = [p for p in args.pythons.split(',') if p]
    uv = uv_command()

    print(f'{Path(args.project).resolve() / "setup.py"}: python_requires {python_requires or "(none)"}, '
          f'{len(reqs)} requirements{" with extras " + ",".join(extras) if extras else ""}')
    cells = [(p, py) for p in platforms for py in pythons]
    with tempfile.TemporaryDirectory() as workdir, ThreadPoolExecutor(max_workers=len(cells)) as pool:
        futures = {cell: pool.submit(check_target, uv, reqs, python_requires, known[cell[0]],
                                     cell[1], workdir) for cell in cells}
        try:
            results = {cell: f.result() for cell, f in futures.items()}
        except Unreachable as e:
            print(f'the package registry could not be reached, nothing was checked: {e}', file=sys.stderr)
            return UNREACHABLE

    width = max(len(p) for p in platforms)
    print(f'{"platform":<{width}}  {"Python":<6}  result')
    for (platform, python), (_, what) in results.items():
        lines = textwrap.wrap(what, 100) or ['']
        print(f'{platform:<{width}}  {python:<6}  {lines[0]}')
        for line in lines[1:]:
            print(f'{"":<{width}}  {"":<6}    {line}')
    failed = sum(not ok for ok, _ in results.values())
    print(f'{len(results) - failed} of {len(results)} resolve' + (f', {failed} fail' if failed else ''))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
