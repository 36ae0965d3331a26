"""The partially observed environments of spinup.utils.memory_envs: the masked CartPole and
Pendulum see what the full ones see, less the velocities; CueRecall's layout and rewards; a
policy without memory scores 1/k there; rendering, descriptions, and a fresh process.
"""
import json
import pickle
import subprocess
import sys

import gymnasium as gym
import numpy as np
import pytest

from spinup.utils.envs import EnvFn, env_description, make_from_description, resolve_env_id
from spinup.utils.memory_envs import MEMORY_ENV_IDS, CueRecall, register

# id: (the full environment, the masked observation entries)
MASKED = {'CartPoleNoVel-v1': ('CartPole-v1', [1, 3]), 'PendulumNoVel-v1': ('Pendulum-v1', [2])}


def test_the_ids_resolve_and_build_and_register_is_idempotent():
    assert set(MEMORY_ENV_IDS) == {'CartPoleNoVel-v1', 'PendulumNoVel-v1', 'CueRecall-v0'}
    for env_id in MEMORY_ENV_IDS:
        assert resolve_env_id(env_id) == env_id
        env = EnvFn(env_id)()
        assert env.spec.id == env_id
    specs = {env_id: gym.spec(env_id) for env_id in MEMORY_ENV_IDS}
    register()  # a second time: the same specs, not new ones
    assert all(gym.spec(env_id) is specs[env_id] for env_id in MEMORY_ENV_IDS)


@pytest.mark.parametrize('env_id', sorted(MASKED))
def test_masked_env_is_the_full_one_without_velocities(env_id):
    full_id, masked = MASKED[env_id]
    resolve_env_id(env_id)
    env, full = gym.make(env_id), gym.make(full_id)
    assert env.observation_space == full.observation_space and env.action_space == full.action_space
    assert env.spec.max_episode_steps == full.spec.max_episode_steps
    assert env.spec.reward_threshold == full.spec.reward_threshold
    kept = [i for i in range(full.observation_space.shape[0]) if i not in masked]
    o, _ = env.reset(seed=3)
    f, _ = full.reset(seed=3)
    assert np.abs(f[masked]).max() > 0  # the full env has velocities to hide
    env.action_space.seed(5)
    steps, seen_speed = 0, False
    while True:
        assert np.all(o[masked] == 0) and np.array_equal(o[kept], f[kept])
        seen_speed |= bool(np.abs(f[masked]).max() > 0)
        action = env.action_space.sample()
        o, r, term, trunc, _ = env.step(action)
        f, fr, fterm, ftrunc, _ = full.step(action)
        steps += 1
        assert (r, term, trunc) == (fr, fterm, ftrunc)
        if term or trunc:
            break
    assert seen_speed
    if env_id == 'PendulumNoVel-v1':
        assert trunc and steps == 200  # Pendulum never ends itself: the time limit does


def play(env, actions, seed=None):
    """Reset ``env`` (with ``seed``) and take ``actions``; the observations (reset's first) and
    the step results."""
    obs, _ = env.reset(seed=seed)
    observations, results = [obs], []
    for a in actions:
        obs, r, term, trunc, _ = env.step(a)
        observations.append(obs)
        results.append((r, term, trunc))
    return np.array(observations), results


@pytest.mark.parametrize('num_cues,delay', [(4, 3), (3, 0), (2, 6)])
def test_cue_recall_layout_and_rewards(num_cues, delay):
    env = CueRecall(num_cues=num_cues, delay=delay)
    assert env.observation_space == gym.spaces.Box(0, 1, (num_cues + 1,), np.float32)
    assert env.action_space == gym.spaces.Discrete(num_cues)
    env.reset(seed=0)
    for answer in range(num_cues):
        obs, results = play(env, [0] * (delay + 1) + [answer])
        cue = env.cue
        assert len(results) == delay + 2
        assert all(env.observation_space.contains(o) for o in obs)
        expected = np.zeros((delay + 3, num_cues + 1), np.float32)
        expected[0, cue] = 1  # the cue, at the first step only
        expected[delay + 1, -1] = 1  # the query flag, at the query step only
        assert np.array_equal(obs, expected)
        assert [t for _, t, _ in results] == [False] * (delay + 1) + [True]
        assert not any(trunc for _, _, trunc in results)
        assert [r for r, _, _ in results] == [0.0] * (delay + 1) + [float(answer == cue)]
    with pytest.raises(gym.error.ResetNeeded):
        env.step(0)


def test_cue_recall_ignores_actions_before_the_query():
    env = CueRecall(num_cues=4, delay=3)
    env.reset(seed=1)
    cue = env.cue
    for before in ([cue] * 4, [(cue + 1) % 4] * 4, [0, 1, 2, 3]):
        _, results = play(env, before + [cue], seed=1)
        assert env.cue == cue and [r for r, _, _ in results] == [0.0] * 4 + [1.0]


