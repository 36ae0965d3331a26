"""setup.py installs where students are: each supported platform gets one TensorFlow and one
gymnasium with a wheel, Python 3.11 to 3.13 are admitted, and tools/check_wheels.py resolves every
platform x Python from the registry (skipped, saying so, when the registry cannot be reached)."""
import os
import subprocess
import sys
import textwrap

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from conftest import REPO

sys.path.insert(0, os.path.join(REPO, 'tools'))
import check_wheels  # noqa: E402

SCRIPT = os.path.join(REPO, 'tools', 'check_wheels.py')
UNREACHABLE = 'the package registry could not be reached: nothing to check against'

# the marker variables of each supported platform (and of native Windows, which is not one)
ENVIRONMENTS = {
    'linux-x86_64': dict(sys_platform='linux', platform_machine='x86_64', platform_system='Linux'),
    'linux-aarch64': dict(sys_platform='linux', platform_machine='aarch64', platform_system='Linux'),
    'macos-arm64': dict(sys_platform='darwin', platform_machine='arm64', platform_system='Darwin'),
}


def installed_on(platform, python='3.12'):
    """The requirements of install_requires whose markers hold on ``platform``, by name."""
    env = {**ENVIRONMENTS[platform], 'python_version': python, 'python_full_version': python + '.0'}
    reqs = [Requirement(r) for r in check_wheels.read_setup(REPO)['install_requires']]
    chosen = {}
    for req in reqs:
        if req.marker is None or req.marker.evaluate(env):
            assert req.name not in chosen, f'{req.name} twice on {platform}'
            chosen[req.name] = req
    return chosen


def run_check(*args, env=None):
    out = subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True, timeout=300,
                         env={**os.environ, **(env or {})})
    if out.returncode == check_wheels.UNREACHABLE:
        pytest.skip(f'{UNREACHABLE} ({out.stderr.strip()[-200:]})')
    return out


def test_python_requires_admits_3_11_to_3_13():
    spec = SpecifierSet(check_wheels.read_setup(REPO)['python_requires'])
    assert all(v in spec for v in ('3.11.0', '3.12.0', '3.13.0', '3.13.9'))
    assert not any(v in spec for v in ('3.10.12', '3.14.0'))


def test_each_platform_takes_the_tensorflow_and_gymnasium_it_has_wheels_for():
    linux, arm, mac = (installed_on(p) for p in ENVIRONMENTS)
    assert 'tensorflow-cpu' in linux and 'tensorflow' not in linux
    for other in (arm, mac):
        assert 'tensorflow' in other and 'tensorflow-cpu' not in other
    for chosen in (linux, arm, mac):
        tf = chosen.get('tensorflow-cpu') or chosen['tensorflow']
        assert '2.20.0' in tf.specifier and '2.21.0' not in tf.specifier  # the <2.21 cap everywhere
        assert str(chosen['torch'].specifier) == '==2.13.0'  # never an unpinned (CUDA) torch
        for name in ('mpi4py', 'mpich', 'gymnasium'):
            assert name in chosen
    assert linux['gymnasium'].extras == mac['gymnasium'].extras == {'mujoco', 'box2d'}
    assert arm['gymnasium'].extras == {'mujoco'}  # Box2D has no aarch64 Linux wheel


def test_every_supported_platform_and_python_resolves_from_wheels():
    out = run_check()
    assert out.returncode == 0, out.stdout + out.stderr
    assert '9 of 9 resolve' in out.stdout
    for platform in ENVIRONMENTS:
        for python in ('3.11', '3.12', '3.13'):
            assert any(line.split()[:3] == [platform, python, 'ok'] for line in out.stdout.splitlines()), \
                (platform, python, out.stdout)


def test_a_requirement_with_no_wheel_and_a_refused_python_are_named(tmp_path):
    """The check reads the setup.py it is given, and fails naming what fails."""
    (tmp_path / 'setup.py').write_text(textwrap.dedent("""\
        from setuptools import setup
        setup(name='old', python_requires='>=3.11,<3.12',
              install_requires=['tensorflow-cpu>=2.18,<2.21', 'tqdm'])
        """))
    out = run_check('--project', str(tmp_path), '--platforms', 'macos-arm64,linux-x86_64',
                    '--pythons', '3.11,3.12')
    assert out.returncode == 1, out.stdout + out.stderr
    rows = {tuple(line.split()[:2]): line for line in out.stdout.splitlines()}
    assert rows[('linux-x86_64', '3.11')].split()[2] == 'ok'
    assert 'python_requires >=3.11,<3.12 refuses it (the requirements resolve)' in rows[('linux-x86_64', '3.12')]
    for python in ('3.11', '3.12'):
        assert 'tensorflow-cpu>=2.18,<2.21: tensorflow-cpu' in rows[('macos-arm64', python)]
        assert 'tqdm' not in rows[('macos-arm64', python)]
    assert '1 of 4 resolve, 3 fail' in out.stdout


def test_an_unreachable_registry_is_not_a_pass():
    out = subprocess.run([sys.executable, SCRIPT, '--platforms', 'linux-x86_64', '--pythons', '3.12'],
                         capture_output=True, text=True, timeout=120,
                         env={**os.environ, 'UV_DEFAULT_INDEX': 'http://127.0.0.1:9/simple',
                              'UV_HTTP_RETRIES': '0', 'UV_NO_CACHE': '1'})
    assert out.returncode == check_wheels.UNREACHABLE, out.stdout + out.stderr
    assert 'could not be reached, nothing was checked' in out.stderr
