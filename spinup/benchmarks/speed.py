"""Speed benchmark: environment steps per second of the algorithms, against the raw limit, and
where each run's time goes.

``python -m spinup.benchmarks.speed [ALGO ...] [--env HalfCheetah-v5]
[--hid "[64,32]"] [--steps 4000] [--epochs 10] [--seed 0] [--ops N]
[--num_envs 1 4 8] [--vector_mode sync async ale]``

The algorithms default to PPO in both backends (``ppo_pytorch ppo_tf1``). For each, it
trains for ``steps x epochs`` environment steps (updates included) and reports steps per
second from the run's own clock (``Time`` in progress.txt, which starts when interaction
starts), less the off-policy algorithms' test episodes, which are evaluation, not training
(their time has a column of its own). Just before each run it measures the raw limit: the
environment stepped with actions from one forward pass of an MLP of the same sizes, and
nothing else. The ratio says how close the algorithm gets to that limit; taking the limit
next to each run keeps the ratio fair on a machine whose speed drifts.

The breakdown splits each run's time, per environment step, into the policy step (choosing an
action: ``ac.step``/``ac.act`` in PyTorch, the acting ``sess.run`` in TF1), the environment
step, the update, the test episodes (off-policy algorithms only) and the rest, bookkeeping:
buffers, logging and saving. For the off-policy algorithms it also profiles 100 update calls
and reports the share of the update's time spent in the matrix library's kernels (matrix
products alone, and every tensor op); what is left is Python and the framework's dispatch.
``--ops N`` also lists, for each of those runs, the N ops that take the most of an update.
The figures come from the phases the algorithms mark on purpose (:mod:`spinup.utils.phases`:
their update, their agent's step, the vector's step), which this tool listens to; the
algorithm files carry no timing code.

For the off-policy algorithms, use their network and a budget past the random start:
``python -m spinup.benchmarks.speed ddpg_pytorch ddpg_tf1 --hid "[256,256]" --epochs 5``.

``--num_envs`` and ``--vector_mode`` run VPG, TRPO and PPO once for each number of environment
copies and each kind of vector (``sync``: in this process; ``async``: a subprocess a copy;
``ale``: an Atari game's copies in ale-py's C++ vector).
Next to each such run, the ``envs`` column gives the same vector of environments stepped alone
with random actions: what collection would cost with a policy that took no time.
"""
import contextlib
import io
import os
import sys
import tempfile
import textwrap
import time
from typing import Any, Callable, Dict, List, Optional, Sequence

from spinup.utils.envs import VECTOR_MODES
from spinup.utils.errors import ArgumentParser, SpinupError, run_main

PHASES = ('policy', 'env', 'bookkeeping', 'update', 'test')
# Steps of the raw-limit measurement before each run (fewer if the run itself is shorter)
RAW_STEPS = 20000
# The update calls profiled for the matrix share: PROFILE_CALLS of them, from the PROFILE_FROM-th on
PROFILE_FROM, PROFILE_CALLS = 500, 100
# Kernels that are matrix products, by framework op name
MATMUL_OPS = {'aten::mm', 'aten::addmm', 'aten::bmm', 'aten::baddbmm', 'aten::mv', 'aten::addmv',
              'MatMul', 'BatchMatMul', 'BatchMatMulV2', 'BatchMatMulV3', '_MklMatMul', '_FusedMatMul',
              '_MklFusedMatMul', '_MklBatchMatMulV2', '_MklNativeMatMul', '_MklNativeFusedMatMul',
              '_MklNativeBatchMatMulV2'}


