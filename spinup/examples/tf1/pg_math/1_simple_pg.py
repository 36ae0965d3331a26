"""The simplest policy gradient, in TensorFlow 1 graph mode.

Read it beside the derivation of the policy gradient, whose result is

    grad J(pi_theta) = E_{tau ~ pi_theta} [ sum_{t=0}^{T} grad log pi_theta(a_t|s_t) R(tau) ]

and whose sample estimate, over a batch D of episodes run with pi_theta, is

    g = 1/|D| sum_{tau in D} sum_{t=0}^{T} grad log pi_theta(a_t|s_t) R(tau).

Each epoch collects a batch of whole episodes with the current policy, builds a loss whose
gradient is that estimate, and takes one step of Adam on it. Each log-probability is
weighted by the return R(tau) of the whole episode it belongs to.

Only NumPy, gymnasium and TensorFlow are used, so the file reads on its own. 2_rtg_pg.py is the
same file with rewards-to-go in place of R(tau): ``diff`` the two to see the change.

    python spinup/examples/tf1/pg_math/1_simple_pg.py --env CartPole-v1
"""
import argparse
import os
import sys

import gymnasium as gym
import numpy as np
from gymnasium.spaces import Box, Discrete

os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '2')  # TensorFlow's errors only, not its start-up notices
import tensorflow.compat.v1 as tf  # noqa: E402

tf.logging.set_verbosity(tf.logging.ERROR)  # nor its deprecation warnings for the v1 API used on purpose
tf.disable_v2_behavior()  # graph mode: build the graph first, then run parts of it in a Session


def dense(x, units, activation=None, name='dense'):
    """One layer, activation(x W + b): W (in, units) glorot-uniform, b (units,) zero."""
    with tf.variable_scope(name):
        w = tf.get_variable('kernel', [int(x.shape[-1]), units], initializer=tf.glorot_uniform_initializer())
        b = tf.get_variable('bias', [units], initializer=tf.zeros_initializer())
    out = tf.matmul(x, w) + b
    return out if activation is None else activation(out)


def mlp(x, sizes, activation=tf.tanh, output_activation=None):
    """A multi-layer perceptron on x, with layer widths ``sizes`` (sizes[-1] outputs)."""
    for j, units in enumerate(sizes):
        act = activation if j < len(sizes) - 1 else output_activation
        x = dense(x, units, act, name=f'layer_{j}')
    return x


def make_env(env_name):
    """The environment; if this script cannot use it, one line on stderr and exit status 2."""
    try:
        env = gym.make(env_name)
    except gym.error.Error as err:  # an unknown id, or a missing dependency
        problem = str(err)
    else:
        if isinstance(env.observation_space, Box) and len(env.observation_space.shape) == 1 \
                and isinstance(env.action_space, Discrete):
            return env
        problem = (f'this example needs vector observations and discrete actions, but {env_name} '
                   f'has observations {env.observation_space} and actions {env.action_space}.')
    print(f'error: {problem}', file=sys.stderr)
    sys.exit(2)


def train(env_name='CartPole-v1', hidden_sizes=(32,), lr=1e-2, epochs=50, batch_size=5000, seed=0):
    tf.set_random_seed(seed)  # the graph's seed: the initial weights and the sampled actions
    np.random.seed(seed)  # nothing here draws from NumPy, but a change you make might
    env = make_env(env_name)
    obs_dim = env.observation_space.shape[0]
    n_acts = env.action_space.n

    # The policy network: an observation in, one logit (unnormalised log-probability) per action out.
    obs_ph = tf.placeholder(tf.float32, shape=(None, obs_dim))
    logits = mlp(obs_ph, sizes=[*hidden_sizes, n_acts])

    # pi_theta(.|s) samples one action a row: a ~ pi_theta(.|s), shape (N,).
    actions = tf.squeeze(tf.random.categorical(logits=logits, num_samples=1), axis=1)

    # A loss whose gradient is minus the policy-gradient estimate g, for the N steps of a batch.
    # It is not a measure of performance: its value only means something for the batch it is
    # computed on, whose data came from the current policy. Averaging over the N steps instead
    # of dividing by |D| episodes only scales the gradient, which Adam largely ignores.
    act_ph = tf.placeholder(tf.int32, shape=(None,))
    weights_ph = tf.placeholder(tf.float32, shape=(None,))
    # log pi_theta(a_t|s_t), shape (N,): the log-softmax of the logits, at the action taken
    logp = tf.reduce_sum(tf.one_hot(act_ph, n_acts) * tf.nn.log_softmax(logits), axis=1)
    loss = -tf.reduce_mean(logp * weights_ph)

    train_op = tf.train.AdamOptimizer(learning_rate=lr).minimize(loss)

    sess = tf.Session()
    sess.run(tf.global_variables_initializer())

    obs, _ = env.reset(seed=seed)  # seeds the environment once; later resets carry on from it
    for epoch in range(epochs):
        # Collect a batch with the current policy: whole episodes, until batch_size steps or more.
        batch_obs, batch_acts, batch_weights = [], [], []  # one entry a step
        batch_rets, batch_lens = [], []  # one entry an episode, to report progress
        ep_rews = []  # the rewards of the episode under way
        while True:
            batch_obs.append(obs)
            # acting runs only the sampling part of the graph, on a batch of one observation
            act = sess.run(actions, feed_dict={obs_ph: obs.reshape(1, -1)})[0]
            obs, rew, terminated, truncated, _ = env.step(act)
            batch_acts.append(act)
            ep_rews.append(rew)

            if terminated or truncated:  # CartPole-v1 truncates at 500 steps: treated as an end here
                ep_ret, ep_len = sum(ep_rews), len(ep_rews)
                batch_rets.append(ep_ret)
                batch_lens.append(ep_len)
                # the weight of each log pi(a_t|s_t) of the episode: its whole return R(tau)
                batch_weights += [ep_ret] * ep_len
                obs, _ = env.reset()
                ep_rews = []
                if len(batch_obs) >= batch_size:
                    break

        # One policy-gradient step: gradient descent on the loss is ascent on J.
        batch_loss, _ = sess.run([loss, train_op], feed_dict={obs_ph: np.array(batch_obs),
                                                              act_ph: np.array(batch_acts),
                                                              weights_ph: np.array(batch_weights)})
        print(f'epoch: {epoch:3d} \t loss: {batch_loss:.3f} \t '
              f'return: {np.mean(batch_rets):.3f} \t ep_len: {np.mean(batch_lens):.3f}', flush=True)


if __name__ == '__main__':
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--env', '--env_name', dest='env_name', default='CartPole-v1',
                        help='a gymnasium id, with vector observations and discrete actions')
    parser.add_argument('--lr', type=float, default=1e-2, help="Adam's learning rate")
    parser.add_argument('--epochs', type=int, default=50, help='number of batches, one update each')
    parser.add_argument('--batch_size', type=int, default=5000,
                        help='least number of environment steps a batch (its episodes are whole)')
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args()
    print('The simplest policy gradient: each log pi(a_t|s_t) weighted by the return of its episode.')
    train(env_name=args.env_name, lr=args.lr, epochs=args.epochs, batch_size=args.batch_size,
          seed=args.seed)
