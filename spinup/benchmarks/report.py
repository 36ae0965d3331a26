"""Collect benchmark runs into a tidy table, a summary with confidence intervals, and figures.

``python -m spinup.run benchmark report DIR [--out OUTDIR] [--references CSV]``

DIR holds run folders (a folder with ``config.json`` and ``progress.txt`` whose experiment
name is ``<algo>_<backend>_<env>``, e.g. ``ppo_pytorch_CartPole-v1``), or is a
``results.csv`` written by an earlier report (or a folder holding one and no runs): the
report is then made again from the CSV alone. It writes to OUTDIR (default: ``DIR/report``
for runs, the CSV's own folder for a CSV):

- ``results.csv``: one row per run and epoch (:data:`COLUMNS`);
- ``summary.csv`` and ``summary.md``: per algorithm and environment, the final performance
  of each backend and the difference TF1 - PyTorch, each with a 95 % bootstrap interval;
  ``summary.rst.inc``, the same table as reStructuredText for the documentation to include;
- ``<env>_algorithms.svg/.png``: every algorithm on ``env``, one panel per backend, and a row of
  panels per budget (:func:`budget_families`: 1M steps on-policy, 100k off-policy get an x-axis each);
- ``<env>_head_to_head.svg/.png``: TF1 against PyTorch, one panel per algorithm;
- with ``--references``, a CSV of published points (:data:`REFERENCE_COLUMNS`): the points on
  the figures, and ``comparison.csv``, ``comparison.md`` and ``comparison.rst.inc``, our runs at
  each point's step against it (:func:`compare`).

The statistics follow Agarwal et al., "Deep RL at the Edge of the Statistical Precipice"
(NeurIPS 2021): the final performance of a run is the mean ``Performance`` over its last
10 % of epochs; runs are summarized by their interquartile mean (IQM), with a percentile
bootstrap interval that resamples the seeds within each backend (a stratified bootstrap).
"""
import io
import json
import os
import os.path as osp
import re
import warnings
from typing import Dict, List, Optional, Tuple

import numpy as np
import pandas as pd

from spinup.benchmarks.presets import ALGOS, BACKENDS  # (the six, and PPO's recurrent variant)
from spinup.utils.errors import ArgumentParser, SpinupError, run_main
from spinup.utils.serialization_utils import atomic_path

# The tidy table: one row per (run, epoch), in this column order.
COLUMNS = ['algorithm', 'backend', 'env', 'seed', 'epoch', 'TotalEnvInteracts', 'Performance',
           'Time', 'steps_per_s']
RUN_KEYS = ['algorithm', 'backend', 'env', 'seed']
# The summary: one row per (algorithm, env).
SUMMARY_COLUMNS = (['algorithm', 'env']
                   + [f'{b}_{s}' for b in BACKENDS for s in ('seeds', 'iqm', 'low', 'high', 'steps_per_s')]
                   + ['diff', 'diff_low', 'diff_high', 'diff_contains_0'])

FLOAT_FORMAT = '%.6g'  # of the CSV files: readable, and the report is made from these values
BOOTSTRAP_SEED = 0  # the same intervals every time the report is made
N_RESAMPLES = 2000
CONFIDENCE = 0.95
FINAL_FRACTION = 10  # the final performance is the mean over the last 1/10 of the epochs

BACKEND_LABELS = {'tf1': 'TF1', 'pytorch': 'PyTorch'}
# Fixed colours, the same in every figure whatever is present.
ALGO_COLORS = dict(zip(ALGOS, ['#1f77b4', '#9467bd', '#2ca02c', '#ff7f0e', '#8c564b', '#d62728',
                               '#e377c2']))
BACKEND_COLORS = {'TF1': '#d55e00', 'PyTorch': '#0072b2'}
FIGURE_RC = {
    'svg.fonttype': 'none',  # text stays text: small SVG files
    'svg.hashsalt': 'spinup-benchmarks',  # the same ids in the SVG every time: clean git diffs
    'lines.linewidth': 1.2,
    'font.sans-serif': ['DejaVu Sans'],  # named once in each text element of the SVG
}
PNG_DPI = 100
MAX_POINTS = 40  # a curve shows at most this many epochs (evenly spaced, the last included): small SVGs
BUDGET_SPLIT = 2  # a curve that would span less than 1/2 of its axis gets an axis of its own (budget_families)

SKIP_REASONS = {
    'name': 'whose names are not <algo>_<backend>_<env>',
    'empty': 'whose progress.txt has no epochs',
    'unfinished': 'with unfinished runs (fewer progress rows than epochs; benchmark run finishes them)',
}

# Published points to compare with (--references): one row per point, in this column order.
REFERENCE_COLUMNS = ['algorithm', 'env', 'step', 'value', 'low', 'high', 'source', 'reference_env', 'backend',
                     'seeds', 'url', 'how']
# The comparison: one row per reference point and backend of ours.
COMPARISON_COLUMNS = ['algorithm', 'env', 'backend', 'source', 'reference_env', 'step', 'reference',
                      'reference_low', 'reference_high', 'reference_seeds', 'seeds', 'iqm', 'low', 'high', 'verdict']
REFERENCE_REACH = 1.05  # a point is drawn and compared up to 5 % past the last step of our runs
SOURCE_MARKERS = ['o', 's', '^', 'D', 'v', 'P', 'X', '*']  # one shape per source, in the CSV's order
NEUTRAL_COLOR = '#4d4d4d'  # the sources' legend entries, and a point for both backends among backend colours


# ----- Reading runs --------------------------------------------------------------------------

def parse_exp_name(exp_name: str) -> Optional[Tuple[str, str, str]]:
    """``'ppo_pytorch_CartPole-v1'`` -> ``('ppo', 'pytorch', 'CartPole-v1')``, and
    ``'ppo_lstm_tf1_CartPoleNoVel-v1'`` -> ``('ppo_lstm', 'tf1', 'CartPoleNoVel-v1')``; None if
    not of that form."""
    for algo in sorted(ALGOS, key=len, reverse=True):  # (ppo_lstm before ppo)
        if str(exp_name).startswith(algo + '_'):
            backend, _, env = str(exp_name)[len(algo) + 1:].partition('_')
            if backend in BACKENDS and env:
                return algo, backend, env
    return None


def run_folders(root: str) -> List[str]:
    """The folders below ``root`` (itself included) holding both ``config.json`` and ``progress.txt``, sorted."""
    found = []
    for dirpath, dirnames, files in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith('.'))  # not a Ray run's staging folder
        if 'config.json' in files and 'progress.txt' in files:
            found.append(dirpath)
    return sorted(found)


