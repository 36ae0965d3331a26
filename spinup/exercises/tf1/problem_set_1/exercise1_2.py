"""Exercise 1.2: an MLP Gaussian policy for PPO (TensorFlow 1 graph mode).

Write the graph of the policy of PPO's agent for continuous actions: a network mu(x) gives
the mean of a diagonal Gaussian, and a learned vector log_std (one variable per action
dimension, not a function of the state, starting at -0.5) its log standard deviations. The
rest of the agent (the value function) is in ``exercise1_2_auxiliary.py``; PPO itself is
the library's.

Run this file to check it: first quick checks of shapes, log-likelihoods and gradients (a
few seconds), then PPO with your policy on InvertedPendulum-v5 for 20 epochs of 4000 steps
(a minute or two): it passes when the average return of the last 5 epochs is above 50
(a random policy's is about 10).
Flags: --epochs, --steps_per_epoch, --seed, --data_dir.
"""
import numpy as np  # noqa: F401 (for np.log, np.pi, np.e)
import tensorflow.compat.v1 as tf

from spinup.algos.tf1.ppo.core import dense  # noqa: F401 (dense(x, units, activation=None, name="dense"))

tf.disable_v2_behavior()


def mlp(x: tf.Tensor, hidden_sizes=(32,), activation=tf.tanh, output_activation=None) -> tf.Tensor:
    """A multi-layer perceptron on ``x``: one ``dense`` layer per entry of ``hidden_sizes``
    (the last entry is the output width), ``activation`` after every layer but the last,
    ``output_activation`` after the last (None: no activation). Give each layer its own name."""
    #######################
    #                     #
    #   YOUR CODE HERE    #
    #                     #
    #######################
    raise NotImplementedError


def mlp_gaussian_policy(x, a, hidden_sizes, activation, output_activation, action_space):
    """The ops of pi(.|x) = N(mu(x), diag(exp(log_std))^2).

    Args:
        x: Placeholder of observations, [batch, obs_dim].
        a: Placeholder of actions, [batch, act_dim].
        hidden_sizes, activation, output_activation: For ``mlp``, which gives mu (its
            output width is act_dim).
        action_space: The environment's action space (a Box).

    Returns:
        ``pi``: actions sampled from pi(.|x), [batch, act_dim];
        ``logp``: log pi(a|x) of the actions fed to ``a``, [batch];
        ``logp_pi``: log pi(pi|x) of the sampled actions, [batch];
        ``ent``: the entropy of pi(.|x), one number per observation, [batch].
    """
    #######################
    #                     #
    #   YOUR CODE HERE    #
    #                     #
    #######################
    raise NotImplementedError


if __name__ == '__main__':
    from spinup.exercises.tf1.checks import check_1_2
    check_1_2(mlp_gaussian_policy)
