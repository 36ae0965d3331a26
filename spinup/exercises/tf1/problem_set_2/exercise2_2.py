"""Exercise 2.2: a silent bug in DDPG (TensorFlow 1 graph mode).

This script runs the library's DDPG twice over, with two actor-critics: the library's own,
and the one below, which has a bug. Nothing crashes and nothing warns; the bugged agent just
learns worse. Run it (3 seeds of each, Pendulum-v1, 5 epochs of 2000 steps: several minutes),
look at the plot it writes, and then, without reading the library's DDPG core.py, find the
bug and explain how it breaks DDPG's losses. Hint: look at the shapes of everything that
goes into the Bellman backup in ``compute_loss_q`` (spinup/algos/tf1/ddpg/ddpg.py).

Flags: --env (Pendulum-v1), --seeds (3), --epochs (5), --steps_per_epoch (2000), --data_dir.
"""
from functools import partial

import tensorflow.compat.v1 as tf

from spinup.algos.tf1.ddpg.core import mlp
from spinup.exercises.common import exercise_flags, grid_then_plot
from spinup.utils.envs import action_limit
from spinup.utils.errors import run_main

tf.disable_v2_behavior()


def bugged_mlp_actor_critic(x, a, hidden_sizes=(256, 256), activation=tf.nn.relu, output_activation=tf.tanh,
                            action_space=None):
    act_dim = int(a.shape[-1])
    with tf.variable_scope('pi'):
        pi = action_limit(action_space, 'DDPG') * mlp(x, list(hidden_sizes) + [act_dim], activation, output_activation)
    with tf.variable_scope('q'):
        q = mlp(tf.concat([x, a], axis=-1), list(hidden_sizes) + [1], activation, None)
    with tf.variable_scope('q', reuse=True):
        q_pi = mlp(tf.concat([x, pi], axis=-1), list(hidden_sizes) + [1], activation, None)
    return pi, q, q_pi


def ddpg_with_actor_critic(bugged: bool, **kwargs):
    """The library's DDPG, with the bugged actor-critic or its default one."""
    from spinup import ddpg_tf1
    if bugged:
        kwargs['actor_critic'] = bugged_mlp_actor_critic
    return ddpg_tf1(**kwargs)


if __name__ == '__main__':
    flags = exercise_flags(env='Pendulum-v1', seeds=3, epochs=5, steps_per_epoch=2000, data_dir=None)
    run_main(partial(grid_then_plot, 'ex2-2_tf1', ddpg_with_actor_critic, flags,
                     {'bugged': ([False, True], 'bugged')}, values=['Performance'], start_steps=2000,
                     max_ep_len=200))
