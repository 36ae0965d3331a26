"""The checks of exercises 1.1, 1.4, 1.5, 1.6 and of TD3's target actions (1.3), free of any framework.

Each ``check_*`` function adds its parts to a :class:`~spinup.exercises.common.Checker`. It
takes the student's function and the solution's as NumPy-in, NumPy-out callables: the
backend's own check module (``spinup.exercises.pytorch.checks``, ``...tf1.checks``) wraps
the functions of the exercise files into that form. Besides the comparison with the
solution, every check holds cases whose answers are worked out here independently, in
float64, from the formula itself. Exercise 1.6 is compared with the library's own LSTM cell
(the code its page shows) rather than with the solution, so the two cannot drift apart.
"""
import itertools
from typing import Callable, Optional

import numpy as np

from spinup.exercises.common import Checker, compare

LOG_2PI = np.log(2 * np.pi)


def all_parts(*problems: Optional[str]) -> Optional[str]:
    """The first of ``problems`` that is not None: the first part of a check that failed."""
    return next((p for p in problems if p), None)


def _first_problem(cases, student: Callable, want: Callable, **tol) -> Optional[str]:
    """Run ``student`` on each ``(description, args)`` of ``cases``; the first mismatch with
    ``want(*args)``, prefixed with the case's description, or None."""
    for description, args in cases:
        expected = want(*args)  # first, and on copies below: the student's code may write into its inputs
        problem = compare(student(*(a.copy() if isinstance(a, np.ndarray) else a for a in args)), expected, **tol)
        if problem:
            return f'{description}: {problem}'
    return None


# ----------------------------------------------------------------------------------------
# Exercise 1.1: the log-likelihood of a diagonal Gaussian
# ----------------------------------------------------------------------------------------

def gaussian_logp64(x, mu, log_std) -> np.ndarray:
    """log N(x; mu, diag(exp(log_std))^2) in float64, summed over the last axis."""
    x, mu, log_std = (np.asarray(v, dtype=np.float64) for v in (x, mu, log_std))
    return -0.5 * (((x - mu) / np.exp(log_std)) ** 2 + 2 * log_std + LOG_2PI).sum(axis=-1)


def _gaussian_cases(rng, batched_log_std: bool, log_std_range=(-1.0, 1.0), zero_mean=False):
    cases = []
    for batch, dim in [(1, 1), (7, 3), (32, 2), (10, 6), (64, 4)]:
        mu = np.zeros((batch, dim)) if zero_mean else rng.normal(size=(batch, dim))
        log_std = rng.uniform(*log_std_range, size=(batch, dim) if batched_log_std else (dim,))
        x = mu + np.exp(log_std) * rng.normal(size=(batch, dim))
        args = tuple(v.astype(np.float32) for v in (x, mu, log_std))
        cases.append((f'batch {batch}, dim {dim}', args))
    return cases


def check_gaussian_likelihood(checker: Checker, student: Callable, solution: Callable) -> None:
    """Exercise 1.1. ``student(x, mu, log_std)`` and ``solution(...)`` take float32 arrays,
    x and mu of shape (batch, dim), log_std (dim,) or (batch, dim); they return (batch,)."""
    rng = np.random.default_rng(0)
    tol = dict(atol=1e-4, rtol=1e-5)
    checker.part('log_std of shape [dim], against the solution on 5 random batches',
                 lambda: _first_problem(_gaussian_cases(rng, False), student, solution, **tol))
    checker.part('log_std of shape [batch, dim], against the solution on 5 random batches',
                 lambda: _first_problem(_gaussian_cases(rng, True), student, solution, **tol))
    extreme = _gaussian_cases(rng, True, log_std_range=(-20.0, 2.0), zero_mean=True)
    checker.part('extreme log-stds, -20 to 2 (the range SAC clamps to), against the formula in float64',
                 lambda: _first_problem(extreme, student, gaussian_logp64, **tol))

    def at_the_mean():
        for dim in (1, 4):
            zeros = np.zeros((3, dim), dtype=np.float32)
            problem = compare(student(zeros, zeros, np.zeros(dim, dtype=np.float32)),
                              np.full(3, -0.5 * dim * LOG_2PI), **tol)
            if problem:
                return f'dim {dim}: {problem}'
        return None
    checker.part('worked by hand: N(0, I) at its mean in d dimensions is -(d/2) log(2 pi)', at_the_mean)


