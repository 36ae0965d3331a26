"""The rest of exercise 1.2's agent: the value function, and the actor-critic that PPO runs
with the policy written in exercise1_2.py. Nothing to write here."""
import tensorflow.compat.v1 as tf

from spinup.algos.tf1.ppo.core import mlp

tf.disable_v2_behavior()


def exercise_actor_critic(x, a, policy, hidden_sizes=(64, 64), activation=tf.tanh,
                          output_activation=None, action_space=None):
    """PPO's agent with the exercise's ``policy`` (scope ``pi``) and the library's value
    function (scope ``v``): returns ``pi, logp, logp_pi, ent, v``."""
    with tf.variable_scope('pi'):
        pi, logp, logp_pi, ent = policy(x, a, hidden_sizes, activation, output_activation, action_space)
    with tf.variable_scope('v'):
        v = tf.squeeze(mlp(x, list(hidden_sizes) + [1], activation, None), axis=1)
    return pi, logp, logp_pi, ent, v
