"""``python -m spinup.run benchmark ...``: run a preset (or a grid of your own), then report on it.

    benchmark list
    benchmark run PRESET [--data_dir DIR] [--workers N] [--ray [ADDRESS]] [--models]
                         [--algos A ...] [--backends B ...] [--envs E ...] [--seeds S ...]
                         [--epochs N] [--steps_per_epoch N] [--dry_run]
    benchmark report DIR [--out OUTDIR] [--references CSV]
"""
import os
import os.path as osp
from typing import List, Optional

from spinup.benchmarks.presets import ALGOS, BACKENDS, PRESETS, custom, experiments
from spinup.utils.errors import ArgumentParser, SpinupError

USAGE = """python -m spinup.run benchmark list
python -m spinup.run benchmark run PRESET [--data_dir DIR] [--workers N] [--ray [ADDRESS]] [options]
python -m spinup.run benchmark report DIR [--out OUTDIR] [--references CSV]"""


def print_presets() -> None:
    print('Benchmark presets (python -m spinup.run benchmark run PRESET):\n')
    width = max(map(len, PRESETS))
    for name, preset in PRESETS.items():
        runs = experiments(preset)
        steps = sum(exp.steps for exp in runs)
        print(f'  {name:{width}s} {len(runs):4d} runs, {steps / 1e6:8.2f}M steps: {preset.about}')
    print(f"  {'custom':{width}s} a grid of your own: --algos, --envs and --epochs (and --seeds, --backends)\n"
          "\nThe presets are written out in spinup/benchmarks/presets.py.")


def run_command(args: List[str]) -> int:
    parser = ArgumentParser(prog='python -m spinup.run benchmark run',
                            description='Run the experiments of a preset that are not finished yet.')
    parser.add_argument('preset', help=f"one of {', '.join(PRESETS)}, or custom")
    parser.add_argument('--data_dir', help='where the run folders go (default: DEFAULT_DATA_DIR/benchmarks/PRESET)')
    parser.add_argument('--workers', type=int, default=os.cpu_count(),
                        help='experiments at once on this machine (default: one a core)')
    parser.add_argument('--ray', nargs='?', const='', default=None, metavar='ADDRESS',
                        help='run each experiment as a Ray task: on the cluster at ADDRESS, or on a local Ray instance')
    parser.add_argument('--models', action='store_true', help='with --ray, bring the saved models back too')
    parser.add_argument('--algos', nargs='+', choices=ALGOS, metavar='ALGO')
    parser.add_argument('--backends', nargs='+', choices=BACKENDS, metavar='BACKEND')
    parser.add_argument('--envs', nargs='+', metavar='ENV',
                        help="the preset's blocks that run these, or, for new ones, every block on them")
    parser.add_argument('--seeds', nargs='+', type=int, metavar='SEED')
    parser.add_argument('--epochs', type=int)
    parser.add_argument('--steps_per_epoch', type=int)
    parser.add_argument('--dry_run', action='store_true', help='list the runs and stop')
    opts = parser.parse_args(args)

    if opts.preset == 'custom':
        if not (opts.algos and opts.envs and opts.epochs):
            raise SpinupError('a custom benchmark needs --algos, --envs and --epochs, e.g. '
                              'benchmark run custom --algos ppo sac --envs Hopper-v5 --epochs 50 --seeds 0 1 2')
        preset = custom(opts.algos, opts.envs, opts.epochs)
    elif opts.preset in PRESETS:
        preset = PRESETS[opts.preset]
    else:
        raise SpinupError(f"there is no benchmark preset '{opts.preset}': choose one of "
                          f"{', '.join(PRESETS)}, or custom (benchmark list shows them).")
    for flag in ('workers', 'epochs', 'steps_per_epoch'):
        value = getattr(opts, flag)
        if value is not None and value < 1:
            raise SpinupError(f'--{flag} must be at least 1, not {value}.')
    if opts.seeds is not None and min(opts.seeds) < 0:
        raise SpinupError(f'--seeds must be 0 or more, not {min(opts.seeds)}.')
    if opts.models and opts.ray is None:
        raise SpinupError('--models is for --ray runs (local runs keep their models where they ran).')

    runs = experiments(preset, algos=opts.algos, backends=opts.backends, envs=opts.envs, seeds=opts.seeds,
                       epochs=opts.epochs, steps_per_epoch=opts.steps_per_epoch)
    if not runs:
        raise SpinupError(f'no runs: preset {preset.name} has none of those algorithms '
                          f"({', '.join(sorted({a for b in preset.blocks for a in b.algos}))}).")
    data_dir = opts.data_dir or osp.join(_default_data_dir(), 'benchmarks', preset.name)
    if opts.dry_run:
        for exp in runs:
            print(f'{exp.relpath}: {exp.epochs} x {exp.steps_per_epoch} steps, '
                  f'{exp.hidden_sizes} {exp.activation}' + ''.join(f', {k}={v}' for k, v in exp.kwargs.items()))
        print(f'{len(runs)} runs into {osp.abspath(data_dir)}')
        return 0

    from spinup.benchmarks.runner import run_benchmark
    return run_benchmark(runs, data_dir, workers=opts.workers, use_ray=opts.ray is not None,
                         ray_address=opts.ray or None, models=opts.models)


def _default_data_dir() -> str:
    from spinup.user_config import DEFAULT_DATA_DIR
    return DEFAULT_DATA_DIR


def main(args: List[str]) -> Optional[int]:
    if not args or args[0] in ('-h', '--help', 'help'):
        print(USAGE)
        return 0
    sub, rest = args[0], args[1:]
    if sub == 'list':
        print_presets()
        return 0
    if sub == 'run':
        return run_command(rest)
    if sub == 'report':
        from spinup.benchmarks.report import main as report_main
        return report_main(rest)
    raise SpinupError(f"benchmark takes list, run or report, not '{sub}':\n{USAGE}")