# ----------------------------------------------------------------------------------------
# Exercise 1.4: GAE-Lambda advantages and rewards-to-go
# ----------------------------------------------------------------------------------------

def _random_batch(rng):
    """Several trajectories laid end to end, with terminal and truncated ends."""
    lengths = rng.integers(1, 12, size=rng.integers(1, 7))
    ends = np.cumsum(lengths)
    size = int(ends[-1])
    rews = rng.normal(size=size).astype(np.float32)
    vals = rng.normal(size=size).astype(np.float32)
    last_vals = rng.normal(size=len(ends)).astype(np.float32)
    terminated = rng.random(len(ends)) < 0.5
    return rews, vals, [int(e) for e in ends], last_vals, terminated


def check_advantages(checker: Checker, student: Callable, solution: Callable) -> None:
    """Exercise 1.4. ``student(rews, vals, path_ends, last_vals, terminated, gamma, lam)``
    returns ``(adv, ret)``, each of the shape of ``rews``."""
    tol = dict(atol=1e-4, rtol=1e-4)

    def parts_of(k):
        return lambda *args: student(*args)[k]

    def run_cases(cases):
        for description, args, want_adv, want_ret in cases:
            adv, ret = student(*args)
            for name, got, want in (('advantages', adv, want_adv), ('rewards-to-go', ret, want_ret)):
                problem = compare(got, np.asarray(want, dtype=np.float64), **tol)
                if problem:
                    return f'{description}, {name}: {problem}'
        return None

    def f32(*values):
        return [np.asarray(v, dtype=np.float32) for v in values]

    # A single step into a terminal state: nothing follows it, whatever the last value says.
    r, v = f32([2.0], [0.5])
    one_step = [('r = 2, V(s) = 0.5, terminated', (r, v, [1], f32([7.0])[0], np.array([True]), 0.99, 0.95),
                 [1.5], [2.0])]
    checker.part('one step into a terminal state: A = r - V(s) and R = r (the last value is ignored)',
                 lambda: run_cases(one_step))

    # Three steps, r = (1, 0, 2), V = (0.5, -1, 3), gamma = 0.9, then a terminal state or a
    # truncation whose next state is worth 4.
    g = 0.9
    r, v = f32([1.0, 0.0, 2.0], [0.5, -1.0, 3.0])
    last = f32([4.0])[0]
    ret_term = [1 + g * 0 + g ** 2 * 2, 0 + g * 2, 2.0]
    ret_trunc = [ret_term[0] + g ** 3 * 4, ret_term[1] + g ** 2 * 4, ret_term[2] + g * 4]
    lam0 = [('lam = 0, terminal end', (r, v, [3], last, np.array([True]), g, 0.0),
             [1 + g * -1 - 0.5, 0 + g * 3 + 1.0, 2 - 3.0], ret_term),
            ('lam = 0, truncated end, last value 4', (r, v, [3], last, np.array([False]), g, 0.0),
             [1 + g * -1 - 0.5, 0 + g * 3 + 1.0, 2 + g * 4 - 3.0], ret_trunc)]
    checker.part("lam = 0 gives the one-step TD errors r + gamma V(s') - V(s); "
                 'a truncated end bootstraps from its last value', lambda: run_cases(lam0))

    lam1 = [('lam = 1, terminal end', (r, v, [3], last, np.array([True]), g, 1.0),
             [ret_term[0] - 0.5, ret_term[1] + 1.0, ret_term[2] - 3.0], ret_term)]
    checker.part('lam = 1 with a terminal end gives A_t = R_t - V(s_t)', lambda: run_cases(lam1))

    T, lam = 5, 0.5
    zeros = np.zeros(T, dtype=np.float32)
    truncated = [('rewards and values 0, last value 1, truncated',
                  (zeros, zeros, [T], f32([1.0])[0], np.array([False]), g, lam),
                  [g * (g * lam) ** (T - 1 - t) for t in range(T)], [g ** (T - t) for t in range(T)])]
    checker.part('only the last value counts after a truncation: A_t = gamma (gamma lam)^(T-1-t), '
                 'R_t = gamma^(T-t)', lambda: run_cases(truncated))

    rng = np.random.default_rng(1)
    batches = [(f'batch {k} (trajectory ends {b[2]}, terminated {b[4].astype(int).tolist()})',
                (*b, 0.99, 0.95)) for k, b in enumerate(_random_batch(rng) for _ in range(5))]

    def against_solution():
        for k in (0, 1):
            problem = _first_problem(batches, parts_of(k), lambda *a: solution(*a)[k], **tol)
            if problem:
                return ('advantages' if k == 0 else 'rewards-to-go') + ' of ' + problem
        return None
    checker.part('against the solution on 5 random batches of 1 to 6 trajectories laid end to end',
                 against_solution)


