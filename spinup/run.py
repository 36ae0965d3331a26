"""The command line: ``python -m spinup.run CMD [--flag value ...]``.

``CMD`` is an algorithm (``ppo``, or ``ppo_pytorch`` / ``ppo_tf1``), ``plot``,
``test_policy``, ``exercise``, ``benchmark``, ``relaunch`` or ``resume``. Every keyword argument of the algorithm is a flag;
several values after a flag make a grid of experiments, run one after another (or ``--workers N``
at a time) through :class:`ExperimentGrid`. Values are read as Python literals (``ast.literal_eval``) or, for names such as
``torch.nn.ReLU``, looked up in an allow-list of modules: nothing typed is evaluated.
"""
import sys
from textwrap import dedent
from typing import List, Optional

from spinup.algos import ALGOS, REGISTRY, split_name
from spinup.cli.flags import (RUN_KWARGS, algorithm_help, check_counts, check_flags, check_types, check_values,
                              parse_flags, pick_policy, resolve_algo)
from spinup.cli.signatures import read_algorithm
from spinup.utils.errors import run_main

# The utilities, what each does, and an example (UTILITIES names the same commands)
UTILITY_HELP = (
    ('plot', 'plot learning curves', 'python -m spinup.run plot data/cp --smooth 5'),
    ('test_policy', 'run a trained agent again', 'python -m spinup.run test_policy data/cp/cp_s0'),
    ('exercise', 'list or run the problem sets', 'python -m spinup.run exercise 1.1'),
    ('benchmark', 'run and report benchmarks', 'python -m spinup.run benchmark run small'),
    ('relaunch', 'a new run from a config.json', 'python -m spinup.run relaunch data/cp/cp_s0'),
    ('resume', 'go on from a checkpoint', 'python -m spinup.run resume data/cp/cp_s0'),
)


def run_algorithm(name: str, args: List[str]) -> None:
    """Parse the flags for algorithm ``name`` and run the experiment grid they describe."""
    asks_help = any(a in ('--help', '-h') for a in args)
    values, shorthands = parse_flags([a for a in args if a not in ('--help', '-h')])
    name = pick_policy(name, values, shorthands)  # (--policy lstm: PPO's recurrent variant)
    # the checks and the help read the algorithm from its source: each run imports it (and its
    # framework) in a process of its own, and this one need not
    algo_fn = read_algorithm(name)
    if asks_help:
        print(algorithm_help(name, algo_fn))
        return

    check_flags(name, algo_fn, values)
    check_types(algo_fn, values)
    check_values(name, values)
    check_counts(algo_fn, values, values.get('num_cpu', [1])[0])  # what the algorithm would refuse

    exp_name = values.pop('exp_name', [f'cmd_{name}'])[0]
    run_kwargs = {k: values.pop(k)[0] for k in RUN_KWARGS if k in values}

    from spinup.utils.run_utils import ExperimentGrid
    eg = ExperimentGrid(name=str(exp_name))
    for key, vals in values.items():
        eg.add(key, vals, shorthand=shorthands.get(key))
    eg.run(name, **run_kwargs)


def print_help() -> None:
    algos = '\n'.join(f'    {a:6s}  ' + '  '.join(n for n in sorted(REGISTRY) if split_name(n)[0] == a)
                      for a in ALGOS if any(split_name(n)[0] == a for n in REGISTRY))
    name_width = max(len(name) for name, _, _ in UTILITY_HELP) + 2
    what_width = max(len(what) for _, what, _ in UTILITY_HELP) + 3
    utilities = '\n'.join(f'    {name:{name_width}s}{what + ":":{what_width}s}{example}'
                           for name, what, example in UTILITY_HELP)
    print(dedent("""\
        Spinning Up: run deep RL experiments from the command line.

            python -m spinup.run CMD [--flag value [value ...]] ...

        Algorithms (a bare name uses the backend set in user_config.DEFAULT_BACKEND):

        {algos}

        Utilities:

        {utilities}

        Every keyword argument of an algorithm is a flag; shortcuts: --env, --hid, --act,
        --cpu, --exp_name, --data_dir, --dt. Several values after a flag make a grid, and
        --flag[sh] names the flag 'sh' in experiment names; --workers N runs N experiments
        of a grid at once; --tensorboard also writes the progress as TensorBoard scalars
        in each run folder. For example:

            python -m spinup.run ppo_pytorch --env CartPole-v1 --exp_name cp --seed 0 10 --hid[h] "[32]" "[64,64]"

        'python -m spinup.run ppo --help' lists the algorithm's flags.""")
          .replace('{algos}', algos).replace('{utilities}', utilities))


def main(argv: Optional[List[str]] = None) -> int:
    """Run the command in ``argv`` (default: the process's arguments); return the exit status."""
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ('-h', '--help', 'help'):
        print_help()
        return 0
    cmd, args = argv[0], argv[1:]
    if cmd == 'plot':
        from spinup.utils.plot import main as plot_main
        return plot_main(args)
    if cmd == 'test_policy':
        from spinup.utils.test_policy import main as test_policy_main
        return test_policy_main(args)
    if cmd == 'exercise':
        from spinup.exercises.command import main as exercise_main
        return exercise_main(args)
    if cmd == 'benchmark':
        from spinup.benchmarks.command import main as benchmark_main
        return benchmark_main(args)
    if cmd == 'resume':
        from spinup.cli.resume import main as resume_main
        return resume_main(args)
    if cmd == 'relaunch':
        from spinup.cli.relaunch import main as relaunch_main
        return relaunch_main(args)
    run_algorithm(resolve_algo(cmd), args)
    return 0


if __name__ == '__main__':
    run_main(main)
