"""A small benchmark of PPO (TensorFlow 1) on CartPole-v1: seeds x hidden sizes x activations.

An ExperimentGrid runs every combination, one after another, each in a fresh process. With
the default three seeds that is 12 runs, in four folders named after their settings:

    DATA_DIR/bench-ppo-cartpole_hid32_tanh/bench-ppo-cartpole_hid32_tanh_s0/
    ...
    DATA_DIR/bench-ppo-cartpole_hid64-64_relu/bench-ppo-cartpole_hid64-64_relu_s20/

(DATA_DIR is --data_dir, or DEFAULT_DATA_DIR of spinup/user_config.py), ready to compare with
``python -m spinup.run plot DATA_DIR/bench-ppo-cartpole``, which averages the seeds of each setting.

    python spinup/examples/tf1/bench_ppo_cartpole.py --num_runs 3
"""
from spinup import ppo_tf1  # spinup comes first: it keeps TensorFlow's start-up notices quiet
from spinup.utils.errors import ArgumentParser, run_main
from spinup.utils.run_utils import ExperimentGrid

import tensorflow.compat.v1 as tf


def main(argv=None):
    parser = ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--cpu', type=int, default=1, help='MPI processes for each run')
    parser.add_argument('--num_runs', type=int, default=3, help='seeds for each setting (0, 10, 20, ...)')
    parser.add_argument('--epochs', type=int, default=10)
    parser.add_argument('--steps_per_epoch', type=int, default=4000)
    parser.add_argument('--data_dir', default=None, help='where the runs go')
    args = parser.parse_args(argv)
    if args.num_runs < 1:
        parser.error(f'--num_runs must be at least 1, not {args.num_runs}')

    eg = ExperimentGrid(name='bench-ppo-cartpole')
    eg.add('env_name', 'CartPole-v1')
    eg.add('seed', [10 * i for i in range(args.num_runs)])
    eg.add('epochs', args.epochs)
    eg.add('steps_per_epoch', args.steps_per_epoch)
    # these two vary, so they name the runs: 'hid' + the sizes, and the activation's name alone
    eg.add('ac_kwargs:hidden_sizes', [(32,), (64, 64)], 'hid')
    # tf.tanh, not tf.nn.tanh (the same operation): tf.nn.tanh is a wrapper that cloudpickle
    # cannot send to the run's process
    eg.add('ac_kwargs:activation', [tf.tanh, tf.nn.relu], '')
    eg.run(ppo_tf1, num_cpu=args.cpu, data_dir=args.data_dir)


if __name__ == '__main__':
    run_main(main)
