"""How the package is laid out: the layers import one way, with no circle, and the helpers
that VPG, TRPO and PPO each keep a copy of (so that each folder reads alone) stay identical."""
import ast
import importlib
import inspect
from pathlib import Path

import pytest

SPINUP = Path(__file__).resolve().parent.parent / 'spinup'

# Each layer may import the layers after it in this list, never those before it
LAYERS = ['cli', 'benchmarks', 'exercises', 'examples', 'algos', 'utils']


def imported_layers(path: Path):
    """The ``spinup.<layer>`` packages that the module at ``path`` imports, at its top or
    inside a function (a lazy import is an import too), with the line of each."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f'{node.module}.{alias.name}' for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split('.')
            if parts[0] == 'spinup' and len(parts) > 1 and parts[1] in LAYERS:
                found.add((parts[1], node.lineno))
    return sorted(found, key=lambda item: item[1])


def layer_of(path: Path) -> str:
    return path.relative_to(SPINUP).parts[0]


def test_each_layer_imports_only_the_layers_below_it():
    """Nothing under spinup/utils imports the algorithms (or anything above them), and the
    algorithms import only spinup/utils: the command line, the benchmarks and the exercises
    sit above both."""
    wrong = []
    for path in sorted(SPINUP.rglob('*.py')):
        layer = layer_of(path)
        if layer not in LAYERS:
            continue  # spinup/__init__.py, run.py, ...: the package's own top, above every layer
        allowed = set(LAYERS[LAYERS.index(layer):])
        wrong += [f'{path.relative_to(SPINUP.parent)}:{line} imports spinup.{other}'
                  for other, line in imported_layers(path) if other not in allowed]
    assert not wrong, '\n'.join(wrong)


def test_the_layers_import_each_other_with_no_circle():
    graph = {layer: set() for layer in LAYERS}
    for path in SPINUP.rglob('*.py'):
        if layer_of(path) in graph:
            graph[layer_of(path)] |= {other for other, _ in imported_layers(path)} - {layer_of(path)}
    done, visiting = set(), []

    def visit(layer):
        assert layer not in visiting, ' -> '.join(visiting + [layer])
        if layer in done:
            return
        visiting.append(layer)
        for other in graph[layer]:
            visit(other)
        visiting.pop()
        done.add(layer)
    for layer in graph:
        visit(layer)
    assert graph['utils'] == set() and graph['algos'] == {'utils'}, graph


def test_the_layer_test_sees_a_lazy_import_of_the_algorithms(tmp_path):
    module = tmp_path / 'spinup' / 'utils' / 'late.py'
    module.parent.mkdir(parents=True)
    module.write_text('def f():\n    from spinup.algos import REGISTRY\n    import spinup.cli.flags\n')
    assert imported_layers(module) == [('algos', 2), ('cli', 3)]


# The helpers VPG, TRPO and PPO each keep in their core.py. The policies and agents are not
# all shared: TRPO's TF1 policies also give the old distribution's parameters for its KL, and
# PPO adds the Nature CNN for images.
SHARED = {
    'pytorch': ['combined_shape', 'mlp', 'count_vars', 'discount_cumsum', 'Actor', 'MLPCategoricalActor',
                'MLPGaussianActor', 'MLPCritic', 'layer_init', 'orthogonal_init', 'MLPActorCritic'],
    'tf1': ['combined_shape', 'placeholder', 'placeholders', 'placeholder_from_space', 'placeholders_from_spaces',
            'mlp', 'kernel_initializer', 'dense', 'get_vars', 'count_vars', 'gaussian_likelihood', 'discount_cumsum'],
}


@pytest.mark.parametrize('backend', ['pytorch', 'tf1'])
def test_the_on_policy_core_helpers_are_one_text_in_three_copies(backend):
    cores = {algo: importlib.import_module(f'spinup.algos.{backend}.{algo}.core') for algo in ('vpg', 'trpo', 'ppo')}
    for name in SHARED[backend]:
        sources = {algo: inspect.getsource(getattr(core, name)) for algo, core in cores.items()}
        assert sources['vpg'] == sources['trpo'] == sources['ppo'], f'{backend} {name} differs between copies'
