"""Exercise 2.1: how much does TRPO owe to its value function? (PyTorch)

TRPO's advantages come from a learned value function, fitted for ``train_v_iters`` gradient
steps each epoch. This script runs TRPO with the value function never fitted
(``train_v_iters=0``: it keeps its random initial weights) and fitted as usual (80),
over a few seeds, then plots the returns and the value loss side by side. The same grid from
the command line:

    python -m spinup.run trpo_pytorch --env Hopper-v5 --train_v_iters[v] 0 80 --exp_name ex2-1 --epochs 25 --seed 0 10

Flags: --env (Hopper-v5), --seeds (2), --epochs (25), --steps_per_epoch (4000), --data_dir.
At the defaults it runs 4 experiments of 100,000 steps each, a few minutes apiece on a
laptop; the original study ran 250 epochs. What do you expect, and what do you find?
"""
from functools import partial

from spinup.exercises.common import exercise_flags, grid_then_plot
from spinup.utils.errors import run_main

if __name__ == '__main__':
    flags = exercise_flags(env='Hopper-v5', seeds=2, epochs=25, steps_per_epoch=4000, data_dir=None)
    run_main(partial(grid_then_plot, 'ex2-1_pytorch', 'trpo_pytorch', flags, {'train_v_iters': ([0, 80], 'v')},
                     values=['Performance', 'LossV']))
