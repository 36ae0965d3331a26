"""The exception type for mistakes a user can fix, and a parser that raises it."""
import argparse


class SpinupError(Exception):
    """Bad input: the message says what was wrong and what to do.

    The command line prints it as one line (no traceback) and exits non-zero.
    """


class ArgumentParser(argparse.ArgumentParser):
    """An argparse parser whose usage errors are a :class:`SpinupError`: one line, no usage block."""

    def error(self, message: str):
        raise SpinupError(f'{message} (see: {self.prog} --help)')