def test_a_policy_without_memory_scores_one_in_k():
    k, delay, episodes = 4, 2, 2000
    env = CueRecall(num_cues=k, delay=delay)
    # what a policy without memory sees at the query is the same whatever the cue
    query_obs = {}
    for seed in range(200):
        env.reset(seed=seed)
        for _ in range(delay + 1):
            obs = env.step(0)[0]
        query_obs.setdefault(env.cue, set()).add(obs.tobytes())
    assert sorted(query_obs) == list(range(k))
    assert len(set.union(*query_obs.values())) == 1
    # so it answers as if blind: for each fixed answer, the success rate is about 1/k
    for answer in range(k):
        wins = 0.0
        for seed in range(episodes):
            env.reset(seed=seed)
            for _ in range(delay + 1):
                env.step(answer)
            wins += env.step(answer)[1]
        assert abs(wins / episodes - 1 / k) < 0.04, (answer, wins)  # (the standard error is 0.01)


def test_the_cue_follows_the_seed():
    env = CueRecall()
    first = [env.reset(seed=s)[0] for s in range(20)]
    again = [env.reset(seed=s)[0] for s in range(20)]
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert len({o.tobytes() for o in first}) > 1


@pytest.mark.parametrize('env_id', MEMORY_ENV_IDS)
def test_rgb_array_frames(env_id):
    resolve_env_id(env_id)
    env = gym.make(env_id, render_mode='rgb_array')
    env.reset(seed=0)
    frame = env.render()
    assert frame.dtype == np.uint8 and frame.ndim == 3 and frame.shape[2] == 3
    env.step(env.action_space.sample())
    assert env.render().shape == frame.shape


def test_cue_recall_frames_show_cue_query_and_answer():
    env = CueRecall(num_cues=3, delay=1, render_mode='rgb_array')
    env.reset(seed=0)
    cue, c = env.cue, CueRecall.CELL

    def centre(frame, i):  # the colour of square i
        return tuple(frame[c // 2, i * c + c // 2])
    frames = [env.render()]
    for a in [0, 0, cue]:
        env.step(a)
        frames.append(env.render())
    assert frames[0].shape == (c, 4 * c, 3)
    assert [centre(frames[0], i) == CueRecall.COLOURS['cue'] for i in range(4)] == [i == cue for i in range(4)]
    assert all(centre(frames[1], i) == CueRecall.COLOURS['off'] for i in range(4))  # blank
    assert centre(frames[2], 3) == CueRecall.COLOURS['query']
    assert centre(frames[3], cue) == CueRecall.COLOURS['right']
    assert CueRecall(render_mode=None).render() is None


@pytest.mark.parametrize('env_id', MEMORY_ENV_IDS)
def test_description_round_trip_with_render_mode(env_id):
    kwargs = dict(num_cues=3, delay=2) if env_id == 'CueRecall-v0' else {}
    env = EnvFn(env_id, **kwargs)()
    desc = json.loads(json.dumps(env_description(env)))  # as a saved run keeps it
    assert desc['env_id'] == env_id and desc['env_kwargs'] == kwargs
    again = make_from_description(desc, render_mode='rgb_array')
    assert again.observation_space == env.observation_space and again.action_space == env.action_space
    assert again.render_mode == 'rgb_array'
    a, _ = env.reset(seed=7)
    b, _ = again.reset(seed=7)
    assert np.array_equal(a, b)
    for _ in range(3):
        action = env.action_space.sample()
        assert np.array_equal(env.step(action)[0], again.step(action)[0])
    assert again.render().dtype == np.uint8


def fresh_python(code):
    """Run ``code`` in a fresh Python process; return what it printed."""
    out = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_resolving_an_id_imports_neither_torch_nor_tensorflow():
    printed = fresh_python(
        'import sys; import spinup; from spinup.utils.envs import resolve_env_id\n'
        "assert resolve_env_id('CueRecall-v0') == 'CueRecall-v0'\n"
        "print(sorted(m for m in ('torch', 'tensorflow') if m in sys.modules))\n")
    assert printed == '[]'


def test_a_pickled_env_fn_builds_in_a_fresh_process():
    # as an experiment's process gets it: nothing has registered the ids there
    env_fn = pickle.dumps(EnvFn('CueRecall-v0', delay=1))
    printed = fresh_python(f'import pickle; env = pickle.loads({env_fn!r})(); '
                           'print(env.reset(seed=0)[0].shape, env.unwrapped.delay)')
    assert printed == '(5,) 1'