def raw_throughput(env_id: str, hidden_sizes: Sequence[int], n_steps: int, seed: int = 0) -> float:
    """Steps per second of ``env_id`` driven by one forward pass of an MLP a step (PyTorch, one
    thread); for images (Atari), of PPO's CNN."""
    import gymnasium as gym
    import numpy as np
    import torch
    import torch.nn as nn

    from spinup.utils.envs import EnvFn
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    env = EnvFn(env_id)()
    discrete = isinstance(env.action_space, gym.spaces.Discrete)
    act_dim = env.action_space.n if discrete else env.action_space.shape[0]
    if len(env.observation_space.shape) == 3:
        from spinup.algos.pytorch.ppo.core import CNNActorCritic
        cnn = CNNActorCritic(env.observation_space, env.action_space, hidden_sizes)
        net = lambda obs: cnn.pi.head(cnn.trunk(obs))  # noqa: E731
    else:
        sizes = [env.observation_space.shape[0], *hidden_sizes, act_dim]
        layers: List[nn.Module] = []
        for i in range(len(sizes) - 1):
            layers += [nn.Linear(sizes[i], sizes[i + 1]), nn.Tanh()]
        net = nn.Sequential(*layers[:-1])

    def drive(steps: int) -> float:
        o, _ = env.reset(seed=seed)
        start = time.perf_counter()
        with torch.no_grad():
            for _ in range(steps):
                out = net(torch.as_tensor(o, dtype=None if o.dtype == np.uint8 else torch.float32)).numpy()
                a = int(np.argmax(out)) if discrete else out
                o, _, terminated, truncated, _ = env.step(a)
                if terminated or truncated:
                    o, _ = env.reset()
        return time.perf_counter() - start

    drive(min(n_steps, 1000))  # warm up: the first steps of a process are slower
    elapsed = drive(n_steps)
    env.close()
    torch.set_num_threads(threads)  # the algorithms choose their own
    return n_steps / elapsed


