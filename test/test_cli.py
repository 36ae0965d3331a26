"""The command line: parsing, name resolution, environment ids, and clear errors for bad input."""
import inspect
import subprocess
import sys
import typing

import pytest
import torch

from conftest import run_cli, run_python
from spinup.algos import IMPLEMENTATIONS, load
from spinup.cli import flags
from spinup.cli.signatures import Computed, ReadSignature, read_algorithm
from spinup.utils.envs import resolve_env_id
from spinup.utils.errors import SpinupError


def test_parse_flags_grid_shorthand_and_shortcuts():
    values, shorthands = flags.parse_flags(
        ['--env', 'CartPole-v1', '--seed', '0', '10', '--hid[h]', '[32]', '[64,64]',
         '--act', 'torch.nn.ReLU', '--pi_lr', '1e-3', '--dt', '--cpu', '2'])
    assert values == {'env_name': ['CartPole-v1'], 'seed': [0, 10],
                      'ac_kwargs:hidden_sizes': [[32], [64, 64]],
                      'ac_kwargs:activation': [torch.nn.ReLU], 'pi_lr': [1e-3],
                      'datestamp': [True], 'num_cpu': [2]}
    assert shorthands == {'ac_kwargs:hidden_sizes': 'h'}


def test_parse_value_literals_names_and_strings():
    assert flags.parse_value('(64, 32)', 'hid') == (64, 32)
    assert flags.parse_value('-1', 'x') == -1
    assert flags.parse_value('nn.Tanh', 'act') is torch.nn.Tanh
    assert flags.parse_value('HalfCheetah-v5', 'env') == 'HalfCheetah-v5'
    assert flags.parse_value('my_run', 'exp_name') == 'my_run'


@pytest.mark.parametrize('text', ['[32,', '(1, 2', "{'a': 1", 'a,b'])
def test_parse_value_malformed(text):
    with pytest.raises(SpinupError, match='malformed value'):
        flags.parse_value(text, 'hid')


def test_parse_value_unknown_name_suggests():
    with pytest.raises(SpinupError, match="did you mean 'ReLU'"):
        flags.parse_value('torch.nn.Relu', 'act')


def test_parse_value_never_evaluates_code(tmp_path):
    marker = tmp_path / 'pwned'
    text = f"__import__('os').system('touch {marker}')"
    with pytest.raises(SpinupError):
        flags.parse_value(text, 'x')
    assert not marker.exists()


def test_string_flags_stay_as_typed_and_equals_form():
    values, _ = flags.parse_flags(['--exp_name', '1e3', '--data_dir', 'runs (old)', '--steps-per-epoch=200',
                                 '--env=CartPole-v1', '--seed', '-1'])
    assert values == {'exp_name': ['1e3'], 'data_dir': ['runs (old)'], 'steps_per_epoch': [200],
                      'env_name': ['CartPole-v1'], 'seed': [-1]}


def test_values_before_flags_and_bad_flags():
    with pytest.raises(SpinupError, match='before any flag'):
        flags.parse_flags(['CartPole-v1'])
    with pytest.raises(SpinupError, match='malformed flag'):
        flags.parse_flags(['--hid[h', '[32]'])


def test_resolve_algo(monkeypatch):
    assert flags.resolve_algo('ppo_pytorch') == 'ppo_pytorch'
    monkeypatch.setitem(flags.DEFAULT_BACKEND, 'ppo', 'pytorch')
    assert flags.resolve_algo('ppo') == 'ppo_pytorch'
    monkeypatch.setitem(flags.DEFAULT_BACKEND, 'ppo', 'tf1')
    assert flags.resolve_algo('ppo') == 'ppo_tf1'
    monkeypatch.setitem(flags.DEFAULT_BACKEND, 'ppo', 'tensorflow')
    with pytest.raises(SpinupError, match='DEFAULT_BACKEND'):
        flags.resolve_algo('ppo')
    with pytest.raises(SpinupError, match="did you mean 'ppo_pytorch'"):
        flags.resolve_algo('ppo_pytorh')


def test_env_ids_old_versions_resolve_with_warning(capsys):
    assert resolve_env_id('CartPole-v0') == 'CartPole-v0'  # still served
    assert resolve_env_id('CartPole-v1') == 'CartPole-v1'
    assert resolve_env_id('LunarLander-v2') == 'LunarLander-v3'
    assert "'LunarLander-v2' is not served" in capsys.readouterr().err
    assert resolve_env_id('HalfCheetah-v2') == 'HalfCheetah-v5'
    assert resolve_env_id('HalfCheetah-v3') == 'HalfCheetah-v5'
    assert resolve_env_id('InvertedPendulum-v2') == 'InvertedPendulum-v5'
    assert resolve_env_id('Walker2d-v2') == 'Walker2d-v5'


