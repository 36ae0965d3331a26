"""Speed benchmark: environment steps per second of the algorithms, against the raw limit.

``python -m spinup.utils.bench [ALGO ...] [--env HalfCheetah-v5]
[--hid "[64,32]"] [--steps 4000] [--epochs 10] [--seed 0]``

The algorithms default to PPO in both backends (``ppo_pytorch ppo_tf1``). For each, it
trains for ``steps x epochs`` environment steps (updates included) and reports steps per
second from the run's own clock (``Time`` in progress.txt, which
starts when interaction starts). The off-policy algorithms (ddpg, td3, sac) run without
their test episodes, so the figure counts training alone, and their return is that of the
training episodes (exploration included). In the same run it measures the raw limit: the
environment stepped with actions from one forward pass of an MLP of the same sizes, and
nothing else. The ratio says how close the algorithm gets to that limit.

For the off-policy algorithms, use their network and a budget past the random start:
``python -m spinup.utils.bench ddpg_pytorch ddpg_tf1 --hid "[256,256]" --epochs 5``.
"""
import contextlib
import io
import os
import tempfile
import time
from typing import Dict, List, Sequence

from spinup.utils.errors import ArgumentParser, SpinupError, run_main


def raw_throughput(env_id: str, hidden_sizes: Sequence[int], n_steps: int, seed: int = 0) -> float:
    """Steps per second of ``env_id`` driven by one forward pass of an MLP a step (PyTorch, one thread)."""
    import gymnasium as gym
    import numpy as np
    import torch
    import torch.nn as nn

    torch.set_num_threads(1)
    env = gym.make(env_id)
    obs_dim = env.observation_space.shape[0]
    discrete = isinstance(env.action_space, gym.spaces.Discrete)
    act_dim = env.action_space.n if discrete else env.action_space.shape[0]
    sizes = [obs_dim, *hidden_sizes, act_dim]
    layers: List[nn.Module] = []
    for i in range(len(sizes) - 1):
        layers += [nn.Linear(sizes[i], sizes[i + 1]), nn.Tanh()]
    net = nn.Sequential(*layers[:-1])

    o, _ = env.reset(seed=seed)
    start = time.perf_counter()
    with torch.no_grad():
        for _ in range(n_steps):
            out = net(torch.as_tensor(o, dtype=torch.float32)).numpy()
            a = int(np.argmax(out)) if discrete else out
            o, _, terminated, truncated, _ = env.step(a)
            if terminated or truncated:
                o, _ = env.reset()
    elapsed = time.perf_counter() - start
    env.close()
    return n_steps / elapsed


def algo_throughput(name: str, env_id: str, hidden_sizes: Sequence[int], steps: int, epochs: int,
                    seed: int = 0) -> Dict[str, float]:
    """Train ``name`` quietly in this process; return its steps/s and final average return."""
    import pandas as pd

    from spinup.algos import OFF_POLICY, REGISTRY, load, split_name
    from spinup.utils.envs import EnvFn
    if name not in REGISTRY:
        raise SpinupError(f"unknown algorithm '{name}': choose from {', '.join(sorted(REGISTRY))}.")
    algo = load(name)
    # the off-policy algorithms' test episodes are evaluation, not training: left out of the timing
    extra = dict(num_test_episodes=0) if split_name(name)[0] in OFF_POLICY else {}
    with tempfile.TemporaryDirectory() as out_dir:
        with contextlib.redirect_stdout(io.StringIO()):
            algo(EnvFn(env_id), ac_kwargs=dict(hidden_sizes=list(hidden_sizes)), seed=seed,
                 steps_per_epoch=steps, epochs=epochs,
                 logger_kwargs=dict(output_dir=out_dir, exp_name='bench'), **extra)
        progress = pd.read_table(os.path.join(out_dir, 'progress.txt'))
    last = progress.iloc[-1]
    return {'steps_per_s': last['TotalEnvInteracts'] / last['Time'], 'return': last['AverageEpRet']}


def main(argv=None) -> int:
    parser = ArgumentParser(prog='python -m spinup.utils.bench', description=__doc__.split('\n\n')[0])
    parser.add_argument('algos', nargs='*', default=['ppo_pytorch', 'ppo_tf1'],
                        help='registered algorithm names (default: ppo_pytorch ppo_tf1)')
    parser.add_argument('--env', default='HalfCheetah-v5')
    parser.add_argument('--hid', default='[64,32]', help='hidden layer sizes, e.g. "[64,32]"')
    parser.add_argument('--steps', type=int, default=4000, help='steps per epoch')
    parser.add_argument('--epochs', type=int, default=10)
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args(argv)

    import ast
    try:
        hidden_sizes = list(ast.literal_eval(args.hid))
    except (ValueError, SyntaxError, TypeError):
        raise SpinupError(f'--hid takes a list of layer widths such as "[64,32]", not {args.hid!r}.') from None

    # This process renders nothing, and runs TF1 algorithms after making environments: MuJoCo
    # comes in without its OpenGL renderer, which TensorFlow cannot share a process with.
    from spinup.utils.display import keep_opengl_out_of_tensorflow
    keep_opengl_out_of_tensorflow()

    from spinup.utils.envs import resolve_env_id
    env_id = resolve_env_id(args.env)
    total = args.steps * args.epochs
    print(f'Benchmark: {env_id}, hidden sizes {tuple(hidden_sizes)}, {args.steps} steps x {args.epochs} epochs, '
          f'seed {args.seed}, {os.cpu_count()} cores', flush=True)
    raw = raw_throughput(env_id, hidden_sizes, min(total, 40000), args.seed)
    rows = []
    for name in args.algos:
        print(f'  running {name} ...', flush=True)
        rows.append((name, algo_throughput(name, env_id, hidden_sizes, args.steps, args.epochs, args.seed)))

    print()
    print(f"{'algorithm':<16}{'env steps/s':>14}{'raw limit/s':>14}{'ratio':>8}{'final return':>15}")
    print('-' * 67)
    for name, res in rows:
        print(f"{name:<16}{res['steps_per_s']:>14,.0f}{raw:>14,.0f}{res['steps_per_s'] / raw:>8.2f}"
              f"{res['return']:>15.1f}")
    print('\nraw limit: the environment stepped with one MLP forward pass a step, nothing else.')
    print('final return: AverageEpRet of the last epoch (for ddpg, td3, sac: training episodes, noise included).')
    return 0


if __name__ == '__main__':
    run_main(main)
