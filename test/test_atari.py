"""Atari and image observations: the preprocessing, the CNN actor-critic in both backends, the
real score in the log, saving and playing in a fresh process, and the device argument.

Budgets of a few hundred steps: nothing here learns.
"""
import json
import os.path as osp
import subprocess
import sys

import gymnasium as gym
import numpy as np
import pandas as pd
import pytest

from spinup.utils.atari import EpisodicLife, FireReset, make_atari
from spinup.utils.envs import EnvFn, env_description, make_from_description, make_vector_env, reports_episodes
from spinup.utils.errors import SpinupError

BACKENDS = ['pytorch', 'tf1']
BREAKOUT = 'BreakoutNoFrameskip-v4'


def cli(*args, cwd=None, timeout=600):
    return subprocess.run([sys.executable, '-m', 'spinup.run', *args], capture_output=True, text=True,
                          cwd=cwd, timeout=timeout)


def ppo(backend):
    if backend == 'pytorch':
        from spinup.algos.pytorch.ppo.ppo import ppo
    else:
        from spinup.algos.tf1.ppo.ppo import ppo
    return ppo


def wrapper_names(env):
    names = []
    while isinstance(env, gym.Wrapper):
        names.append(type(env).__name__)
        env = env.env
    return names


# The preprocessing: gymnasium's wrappers, set as PPO2 sets them

def test_breakout_gets_ppo2s_preprocessing():
    env = EnvFn(BREAKOUT)()
    assert wrapper_names(env)[:6] == ['FrameStackObservation', 'ClipReward', 'FireReset', 'EpisodicLife',
                                      'RecordEpisodeStatistics', 'AtariPreprocessing']
    pre = env.get_wrapper_attr('frame_skip'), env.get_wrapper_attr('noop_max'), env.get_wrapper_attr('screen_size')
    assert pre == (4, 30, (84, 84))
    assert env.observation_space.shape == (4, 84, 84) and env.observation_space.dtype == np.uint8
    base = env.unwrapped
    assert base._frameskip == 1  # the skip (with its max over two frames) is AtariPreprocessing's
    assert env.spec.kwargs['repeat_action_probability'] == 0.0  # NoFrameskip-v4: no sticky actions
    recorded = {w.name: w.kwargs for w in env.spec.additional_wrappers}
    assert recorded['ClipReward'] == dict(min_reward=-1.0, max_reward=1.0)  # the sign: rewards are whole numbers
    assert recorded['FrameStackObservation'] == dict(stack_size=4, padding_type='reset')
    assert recorded['AtariPreprocessing'] == dict(noop_max=30, frame_skip=4, screen_size=84, grayscale_obs=True,
                                                  terminal_on_life_loss=False, grayscale_newaxis=False,
                                                  scale_obs=False)  # bytes; a lost life is EpisodicLife's
    assert reports_episodes(env)
    obs, _ = env.reset(seed=0)
    assert obs.shape == (4, 84, 84) and obs.dtype == np.uint8


def test_v5_ids_keep_sticky_actions_and_games_without_fire_are_not_fired():
    env = EnvFn('ALE/Pong-v5')()
    assert env.spec.kwargs['frameskip'] == 1 and env.spec.kwargs['repeat_action_probability'] == 0.25
    env = make_atari('ALE/Freeway-v5')  # no FIRE to start with
    assert 'FireReset' not in wrapper_names(env)


def test_a_description_builds_the_same_stack_again_with_colour_frames():
    env = EnvFn(BREAKOUT)()
    again = make_from_description(json.loads(json.dumps(env_description(env))), render_mode='rgb_array')
    assert wrapper_names(again) == wrapper_names(env)
    again.reset(seed=0)
    frame = again.render()
    assert frame.shape == (210, 160, 3)  # the real screen, in colour, not the 84x84 input


