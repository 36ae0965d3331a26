"""Screens and rendering: whether windows can open, rendering off-screen, and keeping
OpenGL out of the processes that run TensorFlow.

Why TensorFlow and MuJoCo's renderer never share a process: ``libtensorflow_framework``
carries its own copy of LLVM and exports its symbols, while Mesa's OpenGL (``libOSMesa``
for ``MUJOCO_GL=osmesa``; the DRI driver behind EGL and GLX) links the system's
``libLLVM``. PyOpenGL loads those libraries into the process's global symbol scope, so
each LLVM binds to the other's functions and data: TensorFlow then dies at import
(segmentation fault) or at exit (``free(): invalid pointer``). So a process that runs
TensorFlow imports MuJoCo with its renderer switched off (training renders nothing), and
``test_policy`` renders in its own process while a TF1 policy acts from a child process.
"""
import os
import sys

from spinup.utils.errors import SpinupError

# Values of MUJOCO_GL with which ``import mujoco`` loads no OpenGL library.
GL_OFF = ('disable', 'disabled', 'off', 'false', '0')


def has_screen() -> bool:
    """True if windows can be opened: a display on Linux; assumed elsewhere."""
    if not sys.platform.startswith('linux'):
        return True
    return bool(os.environ.get('DISPLAY') or os.environ.get('WAYLAND_DISPLAY'))


def setup_offscreen_rendering() -> None:
    """Make MuJoCo, PyOpenGL and pygame draw without a screen (OSMesa; Debian: libosmesa6),
    unless the user chose a MuJoCo backend (``MUJOCO_GL=egl``). Call before they are imported."""
    if os.environ.get('MUJOCO_GL', '').lower() in GL_OFF:
        del os.environ['MUJOCO_GL']  # rendering is what this process is for
    os.environ.setdefault('MUJOCO_GL', 'osmesa')
    os.environ.setdefault('PYOPENGL_PLATFORM', os.environ['MUJOCO_GL'])
    os.environ.setdefault('SDL_VIDEODRIVER', 'dummy')  # pygame draws off-screen
    # and leaves SIGINT and SIGTERM to Python (SDL's own handlers would swallow a kill)
    os.environ.setdefault('SDL_NO_SIGNAL_HANDLERS', '1')


def _system_llvm_loaded() -> bool:
    """True if a shared libLLVM (Mesa's) is mapped into this process (Linux; False elsewhere)."""
    try:
        with open('/proc/self/maps') as maps:
            return any('/libLLVM' in line for line in maps)
    except OSError:
        return False


def keep_opengl_out_of_tensorflow() -> None:
    """Prepare this process to run TensorFlow: import MuJoCo with its renderer off.

    Called before spinup imports TensorFlow (on Linux; elsewhere there is no Mesa to clash
    with). ``MUJOCO_GL`` is switched off only while MuJoCo is imported and then restored, so
    processes started from this one (a ``test_policy``, say) still render as the user asked.
    If an LLVM is already loaded (an environment made with ``MUJOCO_GL=osmesa`` before the
    TF1 code was imported), this says so in one line instead of letting TensorFlow crash.
    A process that has run TF1 code should not render MuJoCo itself: ``test_policy`` does.
    """
    if not sys.platform.startswith('linux'):
        return  # no Mesa there, and no clash
    if 'mujoco' not in sys.modules:
        saved = os.environ.get('MUJOCO_GL')
        os.environ['MUJOCO_GL'] = 'disable'
        try:
            import mujoco  # noqa: F401  (its GL backend is chosen once, at import)
        except ImportError:
            pass
        finally:
            if saved is None:
                del os.environ['MUJOCO_GL']
            else:
                os.environ['MUJOCO_GL'] = saved
    if _system_llvm_loaded():
        raise SpinupError(
            "a shared LLVM (libLLVM, which Mesa's OpenGL loads for MUJOCO_GL=osmesa or egl) is already loaded "
            "in this process, and TensorFlow crashes beside it: import spinup's TF1 code before making MuJoCo "
            "environments, or set MUJOCO_GL=disable for training (watch TF1 policies with "
            "'python -m spinup.run test_policy').")
