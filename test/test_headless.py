"""With no screen: MuJoCo runs and videos in both backends whatever MUJOCO_GL says, TF1
algorithms that leave the caller's graph alone, and test_policy on an environment that
cannot be rebuilt.

Every algorithm x backend also trains on HalfCheetah-v5 with MUJOCO_GL=osmesa through the
command line in test_vpg_trpo.py and test_off_policy.py (PPO here).
"""
import ctypes.util
import os
import re
import subprocess
import sys
import textwrap

import imageio.v3 as iio
import pandas as pd
import pytest

from conftest import REPO, assert_ok, run_cli

BACKENDS = ['pytorch', 'tf1']
GL = {'osmesa': {'MUJOCO_GL': 'osmesa'}, 'egl': {'MUJOCO_GL': 'egl'},
      'unset': {'MUJOCO_GL': None, 'PYOPENGL_PLATFORM': None}}
HAS_EGL = ctypes.util.find_library('EGL') is not None and ctypes.util.find_library('EGL_mesa') is not None


def gl_env(gl):
    if gl == 'egl' and not HAS_EGL:
        pytest.skip("no Mesa EGL on this machine (travis_setup.sh installs it)")
    return GL[gl]


@pytest.fixture(scope='module', params=BACKENDS)
def cheetah_run(request, tmp_path_factory):
    """A short PPO run on HalfCheetah-v5 with MUJOCO_GL=osmesa, in each backend."""
    data = tmp_path_factory.mktemp('data')
    result = run_cli(f'ppo_{request.param}', '--env', 'HalfCheetah-v5', '--exp_name', 'hc', '--epochs', '1',
                     '--steps_per_epoch', '200', '--hid', '[16]', '--data_dir', data, env=GL['osmesa'])
    assert_ok(result)  # exit 0: no crash at exit
    return data / 'hc' / 'hc_s0'


def test_mujoco_run_with_osmesa_writes_its_outputs(cheetah_run):
    assert list(pd.read_table(cheetah_run / 'progress.txt')['TotalEnvInteracts']) == [200]
    assert (cheetah_run / 'vars.pkl').exists()
    assert (cheetah_run / 'pyt_save' / 'model.pt').exists() or (cheetah_run / 'tf1_save' / 'saved_model.pb').exists()


@pytest.mark.parametrize('gl', ['unset', 'egl'])
def test_tf1_mujoco_run_exits_cleanly_with_other_gl_settings(data_dir, gl):
    assert_ok(run_cli('ppo_tf1', '--env', 'HalfCheetah-v5', '--exp_name', 'hc', '--epochs', '1',
                      '--steps_per_epoch', '200', '--hid', '[16]', '--data_dir', data_dir, env=gl_env(gl)))
    assert (data_dir / 'hc' / 'hc_s0' / 'tf1_save' / 'saved_model.pb').exists()


def assert_video(path, episode_lengths, height, width):
    frames = iio.imread(path)
    assert frames.shape == (sum(episode_lengths) + len(episode_lengths), height, width, 3)
    assert frames.std() > 1  # a picture, not one colour
    assert (frames[0] != frames[-1]).any()  # and it moves


def episode_lengths(stdout):
    return [int(line.split()[-1]) for line in stdout.splitlines() if line.startswith('Episode ')]


@pytest.mark.parametrize('gl', ['osmesa', 'egl', 'unset'])
def test_video_of_a_mujoco_agent(cheetah_run, tmp_path, gl):
    if gl != 'osmesa' and (cheetah_run / 'pyt_save').exists():
        pytest.skip('the other settings are checked on the TF1 run, the one that used to crash')
    video = tmp_path / 'hc.mp4'
    result = run_cli('test_policy', cheetah_run, '--episodes', '1', '--len', '30', '--video', video,
                     env=gl_env(gl))
    assert_ok(result)
    assert episode_lengths(result.stdout) == [30]
    assert_video(video, [30], 480, 480)  # gymnasium's MuJoCo frames are 480 x 480


@pytest.mark.parametrize('backend', BACKENDS)
def test_video_of_a_box2d_agent(data_dir, tmp_path, backend):
    assert_ok(run_cli(f'ppo_{backend}', '--env', 'LunarLander-v3', '--exp_name', 'll', '--epochs', '1',
                      '--steps_per_epoch', '200', '--hid', '[16]', '--data_dir', data_dir, env=GL['osmesa']))
    video = tmp_path / 'll.mp4'
    result = run_cli('test_policy', data_dir / 'll' / 'll_s0', '--episodes', '1', '--len', '20',
                     '--video', video, env=GL['osmesa'])
    assert_ok(result)
    assert_video(video, episode_lengths(result.stdout), 400, 600)