def test_a_lost_life_ends_the_episode_but_not_the_game():
    env = EnvFn(BREAKOUT)()
    env.reset(seed=1)
    lives = env.unwrapped.ale.lives()
    for _ in range(2000):  # random play loses a life within a few hundred steps
        _, _, terminated, truncated, info = env.step(env.action_space.sample())
        if terminated:
            break
    assert terminated and 'episode' not in info  # the training episode ended; the game did not
    assert env.unwrapped.ale.lives() == lives - 1
    frame_number = env.unwrapped.ale.getEpisodeFrameNumber()
    env.reset()
    assert env.unwrapped.ale.lives() == lives - 1  # the same game goes on
    assert env.unwrapped.ale.getEpisodeFrameNumber() > frame_number


# A game that reports its own score: EpRet is that score, not the clipped training rewards

class LivesGame(gym.Env):
    """A toy game with images, two lives of three steps, and a reward of 5 a step."""
    observation_space = gym.spaces.Box(0, 255, (1, 36, 36), np.uint8)
    action_space = gym.spaces.Discrete(3)

    class Ale:
        def __init__(self):
            self.left = 2

        def lives(self):
            return self.left

    def __init__(self):
        self.ale, self.t = self.Ale(), 0

    def reset(self, seed=None, options=None):
        super().reset(seed=seed)
        self.ale.left, self.t = 2, 0
        return np.full((1, 36, 36), 7, np.uint8), {}

    def step(self, action):
        self.t += 1
        self.ale.left = 2 - self.t // 3
        return np.full((1, 36, 36), self.t, np.uint8), 5.0, self.ale.left == 0, False, {}


def lives_game():
    from gymnasium.wrappers import ClipReward, RecordEpisodeStatistics
    if 'spinup-test/LivesGame-v0' not in gym.registry:
        gym.register('spinup-test/LivesGame-v0', entry_point=LivesGame)
    env = RecordEpisodeStatistics(gym.make('spinup-test/LivesGame-v0', disable_env_checker=True))
    return ClipReward(EpisodicLife(env), -1.0, 1.0)


@pytest.mark.parametrize('backend', BACKENDS)
def test_the_log_shows_the_real_score_of_whole_games(backend, tmp_path):
    ppo(backend)(lives_game, steps_per_epoch=48, epochs=2, num_envs=2, num_minibatches=2, update_epochs=1,
                 logger_kwargs=dict(output_dir=str(tmp_path)))
    progress = pd.read_table(tmp_path / 'progress.txt')
    # a game: 6 steps (the no-op that starts the second life among them), 5 points each;
    # training saw rewards clipped to 1, and an episode end at the lost life
    assert (progress['AverageEpRet'] == 30).all() and (progress['StdEpRet'] == 0).all()
    assert (progress['EpLen'] == 6).all()


# The CNN actor-critic: picked for images, shapes and dtypes through buffer, network and loss

def test_pytorch_cnn_shapes_and_dtypes():
    import torch
    from spinup.algos.pytorch.ppo import core
    from spinup.algos.pytorch.ppo.ppo import PPOBuffer, compute_loss_pi, compute_loss_v
    env = EnvFn(BREAKOUT)()
    assert isinstance(core.pick_actor_critic(env.observation_space, env.action_space), core.CNNActorCritic)
    ac = core.CNNActorCritic(env.observation_space, env.action_space)
    assert ac.pi.trunk is ac.v.trunk  # one trunk, read by both heads
    buf = PPOBuffer((4, 84, 84), (), 8, num_envs=2, obs_dtype=np.uint8)
    for t in range(8):
        o = np.random.randint(0, 256, (2, 4, 84, 84), dtype=np.uint8)
        a, v, logp = ac.step(torch.as_tensor(o))
        assert a.shape == v.shape == logp.shape == (2,)
        buf.store(o, a, np.ones(2), v, logp)
    for i in range(2):
        buf.finish_path(0.0, env=i)
    data = buf.get()
    assert buf.obs_buf.dtype == np.uint8 and data['obs'].dtype == torch.uint8 and data['obs'].shape == (16, 4, 84, 84)
    assert all(v.dtype == torch.float32 for k, v in data.items() if k != 'obs')
    pi, logp, v = core.evaluate(ac, data['obs'], data['act'])
    assert logp.shape == v.shape == (16,) and logp.dtype == v.dtype == torch.float32
    loss_pi, _ = compute_loss_pi(ac, data, 0.1, 0.01, pi_logp=(pi, logp))
    loss_v = compute_loss_v(ac, data, 0.1, v=v)
    assert torch.isfinite(loss_pi) and torch.isfinite(loss_v)
    # the same numbers as the two heads give on their own
    torch.testing.assert_close(v, ac.v(data['obs']))
    torch.testing.assert_close(logp, ac.pi(data['obs'], data['act'])[1])
    # PPO2's initialisation: orthogonal, gain 0.01 on the logits
    w = ac.pi.head.weight.detach()
    torch.testing.assert_close(w @ w.T, 1e-4 * torch.eye(w.shape[0]), atol=1e-6, rtol=0)


