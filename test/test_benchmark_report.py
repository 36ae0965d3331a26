"""The benchmark report, on synthetic run folders: no training."""
import json
import re
import shutil
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import trim_mean

from spinup.benchmarks import report
from spinup.benchmarks.report import (COLUMNS, MAX_POINTS, budget_families, collect, compare, final_performance,
                                      load_csv, load_references, main, performance_at, summarize, summary_markdown,
                                      thin_epochs, undrawn_lines, write_figures, write_report)
from spinup.utils.errors import SpinupError, run_main

from conftest import run_python

EPOCHS = 5
SEEDS = (0, 1, 2)
RUNS = [('ppo', 'CartPole-v1'), ('ppo', 'InvertedPendulum-v5'), ('sac', 'InvertedPendulum-v5')]


def write_run(folder, exp_name, seed, performance, off_policy=False, epochs=None):
    """A run folder as the logger writes it: config.json, and progress.txt with one row per value
    of ``performance``. Epoch k has 1000 (k + 1) steps in 2.5 (k + 1) seconds: 400 steps/s."""
    folder.mkdir(parents=True)
    config = {'exp_name': exp_name, 'seed': seed, 'gamma': 0.99, 'epochs': epochs or len(performance)}
    (folder / 'config.json').write_text(json.dumps(config))
    rows = ['Epoch\tAverageEpRet\t' + ('AverageTestEpRet\t' if off_policy else '') + 'TotalEnvInteracts\tTime']
    for k, perf in enumerate(performance):
        # off-policy: the training return is a decoy, Performance must be the test return
        returns = f'-999.0\t{float(perf)!r}' if off_policy else repr(float(perf))
        rows.append(f'{k}\t{returns}\t{1000 * (k + 1)}\t{2.5 * (k + 1)!r}')
    (folder / 'progress.txt').write_text('\n'.join(rows) + '\n')


def write_benchmark(root):
    """2 envs, ppo and sac, both backends, 3 seeds, 5 epochs; plus a folder with another
    name, one whose progress.txt has only its header, and an unfinished one (2 of its 5 epochs)."""
    for algo, env in RUNS:
        for backend in ('tf1', 'pytorch'):
            name = f'{algo}_{backend}_{env}'
            for seed in SEEDS:
                rng = np.random.default_rng([seed, len(algo), len(env), len(backend)])
                perf = list(np.cumsum(rng.uniform(0, 20, EPOCHS)) + (50 if backend == 'tf1' else 0))
                write_run(root / name / f'{name}_s{seed}', name, seed, perf, off_policy=(algo == 'sac'))
    write_run(root / 'cmd_ppo_pytorch' / 'cmd_ppo_pytorch_s0', 'cmd_ppo_pytorch', 0, [1.0, 2.0])
    write_run(root / 'ppo_tf1_Acrobot-v1' / 'ppo_tf1_Acrobot-v1_s0', 'ppo_tf1_Acrobot-v1', 0, [])
    write_run(root / 'ppo_tf1_Acrobot-v1' / 'ppo_tf1_Acrobot-v1_s1', 'ppo_tf1_Acrobot-v1', 1, [])
    (root / 'ppo_tf1_Acrobot-v1' / 'ppo_tf1_Acrobot-v1_s1' / 'progress.txt').write_text('')  # not even a header
    write_run(root / 'vpg_tf1_CartPole-v1' / 'vpg_tf1_CartPole-v1_s0', 'vpg_tf1_CartPole-v1', 0, [1.0, 2.0], epochs=5)
    return root


def tidy(finals):
    """A tidy frame of one-epoch runs: {(algo, backend, env): [final of each seed]}."""
    rows = [(algo, backend, env, seed, 0, 1000, float(v), 2.0, 500.0)
            for (algo, backend, env), values in finals.items() for seed, v in enumerate(values)]
    return pd.DataFrame(rows, columns=COLUMNS)


@pytest.fixture
def runs(tmp_path):
    return write_benchmark(tmp_path / 'runs')