# ----------------------------------------------------------------------------------------
# Exercise 1.5: the log-likelihood of a tanh-squashed Gaussian
# ----------------------------------------------------------------------------------------

def squashed_logp64_fd(u, mu, log_std, h: float = 1e-4) -> np.ndarray:
    """log pi(tanh(u)) in float64 by the change of variables, with d tanh(u)/du taken by a
    central finite difference: log N(u) - sum_i log( (tanh(u_i + h) - tanh(u_i - h)) / 2h )."""
    u = np.asarray(u, dtype=np.float64)
    slope = (np.tanh(u + h) - np.tanh(u - h)) / (2 * h)
    return gaussian_logp64(u, mu, log_std) - np.log(slope).sum(axis=-1)


def squashed_logp64_exact(u, mu, log_std) -> np.ndarray:
    """The same in float64 through the identity 1 - tanh(u)^2 = 4 e^(-2|u|) / (1 + e^(-2|u|))^2,
    which holds where the finite difference (and float32's tanh) has rounded to nothing."""
    a = np.abs(np.asarray(u, dtype=np.float64))
    log_slope = np.log(4.0) - 2 * a - 2 * np.log1p(np.exp(-2 * a))
    return gaussian_logp64(u, mu, log_std) - log_slope.sum(axis=-1)


def _squash_cases(rng, u_low: float, u_high: float):
    cases = []
    for batch, dim in [(1, 1), (16, 2), (33, 3), (8, 6)]:
        mu = rng.normal(size=(batch, dim))
        log_std = rng.uniform(-2, 1, size=(batch, dim))
        u = rng.uniform(u_low, u_high, size=(batch, dim)) * rng.choice([-1, 1], size=(batch, dim))
        cases.append((f'batch {batch}, dim {dim}', tuple(v.astype(np.float32) for v in (u, mu, log_std))))
    return cases


def check_squashed_likelihood(checker: Checker, student: Callable, solution: Callable) -> None:
    """Exercise 1.5. ``student(u, mu, log_std)`` takes float32 arrays of shape (batch, dim),
    the Gaussian sample u before the squash and the Gaussian's parameters; it returns
    log pi(tanh(u)), shape (batch,)."""
    rng = np.random.default_rng(2)
    tol = dict(atol=1e-3, rtol=1e-5)
    checker.part('against the solution on 4 random batches (|u| < 3)',
                 lambda: _first_problem(_squash_cases(rng, 0.0, 3.0), student, solution, **tol))
    checker.part('against a float64 change of variables by finite differences (|u| up to 8)',
                 lambda: _first_problem(_squash_cases(rng, 3.0, 8.0), student, squashed_logp64_fd, **tol))

    def saturated():
        for description, args in _squash_cases(rng, 10.0, 20.0):
            got = np.asarray(student(*args), dtype=np.float64)
            if not np.all(np.isfinite(got)):
                return (f'{description}: got {got[~np.isfinite(got)][0]} -- 1 - tanh(u)^2 rounds to 0 '
                        f'in float32 here: use the numerically stable form')
            problem = compare(got, squashed_logp64_exact(*args), **tol)
            if problem:
                return f'{description}: {problem}'
        return None
    checker.part('saturated actions, 10 < |u| < 20 (tanh(u) is +-1 in float32): finite, and equal to '
                 'the float64 value', saturated)