def test_tf1_cnn_shapes_and_dtypes():
    import tensorflow.compat.v1 as tf
    from spinup.algos.tf1.ppo import core
    env = EnvFn(BREAKOUT)()
    with tf.Graph().as_default():
        x, a = core.placeholders_from_spaces(env.observation_space, env.action_space)
        assert x.dtype == tf.uint8 and tuple(x.shape.as_list()) == (None, 4, 84, 84)
        pi, logp, logp_pi, ent, v = core.pick_actor_critic(x, a, action_space=env.action_space)
        assert core.get_vars('trunk') and all(t.shape.as_list() == [None] for t in (pi, logp, logp_pi, ent, v))
        assert v.dtype == logp.dtype == tf.float32
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            o = np.random.randint(0, 256, (3, 4, 84, 84), dtype=np.uint8)
            out = sess.run([pi, logp, v], {x: o, a: [0, 1, 2]})
            w = sess.run(core.get_vars('pi')[0])
    assert [y.shape for y in out] == [(3,)] * 3
    np.testing.assert_allclose(w.T @ w, 1e-4 * np.eye(w.shape[1]), atol=1e-6)


# A run on Breakout in each backend: saved, played in a fresh process with a video, resumed.
# PyTorch's steps its games in subprocesses (async), as the atari preset does; TF1's in ale-py's
# C++ vector.

@pytest.fixture(scope='module', params=BACKENDS)
def breakout_run(request, tmp_path_factory):
    data = tmp_path_factory.mktemp(f'atari_{request.param}')
    vector_mode = 'async' if request.param == 'pytorch' else 'ale'
    out = cli(f'ppo_{request.param}', '--env', BREAKOUT, '--num_envs', '2', '--steps_per_epoch', '256',
              '--epochs', '2', '--num_minibatches', '2', '--update_epochs', '1', '--max_ep_len', '27000',
              '--vector_mode', vector_mode, '--exp_name', 'breakout', '--data_dir', str(data))
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    return request.param, data / 'breakout' / 'breakout_s0', out.stdout


def test_a_run_on_breakout_builds_the_cnn_and_saves_it(breakout_run):
    backend, run, stdout = breakout_run
    assert 'of which a shared trunk' in stdout
    progress = pd.read_table(run / 'progress.txt')
    assert progress['TotalEnvInteracts'].tolist() == [256, 512]
    config = json.loads((run / 'config.json').read_text())
    assert config['env_fn'] and BREAKOUT in json.dumps(config['env_fn'])
    assert config['vector_mode'] == ('async' if backend == 'pytorch' else 'ale')
    assert (run / ('pyt_save/model.pt' if backend == 'pytorch' else 'tf1_save')).exists()


def test_a_saved_atari_policy_plays_whole_games_in_a_fresh_process(breakout_run, tmp_path):
    _, run, _ = breakout_run
    video = tmp_path / 'breakout.mp4'
    out = cli('test_policy', str(run), '--episodes', '1', '--video', str(video))
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    length = int(out.stdout.split('EpLen')[1].split()[0])
    assert length > 50  # five lives: a random game lasts a few hundred steps, a life a few dozen
    import imageio
    frame = imageio.get_reader(str(video)).get_data(10)
    assert frame.shape == (210, 160, 3) and frame.std(axis=2).mean() > 1  # the colour screen