def _read_run(folder: str, algo: str, backend: str, env: str, seed: int) -> Optional[pd.DataFrame]:
    """The tidy rows of one run folder, or None if its progress.txt has no epochs."""
    path = osp.join(folder, 'progress.txt')
    try:
        data = pd.read_table(path)
    except pd.errors.EmptyDataError:
        return None
    except pd.errors.ParserError as err:
        raise SpinupError(f'{path} is not a tab-separated table: {str(err).strip()}') from None
    performance = 'AverageTestEpRet' if 'AverageTestEpRet' in data else 'AverageEpRet'  # as spinup.utils.plot
    for column in ('Epoch', 'TotalEnvInteracts', 'Time', performance):
        if column not in data:
            raise SpinupError(f'{path} has no column {column}: it is not the progress of a spinup run.')
    data = data[['Epoch', 'TotalEnvInteracts', 'Time', performance]].apply(pd.to_numeric, errors='coerce')
    data = data.dropna(subset=['Epoch', 'TotalEnvInteracts'])  # a row still being written
    if data.empty:
        return None
    time = data['Time'].astype(np.float64)
    steps = data['TotalEnvInteracts'].round().astype(np.int64)
    return pd.DataFrame({
        'algorithm': algo, 'backend': backend, 'env': env, 'seed': seed,
        'epoch': data['Epoch'].astype(np.int64),
        'TotalEnvInteracts': steps,
        'Performance': data[performance].astype(np.float64),
        'Time': time,
        'steps_per_s': (steps / time).where(time > 0),  # the run's average speed so far
    })


def _sorted(df: pd.DataFrame, by: List[str]) -> pd.DataFrame:
    """``df`` sorted by ``by``; algorithms and backends in the registry's order (vpg ... sac, tf1 then pytorch)."""
    order = {'algorithm': {a: i for i, a in enumerate(ALGOS)}, 'backend': {b: i for i, b in enumerate(BACKENDS)}}

    def key(column: pd.Series) -> pd.Series:
        return column.map(order[column.name]) if column.name in order else column
    return df.sort_values(by, key=key, kind='stable').reset_index(drop=True)


def collect(root: str) -> pd.DataFrame:
    """Read every benchmark run below ``root`` into a tidy frame: one row per (run, epoch).

    The columns are :data:`COLUMNS`. ``Performance`` is ``AverageTestEpRet`` when the run logs
    it (ddpg, td3, sac), else ``AverageEpRet``; ``steps_per_s`` is ``TotalEnvInteracts / Time``.
    Run folders whose experiment name is not ``<algo>_<backend>_<env>``, whose progress.txt
    has no epochs, or with fewer rows than the ``epochs`` in their config.json, are left out; their numbers by reason are in ``df.attrs['skipped']``
    (:func:`skipped_lines` words them).
    """
    if not osp.isdir(root):
        raise SpinupError(f'{root} is not a folder: give the folder holding the benchmark runs.')
    frames, seen = [], {}
    skipped = {reason: 0 for reason in SKIP_REASONS}
    for folder in run_folders(root):
        config_path = osp.join(folder, 'config.json')
        try:
            with open(config_path) as f:
                config = json.load(f)
        except (OSError, ValueError) as err:
            raise SpinupError(f'cannot read {config_path}: {err}') from None
        parsed = parse_exp_name(config.get('exp_name', '')) if isinstance(config, dict) else None
        if parsed is None:
            skipped['name'] += 1
            continue
        seed = config.get('seed')
        if not isinstance(seed, int) or isinstance(seed, bool):
            raise SpinupError(f'{config_path} has no whole-number seed (seed: {seed!r}).')
        run = _read_run(folder, *parsed, seed)
        if run is None:
            skipped['empty'] += 1
            continue
        epochs = config.get('epochs')
        if isinstance(epochs, int) and len(run) < epochs:
            skipped['unfinished'] += 1
            continue
        key = (*parsed, seed)
        if key in seen:
            raise SpinupError(f"two runs of {config['exp_name']} with seed {seed}: {seen[key]} and {folder}; "
                              f'move one of them out of {root}.')
        seen[key] = folder
        frames.append(run)
    if not frames:
        lines = skipped_lines(skipped)
        raise SpinupError(f'no benchmark runs (config.json + progress.txt named <algo>_<backend>_<env>) under '
                          f"{root}{' (' + '; '.join(lines) + ')' if lines else ''}.")
    df = _sorted(pd.concat(frames, ignore_index=True)[COLUMNS], RUN_KEYS + ['epoch'])
    df.attrs['skipped'] = skipped
    return df


def skipped_lines(skipped: Dict[str, int]) -> List[str]:
    """One line per reason run folders were left out: ``skipped 2 run folders whose names are not ...``."""
    return [f"skipped {n} run folder{'s' if n != 1 else ''} {SKIP_REASONS[reason]}"
            for reason, n in skipped.items() if n]


def _read_table(source, name: str, columns: List[str], what: str, fix: str, **read_csv) -> pd.DataFrame:
    """The CSV ``source`` (a path or a text buffer) called ``name``, with its ``columns`` in
    that order; an empty file, one that is not a table, missing columns or no rows are each
    one line, which says the file should be ``what`` and, when empty, to ``fix``."""
    try:
        df = pd.read_csv(source, **read_csv)
    except pd.errors.EmptyDataError:
        raise SpinupError(f'{name} is empty: {fix}.') from None
    except pd.errors.ParserError as err:
        raise SpinupError(f'{name} is not a CSV table: {str(err).strip()}') from None
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise SpinupError(f"{name} has no column{'s' if len(missing) > 1 else ''} {', '.join(missing)}: {what}.")
    if df.empty:
        raise SpinupError(f'{name} has no rows: {fix}.')
    return df[columns]


def _from_csv_text(source, name: str) -> pd.DataFrame:
    """The tidy frame in the CSV ``source`` (a path or a text buffer), its columns checked."""
    return _read_table(source, name, COLUMNS, 'it is not a results.csv of a benchmark report',
                       'make the report from the run folders')


def load_csv(path: str) -> pd.DataFrame:
    """Read a ``results.csv`` written by :func:`write_report` back into the tidy frame."""
    if not osp.isfile(path):
        raise SpinupError(f'{path} is not a file: give the results.csv of a benchmark report.')
    return _from_csv_text(path, path)


