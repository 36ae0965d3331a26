"""The TF1 problem sets: each exercise file fails until solved, each solution passes,
subtly wrong answers are caught (the tests themselves are in exercise_cases.py)."""
import pytest

from exercise_cases import *  # noqa: F401,F403 (the tests)
from exercise_cases import library_td3_source, mutate, path_of, run_exercise_2_2


@pytest.fixture
def backend():
    return 'tf1'


@pytest.fixture
def wrong_answers():
    """{exercise: {what is wrong: (source to paste, what the banner must then say)}}."""
    s11 = path_of('tf1', '1.1', solution=True).read_text()
    s14 = path_of('tf1', '1.4', solution=True).read_text()
    s15 = path_of('tf1', '1.5', solution=True).read_text()
    s16 = path_of('tf1', '1.6', solution=True).read_text()
    mask_line = next(line for line in s16.splitlines(keepends=True) if 'h, c = h * keep, c * keep' in line)
    td3 = library_td3_source('tf1')
    return {
        '1.1': {
            'log sigma counted half': (mutate(s11, '0.5 * z ** 2 + log_std', '0.5 * z ** 2 + 0.5 * log_std'), 'values differ'),
            'no log(2 pi) term': (mutate(s11, ' + 0.5 * np.log(2 * np.pi)', ''), 'values differ'),
            'summed over the batch': (mutate(s11, 'axis=-1)', 'axis=0)'), 'shape (3,), expected (7,)'),
        },
        '1.4': {
            'a terminal end bootstraps': (mutate(s14, 'boot = 0.0 if term else float(last_val)',
                                                 'boot = float(last_val)'), 'FAIL  one step into a terminal state'),
            'V(s_t) in place of V(s_t+1)': (mutate(s14, 'gamma * v[1:] - v[:-1]', 'gamma * v[:-1] - v[:-1]'),
                                            'values differ'),
            'rewards-to-go never bootstrap': (mutate(s14, 'discount_cumsum(r, gamma)[:-1]',
                                                     'discount_cumsum(r[:-1], gamma)'), ', rewards-to-go:'),
        },
        '1.5': {
            'no log 2 term': (mutate(s15, '2 * (np.log(2) - u', '2 * (-u'), 'values differ'),
            'the unstable form': (mutate(s15, '2 * (np.log(2) - u - tf.nn.softplus(-2 * u))',
                                         'tf.log(1 - tf.tanh(u) ** 2)'), 'numerically stable form'),
        },
        '1.6': {
            'no mask': (mutate(s16, mask_line, ''), 'the old memory was read'),
            'the mask after the step': (mutate(mutate(s16, mask_line, ''), 'return h, c', 'return h * keep, c * keep'),
                                        'zeroed after the step instead of before it'),
            'only h masked': (mutate(s16, 'h, c = h * keep, c * keep', 'h = h * keep'), 'only h was zeroed'),
            'only c masked': (mutate(s16, 'h, c = h * keep, c * keep', 'c = c * keep'), 'only c was zeroed'),
            'the mask upside down': (mutate(s16, 'keep = (1 - start_t)', 'keep = (start_t)'),
                                     'the mask is upside down'),
            "another library's gate order": (mutate(s16, 'i, f, o, u = tf.split(z, 4, axis=-1)',
                                                    'i, u, f, o = tf.split(z, 4, axis=-1)'),
                                             "as if z split into i, u, f, o (tf.nn.rnn_cell.LSTMCell's order)"),
        },
        '1.3': {
            'the larger target Q': (mutate(td3, 'tf.minimum(q1_targ', 'tf.maximum(q1_targ'), 'FAIL  compute_loss_q'),
            'a gradient through the backup': (mutate(td3, 'tf.stop_gradient(r + gamma * (1 - d) * q_pi_targ)',
                                                     '(r + gamma * (1 - d) * q_pi_targ)'),
                                              'gradient with respect to q1_targ'),
            'the noise unclipped': (mutate(td3, 'epsilon = tf.clip_by_value(epsilon, -noise_clip, noise_clip)', ''),
                                    'FAIL  the noise'),
        },
    }


def test_exercise_2_2_runs_ddpg_with_both_actor_critics_and_plots_them(tmp_path):
    """One seed, one epoch of 300 steps each. (test_exercises_pytorch.py runs enough to show the bug.)"""
    run_exercise_2_2('tf1', tmp_path, seeds=1, epochs=1, steps_per_epoch=300)