def test_collect_reads_every_run_and_epoch_and_skips_the_others(runs):
    df = collect(str(runs))
    assert list(df.columns) == COLUMNS
    assert len(df) == len(RUNS) * 2 * len(SEEDS) * EPOCHS
    assert not df.duplicated(['algorithm', 'backend', 'env', 'seed', 'epoch']).any()
    assert set(df['env']) == {'CartPole-v1', 'InvertedPendulum-v5'}  # not Acrobot (empty), not cmd_*
    assert 'vpg' not in set(df['algorithm'])  # unfinished
    assert df.attrs['skipped'] == {'name': 1, 'empty': 2, 'unfinished': 1}
    assert list(df.drop_duplicates('algorithm')['algorithm']) == ['ppo', 'sac']
    assert list(df.drop_duplicates('backend')['backend']) == ['tf1', 'pytorch']  # the registry's order
    assert np.allclose(df['steps_per_s'], 400.0)
    assert (df['Performance'] > 0).all()  # sac: AverageTestEpRet, not the decoy AverageEpRet of -999
    ppo = pd.read_table(runs / 'ppo_tf1_CartPole-v1' / 'ppo_tf1_CartPole-v1_s1' / 'progress.txt')
    got = df[(df['algorithm'] == 'ppo') & (df['backend'] == 'tf1') & (df['env'] == 'CartPole-v1') & (df['seed'] == 1)]
    assert np.array_equal(got['Performance'], ppo['AverageEpRet']) and list(got['epoch']) == list(range(EPOCHS))


def test_collect_reads_ppo_lstm_runs_as_their_own_algorithm_after_ppo(tmp_path):
    for algo in ('ppo_lstm', 'ppo'):
        for backend in ('pytorch', 'tf1'):
            name = f'{algo}_{backend}_CartPoleNoVel-v1'
            write_run(tmp_path / name / f'{name}_s0', name, 0, [1.0, 2.0])
    df = collect(str(tmp_path))
    assert list(df.drop_duplicates('algorithm')['algorithm']) == ['ppo', 'ppo_lstm']
    assert set(df['env']) == {'CartPoleNoVel-v1'} and set(df['backend']) == {'tf1', 'pytorch'}


def test_collect_refuses_a_folder_without_runs_and_a_duplicate_run(tmp_path):
    (tmp_path / 'empty').mkdir()
    with pytest.raises(SpinupError, match='no benchmark runs'):
        collect(str(tmp_path / 'empty'))
    write_run(tmp_path / 'dup' / 'a', 'ppo_tf1_CartPole-v1', 0, [1.0])
    write_run(tmp_path / 'dup' / 'b', 'ppo_tf1_CartPole-v1', 0, [2.0])
    with pytest.raises(SpinupError, match='two runs of ppo_tf1_CartPole-v1 with seed 0'):
        collect(str(tmp_path / 'dup'))


def test_final_performance_is_the_mean_of_the_last_tenth_of_the_epochs(tmp_path):
    # Performance = epoch number; 30 epochs -> the last 3 (a float ceil of 0.1 * 30 would take 4)
    for epochs, seed in ((30, 0), (11, 1), (4, 2)):
        write_run(tmp_path / f's{seed}', 'td3_pytorch_Pendulum-v1', seed, [float(k) for k in range(epochs)])
    finals = final_performance(collect(str(tmp_path)))
    assert list(finals['final']) == [28.0, 9.5, 3.0]
    assert list(finals['epochs']) == [30, 11, 4]
    assert np.allclose(finals['steps_per_s'], 400.0)


def test_a_long_run_is_drawn_with_at_most_max_points_epochs_the_last_included():
    df = pd.concat([tidy({('ppo', 'tf1', 'A'): [1.0]}).assign(seed=seed) for seed in range(2)])
    df = pd.concat([df.assign(epoch=k) for k in range(750)])
    drawn = thin_epochs(df)
    epochs = sorted(set(drawn['epoch']))
    assert len(epochs) <= MAX_POINTS and epochs[-1] == 749 and len(drawn) == 2 * len(epochs)
    assert len(set(np.diff(epochs))) == 1  # evenly spaced


def test_summary_of_a_clear_difference_and_of_no_difference():
    summary = summarize(tidy({('ppo', 'tf1', 'A'): [100, 101, 102], ('ppo', 'pytorch', 'A'): [0, 1, 2],
                              ('sac', 'tf1', 'B'): [0, 1, 2, 3, 4], ('sac', 'pytorch', 'B'): [4, 3, 2, 1, 0]}))
    clear, same = summary.iloc[0], summary.iloc[1]
    assert clear['tf1_iqm'] == trim_mean([100, 101, 102], 0.25) and clear['tf1_seeds'] == 3
    assert clear['tf1_low'] <= clear['tf1_iqm'] <= clear['tf1_high'] and clear['tf1_low'] < clear['tf1_high']
    assert clear['diff'] == pytest.approx(100) and clear['diff_low'] > 90 and not clear['diff_contains_0']
    assert same['diff'] == 0 and same['diff_low'] < 0 < same['diff_high'] and same['diff_contains_0']
    assert clear['pytorch_steps_per_s'] == 500.0
    pd.testing.assert_frame_equal(summary, summarize(tidy({('ppo', 'tf1', 'A'): [100, 101, 102],
                                                           ('ppo', 'pytorch', 'A'): [0, 1, 2],
                                                           ('sac', 'tf1', 'B'): [0, 1, 2, 3, 4],
                                                           ('sac', 'pytorch', 'B'): [4, 3, 2, 1, 0]})))