TRAIN_TWICE = '''
import sys
import pandas as pd
import tensorflow.compat.v1 as tf
tf.disable_v2_behavior()
from spinup.algos import load
from spinup.utils.envs import EnvFn

opened = []


class TrackedSession(tf.Session):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        opened.append(self)


tf.Session = TrackedSession
OFF_POLICY = dict(start_steps=50, update_after=50, update_every=50, batch_size=32,
                  num_test_episodes=1, max_ep_len=50)


def train(algo, out):
    extra = OFF_POLICY if algo in ('ddpg', 'td3', 'sac') else {}
    load(algo + '_tf1')(EnvFn('HalfCheetah-v5'), ac_kwargs=dict(hidden_sizes=(16,)), seed=3,
                        steps_per_epoch=100, epochs=1, logger_kwargs=dict(output_dir=out), **extra)
    assert all(sess._closed for sess in opened), 'a session was left open'
    return pd.read_table(out + '/progress.txt').drop(columns='Time')


algos, base = sys.argv[1:-1], sys.argv[-1]
outer = tf.Graph()
with outer.as_default():
    tf.constant(1.0, name='mine')
    inside = [train(algo, f'{base}/in_{algo}') for algo in algos]
    assert tf.get_default_graph() is outer
    assert [op.name for op in outer.get_operations()] == ['mine'], 'the caller graph was changed'
outside = [train(algo, f'{base}/out_{algo}') for algo in algos]
for algo, a, b in zip(algos, inside, outside):
    pd.testing.assert_frame_equal(a, b)  # the caller's graph changes nothing in the run
print('trained', len(opened))
'''


def test_tf1_algorithms_one_after_another_inside_and_outside_a_callers_graph(tmp_path):
    """Every TF1 algorithm, after another one, inside ``with tf.Graph().as_default():`` and
    outside it, in one process of a user's own (with MUJOCO_GL=osmesa exported)."""
    script = tmp_path / 'train_twice.py'
    script.write_text(TRAIN_TWICE)
    algos = ['ppo', 'vpg', 'trpo', 'ddpg', 'td3', 'sac']
    result = subprocess.run([sys.executable, script, *algos, tmp_path], capture_output=True, text=True,
                            timeout=600, env={**os.environ, 'MUJOCO_GL': 'osmesa'})
    assert_ok(result)
    # (and the one empty session a process runs first, that keeps TensorFlow's notices out)
    assert result.stdout.split()[-2:] == ['trained', str(2 * len(algos) + 1)]


def test_opengl_loaded_before_tensorflow_is_refused_in_one_line():
    """Mesa's OpenGL loaded first (a MuJoCo environment made with MUJOCO_GL=osmesa before the
    TF1 code is imported) gets a clear error, not a crash of TensorFlow."""
    code = textwrap.dedent('''
        import gymnasium as gym
        gym.make('HalfCheetah-v5')
        from spinup.utils.errors import SpinupError
        try:
            from spinup import ppo_tf1
        except SpinupError as err:
            print('refused:', err)
    ''')
    result = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=300,
                            env={**os.environ, 'MUJOCO_GL': 'osmesa'})
    assert_ok(result)
    assert 'refused: a shared LLVM (libLLVM, which Mesa' in result.stdout
    assert 'MUJOCO_GL=disable' in result.stdout


def test_bench_runs_tf1_after_making_mujoco_environments():
    """The bench makes HalfCheetah for its raw limit, then trains TF1 in the same process."""
    result = subprocess.run([sys.executable, '-m', 'spinup.benchmarks.speed', 'ppo_tf1', '--steps', '200',
                             '--epochs', '1', '--hid', '[16]'], capture_output=True, text=True,
                            timeout=300, env={**os.environ, 'MUJOCO_GL': 'osmesa'})
    assert_ok(result)
    assert re.search(r'^ppo_tf1\s+[\d,]+\s+[\d,]+\s+[\d.]+', result.stdout, re.MULTILINE), result.stdout


CUSTOM_ENV = '''
import sys
import gymnasium as gym
import numpy as np
from gymnasium import spaces


class Corridor(gym.Env):
    """Walk right to the end of a corridor of five cells; 20 steps at most."""
    observation_space = spaces.Box(0.0, 1.0, (2,), np.float32)
    action_space = spaces.Discrete(2)

    def reset(self, seed=None, options=None):
        super().reset(seed=seed)
        self.pos, self.t = 0, 0
        return self._obs(), {}

    def _obs(self):
        return np.array([self.pos / 5, self.t / 20], dtype=np.float32)

    def step(self, action):
        self.pos = max(0, self.pos + (1 if action == 1 else -1))
        self.t += 1
        terminated = self.pos == 5
        return self._obs(), float(terminated), terminated, self.t >= 20, {}


if __name__ == '__main__':
    from spinup.algos import load
    load(sys.argv[1])(Corridor, steps_per_epoch=200, epochs=1, logger_kwargs=dict(output_dir=sys.argv[2]))
'''

