"""The benchmark report, on synthetic run folders: no training."""
import json
import warnings
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest
from scipy.stats import trim_mean

from spinup.benchmarks import report
from spinup.benchmarks.report import (COLUMNS, MAX_POINTS, collect, final_performance, load_csv, main, summarize,
                                      summary_markdown, thin_epochs, write_report)
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
    assert sorted(p.rsplit('/', 1)[1] for p in paths) == sorted(['results.csv', 'summary.csv', 'summary.md'] + figures)
    assert sorted(p.name for p in out.iterdir()) == sorted(['results.csv', 'summary.csv', 'summary.md'] + figures)
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


def test_the_report_made_again_from_results_csv_alone_is_the_same(runs, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(report, 'write_figures', lambda df, out_dir: [])  # tested above; slow to draw
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


def test_the_committed_small_results_are_whole_and_regenerate_from_their_csv(tmp_path, monkeypatch):
    """docs/benchmarks/small: all twelve pairs with their seeds, a figure of each kind for each
    environment, and a summary that the CSV alone gives again, byte for byte."""
    from pathlib import Path

    from spinup.benchmarks.presets import PRESETS, experiments
    small = Path(__file__).resolve().parent.parent / 'docs' / 'benchmarks' / 'small'
    results = load_csv(str(small / 'results.csv'))
    runs = experiments(PRESETS['small'])
    assert set(map(tuple, results[['algorithm', 'backend', 'env', 'seed']].drop_duplicates().values)) == \
        {(e.algo, e.backend, e.env, e.seed) for e in runs}
    assert len(results) == sum(e.epochs for e in runs)
    for env in {e.env for e in runs}:
        for kind in ('algorithms', 'head_to_head'):
            for ext in ('svg', 'png'):
                assert (small / f'{env}_{kind}.{ext}').is_file(), f'{env}_{kind}.{ext}'
    monkeypatch.setattr(report, 'write_figures', lambda df, out_dir: [])  # the statistics are what must agree
    assert main([str(small / 'results.csv'), '--out', str(tmp_path)]) == 0
    for name in ('summary.csv', 'summary.md'):
        assert (tmp_path / name).read_bytes() == (small / name).read_bytes(), name