def test_an_atari_run_resumes(breakout_run):
    _, run, _ = breakout_run
    out = cli('resume', str(run), '--epochs', '3')
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert pd.read_table(run / 'progress.txt')['Epoch'].tolist() == [0, 1, 2]


# ale-py's C++ vector (vector_mode='ale')

def test_the_cpp_vector_shows_the_python_paths_frames_up_to_the_first_lost_life():
    """Without no-ops and FIRE, where the two paths agree: the same newest frame after every
    step, the same clipped rewards, and the lost life at the same step."""
    from spinup.utils.atari import AleVector
    python = make_atari(BREAKOUT, noop_max=0, fire_reset=False)
    cpp = AleVector(BREAKOUT, 1, noop_max=0, fire_reset=False)
    obs, _ = python.reset(seed=0)
    obs_v, _ = cpp.reset(seed=0)
    assert obs_v.shape == (1, 4, 84, 84) and obs_v.dtype == np.uint8
    np.testing.assert_array_equal(obs[-1], obs_v[0, -1])
    rng, points = np.random.default_rng(1), 0
    for t in range(2000):
        action = int(rng.integers(4))
        obs, reward, terminated, truncated, _ = python.step(action)
        obs_v, reward_v, terminated_v, truncated_v, _ = cpp.step(np.array([action]))
        np.testing.assert_array_equal(obs[-1], obs_v[0, -1], err_msg=f'step {t}')
        assert (reward, terminated, truncated) == (reward_v[0], terminated_v[0], truncated_v[0])
        points += reward
        if terminated:
            break
    assert terminated and python.unwrapped.ale.lives() == 4
    assert points > 0  # (the seed's random play hits a brick before losing its first ball)
    python.close(), cpp.close()


def test_the_cpp_vector_ends_episodes_at_lost_lives_and_reports_whole_games():
    """The library's vector rules: a step that ends an episode shows its last observation, the
    reset the next one's first (after a lost life, the same: the game goes straight on); five
    training episodes a game of Breakout, and the game's real score and length in
    info['episode'] at its end."""
    from spinup.utils.atari import AleVector
    envs = make_vector_env(EnvFn(BREAKOUT, clip_rewards=False), 2, 'ale')
    assert isinstance(envs, AleVector) and reports_episodes(envs)
    envs.reset(seed=1)
    envs.action_space.seed(1)
    score, length, episodes, games = np.zeros(2), np.zeros(2), np.zeros(2), []
    before, _ = envs.reset(seed=1)
    while len(games) < 4:
        obs, reward, terminated, truncated, info = envs.step(envs.action_space.sample())
        score, length = score + reward, length + 1
        done = terminated | truncated
        # every observation a step returns, the last of an episode too, is the one before it
        # moved on by a frame
        np.testing.assert_array_equal(obs[:, :3], before[:, 1:])
        before = obs
        if done.any():
            last = obs.copy()
            after, _ = envs.reset(options={'reset_mask': done})
            over = np.asarray(info.get('_episode', np.zeros(2, dtype=bool)))
            # the others go on, and so does a game that lost a life; a new game starts afresh
            np.testing.assert_array_equal(after[~over], last[~over])
            assert all(not np.array_equal(after[i], last[i]) for i in np.flatnonzero(over))
            episodes += done
            before = after
        for i in np.flatnonzero(info.get('_episode', ())):
            assert (info['episode']['r'][i], info['episode']['l'][i]) == (score[i], length[i])
            games.append(episodes[i])
            score[i], length[i], episodes[i] = 0, 0, 0
    assert games == [5] * 4
    envs.close()