PLAY = '''
import sys
import corridor
from spinup.utils.test_policy import load_policy_and_env, run_policy
# the snippet, with the user's environment class at hand (not in __main__, so vars.pkl cannot give it)
exec(sys.argv[1], {'load_policy_and_env': load_policy_and_env, 'run_policy': run_policy,
                   'Corridor': corridor.Corridor})
'''


@pytest.mark.parametrize('backend', BACKENDS)
def test_environment_that_cannot_be_rebuilt(tmp_path, backend):
    (tmp_path / 'corridor.py').write_text(CUSTOM_ENV)
    run = tmp_path / 'data' / 'corridor'
    assert_ok(subprocess.run([sys.executable, 'corridor.py', f'ppo_{backend}', run], cwd=tmp_path,
                             capture_output=True, text=True, timeout=300))

    result = run_cli('test_policy', run, '--norender', '--episodes', '2')
    assert result.returncode == 2 and 'Traceback' not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith(f"Error: the environment of '{run}' cannot be rebuilt from vars.pkl")
    assert 'its class Corridor was defined in the training script itself' in line
    assert '--env ENV_ID' in line

    snippet = re.search(r'`([^`]*)`', line).group(1)
    assert snippet == f"_, get_action = load_policy_and_env('{run}'); run_policy(Corridor(), get_action)"
    (tmp_path / 'play.py').write_text(PLAY)
    played = subprocess.run([sys.executable, 'play.py', snippet], cwd=tmp_path, capture_output=True,
                            text=True, timeout=300)
    assert_ok(played)
    lengths = episode_lengths(played.stdout)
    assert len(lengths) == 100 and all(1 <= n <= 20 for n in lengths)
    assert 'load_policy_and_env returns None for the environment' in played.stderr


def test_the_readme_test_command_exports_osmesa():
    """The suite runs with MUJOCO_GL=osmesa exported, as a headless user would have it."""
    readme = open(f'{REPO}/README.md').read()
    ci = open(f'{REPO}/.ci/run').read()
    command = re.search(r'bash travis_setup\.sh && [^\n]*', readme).group(0)
    assert 'MUJOCO_GL=osmesa' in command and command in ci


def test_load_env_says_what_is_missing(tmp_path, monkeypatch):
    import joblib
    from spinup.utils.errors import SpinupError
    from spinup.utils.test_policy import EnvNotRebuilt, load_env, run_policy
    with pytest.raises(EnvNotRebuilt, match='the run saved no vars.pkl'):
        load_env(str(tmp_path))
    joblib.dump({'other': 1}, tmp_path / 'vars.pkl')
    with pytest.raises(EnvNotRebuilt, match='vars.pkl holds none'):
        load_env(str(tmp_path))

    # an environment whose module is gone by the time the run is watched
    (tmp_path / 'gone_envs.py').write_text('class Far:\n    pass\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    import gone_envs
    joblib.dump({'env': gone_envs.Far()}, tmp_path / 'vars.pkl')
    monkeypatch.delitem(sys.modules, 'gone_envs')
    (tmp_path / 'gone_envs.py').unlink()
    with pytest.raises(EnvNotRebuilt, match='its class comes from module gone_envs, which cannot be imported'):
        load_env(str(tmp_path))

    with pytest.raises(SpinupError, match='run_policy needs an environment'):
        run_policy(None, lambda o: 0)


def test_tf1_policy_process_reports_bad_observations_and_a_dead_child(cheetah_run):
    import signal
    import numpy as np
    from spinup.utils.errors import SpinupError
    from spinup.utils.test_policy import TFPolicyProcess
    if not (cheetah_run / 'tf1_save').exists():
        pytest.skip('a TF1 save')
    policy = TFPolicyProcess(str(cheetah_run / 'tf1_save'))
    assert policy.has_mean is False  # PPO has no separate mean action
    with pytest.raises(SpinupError, match='cannot act on this observation'):
        policy(np.zeros(3, dtype=np.float32))  # HalfCheetah's observations have 17 numbers
    assert policy(np.zeros(17, dtype=np.float32)).shape == (6,)  # still serving
    policy._proc.send_signal(signal.SIGKILL)
    with pytest.raises(SpinupError, match='the process running the TF1 policy was killed by SIGKILL'):
        policy(np.zeros(17, dtype=np.float32))