def test_summary_with_one_seed_a_side_or_one_backend_has_no_interval_and_no_warning():
    with warnings.catch_warnings():
        warnings.simplefilter('error')  # nothing leaks to the user
        summary = summarize(tidy({('ppo', 'tf1', 'A'): [5], ('ppo', 'pytorch', 'A'): [3],
                                  ('sac', 'pytorch', 'A'): [1, 2, 3],
                                  ('td3', 'tf1', 'A'): [7, 7, 7], ('td3', 'pytorch', 'A'): [7, 7, 7]}))
    one, degenerate, alone = summary.iloc[0], summary.iloc[1], summary.iloc[2]
    assert list(summary['algorithm']) == ['ppo', 'td3', 'sac']
    assert one['diff'] == 2 and np.isnan(one['tf1_low']) and np.isnan(one['diff_low']) and pd.isna(one['diff_contains_0'])
    assert degenerate['diff'] == 0 and degenerate['diff_contains_0']  # no spread: a zero-width interval
    assert alone['tf1_seeds'] == 0 and np.isnan(alone['tf1_iqm']) and np.isnan(alone['diff'])
    assert alone['pytorch_iqm'] == 2 and alone['pytorch_low'] < 2 < alone['pytorch_high']
    table = summary_markdown(summary).splitlines()
    ppo_row = next(line for line in table if line.startswith('| ppo |'))
    assert ppo_row.split(' | ')[2:6] == ['5.0 [n/a] (n=1)', '3.0 [n/a] (n=1)', '2.0 [n/a]', 'n/a'], ppo_row
    sac_row = next(line for line in table if line.startswith('| sac |'))
    assert sac_row.split(' | ')[2:6] == ['—', '2.0 [1.0, 3.0] (n=3)', '—', 'n/a'], sac_row
    assert 'Seeds per algorithm, environment and backend: 1 to 3.' in table[2]


def test_the_report_writes_its_files_small_and_valid(runs, tmp_path):
    out = tmp_path / 'report'
    paths = write_report(collect(str(runs)), str(out))
    figures = [f'{env}_{kind}.{ext}' for env in ('CartPole-v1', 'InvertedPendulum-v5')
               for kind in ('algorithms', 'head_to_head') for ext in ('svg', 'png')]
    tables = ['results.csv', 'summary.csv', 'summary.md', 'summary.rst.inc']
    assert sorted(p.rsplit('/', 1)[1] for p in paths) == sorted(tables + figures)
    assert sorted(p.name for p in out.iterdir()) == sorted(tables + figures)
    for name in figures:
        data = (out / name).read_bytes()
        if name.endswith('.svg'):
            assert ET.fromstring(data).tag.endswith('svg') and len(data) < 60_000, (name, len(data))
            assert b'<dc:date>' not in data  # the same file each time
        else:
            assert data.startswith(b'\x89PNG\r\n\x1a\n') and len(data) < 100_000, (name, len(data))
    md = (out / 'summary.md').read_text()
    assert 'last 10 %' in md and 'Seeds per algorithm, environment and backend: 3.' in md
    assert md.count('\n| ppo |') == 2 and md.count('\n| sac |') == 1
    assert '| 400 | 400 |' in md  # steps/s as whole numbers
    assert list(load_csv(str(out / 'results.csv')).columns) == COLUMNS
    html = rst_to_html((out / 'summary.rst.inc').read_text())
    assert '|' not in html  # no Markdown left: a table per environment, and one of the speeds
    assert re.findall(r'<caption>(?:<span class="caption-text">)?([^<]*)', html) == \
        ['CartPole-v1', 'InvertedPendulum-v5', 'Speed: median over seeds']
    assert html.count('<td><p>ppo</p></td>') == 2 * 2 and html.count('<td><p>sac</p></td>') == 2
    assert '<div class="line">[' in html and '\u00a0' in html  # the interval under the value, unbroken


def rst_to_html(text: str) -> str:
    """``text`` rendered by docutils alone (no Sphinx), refused on any warning: valid reStructuredText."""
    from docutils.core import publish_parts
    return publish_parts(text, writer='html5', settings_overrides={
        'halt_level': 2, 'report_level': 2, 'output_encoding': 'unicode'})['body']


