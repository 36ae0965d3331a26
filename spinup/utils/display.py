"""Whether this machine can show windows."""
import os
import sys


def has_screen() -> bool:
    """True if windows can be opened: a display on Linux; assumed elsewhere."""
    if not sys.platform.startswith('linux'):
        return True
    return bool(os.environ.get('DISPLAY') or os.environ.get('WAYLAND_DISPLAY'))
