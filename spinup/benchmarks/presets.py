"""The benchmark presets: which algorithms, backends, environments, seeds and budgets
``python -m spinup.run benchmark run PRESET`` runs.

Every run of a family shares its settings, those of the original Spinning Up benchmark:

- on-policy (VPG, TRPO, PPO): a (64, 32) tanh network, 4000 steps an epoch;
- off-policy (DDPG, TD3, SAC): a (256, 256) relu network, test episodes after every epoch;
- Atari (PPO): the Nature CNN with a fully connected layer of 512, relu, and PPO2's Atari
  settings (:data:`PPO2_ATARI`): 8 games of 128 steps an epoch.

A preset lists blocks (some algorithms on some environments, with one budget) and the seeds
and backends every block runs with. ``run PRESET --algos ... --envs ... --seeds ...`` narrows
or changes a preset from the command line; ``run custom ...`` starts from no preset.
"""
from dataclasses import dataclass, field, replace
from typing import Any, Dict, List, Mapping, Optional, Sequence, Tuple

from spinup.algos import ALGOS as REGISTERED, BACKENDS, OFF_POLICY, VARIANTS, split_name

# What a benchmark runs: the six algorithms, and PPO with a recurrent agent (ppo_lstm)
ALGOS = REGISTERED + tuple(sorted({split_name(name)[0] for name in VARIANTS}))

FAMILY_SETTINGS: Dict[str, Dict[str, Any]] = {
    'on-policy': dict(hidden_sizes=(64, 32), activation='tanh', steps_per_epoch=4000),
    'off-policy': dict(hidden_sizes=(256, 256), activation='relu', steps_per_epoch=4000),
    'atari': dict(hidden_sizes=(512,), activation='relu', steps_per_epoch=1024),
    # OpenAI baselines' own MuJoCo settings: PPO2's (64, 64) and trpo_mpi's (32, 32), tanh
    'ppo2-mujoco': dict(hidden_sizes=(64, 64), activation='tanh', steps_per_epoch=2048),
    'trpo_mpi-mujoco': dict(hidden_sizes=(32, 32), activation='tanh', steps_per_epoch=1024),
    # Recurrent PPO on the velocity-masked tasks: on CartPole the LSTM reads the observation
    # itself and each head has a relu layer (RL Zoo's agent); on Pendulum it reads it through
    # the recurrent agent's default trunk, a tanh MLP of (64, 64); the memoryless MLP has one
    # tanh layer of 64; an epoch is RL Zoo's rollout, 256 steps on CartPole, 4096 on Pendulum
    'memory-cartpole': dict(hidden_sizes=(64,), activation='tanh', steps_per_epoch=256),
    'memory-pendulum': dict(hidden_sizes=(64,), activation='tanh', steps_per_epoch=4096),
    'memory-cartpole-lstm': dict(hidden_sizes=(), activation='relu', steps_per_epoch=256),
    'memory-pendulum-lstm': dict(hidden_sizes=(64, 64), activation='tanh', steps_per_epoch=4096),
}

# PPO2's Atari hyperparameters (baselines' ppo2 defaults for Atari, which CleanRL and the RL
# Zoo share): 8 copies x 128 steps, 4 passes over 4 minibatches, lr 2.5e-4 and clip 0.1 both
# annealed to 0, value clipping, entropy bonus 0.01, gradient norm 0.5, lambda 0.95, no early
# stop. Games run to the emulator's own limit (108,000 frames, 27,000 steps).
PPO2_ATARI: Dict[str, Any] = dict(
    num_envs=8, num_minibatches=4, update_epochs=4, pi_lr=2.5e-4, clip_ratio=0.1, anneal_lr=True,
    anneal_clip=True, clip_vloss=True, vf_coef=0.5, ent_coef=0.01, max_grad_norm=0.5, gamma=0.99,
    lam=0.95, target_kl=None, max_ep_len=27000, save_freq=100)

# PPO2's MuJoCo hyperparameters (baselines' ppo2 defaults for MuJoCo, with run.py's
# VecNormalize): one copy of 2048 steps, 10 passes over 32 minibatches, lr 3e-4 annealed to 0,
# clip 0.2 (the value's change too), no entropy bonus, gradient norm 0.5, lambda 0.95, a
# separate value network, observations and rewards normalized, orthogonal initialization.
PPO2_MUJOCO: Dict[str, Any] = dict(
    num_minibatches=32, update_epochs=10, pi_lr=3e-4, vf_lr=3e-4, anneal_lr=True, clip_ratio=0.2,
    clip_vloss=True, vf_coef=0.5, ent_coef=0.0, max_grad_norm=0.5, gamma=0.99, lam=0.95,
    target_kl=None, normalize_obs=True, normalize_reward=True, ac_kwargs=dict(init='orthogonal'))