# ----------------------------------------------------------------------------------------
# Exercise 1.6: the memory's mask (one step of an LSTM cell)
# ----------------------------------------------------------------------------------------

GATES = ('i', 'f', 'o', 'u')  # how z splits: input, forget, output, update (core_lstm.py's order)
KNOWN_ORDERS = {('i', 'f', 'u', 'o'): " (torch.nn.LSTM's order)",
                ('i', 'u', 'f', 'o'): " (tf.nn.rnn_cell.LSTMCell's order)"}


def _lstm_case(rng, batch: int, n: int, starts: str):
    """Random arguments of ``lstm_step``, float32: ``starts`` is 'none', 'all' or 'mixed'
    (then the first row starts an episode and, if there are two rows or more, the last does not)."""
    if starts == 'mixed':
        start = (rng.random(batch) < 0.5).astype(np.float64)
        start[0] = 1.0
        if batch > 1:
            start[-1] = 0.0
    else:
        start = np.full(batch, 1.0 if starts == 'all' else 0.0)
    args = (rng.normal(size=(batch, 4 * n)),           # xw_t
            start,                                      # start_t
            rng.uniform(-1, 1, size=(batch, n)),        # h: the output of a tanh, times a gate
            2 * rng.normal(size=(batch, n)),            # c: unbounded
            rng.normal(size=(n, 4 * n)) / np.sqrt(n),   # wh
            0.5 * rng.normal(size=4 * n))               # b
    return tuple(a.astype(np.float32) for a in args)


def _lstm_cases(rng, starts: str):
    return [(f'batch {batch}, n {n}', _lstm_case(rng, batch, n, starts))
            for batch, n in [(1, 1), (5, 3), (16, 8), (7, 32)]]


def _gates_as(order, xw_t, wh, b):
    """``xw_t``, ``wh`` and ``b`` with the columns of their four gates moved so that the right
    step computes, on them, what a step that splits z into the gates ``order`` computes."""
    n = wh.shape[0]
    cols = np.concatenate([np.arange(n) + n * order.index(g) for g in GATES])
    return xw_t[:, cols], wh[:, cols], b[cols]


def _lstm_mistakes(reference: Callable):
    """(hint, what the step would give with that mistake) for each classic mistake, each
    computed by ``reference`` (the right step) on inputs changed to match."""
    def masked(h_on, c_on, after=False, inverted=False):
        def step(xw_t, start_t, h, c, wh, b):
            keep = (start_t if inverted else 1 - start_t)[:, None]
            no_start = np.zeros_like(start_t)
            if after:
                h2, c2 = reference(xw_t, no_start, h, c, wh, b)
                return h2 * keep, c2 * keep
            return reference(xw_t, no_start, h * keep if h_on else h, c * keep if c_on else c, wh, b)
        return step

    def reordered(order):
        def step(xw_t, start_t, h, c, wh, b):
            xw_t, wh, b = _gates_as(order, xw_t, wh, b)
            return reference(xw_t, start_t, h, c, wh, b)
        return step

    mistakes = [
        ('the old memory was read: where start_t is 1, zero h and c (multiply them by 1 - start_t) '
         'before computing z -- a new episode must not remember the last one', masked(False, False)),
        ('h and c were zeroed after the step instead of before it: zero them first, then compute z '
         'from them (the first step of a new episode still runs, from zero memory)', masked(True, True, after=True)),
        ('only h was zeroed: zero c too (the old c reaches c\' through sigmoid(f) * c)', masked(True, False)),
        ('only c was zeroed: zero h too (the old h reaches every gate through h @ wh)', masked(False, True)),
        ('the mask is upside down: it zeroed the rows that go on with their episode; zero those where '
         'start_t is 1 (keep = 1 - start_t)', masked(True, True, inverted=True)),
    ]
    for order in itertools.permutations(GATES):
        if order != GATES:
            mistakes.append((f'the gates come out as if z split into {", ".join(order)}'
                             f'{KNOWN_ORDERS.get(order, "")}: here it splits into i, f, o, u, in that order '
                             f'(input, forget, output, update)', reordered(order)))
    return mistakes


