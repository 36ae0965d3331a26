"""Runs one experiment, handed over as a cloudpickled, compressed, base64-encoded thunk.

``call_experiment`` starts this file in a fresh Python process. A mistake the user can
fix (a :class:`~spinup.utils.errors.SpinupError`) is printed as one line; any other
error keeps its full traceback, which is what is needed to debug it.
"""
import argparse
import base64
import pickle
import zlib

from spinup.utils.errors import run_main


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument('encoded_thunk')
    args = parser.parse_args()
    thunk = pickle.loads(zlib.decompress(base64.b64decode(args.encoded_thunk)))
    thunk()
    return 0


if __name__ == '__main__':
    # (stopped by Ctrl-C, even before its checkpoint exists, it leaves 'Interrupted.' to the
    # launcher, which has the signal too)
    run_main(main, say_interrupted=False)
