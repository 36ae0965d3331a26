"""Problem sets whose scripts check the student's answers, in both backends.

``EXERCISES`` lists them, for the command line (``python -m spinup.run exercise``).
"""
from typing import Dict, NamedTuple, Optional


class Exercise(NamedTuple):
    title: str
    module: str                 # under spinup.exercises.<backend>.
    solution: Optional[str]     # the solution's module, if the exercise has a solution file
    algo: Optional[str]         # the algorithm it exercises, whose DEFAULT_BACKEND it takes
    solution_flag: Optional[str] = None  # with no solution file: the flag that makes the exercise run one


EXERCISES: Dict[str, Exercise] = {
    '1.1': Exercise('Diagonal Gaussian log-likelihood', 'problem_set_1.exercise1_1',
                    'problem_set_1_solutions.exercise1_1_soln', None),
    '1.2': Exercise('An MLP Gaussian policy for PPO', 'problem_set_1.exercise1_2',
                    'problem_set_1_solutions.exercise1_2_soln', 'ppo'),
    '1.3': Exercise("TD3's losses", 'problem_set_1.exercise1_3', None, 'td3', '--use_soln'),
    '1.4': Exercise('GAE-Lambda advantages and rewards-to-go', 'problem_set_1.exercise1_4',
                    'problem_set_1_solutions.exercise1_4_soln', None),
    '1.5': Exercise("SAC's tanh-squashed Gaussian log-likelihood", 'problem_set_1.exercise1_5',
                    'problem_set_1_solutions.exercise1_5_soln', None),
    '1.6': Exercise("The memory's mask: one step of an LSTM", 'problem_set_1.exercise1_6',
                    'problem_set_1_solutions.exercise1_6_soln', None),
    '2.1': Exercise('Value function fitting in TRPO', 'problem_set_2.exercise2_1', None, 'trpo'),
    '2.2': Exercise('A silent bug in DDPG', 'problem_set_2.exercise2_2', None, 'ddpg'),
}