def vector_throughput(env_id: str, num_envs: int, vector_mode: str, n_steps: int, seed: int = 0) -> float:
    """Steps per second (summed over the copies) of ``num_envs`` copies of ``env_id`` in the
    vector the on-policy algorithms use, stepped with random actions and nothing else."""
    from spinup.utils.envs import EnvFn, make_vector_env
    envs = make_vector_env(EnvFn(env_id), num_envs, vector_mode)
    envs.action_space.seed(seed)

    def drive(steps: int) -> float:
        envs.reset(seed=seed)
        start = time.perf_counter()
        for _ in range(steps // num_envs):
            _, _, terminated, truncated, _ = envs.step(envs.action_space.sample())
            done = terminated | truncated
            if done.any():
                envs.reset(options={'reset_mask': done})
        return time.perf_counter() - start

    drive(min(n_steps, 1000))  # warm up
    elapsed = drive(n_steps)
    envs.close()
    return (n_steps // num_envs) * num_envs / elapsed


class RunClock:
    """Adds up the time a training run spends in each phase, through wrappers around the calls
    that make up a step: the agent's action, the environment's step, the update, the test
    episodes and saving. Only the outermost timed call counts, so an update's own session runs
    are not also counted as policy steps. Nothing counts before the training environment's
    first reset, where the run's ``Time`` starts."""

    def __init__(self):
        self.totals = {'policy': 0.0, 'env': 0.0, 'update': 0.0, 'test': 0.0, 'save': 0.0}
        self.started = False
        self.busy = False
        self.in_test = False
        self.update_calls = 0
        self.profiled_time = 0.0   # wall time of the profiled update calls, left out of the update mean
        self.profiling_excess = 0.0  # what profiling added to the run's time
        self.op_time: Dict[str, float] = {}  # kernel time by op name within the profiled calls
        self.profiler: Optional[Callable] = None  # (fn, args, kwargs) -> (result, {op name: seconds})

    def __call__(self, phase: str, fn: Callable, args: tuple, kwargs: dict):
        """Call ``fn``, counting its time as ``phase`` (a listener of :mod:`spinup.utils.phases`).
        A training vector's ``'reset'`` counts as ``'env'``, and its first starts the clock."""
        if phase == 'reset':
            self.in_test = False
            self.started = True  # the run's Time starts here
            phase = 'env'
        if not self.started or self.busy or (phase == 'policy' and self.in_test):
            return fn(*args, **kwargs)
        self.busy = True
        start = time.perf_counter()
        try:
            if phase == 'update':
                return self._update(fn, args, kwargs)
            return fn(*args, **kwargs)
        finally:
            self.totals[phase] += time.perf_counter() - start
            self.busy = False

    def timed(self, phase: str, fn: Callable) -> Callable:
        """``fn``, its calls counted as ``phase``."""
        return lambda *args, **kwargs: self(phase, fn, args, kwargs)

    def _update(self, fn, args, kwargs):
        self.update_calls += 1
        if self.profiler is None or not PROFILE_FROM < self.update_calls <= PROFILE_FROM + PROFILE_CALLS:
            return fn(*args, **kwargs)
        start = time.perf_counter()
        result, kernels = self.profiler(fn, args, kwargs)
        self.profiled_time += time.perf_counter() - start
        for op, seconds in kernels.items():
            self.op_time[op] = self.op_time.get(op, 0.0) + seconds
        return result

    def op_shares(self) -> Dict[str, float]:
        """Each op's kernel time per profiled update call over the mean time of an unprofiled
        call, largest first; empty if no calls were profiled."""
        unprofiled = self.update_calls - PROFILE_CALLS
        if self.profiler is None or self.update_calls < PROFILE_FROM + PROFILE_CALLS or unprofiled <= 0:
            return {}
        mean_call = (self.totals['update'] - self.profiled_time) / unprofiled
        # the profiled calls took longer than usual: count them at the mean instead
        self.profiling_excess = self.profiled_time - PROFILE_CALLS * mean_call
        self.totals['update'] -= self.profiling_excess
        shares = {op: t / PROFILE_CALLS / mean_call for op, t in self.op_time.items()}
        return dict(sorted(shares.items(), key=lambda item: -item[1]))


def _timed_env_class():
    import gymnasium as gym

    class TimedEnv(gym.Wrapper):
        """The training environment's steps and resets count as 'env'; the test environment's,
        from each reset to its episode's last step, as 'test' (its actions included)."""

        def __init__(self, env, clock: RunClock, role: str):
            super().__init__(env)
            self.clock, self.role, self.mark = clock, role, 0.0
            self.timed_step, self.timed_reset = clock.timed('env', env.step), clock.timed('env', env.reset)

        def reset(self, **kwargs):
            clock = self.clock
            if self.role == 'train':
                clock.in_test = False
                clock.started = True
                return self.timed_reset(**kwargs)
            start = time.perf_counter()
            result = self.env.reset(**kwargs)
            self.mark = time.perf_counter()
            if clock.started:
                clock.totals['test'] += self.mark - start
            clock.in_test = True
            return result

        def step(self, action):
            clock = self.clock
            if self.role == 'train':
                clock.in_test = False
                return self.timed_step(action)
            result = self.env.step(action)
            now = time.perf_counter()
            if clock.started and clock.in_test:
                clock.totals['test'] += now - self.mark
            self.mark = now
            if result[2] or result[3]:
                clock.in_test = False
            return result

    return TimedEnv


@contextlib.contextmanager
def _native_stderr_silenced():
    """Send what native code writes to stderr to /dev/null while the block runs (the torch
    profiler announces each start and stop there, whatever its log level)."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, 'w') as devnull:
            os.dup2(devnull.fileno(), 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


def _torch_profiler(fn, args, kwargs):
    from torch.profiler import ProfilerActivity, profile
    prof = profile(activities=[ProfilerActivity.CPU])
    with _native_stderr_silenced():
        prof.start()
    try:
        result = fn(*args, **kwargs)
    except BaseException:
        prof.stop()  # the update's own error is the one to see
        raise
    with _native_stderr_silenced():
        prof.stop()
    # the tensor ops (not Python-level record scopes such as the optimizer's step)
    kernels = {event.key: event.self_cpu_time_total / 1e6 for event in prof.key_averages()
               if event.key.startswith('aten::')}
    return result, kernels


class _TFRunTracer:
    """Runs ``fn`` with every ``Session.run`` inside it traced, and sums its ops' kernel times."""

    def __init__(self, session_class, original_run):
        self.session_class, self.original_run = session_class, original_run

    def __call__(self, fn, args, kwargs):
        import tensorflow.compat.v1 as tf
        kernels: Dict[str, float] = {}
        original_run = self.original_run

        def traced_run(session, fetches, feed_dict=None, options=None, run_metadata=None):
            metadata = tf.RunMetadata()
            result = original_run(session, fetches, feed_dict,
                                  options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE),
                                  run_metadata=metadata)
            for device in metadata.step_stats.dev_stats:
                for node in device.node_stats:
                    op = node.timeline_label.split(' = ')[-1].split('(')[0] if ' = ' in node.timeline_label else ''
                    if not op or node.node_name.startswith('_SOURCE'):
                        continue
                    seconds = (node.op_end_rel_micros - node.op_start_rel_micros) / 1e6
                    kernels[op] = kernels.get(op, 0.0) + seconds
            return result

        current = self.session_class.run
        self.session_class.run = traced_run
        try:
            return fn(*args, **kwargs), kernels
        finally:
            self.session_class.run = current


@contextlib.contextmanager
def _patched(obj, name: str, value):
    original = getattr(obj, name)
    setattr(obj, name, value)
    try:
        yield original
    finally:
        setattr(obj, name, original)


@contextlib.contextmanager
def _clocked(backend: str, clock: RunClock, profile_updates: bool):
    """Let ``clock`` time the phases that the algorithms, the logger, the checkpoints and the
    vectors mark (:mod:`spinup.utils.phases`) while the block runs; in TF1, whose agents act
    through ``Session.run``, every session run outside those phases counts as the policy's."""
    from spinup.utils.phases import listening
    with contextlib.ExitStack() as stack:
        stack.enter_context(listening(clock))
        if backend == 'pytorch':
            if profile_updates:
                clock.profiler = _torch_profiler
        else:
            import tensorflow.compat.v1 as tf
            original_run = tf.Session.run
            stack.enter_context(_patched(tf.Session, 'run', clock.timed('policy', original_run)))
            if profile_updates:
                clock.profiler = _TFRunTracer(tf.Session, original_run)
        yield


def algo_throughput(name: str, env_id: str, hidden_sizes: Sequence[int], steps: int, epochs: int,
                    seed: int = 0, num_envs: Optional[int] = None, vector_mode: Optional[str] = None,
                    **kwargs: Any) -> Dict[str, Any]:
    """Train ``name`` quietly in this process; return its steps/s, final average return, the
    seconds per environment step of each phase and, for off-policy algorithms, the matrix
    library's share of the update (``matrix_share``) and each op's (``op_shares``). ``num_envs``
    and ``vector_mode``, for VPG, TRPO and PPO, set the vector of environments (its defaults if None);
    ``kwargs`` are more of the algorithm's arguments."""
    import pandas as pd

    from spinup.algos import IMPLEMENTATIONS, OFF_POLICY, load, split_name
    from spinup.utils.envs import EnvFn
    if name not in IMPLEMENTATIONS:
        raise SpinupError(f"unknown algorithm '{name}': choose from {', '.join(sorted(IMPLEMENTATIONS))}.")
    algo = load(name)
    family, backend = split_name(name)
    off_policy = family in OFF_POLICY
    clock = RunClock()
    timed_env = _timed_env_class()
    made = []

    def env_fn():  # off-policy: the first environment trains, the second tests
        made.append(timed_env(EnvFn(env_id)(), clock, 'train' if not made else 'test'))
        return made[-1]

    vector = {k: v for k, v in dict(num_envs=num_envs, vector_mode=vector_mode).items() if v is not None}
    if vector and off_policy:
        raise SpinupError(f'{name} steps one environment: --num_envs and --vector_mode are for vpg, trpo and ppo.')

    with tempfile.TemporaryDirectory() as out_dir:
        with contextlib.redirect_stdout(io.StringIO()), _clocked(backend, clock, off_policy):
            # (the on-policy algorithms' vectors are timed as a whole: see make_vector_env)
            algo(env_fn if off_policy else EnvFn(env_id), ac_kwargs=dict(hidden_sizes=list(hidden_sizes)),
                 seed=seed, steps_per_epoch=steps, epochs=epochs, **vector, **kwargs,
                 logger_kwargs=dict(output_dir=out_dir, exp_name='bench'))
        progress = pd.read_table(os.path.join(out_dir, 'progress.txt'))
    last = progress.iloc[-1]
    op_shares = clock.op_shares()
    share = {'matmul': sum(t for op, t in op_shares.items() if op in MATMUL_OPS),
             'ops': sum(op_shares.values())} if op_shares else {}
    n, total = last['TotalEnvInteracts'], last['Time'] - clock.profiling_excess
    per_step = {phase: clock.totals[phase] / n for phase in ('policy', 'env', 'update', 'test')}
    per_step['bookkeeping'] = total / n - sum(per_step.values())
    # steps/s counts training alone: the test episodes are evaluation, shown in their own column
    return {'steps_per_s': n / (total - clock.totals['test']), 'return': last['AverageEpRet'], 'per_step': per_step,
            'matrix_share': share, 'op_shares': op_shares}


def table(rows: Sequence[tuple]) -> str:
    """The results as a text table: throughput against the raw limit, then microseconds per
    environment step by phase."""
    import pandas as pd
    records = []
    for name, res in rows:
        record = {'algorithm': name, 'steps/s': f"{res['steps_per_s']:,.0f}", 'raw': f"{res['raw']:,.0f}",
                  'ratio': f"{res['steps_per_s'] / res['raw']:.2f}"}
        if 'envs' in res:
            record['envs'] = f"{res['envs']:,.0f}"
        for phase in PHASES:
            record[phase] = f"{1e6 * res['per_step'][phase]:.0f}"
        share = res['matrix_share']
        record['matmul %'] = f"{100 * share['matmul']:.0f}" if share else '-'
        record['ops %'] = f"{100 * share['ops']:.0f}" if share else '-'
        record['return'] = f"{res['return']:.1f}"
        records.append(record)
    frame = pd.DataFrame.from_records(records).set_index('algorithm')
    frame.index.name = None  # the names, left-aligned, start each row
    return frame.to_string()


def op_listing(rows: Sequence[tuple], n: int) -> str:
    """For each profiled run, the ``n`` ops with the largest share of an update call, and the
    share outside every op (Python, the framework's dispatch, the session's executor); empty
    if no run was profiled."""
    lines = []
    for name, res in rows:
        shares = res.get('op_shares')
        if not shares:
            continue
        top = ', '.join(f'{op} {100 * t:.0f}' for op, t in list(shares.items())[:n])
        outside = 100 * max(0.0, 1 - sum(shares.values()))
        lines.append(textwrap.fill(f'{name}: {top}; outside ops {outside:.0f}', width=100,
                                   initial_indent='  ', subsequent_indent='      '))
    if not lines:
        return ''
    return '\n'.join(["The update's largest ops, in % of an update call (profiled calls):", *lines])


def main(argv=None) -> int:
    parser = ArgumentParser(prog='python -m spinup.benchmarks.speed', description=__doc__.split('\n\n')[0])
    parser.add_argument('algos', nargs='*', default=['ppo_pytorch', 'ppo_tf1'],
                        help='registered algorithm names (default: ppo_pytorch ppo_tf1)')
    parser.add_argument('--env', default='HalfCheetah-v5')
    parser.add_argument('--hid', default='[64,32]', help='hidden layer sizes, e.g. "[64,32]"')
    parser.add_argument('--steps', type=int, default=4000, help='steps per epoch')
    parser.add_argument('--epochs', type=int, default=10)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--ops', type=int, default=0, metavar='N',
                        help="also list the N ops that take most of an off-policy update's time")
    parser.add_argument('--num_envs', type=int, nargs='+', default=None, metavar='N',
                        help='environment copies (vpg, trpo, ppo): one run for each number given')
    parser.add_argument('--vector_mode', nargs='+', default=None, choices=list(VECTOR_MODES),
                        help='the kind of vector (vpg, trpo, ppo): one run for each kind given')
    parser.add_argument('--kwargs', default='{}', metavar='DICT',
                        help='more arguments of the algorithms, e.g. \'{"num_minibatches": 4}\'')
    args = parser.parse_args(argv)
    vectors = [(n, mode) for n in (args.num_envs or [None]) for mode in (args.vector_mode or [None])]
    if any(n is not None and n < 1 for n, _ in vectors):
        raise SpinupError(f'--num_envs takes numbers of copies of at least 1, not {args.num_envs}.')

    import ast
    try:
        hidden_sizes = list(ast.literal_eval(args.hid))
    except (ValueError, SyntaxError, TypeError):
        raise SpinupError(f'--hid takes a list of layer widths such as "[64,32]", not {args.hid!r}.') from None
    try:
        kwargs = ast.literal_eval(args.kwargs)
    except (ValueError, SyntaxError, TypeError):
        kwargs = None
    if not (isinstance(kwargs, dict) and all(isinstance(k, str) for k in kwargs)):
        raise SpinupError(f'--kwargs takes a dict of arguments such as \'{{"num_minibatches": 4}}\', not {args.kwargs!r}.')

    # This process renders nothing, and runs TF1 algorithms after making environments: MuJoCo
    # comes in without its OpenGL renderer, which TensorFlow cannot share a process with.
    from spinup.utils.display import keep_opengl_out_of_tensorflow
    keep_opengl_out_of_tensorflow()

    from spinup.utils.envs import resolve_env_id
    env_id = resolve_env_id(args.env)
    total = args.steps * args.epochs
    print(f'Benchmark: {env_id}, hidden sizes {tuple(hidden_sizes)}, {args.steps} steps x {args.epochs} epochs, '
          f'seed {args.seed}, {os.cpu_count()} cores', flush=True)
    rows = []
    for name in args.algos:
        for num_envs, vector_mode in vectors:
            label = name + ''.join(f' {x}' for x in (num_envs and f'x{num_envs}', vector_mode) if x)
            print(f'  running {label} ...', flush=True)
            # the raw limits just before each run, so that both see the machine in the same state
            result = dict(raw=raw_throughput(env_id, hidden_sizes, min(total, RAW_STEPS), args.seed))
            if num_envs is not None or vector_mode is not None:
                result['envs'] = vector_throughput(env_id, num_envs or 1, vector_mode or 'sync',
                                                   min(total, RAW_STEPS), args.seed)
            result.update(algo_throughput(name, env_id, hidden_sizes, args.steps, args.epochs, args.seed,
                                          num_envs, vector_mode, **kwargs))
            rows.append((label, result))

    print()
    print(table(rows))
    print()
    print('steps/s: training steps a second, test episodes left out. raw: the raw limit, measured just')
    print('before the run: the environment stepped with one MLP (for images, CNN) forward pass a step, nothing else.')
    print('ratio: steps/s over raw. envs (with --num_envs or --vector_mode): the same vector of environments')
    print('stepped with random actions alone. policy .. test: microseconds per environment step in each phase')
    print('(policy: choosing actions; env: the environment; bookkeeping: buffers, logging, saving; update;')
    print('test: the test episodes). matmul %, ops %: the share of an update call spent in matrix-product')
    print('kernels, and in every tensor op, over 100 profiled calls (off-policy algorithms).')
    print('return: AverageEpRet of the last epoch (for ddpg, td3, sac: training episodes, noise included).')
    listing = op_listing(rows, args.ops) if args.ops > 0 else ''
    if listing:
        print()
        print(listing)
    return 0


if __name__ == '__main__':
    run_main(main)