def check_lstm_step(checker: Checker, student: Callable, reference: Callable) -> None:
    """Exercise 1.6. ``student(xw_t, start_t, h, c, wh, b)`` and ``reference(...)`` take
    float32 arrays, xw_t (B, 4n), start_t (B,), h and c (B, n), wh (n, 4n) and b (4n,), and
    return ``(h, c)`` after the step, each (B, n). ``reference`` is the library's own cell
    (``core_lstm.py`` of the backend), run on the same weights.

    When a part fails, the student's step is run on a batch of its own, where rows that start
    an episode sit beside rows that do not, and compared there with each classic mistake (no
    mask, the mask after the step or upside down, only h or only c masked, the gates in another
    order): a match adds that mistake's hint to the message. On that batch, unlike on a batch
    of one row, no two of the mistakes give the same result."""
    rng = np.random.default_rng(8)
    tol = dict(atol=1e-5, rtol=1e-5)
    mistakes = _lstm_mistakes(reference)
    telling = _lstm_case(np.random.default_rng(9), 6, 4, 'mixed')

    def pair(out):
        if not (isinstance(out, (tuple, list)) and len(out) == 2):
            raise TypeError(f'lstm_step must return the pair (h, c), not {type(out).__name__}')
        return out

    def diagnose():
        try:
            got = pair(student(*(a.copy() for a in telling)))
            return next((hint for hint, step in mistakes
                         if not any(compare(g, w, **tol) for g, w in zip(got, step(*telling)))), None)
        except Exception:  # the part that failed says what went wrong; there is just no hint
            return None

    def against_reference(cases):
        for description, args in cases:
            want = reference(*args)
            got = pair(student(*(a.copy() for a in args)))
            for name, g, w in zip(("h'", "c'"), got, want):
                problem = compare(g, w, **tol)
                if problem:
                    hint = diagnose()
                    return f'{description}, {name}: {problem}' + (f' -- {hint}' if hint else '')
        return None

    def exactly_zero_memory():
        for description, args in _lstm_cases(rng, 'mixed'):
            xw_t, start_t, h, c, wh, b = args
            got = pair(student(*(a.copy() for a in args)))
            zero = pair(student(xw_t.copy(), start_t.copy(), np.zeros_like(h), np.zeros_like(c), wh.copy(), b.copy()))
            for name, g, z in zip(("h'", "c'"), got, zero):
                g, z = np.asarray(g), np.asarray(z)
                if g.shape != h.shape or z.shape != h.shape:
                    return f'{description}, {name}: shape {(z if g.shape == h.shape else g).shape}, expected {h.shape}'
                differ = np.argwhere((g != z) & (start_t == 1)[:, None])
                if len(differ):
                    r, j = (int(k) for k in differ[0])
                    hint = diagnose()
                    return (f'{description}, {name}: row {r} starts an episode, yet at [{r}, {j}] it gave '
                            f'{g[r, j]:.6g} from the memory it was given and {z[r, j]:.6g} from h = c = 0'
                            + (f' -- {hint}' if hint else ': the step must not read the old memory at all'))
        return None

    checker.part("no episode starts (start_t = 0): h' and c' against the library's cell on 4 random batches",
                 lambda: against_reference(_lstm_cases(rng, 'none')))
    checker.part("every row starts an episode (start_t = 1): the step from zero memory, against the "
                 "library's cell", lambda: against_reference(_lstm_cases(rng, 'all')))
    checker.part("rows that start an episode beside rows that do not, against the library's cell on "
                 '4 random batches', lambda: against_reference(_lstm_cases(rng, 'mixed')))
    checker.part('a row that starts an episode gives exactly (bit for bit) what it gives with h = c = 0',
                 exactly_zero_memory)


# ----------------------------------------------------------------------------------------
# Exercise 1.3: TD3's target actions (target policy smoothing)
# ----------------------------------------------------------------------------------------