def test_unknown_env_id_names_the_nearest():
    with pytest.raises(SpinupError, match="unknown environment id 'CartPol-v1': did you mean 'CartPole-v1'"):
        resolve_env_id('CartPol-v1')


def test_import_spinup_is_light():
    out = run_python("import sys, spinup; print('torch' in sys.modules, 'tensorflow' in sys.modules)")
    assert out.strip() == 'False False'
    out = run_python("import sys, spinup; spinup.ppo_pytorch; print('torch' in sys.modules, 'tensorflow' in sys.modules)")
    assert out.strip() == 'True False'
    out = run_python("import sys, spinup; f = spinup.ppo_tf1; print('torch' in sys.modules, 'tensorflow' in sys.modules, f.__module__)")
    assert out.split() == ['False', 'True', 'spinup.algos.tf1.ppo.ppo']  # a TF1 user never waits for torch
    out = run_python("import spinup; print(' '.join(n for n in spinup.__all__ if not n.startswith('_')))")
    assert set(out.split()) >= {f'{a}_{b}' for a in ('vpg', 'trpo', 'ppo', 'ddpg', 'td3', 'sac')
                                for b in ('tf1', 'pytorch')}


def test_help_lists_commands():
    result = run_cli()
    assert result.returncode == 0
    assert 'ppo_pytorch' in result.stdout and 'test_policy' in result.stdout and 'plot' in result.stdout
    result = run_cli('ppo', '--help')
    assert result.returncode == 0
    assert '--clip_ratio' in result.stdout


def test_the_utilities_list_is_aligned(capsys):
    from spinup.run import print_help
    print_help()
    lines = [line for line in capsys.readouterr().out.splitlines()
             if line.split()[:1] and line.split()[0] in flags.UTILITIES and 'python -m spinup.run' in line]
    assert sorted(line.split()[0] for line in lines) == sorted(flags.UTILITIES)
    assert len({line.index('python -m spinup.run') for line in lines}) == 1, '\n'.join(lines)


def help_entries(text):
    """``{first flag: its entry on one line}`` from an argparse-like list of flags."""
    entries, flag = {}, None
    for line in text.splitlines():
        if line.startswith('  --'):
            flag = line.split()[0].rstrip(',')
            entries[flag] = line.strip()
        elif flag and line.startswith('   '):
            entries[flag] += ' ' + line.strip()
        else:
            flag = None
    return entries


def test_help_for_an_algorithm_lists_its_flags_as_typed(capsys):
    from spinup.run import main
    assert main(['ppo_pytorch', '--help']) == 0
    out = capsys.readouterr().out
    assert 'env_fn (callable)' not in out and '``' not in out and '=====' not in out
    entries = help_entries(out)
    assert entries['--num_envs'] == ('--num_envs, --num_env, --n_envs Copies of the environment stepped '
                                     'together, each `steps_per_epoch / num_envs` steps an epoch (per MPI '
                                     'process), through a gymnasium vector environment. (default: 1)')
    assert entries['--env_name'].startswith('--env_name, --env ')
    assert entries['--env_name'].endswith('(required)')
    assert entries['--ac_kwargs:hidden_sizes'].startswith('--ac_kwargs:hidden_sizes, --hid ')
    assert entries['--target_kl'].endswith('(default: 0.01)')
    assert entries['--normalize_obs'].startswith('--normalize_obs, --norm_obs ')
    assert entries['--num_cpu'].startswith('--num_cpu, --cpu ')
    for flag in ('--seed', '--exp_name', '--data_dir', '--datestamp', '--workers', '--tensorboard'):
        assert flag in entries
    assert '--env_fn' not in entries and '--logger_kwargs' not in entries  # (--env and the run flags)


def test_every_algorithm_argument_has_a_meaning_in_help():
    """Every argument of every algorithm has an entry in its docstring's Args section, which
    --help reads its meanings from."""
    import ast
    import importlib.util
    from spinup.algos import REGISTRY
    for name, (module, function) in REGISTRY.items():
        source = open(importlib.util.find_spec(module).origin).read()
        node = next(n for n in ast.parse(source).body
                    if isinstance(n, ast.FunctionDef) and n.name == function)
        documented = flags.docstring_args(ast.get_docstring(node))
        assert [a.arg for a in node.args.args if a.arg not in documented] == [], name
        assert all(documented.values()), name


