"""Plot learning curves from runs' ``progress.txt`` files.

``python -m spinup.run plot LOGDIR [LOGDIR ...] [--legend ...] [--xaxis TotalEnvInteracts]
[--value Performance ...] [--count] [--smooth S] [--select ...] [--exclude ...] [--est mean]
[--out FILE]``

Each LOGDIR is a folder or a prefix completed on disk (``data/cp`` matches ``data/cp_h32``
and ``data/cp_h64-64``); every run found below it is read. Runs with the same experiment
name are averaged into one curve with a shaded standard deviation, unless ``--count``
asks for one curve a run. ``Performance`` is ``AverageEpRet`` for on-policy runs and
``AverageTestEpRet`` for off-policy ones.
"""
import json
import os
import os.path as osp
import sys
from typing import List, Optional

import numpy as np

from spinup.utils.display import has_screen
from spinup.utils.errors import ArgumentParser, SpinupError, run_main
from spinup.utils.serialization_utils import atomic_path

DIV_LINE_WIDTH = 50

# Estimators --est may name (no other name is looked up).
ESTIMATORS = {'mean': np.mean, 'median': np.median, 'max': np.max, 'min': np.min}


def smooth_curve(y: np.ndarray, smooth: int) -> np.ndarray:
    """Moving average of ``y`` over a centred window of ``smooth`` points, shrinking at the ends.

    Same length as ``y``, also when the window is longer than ``y``. NaN points (epochs in
    which no episode ended, common with many environment copies) are left out of the
    average; a window of NaN alone stays NaN.
    """
    window = np.ones(smooth)
    start, n = (smooth - 1) // 2, len(y)
    known = ~np.isnan(y)
    total = np.convolve(np.where(known, y, 0.0), window, 'full')[start:start + n]
    count = np.convolve(known.astype(np.float64), window, 'full')[start:start + n]
    with np.errstate(invalid='ignore', divide='ignore'):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def plot_data(data, xaxis: str = 'Epoch', value: str = 'AverageEpRet', condition: str = 'Condition1',
              smooth: int = 1, font_scale: float = 1.5, **kwargs) -> None:
    """Draw one curve per ``condition`` of ``value`` against ``xaxis`` on the current axes.

    ``data`` is a list of DataFrames (one a run). With ``smooth > 1`` each run's curve is
    first averaged over a centred window of ``smooth`` points (:func:`smooth_curve`).
    ``font_scale`` sizes the text (seaborn's scale: 1 is its normal size).
    """
    import matplotlib.pyplot as plt
    import pandas as pd
    import seaborn as sns

    if smooth > 1:
        for datum in data:
            datum[value] = smooth_curve(np.asarray(datum[value], dtype=np.float64), smooth)
    frame = pd.concat(data, ignore_index=True)
    sns.set_theme(style='darkgrid', font_scale=font_scale)
    sns.lineplot(data=frame, x=xaxis, y=value, hue=condition, errorbar='sd', **kwargs)
    plt.legend(loc='best').set_draggable(True)
    if np.max(np.asarray(frame[xaxis], dtype=np.float64)) > 5e3:
        plt.ticklabel_format(style='sci', axis='x', scilimits=(0, 0))  # 1e6 reads better than 1000000
    plt.tight_layout(pad=0.5)


def get_datasets(logdir: str, condition: Optional[str] = None) -> list:
    """Read every run below ``logdir`` (a folder with ``progress.txt``) into a DataFrame.

    Each gets columns ``Unit`` (the run's number), ``Condition1`` (``condition`` or the
    experiment name), ``Condition2`` (name and run number) and ``Performance``.
    """
    import pandas as pd
    datasets = []
    for root, _, files in sorted(os.walk(logdir)):
        if 'progress.txt' not in files:
            continue
        exp_name = None
        try:
            with open(osp.join(root, 'config.json')) as f:
                exp_name = json.load(f).get('exp_name')
        except (OSError, ValueError):
            pass
        exp_name = exp_name or osp.basename(root)
        condition1 = condition or exp_name
        units = get_datasets.units
        units[condition1] = units.get(condition1, -1) + 1
        try:
            exp_data = pd.read_table(osp.join(root, 'progress.txt'))
        except (pd.errors.EmptyDataError, pd.errors.ParserError):
            print(f'Skipping {root}: its progress.txt is empty or unreadable.', file=sys.stderr)
            continue
        if exp_data.empty:
            print(f'Skipping {root}: its progress.txt has no epochs yet.', file=sys.stderr)
            continue
        performance = 'AverageTestEpRet' if 'AverageTestEpRet' in exp_data else 'AverageEpRet'
        exp_data.insert(len(exp_data.columns), 'Unit', units[condition1])
        exp_data.insert(len(exp_data.columns), 'Condition1', condition1)
        exp_data.insert(len(exp_data.columns), 'Condition2', f'{condition1}-{units[condition1]}')
        if performance in exp_data:
            exp_data.insert(len(exp_data.columns), 'Performance', exp_data[performance])
        datasets.append(exp_data)
    return datasets


get_datasets.units = {}  # run counter per condition, reset by make_plots


def _complete(logdir: str) -> List[str]:
    """A folder as it is (if it ends with a slash, or is '.' or '..'), else every folder
    whose path it is a prefix of: ``data/cp`` matches ``data/cp`` and ``data/cp_h32``."""
    if osp.isdir(logdir) and (logdir.endswith(os.sep) or osp.basename(osp.normpath(logdir)) in ('.', '..')):
        return [logdir]
    basedir = osp.dirname(logdir) or '.'
    prefix = osp.basename(logdir)
    if not osp.isdir(basedir):
        return []
    return [osp.join(basedir, x) for x in sorted(os.listdir(basedir)) if x.startswith(prefix)
            and osp.isdir(osp.join(basedir, x))]


