"""Settings a user may change for their own installation.

Edit this file (or set the environment variables named below) to move where runs are
saved, or to choose which backend a bare algorithm name such as ``ppo`` uses.
"""
import os
import os.path as osp


def _default_data_dir() -> str:
    """The repository's ``data/`` for an editable install, else ``./data``."""
    repo_root = osp.dirname(osp.dirname(osp.abspath(__file__)))
    if osp.exists(osp.join(repo_root, 'setup.py')):
        return osp.join(repo_root, 'data')
    return osp.join(os.getcwd(), 'data')


# Where experiment outputs are saved by default. SPINUP_DATA_DIR overrides it.
DEFAULT_DATA_DIR = os.environ.get('SPINUP_DATA_DIR') or _default_data_dir()

# Whether to prefix every experiment folder with a datestamp, whatever the caller asked.
FORCE_DATESTAMP = False

# Whether ExperimentGrid names runs with shorthands of the hyperparameters it varies
# (``cp_h64-64``) rather than their full names (``cp_ac_kwargs-hidden_sizes64-64``).
DEFAULT_SHORTHAND = True

# Seconds to wait, counting down, before a grid of experiments starts, so there is time
# to read the plan and press Ctrl-C. The count-down only runs when a person is watching
# (standard output is a terminal).
WAIT_BEFORE_LAUNCH = 5

# Which implementation a bare algorithm name (``python -m spinup.run ppo``) runs.
DEFAULT_BACKEND = {
    'vpg': 'pytorch',
    'trpo': 'pytorch',
    'ppo': 'pytorch',
    'ddpg': 'pytorch',
    'td3': 'pytorch',
    'sac': 'pytorch',
}