def load_references(path: str) -> pd.DataFrame:
    """Read a CSV of published points (:data:`REFERENCE_COLUMNS`), each row checked.

    ``step`` becomes an integer; ``value``, ``low`` and ``high`` floats (``low`` and ``high``
    NaN when empty); the other columns stay text, ``''`` when empty. ``backend`` is ``tf1``,
    ``pytorch`` (the point is that backend's original implementation) or empty (both).
    """
    if not osp.isfile(path):
        raise SpinupError(f'{path} is not a file: give a CSV of reference points with the columns '
                          f"{', '.join(REFERENCE_COLUMNS)}.")
    refs = _read_table(path, path, REFERENCE_COLUMNS, f"a references CSV has the columns {', '.join(REFERENCE_COLUMNS)}",
                       'give a CSV of at least one reference point', dtype=str, keep_default_na=False,
                       skipinitialspace=True)
    refs = refs.apply(lambda column: column.str.strip())

    def refuse(bad: pd.Series, what: str) -> None:
        if bad.any():
            row = bad.idxmax()  # the first bad row; its line in the file counts the header
            raise SpinupError(f'{path}, line {row + 2}: {what.format(**refs.loc[row])}.')
    refuse(~refs['algorithm'].isin(ALGOS), f"unknown algorithm '{{algorithm}}' (one of {', '.join(ALGOS)})")
    refuse(~refs['backend'].isin(('',) + tuple(BACKENDS)),
           f"unknown backend '{{backend}}' ({', '.join(BACKENDS)}, or empty for both)")
    refuse(refs['env'] == '', 'no env')
    refuse(refs['source'] == '', 'no source (the label of the point in the figures)')
    numbers = refs[['step', 'value', 'low', 'high']].apply(pd.to_numeric, errors='coerce')
    refuse(numbers['step'].isna() | (numbers['step'] < 0) | (numbers['step'] % 1 != 0),
           "step '{step}' is not a whole number of environment steps")
    refuse(numbers['value'].isna() | np.isinf(numbers['value']), "value '{value}' is not a number")
    for end in ('low', 'high'):
        refuse((refs[end] != '') & (numbers[end].isna() | np.isinf(numbers[end])), f"{end} '{{{end}}}' is not a number")
    refuse(numbers['low'].isna() != numbers['high'].isna(), 'low and high go together (both, or both empty)')
    refuse((numbers['low'] > numbers['value']) | (numbers['value'] > numbers['high']),
           'the band [{low}, {high}] does not hold the value {value}')
    return refs.assign(step=numbers['step'].astype(np.int64), value=numbers['value'].astype(np.float64),
                       low=numbers['low'].astype(np.float64), high=numbers['high'].astype(np.float64))


# ----- Statistics -----------------------------------------------------------------------------