def test_the_cpp_vector_goes_on_with_a_game_where_the_python_path_does():
    """A reset of a copy whose game is not over (one copy, at each epoch's end) goes on with
    the same game, as EpisodicLife does: the score of the game spans it."""
    envs = make_vector_env(EnvFn(BREAKOUT, clip_rewards=False), 1, 'ale')
    envs.reset(seed=2)
    envs.action_space.seed(2)
    score, resets = 0.0, 0
    for t in range(5000):
        obs, reward, terminated, truncated, info = envs.step(envs.action_space.sample())
        score += reward[0]
        if info.get('_episode', [False])[0]:
            assert info['episode']['r'][0] == score and resets >= 3
            break
        if terminated[0] or truncated[0] or t % 50 == 49:  # (an epoch of 50 steps)
            resets += not (terminated[0] or truncated[0])
            envs.reset()
    else:
        raise AssertionError('no game ended')
    envs.close()


def test_the_cpp_vector_is_for_atari_games_only(tmp_path):
    with pytest.raises(SpinupError, match="vector_mode='ale' steps Atari games .* CartPole-v1 is not one"):
        make_vector_env(EnvFn('CartPole-v1'), 2, 'ale')
    out = cli('ppo_tf1', '--env', 'CartPole-v1', '--vector_mode', 'ale', '--num_envs', '2', cwd=tmp_path)
    lines = out.stderr.strip().splitlines()
    assert out.returncode != 0 and len(lines) == 1 and 'CartPole-v1 is not one' in lines[0], out.stderr
    assert not (tmp_path / 'data').exists()  # refused before anything was written


# Clear lines for what cannot run

def test_cuda_where_there_is_none_is_one_line(tmp_path):
    out = cli('ppo_pytorch', '--env', 'CartPole-v1', '--epochs', '1', '--device', 'cuda', cwd=tmp_path)
    lines = out.stderr.strip().splitlines()
    assert out.returncode != 0 and len(lines) == 1, out.stderr
    assert "device='cuda'" in lines[0] and 'sees no CUDA GPU' in lines[0]
    assert not (tmp_path / 'data').exists()  # refused before anything was written


@pytest.mark.parametrize('backend', BACKENDS)
def test_a_gpu_that_is_not_there_is_refused_before_anything_is_written(backend, tmp_path):
    from spinup.utils.errors import SpinupError
    for device, words in [('cuda', 'sees'), ('cuda:3', 'sees'), ('tpu', "device must be 'cpu'")]:
        with pytest.raises(SpinupError, match=words):
            ppo(backend)(EnvFn('CartPole-v1'), epochs=1, device=device, logger_kwargs=dict(output_dir=str(tmp_path)))
    assert not any(tmp_path.iterdir())


def test_images_for_an_algorithm_without_a_cnn_are_one_line():
    out = cli('vpg_pytorch', '--env', BREAKOUT, '--epochs', '1')
    lines = out.stderr.strip().splitlines()
    assert out.returncode != 0 and len(lines) == 1 and 'ppo takes images' in lines[0], out.stderr


@pytest.mark.parametrize('backend', ['pytorch', 'tf1'])
def test_the_default_agent_picks_the_cnn_and_an_explicit_mlp_is_kept(backend, tmp_path):
    """PPO's default agent is the CNN for images; an MLP given explicitly is the agent PPO
    builds (here refused in one line: its input must be flat), never swapped for the CNN."""
    import importlib

    from spinup.utils.errors import SpinupError
    ppo = importlib.import_module(f'spinup.algos.{backend}.ppo.ppo')
    mlp = ppo.core.MLPActorCritic if backend == 'pytorch' else ppo.core.mlp_actor_critic
    with pytest.raises(SpinupError, match='the MLP actor-critic needs flat vector observations'):
        ppo.ppo(EnvFn(BREAKOUT), actor_critic=mlp, steps_per_epoch=16, epochs=1,
                logger_kwargs=dict(output_dir=str(tmp_path / 'mlp')))
    ppo.ppo(EnvFn(BREAKOUT), steps_per_epoch=16, epochs=1, num_minibatches=2, update_epochs=1,
            logger_kwargs=dict(output_dir=str(tmp_path / 'default')))
    assert pd.read_table(tmp_path / 'default' / 'progress.txt')['TotalEnvInteracts'].tolist() == [16]