def test_the_report_made_again_from_results_csv_alone_is_the_same(runs, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(report, 'write_figures', lambda df, out_dir, references=None: [])  # tested above; slow to draw
    assert main([str(runs)]) == 0
    out = capsys.readouterr().out
    first = runs / 'report'
    assert out.startswith('# Benchmark summary') and str(first / 'summary.md') in out.splitlines()
    assert out.rstrip().endswith('skipped 1 run folder whose names are not <algo>_<backend>_<env>\n'
                                 'skipped 2 run folders whose progress.txt has no epochs\n'
                                 'skipped 1 run folder with unfinished runs (fewer progress rows than epochs; '
                                 'benchmark run finishes them)')
    assert main([str(first / 'results.csv'), '--out', str(tmp_path / 'again')]) == 0
    for name in ('results.csv', 'summary.csv', 'summary.md'):
        assert (tmp_path / 'again' / name).read_bytes() == (first / name).read_bytes(), name
    assert main([str(tmp_path / 'again')]) == 0  # a folder holding results.csv and no runs: written in place
    assert (tmp_path / 'again' / 'summary.csv').read_bytes() == (first / 'summary.csv').read_bytes()
    assert not (tmp_path / 'again' / 'report').exists()


def test_a_csv_without_a_column_is_refused_naming_it(tmp_path):
    df = tidy({('ppo', 'tf1', 'A'): [1, 2]}).drop(columns='Time')
    df.to_csv(tmp_path / 'results.csv', index=False)
    with pytest.raises(SpinupError, match='no column Time'):
        load_csv(str(tmp_path / 'results.csv'))


@pytest.mark.parametrize('argv', [['no/such/dir'], ['DIR', '--bogus']])
def test_command_line_mistakes_are_one_line_and_status_2(argv, tmp_path, capsys):
    argv = [str(tmp_path / a) if a == 'no/such/dir' else str(tmp_path) if a == 'DIR' else a for a in argv]
    with pytest.raises(SystemExit) as done:
        run_main(lambda: main(argv))
    err = capsys.readouterr().err
    assert done.value.code == 2 and err.count('\n') == 1 and err.startswith('Error: '), err


def test_the_report_imports_neither_torch_nor_tensorflow():
    out = run_python('import sys, spinup.benchmarks.report; '
                     "print(sorted(m for m in ('torch', 'tensorflow') if m in sys.modules))")
    assert out.strip() == '[]'


# The presets whose results are committed under docs/benchmarks/<preset>/.
COMMITTED = ('small', 'mujoco-medium', 'atari-small', 'ppo2-mujoco', 'memory', 'memory-atari')


@pytest.mark.parametrize('preset', COMMITTED)
def test_the_committed_results_are_whole_and_regenerate_from_their_csv(preset, tmp_path, monkeypatch):
    """docs/benchmarks/<preset>: every run of the preset, all its epochs, a figure of each kind for
    each environment, and a summary (and comparison, where there are reference points) that the
    CSV alone gives again, byte for byte."""
    from pathlib import Path

    from spinup.benchmarks.presets import PRESETS, experiments
    folder = Path(__file__).resolve().parent.parent / 'docs' / 'benchmarks' / preset
    results = load_csv(str(folder / 'results.csv'))
    runs = experiments(PRESETS[preset])
    assert set(map(tuple, results[['algorithm', 'backend', 'env', 'seed']].drop_duplicates().values)) == \
        {(e.algo, e.backend, e.env, e.seed) for e in runs}
    assert len(results) == sum(e.epochs for e in runs)
    for env in {e.env for e in runs}:
        for kind in ('algorithms', 'head_to_head'):
            for ext in ('svg', 'png'):
                assert (folder / f'{env}_{kind}.{ext}').is_file(), f'{env}_{kind}.{ext}'
    # the statistics are what must agree
    monkeypatch.setattr(report, 'write_figures', lambda df, out_dir, references=None: [])
    names = ['summary.csv', 'summary.md', 'summary.rst.inc']
    argv = [str(folder / 'results.csv'), '--out', str(tmp_path)]
    if (folder / 'references.csv').is_file():
        names += ['comparison.csv', 'comparison.md', 'comparison.rst.inc']
        argv += ['--references', str(folder / 'references.csv')]
    assert main(argv) == 0
    for name in names:
        assert_same_text_but_last_digits((tmp_path / name).read_text(), (folder / name).read_text(), name)


DOCS = Path(__file__).resolve().parent.parent / 'docs'


def test_the_benchmark_pages_show_their_tables_as_tables_that_fit(tmp_path):
    """The pages of the committed results, built by Sphinx (on their own, with the files they
    include): the summary and the comparison are HTML tables, and no Markdown table is left.
    What they include stays narrow enough for the page at 1280 px: cells of lines of at most 30
    characters, at most 7 columns."""
    from sphinx.cmd.build import build_main
    pages = {'small': ['The summary'], 'mujoco-medium': ['The summary', 'Against published results'],
             'ppo2-mujoco': ['The summary', 'Against published results'],
             'memory': ['The summary', 'Against RL Zoo']}
    src = tmp_path / 'src'
    src.mkdir()
    included = []
    for page in pages:
        text = (DOCS / 'benchmarks' / f'{page}.rst').read_text()
        (src / f'{page}.rst').write_text(text)
        for name in re.findall(r'^\.\. include:: (\S+)', text, re.M):
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(DOCS / 'benchmarks' / name, src / name)
            included.append(name)
    (src / 'index.rst').write_text('Benchmarks\n==========\n\n.. toctree::\n\n' +
                                   ''.join(f'   {page}\n' for page in pages))
    (src / 'conf.py').write_text('')
    # -Q: the links to the rest of the documentation do not resolve here, and need not
    assert build_main(['-Q', '-b', 'html', '-d', str(tmp_path / 'doctrees'), str(src), str(tmp_path / 'html')]) == 0
    for page, sections in pages.items():
        html = (tmp_path / 'html' / f'{page}.html').read_text()
        for title in sections:
            start = html.index(f'{title}<a class="headerlink"')
            section = html[start:html.index('<section id=', start)]
            assert section.count('<table') >= 2, (page, title)  # a table per environment
        assert '|---' not in html and not re.search(r'\| (vpg|trpo|ppo|ddpg|td3|sac) \|', html), page
    for name in included:
        rst = (src / name).read_text()
        lines = re.findall(r'^(?:   \* -|     -|       \|) (.*)$', rst, re.M)  # of the cells
        assert max(map(len, lines)) <= 30, (name, max(lines, key=len))
        assert max(row.count('\n     - ') + 1 for row in rst.split('\n   * - ')[1:]) <= 7, name


# A number as the report prints it: 441.9, -5422.8, 8.23158e-05 (a minus may be the sign '−')
NUMBER = re.compile(r'(?<![\w.])[-−]?\d+(?:\.(\d+))?(?:e([-+]\d+))?')


def assert_same_text_but_last_digits(got: str, want: str, name: str) -> None:
    """``got`` reads as ``want`` word for word; each number in it may differ by one unit of its
    last printed digit. The committed summaries were computed on another machine, perhaps with
    another numpy or scipy: a statistic that falls on a rounding tie (441.95 printed to one
    decimal) may print either way, and nothing else may change."""
    got_lines, want_lines = got.splitlines(), want.splitlines()
    assert len(got_lines) == len(want_lines), name
    for row, (g, w) in enumerate(zip(got_lines, want_lines), 1):
        where = f'{name}, line {row}:\n  now    {g}\n  before {w}'
        assert NUMBER.split(g)[::3] == NUMBER.split(w)[::3], where  # the words between the numbers
        for a, b in zip(NUMBER.finditer(g), NUMBER.finditer(w)):
            digits, exponent = b.group(1), b.group(2)
            unit = 10.0 ** (int(exponent or 0) - len(digits or ''))
            value = lambda m: float(m.group(0).replace('−', '-'))  # noqa: E731
            assert abs(value(a) - value(b)) <= 1.001 * unit, where


# ----- Reference points (--references) --------------------------------------------------------

REFERENCE_HEADER = 'algorithm,env,step,value,low,high,source,reference_env,backend,seeds,url,how'


def curves(runs, steps_per_epoch=1000):
    """A tidy frame of whole runs: {(algo, backend, env): [Performance of each epoch, one list a seed]};
    epoch k has steps_per_epoch (k + 1) steps."""
    rows = [(algo, backend, env, seed, k, steps_per_epoch * (k + 1), float(v), 1.0 + k, 500.0)
            for (algo, backend, env), seeds in runs.items() for seed, perf in enumerate(seeds)
            for k, v in enumerate(perf)]
    return pd.DataFrame(rows, columns=COLUMNS)


def write_references(path, *rows):
    path.write_text('\n'.join((REFERENCE_HEADER,) + rows) + '\n')
    return str(path)


def test_performance_at_a_step_averages_a_final_sized_window_centred_on_the_nearest_epoch():
    # Performance = epoch number; 30 epochs: the final window is 3 epochs, the last step 30000
    df = curves({('ppo', 'tf1', 'A'): [list(range(30))]})
    at = {step: performance_at(df, step)['value'].tolist() for step in (30000, 31000, 11000, 11400, 500, 32000)}
    assert at[30000] == at[31000] == [28.0] == final_performance(df)['final'].tolist()  # the final performance
    assert at[11000] == at[11400] == [10.0]  # epochs 9, 10, 11 around epoch 10 (11000 steps)
    assert at[500] == [1.0]  # epochs 0, 1, 2: moved inside the run
    assert at[32000] == []  # more than 5 % past the run's last step: it does not reach there
    two = curves({('ppo', 'tf1', 'A'): [list(range(20))]})  # a window of 2: the extra epoch before
    assert performance_at(two, 11000)['value'].tolist() == [9.5]


def test_comparison_verdicts_on_known_data(tmp_path):
    # ppo tf1: 10 epochs (a final window of one), seed s scores 10 k + s at epoch k: 90, 91, 92 at the end
    df = curves({('ppo', 'tf1', 'A'): [[10 * k + s for k in range(10)] for s in range(3)],
                 ('ppo', 'pytorch', 'A'): [[10 * k + s - 50 for k in range(10)] for s in range(3)]})
    refs = load_references(write_references(
        tmp_path / 'references.csv',
        'ppo,A,10000,91,,,Mid,A-v0,tf1,10,https://example.org,read off a plot',
        'ppo,A,5000,0,-10,10,Low,A-v0,tf1,,,',  # ours 40..42 at epoch 4: above the band
        'ppo,A,10000,200,,,High,A-v0,tf1,,,',
        'ppo,A,10000,100,85,110,Band,A-v0,tf1,,,',  # the value is above ours, its band meets ours
        'sac,A,10000,5,,,Other,A-v0,,,,',  # no sac runs, either backend
        'ppo,A,20000,91,,,Far,A-v0,tf1,,,',  # our runs stop at 10000
        'ppo,A,10000,91,,,Both,A-v0,,,,'))  # tf1 (90..92) and pytorch (40..42)
    comparison = compare(df, refs)
    got = {(r.source, r.backend): r.verdict for r in comparison.itertuples()}
    assert got == {('Mid', 'tf1'): 'within', ('Low', 'tf1'): 'above', ('High', 'tf1'): 'below',
                   ('Band', 'tf1'): 'within', ('Other', 'tf1'): 'n/a', ('Other', 'pytorch'): 'n/a',
                   ('Far', 'tf1'): 'n/a', ('Both', 'tf1'): 'within', ('Both', 'pytorch'): 'below'}
    mid = comparison[comparison['source'] == 'Mid'].iloc[0]
    assert mid['iqm'] == trim_mean([90, 91, 92], 0.25) and mid['seeds'] == 3 and mid['low'] <= 91 <= mid['high']
    assert mid['reference_seeds'] == '10' and mid['reference_env'] == 'A-v0'
    assert comparison.loc[comparison['source'] == 'Low', 'iqm'].item() == 41
    far = comparison[comparison['source'] == 'Far'].iloc[0]
    assert far['seeds'] == 0 and np.isnan(far['iqm'])
    assert list(comparison['algorithm']) == ['ppo'] * 7 + ['sac'] * 2  # the registry's order


def test_reference_points_are_drawn_on_their_panels_and_far_ones_are_left_out(tmp_path, monkeypatch):
    df = curves({(algo, backend, 'Hopper-v5'): [[100 * k + s for k in range(10)] for s in range(2)]
                 for algo in ('ppo', 'sac') for backend in ('tf1', 'pytorch')})
    refs = load_references(write_references(
        tmp_path / 'references.csv',
        'ppo,Hopper-v5,10000,900,850,950,Spinning Up (PyTorch),Hopper-v2,pytorch,10,,',
        'sac,Hopper-v5,5000,400,,,CleanRL,Hopper-v4,,3,,',
        'sac,Hopper-v5,10500,950,,,CleanRL,Hopper-v4,,3,,',  # 5 % past the runs' last step: drawn
        'sac,Hopper-v5,3000000,3000,,,FarAway,Hopper-v4,,3,,',  # not drawn
        'td3,Hopper-v5,5000,400,,,CleanRL,Hopper-v4,,3,,'))  # no td3 runs: not drawn
    drawn = []
    draw = report._draw_references

    def record(ax, points, colors, markers):
        drawn.extend((ax.get_title(), p.source, p.algorithm, color) for p, color in zip(points.itertuples(), colors))
        draw(ax, points, colors, markers)
    monkeypatch.setattr(report, '_draw_references', record)
    write_figures(df, str(tmp_path), refs)
    assert sorted(drawn) == sorted([
        ('Hopper-v5 — PyTorch', 'Spinning Up (PyTorch)', 'ppo', report.ALGO_COLORS['ppo']),  # its backend only
        ('ppo on Hopper-v5', 'Spinning Up (PyTorch)', 'ppo', report.BACKEND_COLORS['PyTorch']),
        *[(title, 'CleanRL', 'sac', report.ALGO_COLORS['sac'])  # no backend: both panels
          for title in ('Hopper-v5 — TF1', 'Hopper-v5 — PyTorch') for _ in range(2)],
        *[('sac on Hopper-v5', 'CleanRL', 'sac', report.NEUTRAL_COLOR)] * 2])
    for kind in ('algorithms', 'head_to_head'):
        svg = (tmp_path / f'Hopper-v5_{kind}.svg').read_text()
        assert ET.fromstring(svg).tag.endswith('svg')
        assert '>CleanRL<' in svg and '>Spinning Up (PyTorch)<' in svg and 'FarAway' not in svg, kind
    assert undrawn_lines(df, refs) == [
        "reference points not drawn: 1 of sac on Hopper-v5, at step 3000000: beyond the runs' last step, 10000",
        'reference points not drawn: 1 of td3 on Hopper-v5, at step 5000: no runs of td3 on Hopper-v5']


def test_budget_families_split_budgets_more_than_twice_apart():
    last = {'vpg': 1_000_000, 'trpo': 1_000_000, 'ppo': 990_000, 'ddpg': 100_000, 'td3': 100_000, 'sac': 500_000}
    df = pd.DataFrame({'algorithm': list(last), 'TotalEnvInteracts': list(last.values())})
    assert budget_families(df) == [['vpg', 'trpo', 'ppo', 'sac'], ['ddpg', 'td3']]
    assert budget_families(df[df['algorithm'].isin(['sac', 'td3'])]) == [['td3'], ['sac']]  # the registry's order
    assert budget_families(df[df['algorithm'] == 'td3']) == [['td3']]


def test_the_algorithms_figure_gives_each_budget_its_own_x_axis(tmp_path, monkeypatch):
    """PPO at 1M steps and SAC at 100k: each curve spans its panel's x-axis (SAC is not squeezed
    into the first tenth of PPO's), in both backends."""
    df = curves({('ppo', 'tf1', 'A'): [list(range(10))] * 2, ('ppo', 'pytorch', 'A'): [list(range(10))] * 2},
                steps_per_epoch=100_000)
    df = pd.concat([df, curves({('sac', 'tf1', 'A'): [list(range(10))] * 2,
                                ('sac', 'pytorch', 'A'): [list(range(10))] * 2}, steps_per_epoch=10_000)])
    figures = {}
    monkeypatch.setattr(report, '_save', lambda fig, stem: figures.setdefault(stem.rsplit('/', 1)[1], fig) and [])
    write_figures(df, str(tmp_path))
    spans = {}
    for ax in figures['A_algorithms'].axes:
        right = ax.get_xlim()[1]
        for line in ax.get_lines():
            x = line.get_xdata()
            if len(x) > 1:  # a curve (seaborn's legend stubs are empty)
                algo = next(a for a, c in report.ALGO_COLORS.items()
                            if matplotlib_color(c) == matplotlib_color(line.get_color()))
                spans.setdefault(algo, []).append(max(x) / right)
    assert sorted(spans) == ['ppo', 'sac'] and all(len(v) == 2 for v in spans.values())  # a panel per backend
    assert min(min(v) for v in spans.values()) > 0.9, spans  # each curve runs (nearly) to its axis' end


def matplotlib_color(color) -> tuple:
    from matplotlib.colors import to_rgb
    return to_rgb(color)


def test_a_one_panel_figure_widens_to_hold_the_legend_of_its_sources(tmp_path):
    """One algorithm in one backend, three sources with long names: the head-to-head figure is one
    panel, narrower than its legend would be, so it grows until every name is inside it."""
    df = curves({('ppo', 'pytorch', 'Pong'): [[k for k in range(10)]]})
    refs = load_references(write_references(
        tmp_path / 'references.csv',
        *[f'ppo,Pong,5000,4,,,A source with a rather long name number {i},Pong,,3,,' for i in range(3)]))
    write_figures(df, str(tmp_path), refs)
    root = ET.fromstring((tmp_path / 'Pong_head_to_head.svg').read_text())
    width = float(root.get('width').removesuffix('pt'))
    assert width > 72 * (0.6 + 3.3)  # wider than a one-panel figure
    texts = [t for t in root.iter() if t.tag.endswith('text')]
    assert texts  # the labels are drawn as text, at x within the figure
    for t in texts:
        for x in re.findall(r'translate\((-?[\d.]+)', t.get('transform', '')):
            assert 0 <= float(x) <= width, t.get('transform')


def test_the_comparison_is_made_again_the_same_from_results_csv(runs, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(report, 'write_figures', lambda df, out_dir, references=None: [])  # tested above
    refs = write_references(tmp_path / 'references.csv',
                            'ppo,CartPole-v1,5000,60,40,80,Spinning Up (PyTorch),CartPole-v0,pytorch,3,,',
                            'sac,InvertedPendulum-v5,4000,30,,,CleanRL,InvertedPendulum-v4,,5,https://x.org,a table',
                            'sac,InvertedPendulum-v5,1000000,1000,,,CleanRL,InvertedPendulum-v4,,5,https://x.org,'
                            'a table')
    assert main([str(runs), '--references', refs]) == 0
    out = capsys.readouterr().out
    first = runs / 'report'
    lines = out.splitlines()
    assert str(first / 'comparison.md') in lines and str(first / 'comparison.csv') in lines
    tally = next(line for line in lines if line.startswith('3 reference points, 5 comparisons'))
    assert tally.endswith(f"2 n/a (see {first / 'comparison.md'})"), tally
    assert "reference points not drawn: 1 of sac on InvertedPendulum-v5, at step 1000000: beyond the runs' " \
           'last step, 5000' in lines
    md = (first / 'comparison.md').read_text()
    assert md.startswith('# Comparison with published results')
    # the 1M point is beyond the runs' last step: in the CSV (both backends), counted under the table
    assert md.count('\n| sac | InvertedPendulum-v5 |') == 2 and md.count('\n| ppo | CartPole-v1 | PyTorch |') == 1
    assert '| 1000000 |' not in md and '\nNot in the table: 2 rows where none of our runs gives a value' in md
    assert 'step 1000000). comparison.csv has every row.\n' in md
    assert len(pd.read_csv(first / 'comparison.csv')) == 5
    assert '\n- CleanRL: <https://x.org>\n' in md
    assert list(pd.read_csv(first / 'comparison.csv').columns) == report.COMPARISON_COLUMNS
    html = rst_to_html((first / 'comparison.rst.inc').read_text())
    assert html.count('<table') == 2 and '|' not in html  # a table per environment
    assert 'Not in the table: 2 rows where none' in html
    assert '<li><p>CleanRL: <a class="reference external" href="https://x.org">x.org</a></p></li>' in html
    assert main([str(first / 'results.csv'), '--out', str(tmp_path / 'again'), '--references', refs]) == 0
    for name in ('comparison.csv', 'comparison.md', 'comparison.rst.inc'):
        assert (tmp_path / 'again' / name).read_bytes() == (first / name).read_bytes(), name


@pytest.mark.parametrize('rows, message', [
    (None, 'is not a file'),
    (['algorithm,env,step,value,source', 'ppo,A,1000,5,X'], 'has no columns low, high, reference_env, backend'),
    ([REFERENCE_HEADER], 'has no rows'),
    ([REFERENCE_HEADER, 'ppo,A,1000,5,,,X,A,,,,', 'dqn,A,1000,5,,,X,A,,,,'], "line 3: unknown algorithm 'dqn'"),
    ([REFERENCE_HEADER, 'ppo,A,1M,5,,,X,A,,,,'], "line 2: step '1M' is not a whole number"),
    ([REFERENCE_HEADER, 'ppo,A,1000,about 5,,,X,A,,,,'], "line 2: value 'about 5' is not a number"),
    ([REFERENCE_HEADER, 'ppo,A,1000,5,1,,X,A,,,,'], 'line 2: low and high go together'),
    ([REFERENCE_HEADER, 'ppo,A,1000,5,6,7,X,A,,,,'], 'line 2: the band [6, 7] does not hold the value 5'),
    ([REFERENCE_HEADER, 'ppo,A,1000,5,,,X,A,jax,,,'], "line 2: unknown backend 'jax'"),
])
def test_a_bad_references_csv_is_one_line_and_status_2(rows, message, tmp_path, capsys):
    tidy({('ppo', 'tf1', 'A'): [1, 2]}).to_csv(tmp_path / 'results.csv', index=False)
    path = tmp_path / 'references.csv'
    if rows is not None:
        path.write_text('\n'.join(rows) + '\n')
    argv = [str(tmp_path / 'results.csv'), '--out', str(tmp_path / 'out'), '--references', str(path)]
    with pytest.raises(SystemExit) as done:
        run_main(lambda: main(argv))
    err = capsys.readouterr().err
    assert done.value.code == 2 and err.count('\n') == 1 and err.startswith('Error: '), err
    assert message in err and 'Traceback' not in err, err
    assert not (tmp_path / 'out').exists()  # refused before anything is written
