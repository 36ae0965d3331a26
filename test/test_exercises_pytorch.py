"""The PyTorch problem sets: each exercise file fails until solved, each solution passes,
subtly wrong answers are caught (the tests themselves are in exercise_cases.py)."""
import pytest

from exercise_cases import *  # noqa: F401,F403 (the tests)
from exercise_cases import library_td3_source, mutate, path_of


@pytest.fixture
def backend():
    return 'pytorch'


@pytest.fixture
def wrong_answers():
    """{exercise: {what is wrong: (source to paste, what the banner must then say)}}."""
    s11 = path_of('pytorch', '1.1', solution=True).read_text()
    s14 = path_of('pytorch', '1.4', solution=True).read_text()
    s15 = path_of('pytorch', '1.5', solution=True).read_text()
    td3 = library_td3_source('pytorch')
    return {
        '1.1': {
            'log sigma counted half': (mutate(s11, '0.5 * z ** 2 + log_std', '0.5 * z ** 2 + 0.5 * log_std'), 'values differ'),
            'no log(2 pi) term': (mutate(s11, ' + 0.5 * math.log(2 * math.pi)', ''), 'values differ'),
            'summed over the batch': (mutate(s11, '.sum(dim=-1)', '.sum(dim=0)'), 'shape (3,), expected (7,)'),
        },
        '1.4': {
            'a terminal end bootstraps': (mutate(s14, 'next_val = 0.0 if term else float(last_val)',
                                                 'next_val = float(last_val)'), 'terminal state'),
            'V(s_t) in place of V(s_t+1)': (mutate(s14, 'delta = rews[t] + gamma * next_val - vals[t]',
                                                   'delta = rews[t] + gamma * vals[t] - vals[t]'), 'values differ'),
            'rewards-to-go never bootstrap': (mutate(s14, 'next_adv, next_ret = 0.0, next_val',
                                                     'next_adv, next_ret = 0.0, 0.0'), 'rewards-to-go'),
        },
        '1.5': {
            'no log 2 term': (mutate(s15, '2 * (math.log(2) - u', '2 * (-u'), 'values differ'),
            'the unstable form': (mutate(s15, '(2 * (math.log(2) - u - F.softplus(-2 * u)))',
                                         'torch.log(1 - torch.tanh(u) ** 2)'), 'numerically stable form'),
        },
        '1.3': {
            'the larger target Q': (mutate(td3, 'torch.min(ac_targ.q1', 'torch.max(ac_targ.q1'), 'FAIL  compute_loss_q'),
            'the policy climbs Q2': (mutate(td3, 'ac.q1(o, ac.pi(o))', 'ac.q2(o, ac.pi(o))'), 'FAIL  compute_loss_pi'),
            'the noise unclipped': (mutate(td3, 'epsilon = torch.clamp(epsilon, -noise_clip, noise_clip)', ''),
                                    'FAIL  the noise'),
        },
    }