# trpo_mpi's MuJoCo hyperparameters (baselines' trpo_mpi defaults for MuJoCo): 1024 steps, KL
# 0.01, 10 conjugate-gradient steps with damping 0.1, lambda 0.98, the value function trained
# at 1e-3 (80 steps: trpo_mpi's 5 passes over minibatches of 64), observations normalized,
# orthogonal initialization.
TRPO_MPI_MUJOCO: Dict[str, Any] = dict(
    delta=0.01, cg_iters=10, damping_coeff=0.1, gamma=0.99, lam=0.98, vf_lr=1e-3, train_v_iters=80,
    normalize_obs=True, ac_kwargs=dict(init='orthogonal'))

# RL Zoo's tuned recurrent PPO settings for CartPoleNoVel-v1 and PendulumNoVel-v1
# (rl-baselines3-zoo, hyperparams/ppo_lstm.yml), each for the LSTM agent and, unchanged, for
# PPO's memoryless MLP beside it, with observations and rewards normalized (but LSTM_64's
# rewards, as RL Zoo's CartPoleNoVel agent's). CartPole: the Zoo's 8 copies x 32 steps, one
# minibatch of 256, 20 passes. Pendulum: the Zoo's 4096 steps a rollout in minibatches of 128,
# 10 passes; PPO2's minibatches hold whole copies, so 32 copies x 128 steps, one copy a
# minibatch (the Zoo: 4 copies x 1024 steps, cut into sequences). The Zoo's Pendulum agent
# explores with gSDE, which this library does not have: a plain Gaussian here, which starts
# with a standard deviation of 1 (log_std_init 0, as PPO2's and sb3-contrib's) where PPO's MLP
# starts at exp(-0.5). As the Zoo's (sb3-contrib's default), the LSTM agent's value has an
# LSTM of its own (critic_lstm).
MEMORY_CARTPOLE: Dict[str, Any] = dict(
    num_envs=8, num_minibatches=1, update_epochs=20, pi_lr=1e-3, anneal_lr=True, clip_ratio=0.2,
    anneal_clip=True, ent_coef=0.0, max_grad_norm=0.5, gamma=0.98, lam=0.8, target_kl=None,
    normalize_obs=True, normalize_reward=True)
MEMORY_PENDULUM: Dict[str, Any] = dict(
    num_envs=32, num_minibatches=32, update_epochs=10, pi_lr=1e-3, clip_ratio=0.2, ent_coef=0.0,
    max_grad_norm=0.5, gamma=0.9, lam=0.95, target_kl=None, normalize_obs=True,
    normalize_reward=True)
# RL Zoo's CartPoleNoVel agent (its model card's policy_kwargs): an LSTM of 64 on the
# observation, the value's own LSTM, a relu layer of 64 in each head, the framework's own
# initialization; trained as sb3-contrib trains it: on PPO2's value targets (advantage + value),
# with sb3's weight of the value's loss (its vf_coef 0.5 on the squared error is 1.0 here, on
# half of it), rewards not normalized. (Each of those alone changed little in trials; together
# they brought this library's LSTM to sb3-contrib's level.)
LSTM_64 = dict(normalize_reward=False, vf_coef=1.0, value_targets='lambda-returns',
               ac_kwargs=dict(lstm_size=64, critic_lstm=True, head_sizes=(64,), init='default'))
# The Pendulum LSTM agent: a (64, 64) tanh trunk, an LSTM of 128, the value's own LSTM, a first
# standard deviation of 1; its learning rate annealed to 0 (the Zoo's stays at 1e-3: in trials
# here the annealed agent ended higher and played far better).
LSTM_128 = dict(anneal_lr=True, ac_kwargs=dict(lstm_size=128, critic_lstm=True, log_std_init=0.0))
MLP_VF_LR = dict(vf_lr=1e-3)  # (PPO's MLP has a value network of its own, at the same rate)

ATARI_GAMES = ('BreakoutNoFrameskip-v4', 'PongNoFrameskip-v4', 'BeamRiderNoFrameskip-v4')


def family(algo: str) -> str:
    return 'off-policy' if algo in OFF_POLICY else 'on-policy'


@dataclass(frozen=True)
class Block:
    """Some algorithms on some environments, with one budget and the same extra arguments."""
    algos: Tuple[str, ...]
    envs: Tuple[str, ...]
    epochs: int
    steps_per_epoch: Optional[int] = None  # None: the family's
    kwargs: Mapping[str, Any] = field(default_factory=dict)  # more arguments of the algorithms
    settings: Optional[str] = None  # the FAMILY_SETTINGS the block takes; None: each algorithm's family's


@dataclass(frozen=True)
class Preset:
    name: str
    about: str
    blocks: Tuple[Block, ...]
    seeds: Tuple[int, ...]
    backends: Tuple[str, ...] = BACKENDS