def check_target_actions(checker: Checker, student: Callable) -> None:
    """``student(mu_targ, target_noise, noise_clip, act_limit)`` gives the smoothed target
    actions for the target policy's actions ``mu_targ`` (float32, (batch, act_dim)); it may
    draw fresh noise on each call, so its draws are judged by their statistics."""
    rng = np.random.default_rng(3)
    mu = rng.uniform(-1.2, 1.2, size=(50, 2)).astype(np.float32)

    def no_noise():
        return compare(student(mu, 0.0, 0.5, 1.0), np.clip(mu, -1.0, 1.0))

    def noise():
        centre = np.full((20000, 1), 0.3, dtype=np.float32)
        eps = np.asarray(student(centre, 0.2, 0.5, 100.0), dtype=np.float64) - 0.3
        # a N(0, 0.2^2) draw clipped to +-0.5 has standard deviation 0.1977
        if eps.shape != centre.shape:
            return f'shape {eps.shape}, expected {centre.shape}'
        if np.abs(eps).max() > 0.5 + 1e-6:
            return f'noise of {np.abs(eps).max():.3f} reached the action: clip it to +-noise_clip (0.5)'
        if not 0.185 < eps.std() < 0.21:
            return f'the noise has standard deviation {eps.std():.3f}: expected about 0.198 (target_noise 0.2, clipped)'
        if abs(eps.mean()) > 0.01:
            return f'the noise has mean {eps.mean():.3f}: expected about 0'
        if np.mean(np.abs(eps) > 0.4999) < 0.003:
            return 'no noise reached +-noise_clip: about 1.2% of the draws should be clipped there'
        return None

    def limits():
        near_edge = np.full((5000, 3), 0.9, dtype=np.float32)
        a = np.asarray(student(near_edge, 0.3, 0.5, 1.0))
        if a.max() > 1.0 + 1e-6 or a.min() < 0.4 - 1e-6:
            return f'actions from {a.min():.3f} to {a.max():.3f}: expected them within [0.4, 1] (0.9 +- 0.5, clipped to the limit 1)'
        if not np.any(a == 1.0):
            return 'no action reached the limit 1: clip mu + noise to [-act_limit, act_limit]'
        return None

    checker.part("with target_noise = 0: the target policy's action, clipped to the limits", no_noise)
    checker.part('the noise: mean 0, standard deviation target_noise, clipped to +-noise_clip', noise)
    checker.part('the smoothed action stays within [-act_limit, act_limit]', limits)


# ----------------------------------------------------------------------------------------
# Exercise 1.2: a Gaussian policy for PPO
# ----------------------------------------------------------------------------------------

def check_gaussian_policy(checker: Checker, sample: Callable, log_prob: Callable, entropy: Callable,
                          obs_dim: int, act_dim: int, single: bool = True) -> None:
    """The quick part of exercise 1.2, run before any training. The three callables wrap a
    freshly built policy: ``sample(obs)`` draws actions, ``log_prob(obs, act)`` gives
    log pi(act|obs) and ``entropy(obs)`` the entropy of pi(.|obs), NumPy in and out.

    The policy's mean and standard deviation are not read from its code: they are estimated
    from 4000 of its own draws per observation, and its log-likelihoods and entropies must
    agree with them (within the sampling error).
    """
    rng = np.random.default_rng(4)
    batch, n = 6, 4000
    obs = rng.normal(size=(batch, obs_dim)).astype(np.float32)

    def shapes():
        act = np.asarray(sample(obs))
        shapes = [('sample(obs)', act.shape, (batch, act_dim)),
                  ('log_prob(obs, act)', np.shape(log_prob(obs, act)), (batch,)),
                  ('entropy(obs)', np.shape(entropy(obs)), (batch,))]
        if single:
            shapes += [('sample(one obs)', np.shape(sample(obs[0])), (act_dim,)),
                       ('log_prob(one obs, one act)', np.shape(log_prob(obs[0], act[0])), ())]
        for what, got, want in shapes:
            if got != want:
                return f'{what} has shape {got}, expected {want} (sum over the last axis only)'
        return None
    if not checker.part(f'shapes, for a batch of {batch} observations' + (' and for a single one' if single else ''),
                        shapes):
        return

    draws = np.asarray(sample(np.repeat(obs, n, axis=0)), dtype=np.float64).reshape(batch, n, act_dim)
    mu, std = draws.mean(axis=1), draws.std(axis=1)

    def initial_std():
        if np.all((0.55 < std) & (std < 0.67)):
            return None
        return (f'the draws have standard deviations from {std.min():.3g} to {std.max():.3g}: '
                f'start log_std at -0.5 (sigma = 0.607)')

    def likelihood():
        act = (mu + std * rng.normal(size=mu.shape)).astype(np.float32)
        return compare(log_prob(obs, act), gaussian_logp64(act, mu, np.log(std)), atol=0.15, rtol=0.01)

    def entropy_formula():
        want = np.log(std).sum(axis=-1) + 0.5 * act_dim * np.log(2 * np.pi * np.e)
        return compare(entropy(obs), want, atol=0.1, rtol=0.01)

    checker.part('the log-std starts at -0.5: draws spread with sigma = 0.607', initial_std)
    checker.part("log_prob(obs, act) is log N(act; mu, sigma) for the mean and spread of the policy's "
                 'own draws', likelihood)
    checker.part('entropy(obs) is sum_i log sigma_i + (d/2) log(2 pi e)', entropy_formula)


