"""Checkpoints, for all twelve algorithm x backend pairs: 4 epochs in one go against 2 epochs
and then 2 more resumed from the checkpoint. Right after loading, every weight, optimizer slot
and stored transition equals what was saved; the resumed progress.txt goes on where it
stopped, and for VPG, TRPO and PPO (Pendulum's episodes are 200 steps, an epoch's worth) it
is the one-go run's, row for row."""
import importlib

import numpy as np
import pandas as pd
import pytest

from spinup.utils.checkpoint import Checkpoint
from spinup.utils.envs import EnvFn

ON_POLICY, OFF_POLICY = ['vpg', 'trpo', 'ppo'], ['ddpg', 'td3', 'sac']
PAIRS = [(algo, backend) for algo in ON_POLICY + OFF_POLICY for backend in ('pytorch', 'tf1')]


def budget(algo):
    if algo in ON_POLICY:
        kwargs = dict(steps_per_epoch=200, train_v_iters=3)
        if algo == 'ppo':
            kwargs['train_pi_iters'] = 3
    else:
        kwargs = dict(steps_per_epoch=150, start_steps=100, update_after=100, update_every=50, batch_size=16,
                      num_test_episodes=1, max_ep_len=100)
    return dict(kwargs, ac_kwargs=dict(hidden_sizes=(8,)), seed=1, save_freq=1)


def flatten(value, prefix, out):
    """Every tensor or number in nested dicts and lists, as NumPy arrays keyed by their path."""
    if isinstance(value, dict):
        for key, item in value.items():
            flatten(item, f'{prefix}.{key}', out)
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            flatten(item, f'{prefix}.{i}', out)
    elif hasattr(value, 'detach'):
        out[prefix] = value.detach().numpy().copy()
    else:
        out[prefix] = np.array(value, dtype=object if isinstance(value, str) else None)
    return out


def snapshot(checkpoint):
    """All a checkpoint keeps of the agent: PyTorch state dicts, or every TF1 variable; and the
    replay buffer's arrays and counters."""
    out = {}
    if checkpoint.session is not None:
        import tensorflow.compat.v1 as tf
        with checkpoint.session.graph.as_default():
            variables = tf.global_variables()
        assert any('Adam' in v.name for v in variables)  # the optimizers' slots are there
        for variable, value in zip(variables, checkpoint.session.run(variables)):
            out[variable.name] = np.array(value)
    else:
        for name, part in checkpoint.parts.items():
            flatten(part.state_dict(), name, out)
    if checkpoint.buffer is not None:
        flatten({k: v for k, v in vars(checkpoint.buffer).items()}, 'buffer', out)
    return out


def assert_same(loaded, saved):
    assert sorted(loaded) == sorted(saved)
    for key in saved:
        np.testing.assert_array_equal(loaded[key], saved[key], err_msg=key)


@pytest.mark.parametrize('algo, backend', PAIRS, ids=[f'{a}_{b}' for a, b in PAIRS])
def test_two_epochs_and_two_resumed_are_four_epochs(tmp_path, monkeypatch, algo, backend):
    fn = getattr(importlib.import_module(f'spinup.algos.{backend}.{algo}.{algo}'), algo)
    saved, loaded = [], []
    save, restore = Checkpoint.save, Checkpoint.restore

    def save_and_keep(self, **counters):
        saved.append(snapshot(self))
        return save(self, **counters)

    def restore_and_keep(self, resume_from, **counters):
        start = restore(self, resume_from, **counters)
        if start.resumed:
            loaded.append(snapshot(self))
        return start

    monkeypatch.setattr(Checkpoint, 'save', save_and_keep)
    monkeypatch.setattr(Checkpoint, 'restore', restore_and_keep)
    kwargs, env_fn = budget(algo), EnvFn('Pendulum-v1')
    one, two = tmp_path / 'one', tmp_path / 'two'
    fn(env_fn, epochs=4, logger_kwargs=dict(output_dir=str(one)), **kwargs)
    fn(env_fn, epochs=2, logger_kwargs=dict(output_dir=str(two)), **kwargs)
    at_stop = saved[-1]
    fn(env_fn, epochs=4, logger_kwargs=dict(output_dir=str(two)), resume_from=str(two), **kwargs)

    assert len(loaded) == 1
    assert_same(loaded[0], at_stop)
    if algo in OFF_POLICY:
        assert loaded[0]['buffer.size'] == 2 * kwargs['steps_per_epoch']  # every transition, none lost

    whole, resumed = pd.read_table(one / 'progress.txt'), pd.read_table(two / 'progress.txt')
    assert resumed['Epoch'].tolist() == [0, 1, 2, 3]
    steps = [kwargs['steps_per_epoch'] * (k + 1) for k in range(4)]
    assert resumed['TotalEnvInteracts'].tolist() == whole['TotalEnvInteracts'].tolist() == steps
    assert resumed['Time'].is_monotonic_increasing  # the clock goes on too
    if algo in ON_POLICY:
        pd.testing.assert_frame_equal(resumed.drop(columns='Time'), whole.drop(columns='Time'))
