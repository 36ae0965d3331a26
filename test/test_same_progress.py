"""Reorganizing the algorithm files changed no number they write: each of the twelve writes the
progress.txt it wrote before (test/fixtures/before_readable, written by the code before PPO's
loop, the flat off-policy loops and the layers were rewritten), as do PPO's vector and Atari
runs. The fixtures come from another machine: see assert_progress_close."""
import os

import numpy as np
import pandas as pd
import pytest

from conftest import assert_progress_close

BEFORE = os.path.join(os.path.dirname(__file__), 'fixtures', 'before_readable')
ON = dict(steps_per_epoch=600, epochs=3, max_ep_len=150, ac_kwargs=dict(hidden_sizes=(16,)), train_v_iters=5)
# 200 updates in the first epoch, whose losses and values (averages over the updates) stay
# within float32 rounding (below 1e-6 of each column's scale), and test episodes short enough
# that the policy after the last of them differs by a rounding difference, amplified: the test
# returns of the first epoch within TEST_EPOCH_0 of their scale (TD3 TF1 on an AMD Zen 3 moved
# 7e-5 of it, the most seen); what follows within a quarter of each column's scale (DDPG's and
# TD3's deterministic policies turn rounding into changes of up to 4 % there; see
# assert_progress_close)
OFF = dict(steps_per_epoch=400, epochs=2, start_steps=400, update_after=200, update_every=50, max_ep_len=50,
           num_test_episodes=2, ac_kwargs=dict(hidden_sizes=(32, 32)))
TEST_EPOCH_0 = 1e-3
PPO2 = dict(num_minibatches=4, update_epochs=2, ac_kwargs=dict(hidden_sizes=(16,)))
RUNS = {}
for backend in ('pytorch', 'tf1'):
    RUNS[f'vpg_{backend}'] = (f'vpg_{backend}', 'CartPole-v1', ON)
    RUNS[f'trpo_{backend}'] = (f'trpo_{backend}', 'Pendulum-v1', ON)
    RUNS[f'ppo_{backend}'] = (f'ppo_{backend}', 'CartPole-v1', dict(ON, train_pi_iters=5))
    for algo in ('ddpg', 'td3', 'sac'):
        RUNS[f'{algo}_{backend}'] = (f'{algo}_{backend}', 'Pendulum-v1', OFF)
    RUNS[f'ppo_{backend}_vector'] = (f'ppo_{backend}', 'CartPole-v1', dict(PPO2, num_envs=4, steps_per_epoch=512,
                                                                          epochs=3))
    RUNS[f'ppo_{backend}_atari'] = (f'ppo_{backend}', 'BreakoutNoFrameskip-v4', dict(num_envs=2, steps_per_epoch=128,
                                                                                     epochs=2, num_minibatches=2,
                                                                                     update_epochs=1))


@pytest.mark.slow
@pytest.mark.parametrize('backend', ['pytorch', 'tf1'])
def test_every_algorithm_writes_the_progress_it_wrote_before(backend, tmp_path):
    import spinup
    from spinup.utils.envs import EnvFn
    for name, (algo, env_id, kwargs) in RUNS.items():
        if not algo.endswith(backend):
            continue
        out = tmp_path / name
        getattr(spinup, algo)(EnvFn(env_id), seed=0, logger_kwargs=dict(output_dir=str(out), exp_name=name),
                              **kwargs)
        before = pd.read_table(os.path.join(BEFORE, f'{name}.txt'))
        now = pd.read_table(out / 'progress.txt')
        assert len(before) == kwargs['epochs'], name
        off_policy = algo.split('_')[0] in ('ddpg', 'td3', 'sac')
        if not off_policy:
            assert_progress_close(now, before, name, later=1e-2)
            continue
        test_episodes = [c for c in before.columns if 'TestEp' in c]
        assert_progress_close(now, before, name, later=0.25,
                              first_epoch=[c for c in before.columns if c not in test_episodes])
        scale = before[test_episodes].iloc[0].abs().max()
        np.testing.assert_allclose(now[test_episodes].iloc[0], before[test_episodes].iloc[0],
                                   rtol=0, atol=TEST_EPOCH_0 * scale, err_msg=f'{name}: test episodes, epoch 0')