def judge_training(checker: Checker, progress_file: str, env: str, epochs: int, steps: int,
                   threshold: float = 50.0) -> None:
    """The training part of exercise 1.2: the mean ``AverageEpRet`` of the last 5 epochs of
    the run whose ``progress.txt`` is ``progress_file`` must be above ``threshold``.

    The bar says "the policy learns", not "it masters the task": a random policy balances
    the pendulum for about 10 steps, and the solutions, over seeds 0-7 in each backend at the
    exercise's budget, ended between 140 and 861 (seeds differ far more than backends), so a
    correct policy clears 50 on any seed and CPU with room, and a broken one does not."""
    import pandas as pd
    returns = pd.read_table(progress_file)['AverageEpRet']
    last5 = returns.tail(5).mean()
    what = (f'PPO on {env}, {epochs} epochs of {steps} steps: mean AverageEpRet of the last 5 epochs '
            f'above {threshold:g} (it was {last5:.1f})')
    checker.note(what, None if last5 > threshold else
                 f'the returns by epoch were {", ".join(f"{r:.0f}" for r in returns)}')


# ----------------------------------------------------------------------------------------
# Exercise 1.3: a short TD3 run
# ----------------------------------------------------------------------------------------

def train_td3(checker: Checker, td3: Callable, flags, exp_name: str) -> None:
    """Run ``td3`` briefly with small networks and short episodes (``flags``: env, epochs,
    steps_per_epoch, seed, data_dir), then print its learning curve."""
    import os

    import pandas as pd

    from spinup.utils.envs import EnvFn, resolve_env_id
    from spinup.utils.run_utils import setup_logger_kwargs
    logger_kwargs = setup_logger_kwargs(exp_name, flags.seed, flags.data_dir)
    curve = None

    def train():
        nonlocal curve
        td3(EnvFn(resolve_env_id(flags.env)), ac_kwargs=dict(hidden_sizes=(128, 128)), seed=flags.seed,
            epochs=flags.epochs, steps_per_epoch=flags.steps_per_epoch, start_steps=1000, update_after=1000,
            max_ep_len=150, num_test_episodes=5, logger_kwargs=logger_kwargs)
        curve = pd.read_table(os.path.join(logger_kwargs['output_dir'], 'progress.txt'))
        print('\nLearning curve (test episodes of at most 150 steps):')
        print(curve[['Epoch', 'TotalEnvInteracts', 'AverageTestEpRet']].to_string(index=False))
    if checker.part(f'TD3 runs on {flags.env} for {flags.epochs} epochs', train):
        checker.results[-1] = (f'trained on {flags.env} for {flags.epochs} epochs: AverageTestEpRet by epoch '
                               f'{", ".join(f"{r:.0f}" for r in curve["AverageTestEpRet"])}', None)