@dataclass(frozen=True)
class Experiment:
    """One run of a benchmark: an algorithm in a backend on an environment with a seed."""
    algo: str
    backend: str
    env: str
    seed: int
    epochs: int
    steps_per_epoch: int
    hidden_sizes: Tuple[int, ...]
    activation: str
    kwargs: Mapping[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """``<algo>_<backend>_<env>``: the experiment name, which the report reads back."""
        return f"{self.algo}_{self.backend}_{self.env.replace('/', '-')}"

    @property
    def pair(self) -> str:
        """The registered name of the algorithm in its backend: ``ppo_tf1``."""
        return f'{self.algo}_{self.backend}'

    @property
    def run_name(self) -> str:
        """``<algo>_<backend>_<env>_s<seed>``: the run folder's name, and how the benchmark calls it."""
        return f'{self.name}_s{self.seed}'

    @property
    def relpath(self) -> str:
        """The run folder below the benchmark's data_dir (as :func:`setup_logger_kwargs` makes it)."""
        return f'{self.name}/{self.run_name}'

    @property
    def steps(self) -> int:
        return self.epochs * self.steps_per_epoch


ON = tuple(a for a in REGISTERED if a not in OFF_POLICY)  # vpg, trpo, ppo
OFF = tuple(a for a in REGISTERED if a in OFF_POLICY)  # ddpg, td3, sac
MUJOCO_TASKS = ('HalfCheetah-v5', 'Hopper-v5', 'Walker2d-v5', 'Swimmer-v5', 'Ant-v5')

PRESETS: Dict[str, Preset] = {p.name: p for p in [
    Preset('smoke', 'a minute or two: PPO and DDPG, both backends, Pendulum-v1, 2 seeds, 2 epochs of 400 steps',
           seeds=(0, 1), blocks=(
               Block(('ppo',), ('Pendulum-v1',), epochs=2, steps_per_epoch=400),
               Block(('ddpg',), ('Pendulum-v1',), epochs=2, steps_per_epoch=400,
                     kwargs=dict(start_steps=200, update_after=200, update_every=50, num_test_episodes=2)),
           )),
    Preset('small', 'about an hour on 2 cores with 2 workers: all 12 pairs on easy tasks, 3 seeds',
           seeds=(0, 1, 2), blocks=(
               Block(ON, ('CartPole-v1', 'InvertedPendulum-v5'), epochs=20),
               Block(OFF, ('Pendulum-v1', 'InvertedPendulum-v5'), epochs=5, steps_per_epoch=2000,
                     kwargs=dict(start_steps=2000, num_test_episodes=5)),
           )),
    Preset('mujoco-medium', 'about 6 hours on 2 cores with 2 workers: all 12 pairs on HalfCheetah and Hopper, '
           '3 seeds; 1M steps on-policy, 100k off-policy',
           seeds=(0, 1, 2), blocks=(
               Block(ON, MUJOCO_TASKS[:2], epochs=250),
               Block(OFF, MUJOCO_TASKS[:2], epochs=25),
           )),
    Preset('atari-small', 'under 2 hours on 2 cores with 2 workers: PPO on Breakout, 1M steps, both '
           'backends, 1 seed', seeds=(0,), blocks=(
               # 1M steps are the first 10 % of PPO2's 10M, over which its annealed rates fall
               # only to 0.9 of their first values: here they stay at those
               Block(('ppo',), ATARI_GAMES[:1], epochs=977, settings='atari',
                     kwargs={**PPO2_ATARI, 'anneal_lr': False, 'anneal_clip': False}),
           )),
    Preset('atari', "PPO2's Atari protocol: Breakout, Pong and BeamRider, 10M steps, 3 seeds (a cluster job, "
           "or a GPU)", seeds=(0, 1, 2), blocks=(
               # a GPU's update is fast enough that the games must step in parallel to keep up
               Block(('ppo',), ATARI_GAMES, epochs=9766, settings='atari',
                     kwargs={**PPO2_ATARI, 'device': 'auto', 'vector_mode': 'async'}),
           )),
    Preset('ppo2-mujoco', "baselines' own MuJoCo recipe: PPO with PPO2's settings and TRPO with trpo_mpi's, "
           'HalfCheetah, Hopper and Walker2d, 1M steps, both backends, 3 seeds', seeds=(0, 1, 2), blocks=(
               # 488 x 2048 and 976 x 1024 steps: the 999,424 of baselines' 1M (updates of whole batches)
               Block(('ppo',), MUJOCO_TASKS[:3], epochs=488, settings='ppo2-mujoco', kwargs=PPO2_MUJOCO),
               Block(('trpo',), MUJOCO_TASKS[:3], epochs=976, settings='trpo_mpi-mujoco',
                     kwargs=TRPO_MPI_MUJOCO),
           )),
    Preset('memory', 'about an hour on 2 cores with 2 workers: PPO with an LSTM against its MLP on '
           'CartPoleNoVel and PendulumNoVel, 100k steps, both backends, 3 seeds', seeds=(0, 1, 2), blocks=(
               # 391 x 256 and 25 x 4096 steps: RL Zoo's 100k
               Block(('ppo_lstm',), ('CartPoleNoVel-v1',), epochs=391, settings='memory-cartpole-lstm',
                     kwargs={**MEMORY_CARTPOLE, **LSTM_64}),
               Block(('ppo',), ('CartPoleNoVel-v1',), epochs=391, settings='memory-cartpole',
                     kwargs={**MEMORY_CARTPOLE, **MLP_VF_LR}),
               Block(('ppo_lstm',), ('PendulumNoVel-v1',), epochs=25, settings='memory-pendulum-lstm',
                     kwargs={**MEMORY_PENDULUM, **LSTM_128}),
               Block(('ppo',), ('PendulumNoVel-v1',), epochs=25, settings='memory-pendulum',
                     kwargs={**MEMORY_PENDULUM, **MLP_VF_LR}),
           )),
    Preset('memory-atari', "about half an hour on 2 cores with 2 workers: PPO2's CNN+LSTM on Breakout, 200k steps, "
           'both backends, 1 seed', seeds=(0,), blocks=(
               Block(('ppo_lstm',), ATARI_GAMES[:1], epochs=196, settings='atari',
                     kwargs={**PPO2_ATARI, 'anneal_lr': False, 'anneal_clip': False}),
           )),
    Preset('mujoco', "the original's protocol on today's tasks: 3M steps, 10 seeds (a cluster job)",
           seeds=tuple(range(10)), blocks=(
               Block(ON + OFF, MUJOCO_TASKS, epochs=750),
           )),
]}


def experiments(preset: Preset, algos: Optional[Sequence[str]] = None, backends: Optional[Sequence[str]] = None,
                envs: Optional[Sequence[str]] = None, seeds: Optional[Sequence[int]] = None,
                epochs: Optional[int] = None, steps_per_epoch: Optional[int] = None) -> List[Experiment]:
    """The preset's runs with what the command line changed: every run of the first seed, then
    of the next, so that a benchmark stopped early has compared every pair already.

    ``algos`` and ``backends`` narrow the preset to those (a custom preset takes them as they
    are). ``envs`` that the preset runs narrow it to the blocks that run them, each with its own
    settings (``memory --envs PendulumNoVel-v1`` is Pendulum's block alone); otherwise they
    replace each block's environments. ``seeds``, ``epochs`` and ``steps_per_epoch`` replace
    the preset's.
    """
    blocks = preset.blocks
    if envs is not None and set(envs) <= {env for b in blocks for env in b.envs}:
        narrowed = (replace(b, envs=tuple(e for e in b.envs if e in envs)) for b in blocks)
        blocks, envs = tuple(b for b in narrowed if b.envs), None  # nothing left to replace
    if envs is not None or epochs is not None or steps_per_epoch is not None:
        blocks = tuple(replace(b, envs=tuple(envs) if envs is not None else b.envs,
                               epochs=epochs if epochs is not None else b.epochs,
                               steps_per_epoch=steps_per_epoch or b.steps_per_epoch) for b in blocks)
    runs = []
    for seed in seeds if seeds is not None else preset.seeds:  # a first seed of everything, then the next
        for block in blocks:
            for algo in block.algos:
                if algos is not None and algo not in algos:
                    continue
                settings = FAMILY_SETTINGS[block.settings or family(algo)]
                for env in block.envs:
                    for backend in backends or preset.backends:
                        runs.append(Experiment(
                            algo, backend, env, int(seed), block.epochs,
                            block.steps_per_epoch or settings['steps_per_epoch'],
                            settings['hidden_sizes'], settings['activation'], dict(block.kwargs)))
    unique: Dict[str, Experiment] = {}
    for run in runs:  # a seed or an environment given twice is run once
        unique.setdefault(run.relpath, run)
    return list(unique.values())


def custom(algos: Sequence[str], envs: Sequence[str], epochs: int) -> Preset:
    """A user's grid: the algorithms on the environments, with the family settings."""
    return Preset('custom', 'a grid given on the command line', seeds=(0,),
                  blocks=(Block(tuple(algos), tuple(envs), epochs=epochs),))


__all__ = ['ALGOS', 'ATARI_GAMES', 'BACKENDS', 'Block', 'MEMORY_CARTPOLE', 'MEMORY_PENDULUM', 'PPO2_ATARI',
           'PPO2_MUJOCO', 'TRPO_MPI_MUJOCO', 'Experiment', 'FAMILY_SETTINGS', 'PRESETS', 'Preset', 'custom',
           'experiments', 'family']
