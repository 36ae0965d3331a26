"""The one exception type for mistakes a user can fix."""


class SpinupError(Exception):
    """Bad input: the message says what was wrong and what to do.

    The command line prints it as one line (no traceback) and exits non-zero.
    """