def get_all_datasets(all_logdirs: List[str], legend: Optional[List[str]] = None,
                     select: Optional[List[str]] = None, exclude: Optional[List[str]] = None) -> list:
    """Read the runs below every logdir (prefixes completed on disk), keeping those whose
    folder names contain every ``select`` string and no ``exclude`` string."""
    logdirs = []
    for logdir in all_logdirs:
        logdirs += _complete(logdir)
    if select is not None:
        logdirs = [log for log in logdirs if all(x in log for x in select)]
    if exclude is not None:
        logdirs = [log for log in logdirs if all(x not in log for x in exclude)]

    print('Plotting from...\n' + '=' * DIV_LINE_WIDTH + '\n')
    for logdir in logdirs:
        print(logdir)
    print('\n' + '=' * DIV_LINE_WIDTH)

    if legend and len(legend) != len(logdirs):
        raise SpinupError(f'--legend names {len(legend)} curves but {len(logdirs)} log folders matched: '
                          'give one legend entry per folder.')
    data = []
    if legend:
        for log, leg in zip(logdirs, legend):
            data += get_datasets(log, leg)
    else:
        for log in logdirs:
            data += get_datasets(log)
    if not data:
        raise SpinupError(f"no progress.txt with any epoch under {', '.join(all_logdirs)}: give the folder "
                          "of a run, or a prefix of run folders, e.g. data/cp.")
    return data


def make_plots(all_logdirs: List[str], legend: Optional[List[str]] = None, xaxis: Optional[str] = None,
               values: Optional[List[str]] = None, count: bool = False, font_scale: float = 1.5,
               smooth: int = 1, select: Optional[List[str]] = None, exclude: Optional[List[str]] = None,
               estimator: str = 'mean', out: Optional[str] = None) -> List[str]:
    """Plot each of ``values`` against ``xaxis`` for the runs under ``all_logdirs``.

    With ``out`` (or without a screen) the figures are written to files (png, svg, pdf...
    by the extension); otherwise they are shown. Returns the paths written.
    """
    if estimator not in ESTIMATORS:
        raise SpinupError(f"--est takes one of {', '.join(ESTIMATORS)}, not '{estimator}'.")
    if smooth < 1:
        raise SpinupError(f'--smooth takes a window of 1 or more points, not {smooth}.')
    xaxis = xaxis or 'TotalEnvInteracts'
    values = values or ['Performance']
    get_datasets.units.clear()  # each call numbers its runs from 0

    import matplotlib
    to_file = out is not None or not has_screen()
    if to_file:
        matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    data = get_all_datasets(all_logdirs, legend, select, exclude)
    columns = set().union(*(d.columns for d in data))
    for name, flag in [(xaxis, '--xaxis')] + [(v, '--value') for v in values]:
        if name not in columns:
            shown = sorted(c for c in columns if c not in ('Unit', 'Condition1', 'Condition2'))
            raise SpinupError(f"{flag} {name} is not a column of these runs; columns: {', '.join(shown)}.")

    if out is None and to_file:
        out = 'spinup_plot.png'
        print('No screen found: saving the figure to a file (choose it with --out).')
    paths = []
    condition = 'Condition2' if count else 'Condition1'
    for value in values:
        plt.figure()
        plot_data([d.copy() for d in data], xaxis=xaxis, value=value, condition=condition,
                  smooth=smooth, font_scale=font_scale, estimator=ESTIMATORS[estimator])
        if to_file:
            path = out
            if len(values) > 1:
                stem, ext = osp.splitext(out)
                path = f'{stem}_{value}{ext}'
            os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
            with atomic_path(path) as tmp:
                plt.savefig(tmp, format=(osp.splitext(path)[1][1:] or 'png'))
            print(f'Figure saved to {osp.abspath(path)}')
            paths.append(path)
            plt.close()
    if not to_file:
        plt.show()
    return paths


def main(argv: Optional[List[str]] = None) -> int:
    parser = ArgumentParser(prog='python -m spinup.run plot',
                                     description="Plot learning curves from runs' progress.txt.")
    parser.add_argument('logdir', nargs='+', help='run folders, or prefixes of them')
    parser.add_argument('--legend', '-l', nargs='*', help='one legend entry per log folder')
    parser.add_argument('--xaxis', '-x', default='TotalEnvInteracts', help='the column on the x axis')
    parser.add_argument('--value', '-y', default=['Performance'], nargs='*', help='the column(s) to plot')
    parser.add_argument('--count', action='store_true', help='one curve per run instead of their average')
    parser.add_argument('--smooth', '-s', type=int, default=1, help='smoothing window, in points')
    parser.add_argument('--select', nargs='*', help='keep only folders whose names contain all of these')
    parser.add_argument('--exclude', nargs='*', help='drop folders whose names contain any of these')
    parser.add_argument('--est', default='mean', help=f"estimator across runs: {', '.join(ESTIMATORS)}")
    parser.add_argument('--out', '-o', default=None,
                        help='write the figure to this file (.png, .svg, .pdf) instead of showing it')
    args = parser.parse_args(argv)
    make_plots(args.logdir, args.legend, args.xaxis, args.value, args.count,
               smooth=args.smooth, select=args.select, exclude=args.exclude,
               estimator=args.est, out=args.out)
    return 0


if __name__ == '__main__':
    run_main(main)
