"""An algorithm's arguments, read from its source file without importing it.

The command line checks every flag against the algorithm's arguments, then runs each
experiment in a process of its own, which imports the algorithm. Importing it for the checks
too would load its framework a second time, in a process that never trains (TensorFlow takes
seconds). The checks need only what the ``def`` line states: the names, the defaults and the
annotations, and the keyword arguments of the default actor-critic; ``--help`` adds the
docstring, which the source states too.
"""
import ast
import inspect
import typing
from pathlib import Path
from typing import Any, Callable, Optional

import spinup

PACKAGE = Path(spinup.__file__).resolve().parent

# The names an annotation of an algorithm may use
ANNOTATION_NAMES = {name: getattr(typing, name) for name in ('Any', 'Callable', 'Dict', 'List',
                    'Optional', 'Sequence', 'Tuple', 'Type', 'Union')}
ANNOTATION_NAMES.update(int=int, float=float, bool=bool, str=str)


# Builtins a default may call on literals
LITERAL_CALLS = dict(int=int, float=float, bool=bool, dict=dict, tuple=tuple)


class Unreadable(Exception):
    """The source does not state what the checks need: import the function instead."""


class Computed:
    """A default that the source computes (a class, a function): kept as its expression, and
    named, as the help names a class or a function, by the expression's last name."""

    def __init__(self, expr: ast.expr):
        self.text = ast.unparse(expr)
        if isinstance(expr, (ast.Name, ast.Attribute)):
            self.__name__ = self.text.rpartition('.')[2]

    def __repr__(self) -> str:
        return self.text


class ReadSignature:
    """What the checks and the help use of a function: its ``__name__``, its docstring and, for
    :func:`inspect.signature`, its ``__signature__``. It cannot be called."""

    def __init__(self, name: str, signature: inspect.Signature, doc: Optional[str]):
        self.__name__ = name
        self.__signature__ = signature
        self.__doc__ = doc

    def __call__(self, *args, **kwargs):
        raise TypeError(f'{self.__name__} was read from its source, not imported: '
                        f'spinup.algos.load imports it')


def _source(module: str) -> ast.Module:
    parts = module.split('.')
    if parts[0] != 'spinup':
        raise Unreadable(module)
    path = PACKAGE.joinpath(*parts[1:]).with_suffix('.py')
    if not path.is_file():
        raise Unreadable(module)
    return ast.parse(path.read_text(), filename=str(path))


def _definition(tree: ast.Module, name: str) -> ast.AST:
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name == name:
            return node
    raise Unreadable(name)


def _imported_module(tree: ast.Module, alias: str) -> str:
    """The module that ``alias`` names in ``tree`` (``import a.b.core as core`` or ``from a.b
    import core``)."""
    for node in tree.body:
        if isinstance(node, ast.Import):
            for a in node.names:
                if (a.asname or a.name) == alias:
                    return a.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            for a in node.names:
                if (a.asname or a.name) == alias:
                    return f'{node.module}.{a.name}'
    raise Unreadable(alias)


def _default(tree: ast.Module, expr: ast.expr, resolve: bool) -> Any:
    try:
        return ast.literal_eval(expr)
    except (ValueError, TypeError):
        pass
    if isinstance(expr, ast.Call) and getattr(expr.func, 'id', None) in LITERAL_CALLS:
        # int(1e6), dict(): a builtin called on literals
        args = [ast.literal_eval(a) for a in expr.args]
        kwargs = {k.arg: ast.literal_eval(k.value) for k in expr.keywords}
        return LITERAL_CALLS[expr.func.id](*args, **kwargs)
    if resolve and isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
        # the default actor-critic, ``core.X``: its own arguments, read the same way
        module = _imported_module(tree, expr.value.id)
        return _read(_source(module), expr.attr)
    return Computed(expr)


def _annotation(expr: Optional[ast.expr]) -> Any:
    if expr is None:
        return inspect.Parameter.empty
    try:
        return eval(compile(ast.Expression(expr), '<annotation>', 'eval'), {'__builtins__': {}},
                    dict(ANNOTATION_NAMES))
    except Exception:  # a name of the framework's (torch.device): the checks do not read it
        return inspect.Parameter.empty


def _read(tree: ast.Module, name: str) -> ReadSignature:
    """The function or class ``name`` defined in ``tree``: its arguments (a class's, those of its
    ``__init__`` after ``self``) and its docstring."""
    node = _definition(tree, name)
    doc = ast.get_docstring(node)
    skip_self = isinstance(node, ast.ClassDef)
    if skip_self:
        node = next((n for n in node.body
                     if isinstance(n, ast.FunctionDef) and n.name == '__init__'), None)
        if node is None:
            raise Unreadable(f'{name}.__init__')
    args = node.args
    P = inspect.Parameter
    positional = ([(a, P.POSITIONAL_ONLY) for a in args.posonlyargs]
                  + [(a, P.POSITIONAL_OR_KEYWORD) for a in args.args])
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    params = [(arg, kind, default) for (arg, kind), default in zip(positional, defaults)]
    if args.vararg:
        params.append((args.vararg, P.VAR_POSITIONAL, None))
    params += [(a, P.KEYWORD_ONLY, d) for a, d in zip(args.kwonlyargs, args.kw_defaults)]
    if args.kwarg:
        params.append((args.kwarg, P.VAR_KEYWORD, None))
    if skip_self:
        params = params[1:]
    signature = inspect.Signature([
        P(arg.arg, kind, annotation=_annotation(arg.annotation), default=P.empty if default is None
          else _default(tree, default, resolve=arg.arg == 'actor_critic'))
        for arg, kind, default in params])
    return ReadSignature(name, signature, doc)


def read_algorithm(name: str) -> Callable:
    """The registered algorithm ``name`` as the command line's checks and help see it, read from
    its source; imported (:func:`spinup.algos.load`) where the source cannot be read so. Refuses,
    in one line, an algorithm whose framework is not installed, as ``load`` does."""
    from spinup.algos import IMPLEMENTATIONS, check_framework, load
    check_framework(name)
    module, function = IMPLEMENTATIONS[name]
    try:
        return _read(_source(module), function)
    except (Unreadable, SyntaxError, ValueError, TypeError):
        return load(name)


__all__ = ['Computed', 'ReadSignature', 'read_algorithm']
