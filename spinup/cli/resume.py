"""``python -m spinup.run resume RUN [--epochs N]``: go on training a run from its newest
checkpoint, in its own folder, with the algorithm, backend, arguments and number of processes
it was started with (from ``config.json`` and the checkpoint), appending to its progress.txt.

``--epochs N`` sets a new total, to train a finished run further. Every check comes before
anything is written: a folder with no checkpoint, a finished run without ``--epochs``, or a
checkpoint another algorithm wrote each get one line.
"""
import os.path as osp
from typing import Any, Dict, List, Optional

from spinup.utils.checkpoint import FOLDER, epoch_span, find, read_info
from spinup.utils.errors import ArgumentParser, SpinupError

USAGE = 'python -m spinup.run resume RUN [--epochs N]'


def resume_arguments(run: str, epochs: Optional[int] = None) -> Dict[str, Any]:
    """What :func:`main` runs to resume ``run`` (a run folder, or its config.json or
    checkpoint/), checked."""
    from spinup.cli.relaunch import read_config, recorded_algorithm, relaunch_arguments
    run_dir = osp.abspath(run)
    if osp.basename(run_dir) in ('config.json', FOLDER):
        run_dir = osp.dirname(run_dir)
    if not osp.isdir(run_dir):
        raise SpinupError(f'no run folder at {run}: give the folder of the run to resume, as in {USAGE}.')
    folder = find(run_dir)
    if folder is None:
        raise SpinupError(f'no checkpoint in {run_dir}: the run stopped before its first save, or was made '
                          f'before checkpoints existed; start it again with python -m spinup.run relaunch {run_dir}.')
    info = read_info(folder)
    path, config = read_config(run_dir)
    _, function = recorded_algorithm(config, path)
    if info.get('function') != function:
        raise SpinupError(f'the checkpoint in {folder} was written by {info.get("function")}, but the run is '
                          f'{function} (its config.json): resume it only with the checkpoint it wrote.')
    done, total = info['counters'].get('epoch'), config.get('epochs')
    if not isinstance(done, int) or not isinstance(total, int):
        raise SpinupError(f'{folder} or {path} does not say how many epochs the run has done and must do.')
    if epochs is None:
        if done >= total:
            raise SpinupError(f'{run_dir} finished all its {total} epochs: give --epochs N, more than {done}, '
                              f'to train it further.')
        epochs = total
    elif epochs <= done:
        raise SpinupError(f'--epochs {epochs}: the run has done {done} epochs already '
                          f'({epoch_span(0, done)}); give more than {done}.')
    plan = relaunch_arguments(path, ['--epochs', str(epochs)], resume=True)
    plan['num_cpu'] = info.get('num_procs', 1)
    plan['done'] = done
    return plan


def main(args: List[str]) -> int:
    parser = ArgumentParser(prog='python -m spinup.run resume',
                            description='Go on training a run from its newest checkpoint.')
    parser.add_argument('run', help='the run folder (data/NAME/NAME_s0)')
    parser.add_argument('--epochs', type=int, help='a new total number of epochs')
    options = parser.parse_args(args)
    plan = resume_arguments(options.run, options.epochs)
    kwargs = plan.pop('kwargs')
    # epochs as progress.txt numbers them, from 0: the checkpoint counts n done, epochs 0 to n - 1
    done, total = plan.pop('done'), kwargs['epochs']
    print(f"Resuming {kwargs['resume_from']}: {epoch_span(0, done)} done, "
          f"{epoch_span(done, total)} to go.", flush=True)
    from spinup.utils.run_utils import call_experiment
    call_experiment(plan.pop('exp_name'), plan.pop('thunk'), **plan, **kwargs)
    return 0