def test_plain_text_and_first_sentence_of_a_docstring_entry():
    assert flags.plain('Keyword arguments for ``actor_critic``; see :class:`~spinup.utils.logx.EpochLogger` '
                       'and :ref:`the two initialisations <agent-init>`.') == \
        'Keyword arguments for `actor_critic`; see `EpochLogger` and the two initialisations.'
    assert flags.first_sentence('Makes it, e.g. ``EnvFn(1.5)``. (Thousands.) More.') == \
        'Makes it, e.g. ``EnvFn(1.5)``.'
    assert flags.first_sentence('Steps (one batch. Or two.) per epoch. (Thousands.)') == \
        'Steps (one batch. Or two.) per epoch.'


def test_counts_are_those_the_algorithms_check():
    """check_counts holds the same arguments to at least 1 as each algorithm's own check_inputs
    call: no more (a value the algorithm takes is not refused), no fewer."""
    import ast
    import importlib.util
    from spinup.algos import REGISTRY
    for name, (module, function) in REGISTRY.items():
        tree = ast.parse(open(importlib.util.find_spec(module).origin).read())
        node = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == function)
        calls = [c for c in ast.walk(node)
                 if isinstance(c, ast.Call) and getattr(c.func, 'id', None) == 'check_inputs']
        checked = {k.arg for c in calls for k in c.keywords} - {'one_process'}
        assert checked == set(flags.COUNTS) & {a.arg for a in node.args.args}, name


@pytest.mark.parametrize('args', [['--num_envs', '3', '--steps_per_epoch', '1000'],
                                  ['--num_env', '1', '3', '--steps_per_epoch', '1000'],
                                  ['--num_envs', '8', '--cpu', '2', '--steps_per_epoch', '1000'],
                                  ['--vector_mode', 'threads'],
                                  ['--num_minibatches', '3', '--steps_per_epoch', '1000'],
                                  ['--max_grad_norm', '0']])
def test_a_bad_split_of_an_epoch_is_refused_before_anything_is_printed(args, tmp_path, capsys, monkeypatch):
    from spinup.run import main
    from spinup.utils import run_utils

    def launch(*args, **kwargs):
        raise AssertionError('an experiment was launched')

    monkeypatch.setattr(run_utils, 'call_experiment', launch)
    with pytest.raises(SpinupError, match='split evenly|vector_mode|must split the 1000|above 0') as err:
        main(['ppo_pytorch', '--env', 'CartPole-v1', '--data_dir', str(tmp_path), *args])
    assert 'experiment' not in str(err.value)  # the algorithm's own line, not a failed experiment's
    assert capsys.readouterr().out == ''
    with pytest.raises(SpinupError, match='update_every must be at least 1, not 0'):
        main(['ddpg_pytorch', '--env', 'Pendulum-v1', '--update_every', '0', '--data_dir', str(tmp_path)])
    assert capsys.readouterr().out == ''


def test_a_relaunch_with_a_bad_split_is_refused_before_it_starts(tmp_path):
    import json
    from spinup.cli.relaunch import relaunch_arguments
    config = {'_run': {'function': 'spinup.algos.pytorch.ppo.ppo.ppo', 'num_procs': 1},
              'env_fn': {"EnvFn('CartPole-v1')": {'env_id': 'CartPole-v1', 'kwargs': {}}},
              'exp_name': 'x', 'epochs': 1, 'steps_per_epoch': 1000, 'seed': 0}
    (tmp_path / 'config.json').write_text(json.dumps(config))
    with pytest.raises(SpinupError, match='split evenly over the num_envs=3'):
        relaunch_arguments(str(tmp_path / 'config.json'), ['--num_envs', '3', '--exp_name', 'y'])


def test_a_single_run_is_announced_as_a_run_not_as_a_grid(tmp_path, capsys, monkeypatch):
    import re
    from spinup.run import main
    from spinup.utils import run_utils
    launched = []
    monkeypatch.setattr(run_utils, 'call_experiment', lambda *args, **kwargs: launched.append((args, kwargs)))
    main(['ppo_pytorch', '--env', 'CartPole-v1', '--exp_name', 'installtest', '--data_dir', str(tmp_path)])
    out = re.sub(r'\x1b\[[0-9;]*m', '', capsys.readouterr().out)
    assert out.splitlines() == [f'Running ppo_pytorch on CartPole-v1, seed 0: output in '
                                f'{tmp_path}/installtest/installtest_s0']
    (args, kwargs), = launched
    assert args == ('installtest', 'ppo_pytorch')
    assert kwargs['logger_kwargs']['output_dir'] == f'{tmp_path}/installtest/installtest_s0'
    main(['ppo_pytorch', '--env', 'CartPole-v1', '--seed', '0', '1', '--data_dir', str(tmp_path)])
    assert 'ExperimentGrid [cmd_ppo_pytorch] varies:' in capsys.readouterr().out  # (a grid is one)


