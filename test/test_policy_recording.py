"""test_policy recording a video (issue 37): three episodes by default, a note first of what
it will do and for about how long, and Ctrl-C, which closes the video and keeps the frames
recorded so far.

Pendulum's frames are drawn with pygame: no OpenGL, and a few milliseconds a frame.
"""
import os
import re
import signal
import subprocess
import sys
import time

import gymnasium as gym
import imageio.v3 as iio
import numpy as np
import pytest

from conftest import assert_ok, run_cli


@pytest.fixture(scope='module')
def pendulum_run(tmp_path_factory):
    """A tiny PPO run on Pendulum-v1, through the command line."""
    data = tmp_path_factory.mktemp('data')
    assert_ok(run_cli('ppo_pytorch', '--env', 'Pendulum-v1', '--exp_name', 'pd', '--epochs', '1',
                      '--steps_per_epoch', '200', '--hid', '[8]', '--data_dir', data))
    return data / 'pd' / 'pd_s0'


def episode_lines(stdout):
    return [line for line in stdout.splitlines() if line.startswith('Episode ')]


def test_without_a_screen_it_records_three_episodes_and_says_so_first(pendulum_run):
    result = run_cli('test_policy', pendulum_run, '--len', '5')  # no --episodes, no screen
    assert_ok(result)
    video = pendulum_run / 'test_policy.mp4'
    lines = result.stdout.splitlines()
    notes = [i for i, line in enumerate(lines) if line.startswith('Recording ')]
    assert len(notes) == 1, result.stdout
    assert re.fullmatch(rf'Recording 3 episodes of up to 5 steps to {re.escape(str(video))}: at most about '
                        r'\d+ s at the [\d.]+ frames/s this machine renders '
                        r'\(Ctrl-C stops early and keeps the video\)\.', lines[notes[0]]), lines[notes[0]]
    assert notes[0] < lines.index(episode_lines(result.stdout)[0])  # before it starts
    assert [line.split()[-1] for line in episode_lines(result.stdout)] == ['5', '5', '5']
    assert iio.imread(video).shape == (3 * 6, 500, 500, 3)  # each episode's first frame and one a step


def test_without_rendering_it_still_runs_100_episodes(pendulum_run):
    result = run_cli('test_policy', pendulum_run, '--norender', '--len', '2')
    assert_ok(result)
    assert len(episode_lines(result.stdout)) == 100
    assert 'Recording' not in result.stdout


def test_the_help_says_what_the_default_number_of_episodes_is():
    result = run_cli('test_policy', '--help')
    assert_ok(result)
    help_text = ' '.join(result.stdout.split())
    assert 'default: 3 when recording a video' in help_text
    assert '100 when watching in a window, which Ctrl-C stops, or with --norender' in help_text


def test_ctrl_c_while_recording_keeps_a_playable_video_of_the_frames_so_far(pendulum_run, tmp_path):
    """SIGINT to the whole process group, as a terminal sends it, once three episodes are in."""
    video = tmp_path / 'pd.mp4'
    env = {k: v for k, v in os.environ.items() if k not in ('DISPLAY', 'WAYLAND_DISPLAY')}
    proc = subprocess.Popen([sys.executable, '-m', 'spinup.run', 'test_policy', str(pendulum_run),
                             '--episodes', '1000', '--len', '20', '--video', str(video)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True)
    try:
        for line in proc.stdout:
            if line.startswith('Episode 2'):
                break
        assert proc.poll() is None, proc.communicate()
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, err
    assert 'Traceback' not in err and 'Invalid buffer size' not in err and 'Interrupted.' not in err, err
    said = re.search(r'^Interrupted: the video of the (\d+) frames recorded so far \((\d+) whole episodes\) '
                     r'is saved to (.*)$', err, re.MULTILINE)
    assert said, err
    assert said.group(3) == str(video)
    frames = iio.imread(video)
    assert frames.shape[1:] == (500, 500, 3) and frames.std() > 1
    assert frames.shape[0] == int(said.group(1)) >= 3 * 21
    assert int(said.group(2)) >= 3
    assert os.listdir(tmp_path) == ['pd.mp4']  # no hidden temporary file left


def test_keyboard_interrupt_inside_the_episode_loop_keeps_every_frame_so_far(tmp_path, capsys):
    from spinup.utils.test_policy import run_policy
    env = gym.make('Pendulum-v1', render_mode='rgb_array')
    env.action_space.seed(0)
    calls = []

    def get_action(o):
        calls.append(o)
        if len(calls) == 13:  # the third episode's third step: 2 whole episodes and 2 steps in
            raise KeyboardInterrupt
        return env.action_space.sample()

    video = tmp_path / 'pd.mp4'
    try:
        with pytest.raises(KeyboardInterrupt) as stopped:  # it goes on as an interrupt
            run_policy(env, get_action, max_ep_len=5, num_episodes=4, video_path=str(video))
    finally:
        env.close()
    frames = iio.imread(video)
    assert frames.shape == (6 + 6 + 3, 500, 500, 3)
    assert stopped.value.frames == 15 and stopped.value.video_path == str(video)
    err = capsys.readouterr().err
    assert f'Interrupted: the video of the 15 frames recorded so far (2 whole episodes) is saved to {video}' in err


def test_ctrl_c_during_a_frames_write_acts_once_the_frame_is_written():
    """A frame cut short leaves ffmpeg 'Invalid buffer size, packet size 131072 < expected
    frame_size 750000' and no video: Ctrl-C waits for the frame."""
    from spinup.utils.test_policy import Video

    class SlowWriter:
        def __init__(self):
            self.written = []

        def append_data(self, frame):
            signal.raise_signal(signal.SIGINT)  # Ctrl-C halfway through the write
            time.sleep(0.01)
            self.written.append(frame)

    handler = signal.getsignal(signal.SIGINT)
    writer = SlowWriter()
    video = Video(writer)
    with pytest.raises(KeyboardInterrupt):
        video.add(np.zeros((2, 2, 3), np.uint8))
    assert len(writer.written) == 1 and video.frames == 1
    assert signal.getsignal(signal.SIGINT) is handler