def iqm(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """Interquartile mean along ``axis``: the mean of the middle 50 % (scipy's ``trim_mean(x, 0.25)``)."""
    from scipy.stats import trim_mean
    return trim_mean(x, 0.25, axis=axis)


def iqm_difference(a: np.ndarray, b: np.ndarray, axis: int = -1) -> np.ndarray:
    """IQM(a) - IQM(b) along ``axis``."""
    return iqm(a, axis=axis) - iqm(b, axis=axis)


def mean(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """Mean along ``axis``."""
    return np.mean(x, axis=axis)


def bootstrap_interval(samples: Tuple[np.ndarray, ...], statistic,
                       n_resamples: int = N_RESAMPLES) -> Tuple[float, float]:
    """95 % percentile-bootstrap interval of ``statistic(*samples)``, each sample resampled on its own.

    ``statistic`` takes the samples and an ``axis``. (nan, nan) when a sample has fewer than
    2 values, or scipy finds the data degenerate.
    """
    from scipy.stats import DegenerateDataWarning, bootstrap
    if any(len(s) < 2 for s in samples):
        return np.nan, np.nan
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', DegenerateDataWarning)
        result = bootstrap(samples, statistic, vectorized=True, n_resamples=n_resamples,
                           confidence_level=CONFIDENCE, method='percentile',
                           rng=np.random.default_rng(BOOTSTRAP_SEED))
    low, high = float(result.confidence_interval.low), float(result.confidence_interval.high)
    if not (np.isfinite(low) and np.isfinite(high)):
        return np.nan, np.nan
    return low, high


def mean_band(x: np.ndarray) -> Tuple[float, float]:
    """The band of a curve at one x: 95 % percentile-bootstrap interval of the mean over seeds.

    What seaborn's ``errorbar=('ci', 95)`` draws, computed by scipy in one vectorized call
    (seaborn resamples in a Python loop: 20 times slower). One value: no band.
    """
    x = np.asarray(x, dtype=np.float64)
    x = x[np.isfinite(x)]
    low, high = bootstrap_interval((x,), mean, n_resamples=1000)
    if np.isnan(low):
        return (float(np.mean(x)),) * 2 if len(x) else (np.nan, np.nan)
    return low, high


def final_epochs(epochs: int) -> int:
    """How many epochs the final performance averages: 10 % of ``epochs``, rounded up, at least 1."""
    return max(1, -(-epochs // FINAL_FRACTION))  # integer ceil: 0.1 * 30 is 3.0000000000000004


def final_performance(df: pd.DataFrame) -> pd.DataFrame:
    """One row per run: ``final`` (mean Performance over its last :func:`final_epochs` epochs),
    ``steps_per_s`` (at its last epoch) and ``epochs``."""
    rows = []
    for key, run in df.groupby(RUN_KEYS, sort=False):
        run = run.sort_values('epoch')
        last = final_epochs(len(run))
        rows.append((*key, run['Performance'].iloc[-last:].mean(), run['steps_per_s'].iloc[-1], len(run)))
    finals = pd.DataFrame(rows, columns=RUN_KEYS + ['final', 'steps_per_s', 'epochs'])
    return _sorted(finals, RUN_KEYS)


def summarize(df: pd.DataFrame) -> pd.DataFrame:
    """One row per (algorithm, env): each backend's final performance (IQM over seeds, with a
    95 % bootstrap interval), its median speed, and the difference TF1 - PyTorch with its interval.

    Columns: ``algorithm, env``, then for each backend ``b`` in tf1, pytorch: ``b_seeds`` (runs
    with a final performance), ``b_iqm``, ``b_low``, ``b_high``, ``b_steps_per_s``; then ``diff``,
    ``diff_low``, ``diff_high`` and ``diff_contains_0`` (NA when there is no interval). An interval
    needs 2 runs or more on each side it resamples; a backend with no runs gets NaN.
    """
    finals = final_performance(df)
    rows = []
    for (algo, env), group in finals.groupby(['algorithm', 'env'], sort=False):
        row = {'algorithm': algo, 'env': env}
        samples = {}
        for b in BACKENDS:
            side = group[group['backend'] == b]
            x = side['final'].to_numpy(np.float64)
            x = x[np.isfinite(x)]
            samples[b] = x
            row[f'{b}_seeds'] = len(x)
            row[f'{b}_iqm'] = float(iqm(x)) if len(x) else np.nan
            row[f'{b}_low'], row[f'{b}_high'] = bootstrap_interval((x,), iqm)
            row[f'{b}_steps_per_s'] = side['steps_per_s'].median() if len(side) else np.nan
        a, b = samples['tf1'], samples['pytorch']
        row['diff'] = row['tf1_iqm'] - row['pytorch_iqm']
        row['diff_low'], row['diff_high'] = bootstrap_interval((a, b), iqm_difference)
        row['diff_contains_0'] = (pd.NA if np.isnan(row['diff_low'])
                                  else bool(row['diff_low'] <= 0 <= row['diff_high']))
        rows.append(row)
    summary = _sorted(pd.DataFrame(rows, columns=SUMMARY_COLUMNS), ['algorithm', 'env'])
    summary['diff_contains_0'] = summary['diff_contains_0'].astype('boolean')
    return summary


def performance_at(df: pd.DataFrame, step: int) -> pd.DataFrame:
    """One row per run that reaches ``step`` (its last TotalEnvInteracts times :data:`REFERENCE_REACH`
    is ``step`` or more): ``value``, its mean Performance around ``step``.

    The window has as many epochs as the final performance's (:func:`final_epochs`), centred on
    the epoch nearest to ``step`` (with an even count, the extra epoch before it) and moved
    inside the run at its ends; at the run's last step it is the final window, so the value is
    the run's final performance.
    """
    rows = []
    for key, run in df.groupby(RUN_KEYS, sort=False):
        run = run.sort_values('epoch')
        steps = run['TotalEnvInteracts'].to_numpy()
        if step > REFERENCE_REACH * steps[-1]:
            continue
        n, nearest = len(run), int(np.argmin(np.abs(steps - step)))
        width = final_epochs(n)
        start = min(max(nearest - width // 2, 0), n - width)
        rows.append((*key, run['Performance'].iloc[start:start + width].mean()))
    return pd.DataFrame(rows, columns=RUN_KEYS + ['value'])


def verdict(reference: float, reference_low: float, reference_high: float, low: float, high: float) -> str:
    """Our interval [low, high] against a reference value (or its band, when not NaN): ``within`` when
    they meet, ``above`` or ``below`` when ours lies wholly above or below, ``n/a`` with no interval."""
    if np.isnan(low):
        return 'n/a'
    ref_low, ref_high = (reference, reference) if np.isnan(reference_low) else (reference_low, reference_high)
    return 'above' if low > ref_high else 'below' if high < ref_low else 'within'


def compare(df: pd.DataFrame, references: pd.DataFrame) -> pd.DataFrame:
    """Our runs at each reference point (:func:`load_references`): one row per point and backend.

    A point with a backend is compared with our runs of that backend, one without with each
    backend. Columns :data:`COMPARISON_COLUMNS`: the point (``reference``, ``reference_low``,
    ``reference_high``, ``reference_seeds``), then ``seeds`` (our runs that reach its step),
    ``iqm`` and its 95 % bootstrap interval ``low``, ``high`` of their :func:`performance_at`
    the step, and the :func:`verdict`.
    """
    rows = []
    for _, ref in references.iterrows():
        for backend in [ref['backend']] if ref['backend'] else BACKENDS:
            runs = df[(df['algorithm'] == ref['algorithm']) & (df['backend'] == backend) & (df['env'] == ref['env'])]
            x = performance_at(runs, ref['step'])['value'].to_numpy(np.float64)
            x = x[np.isfinite(x)]
            low, high = bootstrap_interval((x,), iqm)
            rows.append({'algorithm': ref['algorithm'], 'env': ref['env'], 'backend': backend,
                         'source': ref['source'], 'reference_env': ref['reference_env'], 'step': ref['step'],
                         'reference': ref['value'], 'reference_low': ref['low'], 'reference_high': ref['high'],
                         'reference_seeds': ref['seeds'], 'seeds': len(x),
                         'iqm': float(iqm(x)) if len(x) else np.nan, 'low': low, 'high': high,
                         'verdict': verdict(ref['value'], ref['low'], ref['high'], low, high)})
    return _sorted(pd.DataFrame(rows, columns=COMPARISON_COLUMNS), ['algorithm', 'env', 'step', 'backend'])


def reference_reach(df: pd.DataFrame, references: pd.DataFrame) -> pd.Series:
    """For each reference point, the last TotalEnvInteracts of our runs of its algorithm on its env
    (either backend), NaN when there are none. A point is drawn when its step is at most
    :data:`REFERENCE_REACH` times that: the curves' x-range, not stretched."""
    last = df.groupby(['algorithm', 'env'])['TotalEnvInteracts'].max().rename('last')
    return references.join(last, on=['algorithm', 'env'])['last']


def undrawn_lines(df: pd.DataFrame, references: pd.DataFrame) -> List[str]:
    """One line per algorithm and env whose reference points are (some of them) left off the figures, saying why."""
    last = reference_reach(df, references)
    undrawn = references.assign(last=last)[last.isna() | (references['step'] > REFERENCE_REACH * last)]
    lines = []
    for (algo, env), points in undrawn.groupby(['algorithm', 'env'], sort=False):
        steps = sorted(set(points['step']))
        head = (f"reference points not drawn: {len(points)} of {algo} on {env}, at step{'s' if len(steps) > 1 else ''} "
                f"{', '.join(map(str, steps))}")
        lines.append(f'{head}: no runs of {algo} on {env}' if points['last'].isna().all() else
                     f"{head}: beyond the runs' last step, {int(points['last'].iloc[0])}")
    return lines


# ----- Writing the report ---------------------------------------------------------------------

def _number(v: float, digits: int) -> str:
    return f'{round(float(v), digits) + 0.0:.{digits}f}'  # + 0.0: no '-0.0'


def _interval_lines(v: float, low: float, high: float, n: Optional[int] = None) -> List[str]:
    """``['441.9', '[402.2, 480.0] (n=3)']``: a value and its interval as the tables print them (``['—']``: none)."""
    if np.isnan(v):
        return ['—']
    interval = f'[{_number(low, 1)}, {_number(high, 1)}]' if np.isfinite(low) else '[n/a]'
    return [_number(v, 1), interval if n is None else f'{interval} (n={n})']


def _with_interval(v: float, low: float, high: float, n: Optional[int] = None) -> str:
    return ' '.join(_interval_lines(v, low, high, n))


def _seed_counts(summary: pd.DataFrame) -> Tuple[bool, str]:
    """Whether every backend of every row has the same number of seeds, and that number (or its range) as text."""
    counts = sorted({int(n) for b in BACKENDS for n in summary[f'{b}_seeds'] if n > 0})
    seeds = str(counts[0]) if len(counts) == 1 else f'{counts[0]} to {counts[-1]}' if counts else '0'
    return len(counts) <= 1, seeds


def _summary_cells(r: pd.Series, uniform: bool) -> List[List[str]]:
    """The cells of one :func:`summarize` row after ``algorithm, env``, each a list of lines: each
    backend's IQM and interval, the difference, whether its interval contains 0, the speeds."""
    cells = []
    for b in BACKENDS:
        cells.append(_interval_lines(r[f'{b}_iqm'], r[f'{b}_low'], r[f'{b}_high'],
                                     None if uniform or not r[f'{b}_seeds'] else int(r[f'{b}_seeds'])))
    cells.append(_interval_lines(r['diff'], r['diff_low'], r['diff_high']))
    contains = r['diff_contains_0']
    cells.append(['n/a' if pd.isna(contains) else 'yes' if contains else 'no'])
    for b in BACKENDS:
        v = r[f'{b}_steps_per_s']
        cells.append(['—' if np.isnan(v) else _number(v, 0)])
    return cells


SUMMARY_HEADER = ['TF1 IQM [low, high]', 'PyTorch IQM [low, high]', 'TF1 − PyTorch [low, high]',
                  'interval contains 0', 'TF1 steps/s', 'PyTorch steps/s']
COMPARISON_HEADER = ['source (its env, seeds)', 'step', 'reference [low, high]', 'ours: IQM [low, high] (n)',
                     'verdict']


def _comparison_cells(r: pd.Series) -> List[List[str]]:
    """The cells of one :func:`compare` row after ``algorithm, env, backend``, each a list of lines."""
    seeds = f"{r['reference_seeds']} seeds" if r['reference_seeds'] else ''
    about = ', '.join(t for t in (r['reference_env'], seeds) if t)
    reference = [_number(r['reference'], 1)] if np.isnan(r['reference_low']) else \
        _interval_lines(r['reference'], r['reference_low'], r['reference_high'])
    return [[r['source']] + ([f'({about})'] if about else []), [str(r['step'])], reference,
            _interval_lines(r['iqm'], r['low'], r['high'], r['seeds'] or None), [r['verdict']]]


def _unreached_note(unreached: pd.DataFrame) -> str:
    """The line under the comparison table that counts the rows left out of it."""
    steps = sorted(set(unreached['step']))
    return (f"Not in the table: {len(unreached)} row{'s' if len(unreached) > 1 else ''} where none of "
            f"our runs gives a value (no runs of that algorithm, env and backend, runs that stop short "
            f"of the step, or no finished episode near it; step{'s' if len(steps) > 1 else ''} "
            f"{', '.join(map(str, steps))}). comparison.csv has every row.")


SOURCES_NOTE = "Sources (how each point was read off them: the references CSV's column how):"


def summary_markdown(summary: pd.DataFrame) -> str:
    """The :func:`summarize` table as Markdown, under a line saying what the numbers are."""
    uniform, seeds = _seed_counts(summary)
    lines = [
        '# Benchmark summary',
        '',
        f'Final performance of a run: its mean Performance (AverageTestEpRet for ddpg, td3 and sac, '
        f'AverageEpRet otherwise) over the last 10 % of its epochs. Each cell: the interquartile mean '
        f'(IQM) over seeds [95 % percentile-bootstrap interval, seeds resampled within each backend]. '
        f'Seeds per algorithm, environment and backend: {seeds}. steps/s: median over seeds of '
        f'TotalEnvInteracts / Time at the last epoch.',
        '',
        '| ' + ' | '.join(['algorithm', 'env'] + SUMMARY_HEADER) + ' |',
        '|---|---|---:|---:|---:|:---:|---:|---:|',
    ]
    for _, r in summary.iterrows():
        cells = [r['algorithm'], r['env']] + [' '.join(cell) for cell in _summary_cells(r, uniform)]
        lines.append('| ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines) + '\n'


def comparison_markdown(comparison: pd.DataFrame, references: pd.DataFrame) -> str:
    """The :func:`compare` table as Markdown, under a line saying what the numbers are, and the sources below.
    Rows where no run gives a value (``seeds`` 0) are counted under the table, not listed: comparison.csv
    has them."""
    lines = [
        '# Comparison with published results',
        '',
        f'Each row: a published point (the mean return its source gives at that many environment steps, '
        f'[the band it gives]) against our runs of that algorithm in one backend. Ours: the IQM over seeds '
        f'[95 % percentile-bootstrap interval] of each run\'s mean Performance over a window of as many '
        f'epochs as the final 10 %, centred on the epoch nearest to the step (at a run\'s last step: its '
        f'final performance); only runs that reach the step (within {round((REFERENCE_REACH - 1) * 100)} %) '
        f'count. Verdict: within when the reference (or its band) meets our interval, above or below when '
        f'our whole interval is above or below it, n/a with fewer than 2 runs there. The sources ran other '
        f'versions of the environments, networks and seeds: a difference is a prompt to look, not a result.',
        '',
        '| algorithm | env | backend | source (its env, seeds) | step | reference [low, high] '
        '| ours: IQM [low, high] (n) | verdict |',
        '|---|---|---|---|---:|---:|---:|:---:|',
    ]
    unreached = comparison[comparison['seeds'] == 0]
    for _, r in comparison[comparison['seeds'] > 0].iterrows():
        cells = [r['algorithm'], r['env'], BACKEND_LABELS[r['backend']]] + \
            [' '.join(cell) for cell in _comparison_cells(r)]
        lines.append('| ' + ' | '.join(cells) + ' |')
    if len(unreached):
        lines += ['', _unreached_note(unreached)]
    lines += ['', SOURCES_NOTE, '']
    for source, points in references.groupby('source', sort=False):
        urls = [u for u in points['url'].unique() if u]
        lines.append(f'- {source}' + (': ' + ' '.join(f'<{u}>' for u in urls) if urls else ''))
    return '\n'.join(lines) + '\n'


# The tables as reStructuredText, for the documentation pages to include. They must fit a page
# 46em wide (Furo's, at 1280 px) with no scrollbar: a table per environment (no env column), a
# value above its interval in a cell, the summary's speeds in a table of their own.
RST_NOTE = ('.. The table of {md} (which says what the numbers are), written by the benchmark report '
            'for a page to include: make the report again rather than edit it.')


def _rst_text(text: str) -> str:
    """``text`` with reStructuredText's inline markup characters escaped: it reads as written."""
    return re.sub(r'([\\`*_|])', r'\\\1', str(text))


def _rst_table(title: str, header: List[str], rows: List[List[List[str]]]) -> List[str]:
    """A ``list-table`` titled ``title``; each cell a list of lines, a line block when more than one."""
    lines = [f'.. list-table:: {_rst_text(title)}', '   :header-rows: 1', '   :widths: auto', '']
    for row in [[[h] for h in header]] + rows:
        for i, cell in enumerate(row):
            bullet = '   * - ' if i == 0 else '     - '
            if len(cell) == 1:
                lines.append(bullet + _rst_text(cell[0]))
            else:
                lines += [bullet + '| ' + _rst_text(cell[0])] + ['       | ' + _rst_text(c) for c in cell[1:]]
    return lines + ['']


def _narrow(cell: List[str]) -> List[str]:
    """A value-and-interval cell (:func:`_interval_lines`) made narrow: the seed count ``(n=3)`` moved
    up beside the value, and the interval ``[low, high]`` kept on one line (a no-break space)."""
    if len(cell) == 2 and cell[1].startswith('['):
        interval, n = re.fullmatch(r'(\[.*?\])( \(n=\d+\))?', cell[1]).groups()
        return [cell[0] + (n or ''), interval.replace(', ', ',\u00a0')]
    return cell


def summary_rst(summary: pd.DataFrame) -> str:
    """The :func:`summarize` table as reStructuredText to include in a page: the final performance
    in a table per environment, and the speeds in a table of their own."""
    uniform, _ = _seed_counts(summary)
    lines = [RST_NOTE.format(md='summary.md'), '']
    performance = SUMMARY_HEADER.index('interval contains 0') + 1  # the columns before the speeds
    for env in sorted(summary['env'].unique()):
        rows = [[[r['algorithm']]] + [_narrow(c) for c in _summary_cells(r, uniform)[:performance]]
                for _, r in summary[summary['env'] == env].iterrows()]
        lines += _rst_table(env, ['algorithm'] + SUMMARY_HEADER[:performance], rows)
    rows = [[[r['algorithm']], [r['env']]] + _summary_cells(r, uniform)[performance:] for _, r in summary.iterrows()]
    lines += _rst_table('Speed: median over seeds', ['algorithm', 'env'] + SUMMARY_HEADER[performance:], rows)
    return '\n'.join(lines)


def _link_texts(urls: List[str]) -> List[str]:
    """A short text for each link: the last part of its path (the last two where that is not unique)."""
    parts = [u.rstrip('/').split('/') for u in urls]
    last = [p[-1] for p in parts]
    return [p[-1] if last.count(p[-1]) == 1 else '/'.join(p[-2:]) for p in parts]


def comparison_rst(comparison: pd.DataFrame, references: pd.DataFrame) -> str:
    """The :func:`compare` table as reStructuredText to include in a page: a table per environment
    of the rows where a run of ours gives a value, the others counted under it, and the sources' links."""
    lines = [RST_NOTE.format(md='comparison.md'), '']
    shown = comparison[comparison['seeds'] > 0]
    for env in sorted(shown['env'].unique()):
        rows = []
        for _, r in shown[shown['env'] == env].iterrows():
            source, _, reference, ours, verdict = _comparison_cells(r)
            rows.append([[r['algorithm'], BACKEND_LABELS[r['backend']]], source, [_steps_text(r['step'])],
                         _narrow(reference), _narrow(ours), verdict])
        lines += _rst_table(env, ['algorithm, backend'] + COMPARISON_HEADER, rows)
    unreached = comparison[comparison['seeds'] == 0]
    if len(unreached):
        lines += [_rst_text(_unreached_note(unreached)), '']
    lines += [_rst_text(SOURCES_NOTE), '']
    for source, points in references.groupby('source', sort=False):
        urls = [u for u in points['url'].unique() if u]
        links = ', '.join(f'`{_rst_text(t)} <{u}>`__' for t, u in zip(_link_texts(urls), urls))
        lines.append(f'- {_rst_text(source)}' + (f': {links}' if links else ''))
    return '\n'.join(lines) + '\n'


def _file_stem(env: str) -> str:
    """An environment id made safe as a file name (``ALE/Pong-v5`` -> ``ALE-Pong-v5``)."""
    return re.sub(r'[^\w.\-]+', '-', env)


def thin_epochs(df: pd.DataFrame, max_points: int = MAX_POINTS) -> pd.DataFrame:
    """The rows of every k-th epoch counted back from the last, k chosen per (algorithm, backend, env)
    so that each curve has at most ``max_points`` points; the same epochs for every seed."""
    keys = ['algorithm', 'backend', 'env']
    last = df.groupby(keys)['epoch'].transform('max')
    count = df.groupby(keys)['epoch'].transform('nunique')
    step = -(-count // max_points)
    return df[(last - df['epoch']) % step == 0]


def budget_families(df: pd.DataFrame) -> List[List[str]]:
    """The algorithms of ``df`` (one environment) grouped by budget, each group to share an x-axis.

    An algorithm's budget is the last ``TotalEnvInteracts`` of its runs. Going from the largest
    budget down, an algorithm joins the group of the largest when its curve would span at least
    1/:data:`BUDGET_SPLIT` of that axis, else it starts a group of its own: PPO at 1M steps and SAC
    at 100k are two groups (SAC on the 1M axis is a vertical line in its first tenth), 1M and
    990k one. Within a group, and between groups by their first, the registry's order (vpg ... sac).
    """
    rank = {a: i for i, a in enumerate(ALGOS)}
    budget = df.groupby('algorithm')['TotalEnvInteracts'].max().sort_values(ascending=False, kind='stable')
    families: List[List[str]] = []
    for algo, last in budget.items():
        if families and BUDGET_SPLIT * last >= budget[families[-1][0]]:
            families[-1].append(algo)
        else:
            families.append([algo])
    families = [sorted(f, key=rank.get) for f in families]
    return sorted(families, key=lambda f: rank[f[0]])


def _steps_text(steps: int) -> str:
    """A number of steps, short: 1000000 -> '1M', 2500000 -> '2.5M', 80000 -> '80k', 123456 -> '123,456'."""
    steps = int(steps)
    for scale, suffix in ((1_000_000, 'M'), (1_000, 'k')):
        if steps >= scale and steps * 10 % scale == 0:
            return f'{steps / scale:g}{suffix}'
    return f'{steps:,}'


def _lineplot(ax, data: pd.DataFrame, hue: str, palette: Dict[str, str]) -> None:
    """Mean Performance over seeds against TotalEnvInteracts, with a 95 % confidence band (:func:`mean_band`)."""
    import seaborn as sns
    from matplotlib.ticker import MaxNLocator
    present = set(data[hue])
    sns.lineplot(data=data, x='TotalEnvInteracts', y='Performance', hue=hue,
                 palette={k: c for k, c in palette.items() if k in present}, errorbar=mean_band,
                 legend=False, ax=ax)
    ax.xaxis.set_major_locator(MaxNLocator(5, steps=[1, 2, 2.5, 5, 10]))
    ax.yaxis.set_major_locator(MaxNLocator(4, steps=[1, 2, 2.5, 5, 10]))
    if data['TotalEnvInteracts'].max() > 5e3:
        ax.ticklabel_format(style='sci', axis='x', scilimits=(0, 0))  # 1e6 reads better than 1000000
    ax.set_xlabel('')
    ax.set_ylabel('')


def _draw_references(ax, points: pd.DataFrame, colors: List[str], markers: Dict[str, str]) -> None:
    """Each reference point as a marker of its source's shape at (step, value), with a bar from
    low to high when the source gives a band."""
    for (_, p), color in zip(points.iterrows(), colors):
        band = None if np.isnan(p['low']) else [[p['value'] - p['low']], [p['high'] - p['value']]]
        ax.errorbar([p['step']], [p['value']], yerr=band, fmt=markers[p['source']], color=color, markersize=6,
                    markeredgecolor='white', markeredgewidth=0.6, elinewidth=1, capsize=2, zorder=3)


def _finish(fig, palette: Dict[str, str], present: List[str], markers: Optional[Dict[str, str]] = None) -> None:
    """One legend for the whole figure (the colours are fixed; below them, a shape per source of
    reference points), and the axis labels once."""
    from matplotlib.lines import Line2D
    handles = [Line2D([], [], color=palette[k], label=k) for k in present]
    if markers:
        sources = [Line2D([], [], color=NEUTRAL_COLOR, marker=m, linestyle='none', markersize=6, label=source)
                   for source, m in markers.items()]
        blank = Line2D([], [], linestyle='none', label=' ')
        ncols = max(len(handles), len(sources))
        rows = [handles + [blank] * (ncols - len(handles)), sources + [blank] * (ncols - len(sources))]
        handles = [h for column in zip(*rows) for h in column]  # a legend fills column by column
    legend = fig.legend(handles=handles, loc='outside upper center', ncols=-(-len(handles) // (2 if markers else 1)),
                        frameon=False, fontsize='small')
    # a figure of one or two panels can be narrower than its legend (sources' names are long)
    width = legend.get_window_extent().width / fig.dpi + 0.3
    if width > fig.get_figwidth():
        fig.set_figwidth(width)
    fig.supxlabel('TotalEnvInteracts', fontsize='medium')
    fig.supylabel('Performance', fontsize='medium')


def _compact_svg(text: str) -> str:
    """Coordinates (of paths, and of where texts go) to 0.1 pt, 1/720 inch: a third of the file's size."""
    def rounded(match: re.Match) -> str:
        return f'{round(float(match.group()), 1):g}'
    return re.sub(r' (?:d|x|y|transform)="[^"]*"', lambda m: re.sub(r'-?\d+\.\d+', rounded, m.group()), text)


def _save(fig, stem: str) -> List[str]:
    """Write ``fig`` to ``stem.svg`` and ``stem.png`` (in 256 colours: a third of the size); return the paths."""
    from PIL import Image  # a dependency of matplotlib
    svg, png = io.StringIO(), io.BytesIO()
    fig.savefig(svg, format='svg', metadata={'Date': None})  # no date: the same file each time
    fig.set_layout_engine('none')  # laid out once
    fig.savefig(png, format='png', dpi=PNG_DPI)
    png.seek(0)
    image = Image.open(png).convert('RGB').quantize(256, method=Image.Quantize.MEDIANCUT)
    paths = [f'{stem}.svg', f'{stem}.png']
    with atomic_path(paths[0]) as tmp:
        with open(tmp, 'w') as f:
            f.write(_compact_svg(svg.getvalue()))
    with atomic_path(paths[1]) as tmp:
        image.save(tmp, format='PNG', optimize=True)
    return paths


def write_figures(df: pd.DataFrame, out_dir: str, references: Optional[pd.DataFrame] = None) -> List[str]:
    """For each environment, ``<env>_algorithms`` and ``<env>_head_to_head`` as SVG and PNG; returns the paths.

    ``<env>_algorithms`` has a panel per backend with every algorithm run on ``env``, and a row
    of them per budget (:func:`budget_families`), each row with its own x-axis;
    ``<env>_head_to_head`` has a panel per algorithm with TF1 against PyTorch. The
    ``references`` (:func:`load_references`) within the runs' reach (:func:`reference_reach`)
    are drawn on them: on the panel of their backend (both, without one), in their algorithm's
    colour, or in the head-to-head figure their backend's (neutral without one).
    """
    import matplotlib
    from matplotlib.figure import Figure  # no pyplot: no window, no global figure to close
    import seaborn as sns

    if references is None:
        references = pd.DataFrame(columns=REFERENCE_COLUMNS)
    shapes = {s: SOURCE_MARKERS[i % len(SOURCE_MARKERS)] for i, s in enumerate(references['source'].unique())}
    references = references[references['step'] <= REFERENCE_REACH * reference_reach(df, references)]
    references = references.assign(backend=references['backend'].map({'': '', **BACKEND_LABELS}))
    df = thin_epochs(df)
    df = df.assign(backend=df['backend'].map(BACKEND_LABELS))
    paths = []
    with sns.axes_style('darkgrid'), matplotlib.rc_context(FIGURE_RC):
        for env in sorted(df['env'].unique()):
            env_df = df[df['env'] == env]
            backends = [BACKEND_LABELS[b] for b in BACKENDS if BACKEND_LABELS[b] in set(env_df['backend'])]
            algos = [a for a in ALGOS if a in set(env_df['algorithm'])]
            env_refs = references[(references['env'] == env) & references['backend'].isin(backends + [''])]
            markers = {s: m for s, m in shapes.items() if s in set(env_refs['source'])}

            # a row of panels per budget, each row its own x-axis (and y-axis: returns grow with steps)
            families = budget_families(env_df)
            fig = Figure(figsize=(1 + 3.6 * len(backends), 0.7 + 2.5 * len(families)), layout='constrained')
            grid = fig.subplots(len(families), len(backends), sharex='row', sharey='row', squeeze=False)
            for axes, family in zip(grid, families):
                family_df = env_df[env_df['algorithm'].isin(family)]
                budget = _steps_text(int(family_df['TotalEnvInteracts'].max()))
                for ax, backend in zip(axes, backends):
                    if backend in set(family_df['backend']):  # else an empty panel: no runs of that budget
                        _lineplot(ax, family_df[family_df['backend'] == backend], 'algorithm', ALGO_COLORS)
                    ax.set_title(f'{env} — {backend}' + (f', {budget} steps' if len(families) > 1 else ''),
                                 fontsize='medium')
                    points = env_refs[env_refs['backend'].isin([backend, '']) & env_refs['algorithm'].isin(family)]
                    _draw_references(ax, points, [ALGO_COLORS[a] for a in points['algorithm']], markers)
            _finish(fig, ALGO_COLORS, algos, markers)
            paths += _save(fig, osp.join(out_dir, f'{_file_stem(env)}_algorithms'))

            ncols = min(3, len(algos))
            nrows = -(-len(algos) // ncols)
            fig = Figure(figsize=(0.6 + 3.3 * ncols, 0.6 + 2.5 * nrows), layout='constrained')
            axes = fig.subplots(nrows, ncols, squeeze=False).ravel()  # each its own scale: the backends compared
            for ax, algo in zip(axes, algos):
                _lineplot(ax, env_df[env_df['algorithm'] == algo], 'backend', BACKEND_COLORS)
                ax.set_title(f'{algo} on {env}', fontsize='medium')
                points = env_refs[env_refs['algorithm'] == algo]
                _draw_references(ax, points, [BACKEND_COLORS.get(b, NEUTRAL_COLOR) for b in points['backend']], markers)
            for ax in axes[len(algos):]:
                ax.set_visible(False)
            _finish(fig, BACKEND_COLORS, backends, markers)
            paths += _save(fig, osp.join(out_dir, f'{_file_stem(env)}_head_to_head'))
    return paths


def write_report(df: pd.DataFrame, out_dir: str, references: Optional[pd.DataFrame] = None) -> List[str]:
    """Write ``results.csv``, ``summary.csv``, ``summary.md``, ``summary.rst.inc`` and the figures to
    ``out_dir``; with ``references`` (:func:`load_references`), ``comparison.csv``, ``comparison.md``
    and ``comparison.rst.inc`` too, and the points on the figures.

    The summary, comparison and figures are made from the values as written to results.csv, so a
    report made again from that file alone is the same. Returns the paths written.
    """
    try:
        os.makedirs(out_dir, exist_ok=True)
    except OSError as e:
        raise SpinupError(f'cannot write the report to {out_dir} ({e.strerror}): give another --out.') from None
    results_text = df[COLUMNS].to_csv(index=False, float_format=FLOAT_FORMAT)
    df = _from_csv_text(io.StringIO(results_text), 'the results')
    summary = summarize(df)
    files = [('results.csv', results_text),
             ('summary.csv', summary.to_csv(index=False, float_format=FLOAT_FORMAT)),
             ('summary.md', summary_markdown(summary)),
             ('summary.rst.inc', summary_rst(summary))]
    if references is not None:
        comparison = compare(df, references)
        files += [('comparison.csv', comparison.to_csv(index=False, float_format=FLOAT_FORMAT)),
                  ('comparison.md', comparison_markdown(comparison, references)),
                  ('comparison.rst.inc', comparison_rst(comparison, references))]
    written = []
    for name, text in files:
        path = osp.join(out_dir, name)
        with atomic_path(path) as tmp:
            with open(tmp, 'w') as f:
                f.write(text)
        written.append(path)
    return written + write_figures(df, out_dir, references)


# ----- Command line ---------------------------------------------------------------------------

def main(argv: Optional[List[str]] = None) -> int:
    """``python -m spinup.run benchmark report DIR [--out OUTDIR] [--references CSV]``: write the
    report, print the summary table, the paths written, what was left out, and the comparison's verdicts."""
    parser = ArgumentParser(prog='python -m spinup.run benchmark report',
                            description='Collect benchmark runs into results.csv, a summary table and figures.')
    parser.add_argument('dir', help='a folder of benchmark runs, or a results.csv (or a folder holding one)')
    parser.add_argument('--out', '-o', default=None,
                        help='the folder to write to (default: DIR/report for runs, the CSV\'s folder for a CSV)')
    parser.add_argument('--references', metavar='CSV', default=None,
                        help='published points to draw on the figures and compare with (columns: '
                             f"{', '.join(REFERENCE_COLUMNS)})")
    args = parser.parse_args(argv)
    references = None if args.references is None else load_references(args.references)
    source = args.dir
    if not osp.exists(source):
        raise SpinupError(f'{source} does not exist: give a folder of benchmark runs or a results.csv.')
    if osp.isdir(source) and not run_folders(source) and osp.isfile(osp.join(source, 'results.csv')):
        source = osp.join(source, 'results.csv')
    if osp.isfile(source):
        df = load_csv(source)
        out = args.out or osp.dirname(source) or '.'
    else:
        df = collect(source)
        out = args.out or osp.join(source, 'report')
    paths = write_report(df, out, references)
    with open(osp.join(out, 'summary.md')) as f:
        print(f.read())
    print('\n'.join(paths))
    for line in skipped_lines(df.attrs.get('skipped', {})):
        print(line)
    if references is not None:
        verdicts = pd.read_csv(osp.join(out, 'comparison.csv'), usecols=['verdict'], keep_default_na=False)['verdict']
        counts = verdicts.value_counts()
        print(f"{len(references)} reference points, {len(verdicts)} comparisons (one per backend of ours): "
              + ', '.join(f'{counts.get(v, 0)} {v}' for v in ('within', 'above', 'below', 'n/a'))
              + f" (see {osp.join(out, 'comparison.md')})")
        for line in undrawn_lines(df, references):
            print(line)
    return 0


if __name__ == '__main__':
    run_main(main)