BAD_INPUT = [
    (['pop', '--env', 'CartPole-v1'], "unknown command 'pop'"),
    (['ppo_pytorch', '--env', 'CartPole-v1', '--clip_ration', '0.1'], 'unknown flag --clip_ration'),
    (['ppo_pytorch', '--env', 'CartPole-v1', '--ac_kwargs:hiden_sizes', '[3]'], 'unknown flag --ac_kwargs:hiden_sizes'),
    (['ppo_pytorch', '--env', 'NoSuchEnv-v9'], "unknown environment id 'NoSuchEnv-v9'"),
    (['ppo_pytorch', '--env', 'CartPole-v1', '--hid', '[32,'], "malformed value '[32,'"),
    (['ppo_pytorch', '--env', 'CartPole-v1', '--hid', '[0]'], '--hid takes lists of layer widths'),
    (['ppo_pytorch', '--env', 'CartPole-v1', '--act', 'relu'], '--act takes an activation'),
    (['ppo_pytorch', '--env', 'FrozenLake-v1'], 'takes flat vectors'),
    (['ppo_pytorch', '--env', 'CartPole-v1', '--seed', '-s'], "'-s' is not a flag"),
    (['ppo_pytorch', '--env', 'CartPole-v1', '--logger_kwargs:exp_name', 'x'], 'unknown flag --logger_kwargs:exp_name'),
    (['ppo_pytorch', '--epochs', '1'], 'no environment given'),
    (['ppo_pytorch', '--env', 'CartPole-v1', '--cpu', 'two'], '--cpu takes'),
    (['ppo_pytorch', '--env', 'CartPole-v1', '--seed', '0', 'x'], "--seed takes a whole number (default 0), not 'x'"),
    (['ppo_pytorch', '--env', 'CartPole-v1', '--gamma', 'high'], '--gamma takes a number'),
    (['ppo_tf1', '--env', 'CartPole-v1', '--act', 'torch.nn.ReLU'], '--act takes an activation such as tf.nn.relu'),
    (['ppo_tf1', '--env', 'CartPole-v1', '--ac_kwargs:x', '[1]'], 'unknown flag --ac_kwargs:x'),
    (['ppo_tf1', '--env', 'FrozenLake-v1'], 'takes flat vectors'),
    (['test_policy', '{tmp}'], 'no saved model'),
    (['test_policy', '{tmp}/missing'], 'no run folder'),
    (['plot', '{tmp}'], 'no progress.txt'),
    (['test_policy', '{tmp}', '--episodes'], 'expected one argument'),
    (['plot', '{tmp}', '--est', 'np.mean'], '--est takes one of'),
    (['sac', '--env', 'CartPole-v1'], 'sac_pytorch needs continuous (Box) actions'),
    (['td3_tf1', '--env', 'Pendulum-v1', '--cpu', '2'], 'td3_tf1 runs in one process'),
    (['ddpg_pytorch', '--env', 'Pendulum-v1', '--update_every', '0'], 'update_every must be at least 1, not 0'),
    (['ppo_tf1', '--env', 'CartPole-v1', '--save_freq', '0'], 'save_freq must be at least 1, not 0'),
]


@pytest.mark.parametrize('args,message', BAD_INPUT)
def test_bad_input_gives_one_clear_line(tmp_path, args, message):
    args = [a.replace('{tmp}', str(tmp_path)) for a in args]
    if args[0].startswith('ppo'):
        args += ['--data_dir', str(tmp_path)]
    result = run_cli(*args, cwd=tmp_path)
    assert result.returncode != 0
    assert 'Traceback' not in result.stderr + result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith('Error:')]
    assert len(errors) == 1, result.stderr
    assert message in errors[0], errors[0]
    assert not list(tmp_path.glob('**/progress.txt')), 'a run started despite bad input'


@pytest.mark.parametrize('name, package', [('ppo_pytorch', 'torch'), ('sac_tf1', 'tensorflow')])
def test_an_algorithm_whose_framework_is_missing_is_one_line(name, package, tmp_path):
    """With its framework not installed (here hidden), an algorithm is refused in one line
    that says what to install, not with an import traceback."""
    code = (f"import runpy, sys; sys.modules[{package!r}] = None; "
            f"sys.argv = ['spinup.run', {name!r}, '--env', 'Pendulum-v1', '--data_dir', {str(tmp_path)!r}]; "
            f"runpy.run_module('spinup.run', run_name='__main__')")
    result = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert result.returncode == 2, result.stderr
    assert 'Traceback' not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith(f'Error: {name} needs {package}, which is not installed: pip install')


def test_a_mujoco_run_in_tf1_prints_no_third_party_notices(tmp_path):
    """MuJoCo's settotalmass deprecation and TensorFlow's two absl lines stay out of a run's
    output; our own lines stay in."""
    result = run_cli('ppo_tf1', '--env', 'HalfCheetah-v5', '--epochs', '1', '--steps_per_epoch', '200',
                     '--hid', '[8]', '--data_dir', str(tmp_path), '--cpu', '2', cwd=str(tmp_path))
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    for notice in ('settotalmass', 'absl::InitializeLog', 'MLIR V1 optimization pass'):
        assert notice not in output, notice
    assert 'Epoch 0 done' in output and 'Running ppo_tf1 on HalfCheetah-v5' in output
    assert not (tmp_path / 'MUJOCO_LOG.TXT').exists()


def test_mujocos_other_warnings_still_show(capsys):
    import mujoco
    from spinup.utils.envs import quiet_mujoco
    quiet_mujoco('HalfCheetah-v5')
    warn = mujoco.get_mju_user_warning()
    warn("compiler attribute 'settotalmass' is deprecated and will be removed")
    warn('Nan, Inf or huge value in QACC at DOF 0. The simulation is unstable.')
    out = capsys.readouterr().out
    assert 'settotalmass' not in out and 'WARNING: Nan, Inf or huge value in QACC' in out


# The checks read the algorithm's arguments from its source

def _optional(annotation) -> bool:
    return type(None) in typing.get_args(annotation)


def _assert_same_arguments(read, real, where):
    """What the checks use (names, kinds, defaults, Optional annotations, and the default
    actor-critic's own arguments) is the same read from the source as imported."""
    got, want = inspect.signature(read).parameters, inspect.signature(real).parameters
    assert list(got) == list(want), where
    for key, p in got.items():
        q = want[key]
        assert p.kind == q.kind and _optional(p.annotation) == _optional(q.annotation), (where, key)
        if isinstance(p.default, ReadSignature):
            _assert_same_arguments(p.default, q.default, f'{where}, {key}')
        elif isinstance(p.default, Computed):  # a class or a function in the source
            assert callable(q.default), (where, key, q.default)
        else:
            assert (p.default, type(p.default)) == (q.default, type(q.default)), (where, key)


@pytest.mark.parametrize('name', sorted(IMPLEMENTATIONS))
def test_the_arguments_read_from_the_source_are_the_imported_ones(name):
    read, imported = read_algorithm(name), load(name)
    assert isinstance(read, ReadSignature), f'{name} could not be read from its source'
    _assert_same_arguments(read, imported, name)
    assert read.__doc__ == inspect.getdoc(imported)
    assert flags.algorithm_help(name, read, width=100) == flags.algorithm_help(name, imported, width=100)


def test_the_checks_and_the_help_do_not_import_a_framework():
    """A run's process imports its framework; the command line's own process does not, so a
    TF1 run does not load TensorFlow twice (seconds each time)."""
    out = run_python('''
import contextlib, io, sys
from spinup.run import main
from spinup.utils.errors import SpinupError
with contextlib.redirect_stdout(io.StringIO()) as shown:
    main(['sac_tf1', '--help'])
print(shown.getvalue().split()[:2])
for argv in (['sac_tf1', '--env', 'Pendulum-v1', '--clip_ration', '0.1'],
             ['ppo_pytorch', '--env', 'CartPole-v1', '--epochs', '1.5'],
             ['ppo_tf1', '--policy', 'lstm', '--env', 'CartPole-v1', '--num_envs', '4',
              '--num_minibatches', '3']):
    try:
        main(argv)
    except SpinupError as err:
        print(str(err).split()[0])
print('tensorflow' in sys.modules, 'torch' in sys.modules)
''')
    assert out.split() == ["['usage:',", "'python']", 'unknown', '--epochs', 'num_minibatches=3',
                           'False', 'False'], out
