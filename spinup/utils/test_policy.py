"""Load a trained agent and its environment from a run's folder, and run it.

``python -m spinup.run test_policy RUN [--len L] [--episodes N] [--norender] [--itr I]
[--deterministic] [--video FILE.mp4] [--env ENV_ID]``

The backend is found from what the run saved (``pyt_save/`` for PyTorch, ``tf1_save/``
for TF1). The environment is built again from ``vars.pkl``. Without a screen, rendering records a
video instead of opening a window: 3 episodes unless told otherwise, after a note of how long that
takes at most, with a progress bar, and the video so far kept on Ctrl-C. A TF1 policy acts from
a child process, because TensorFlow and OpenGL cannot share a process (see
:mod:`spinup.utils.display`); this process, which renders, never imports TensorFlow.
"""
import contextlib
import inspect
import os
import os.path as osp
import pickle
import re
import signal
import subprocess
import sys
import threading
import time
import weakref
from typing import Callable, Iterator, List, Optional, Tuple, Union

import joblib
import numpy as np
from tqdm import tqdm

from spinup.utils.display import has_screen, setup_offscreen_rendering
from spinup.utils.envs import make_from_description, reports_episodes, resolve_env_id
from spinup.utils.errors import ArgumentParser, SpinupError, killed_by, run_main
from spinup.utils.serialization_utils import atomic_path, saved_dir


def _saved_itrs(folder: str, pattern: str) -> List[str]:
    """The iterations of the saves in ``folder`` named by ``pattern`` ('' for the unnumbered one)."""
    found = []
    for fname in os.listdir(folder):
        match = re.fullmatch(pattern, fname)
        if match:
            found.append(match.group(1))
    return found


def find_save(fpath: str, itr: Union[str, int] = 'last') -> Tuple[str, str]:
    """The backend and iteration of the save to load from the run folder ``fpath``.

    ``itr='last'`` picks the newest save: the unnumbered one (overwritten at every save)
    if there is one, else the highest-numbered; an integer picks that numbered save.

    Returns:
        ``(backend, itr)`` with backend ``'pytorch'`` or ``'tf1'`` and itr a string
        ('' for the unnumbered save).
    """
    if not osp.isdir(fpath):
        raise SpinupError(f"no run folder at '{fpath}': give the folder of one run, e.g. data/cp/cp_s0.")
    candidates = []  # (backend, itr)
    pyt = osp.join(fpath, 'pyt_save')
    if osp.isdir(pyt):
        candidates += [('pytorch', i) for i in _saved_itrs(pyt, r'model(\d*)\.pt')]
    # a TF1 save is a folder; one set aside mid-swap by a crash (.tf1_save.old) still counts
    tf1_itrs = set(_saved_itrs(fpath, r'tf1_save(\d*)')) | set(_saved_itrs(fpath, r'\.tf1_save(\d*)\.old'))
    candidates += [('tf1', i) for i in sorted(tf1_itrs)
                   if osp.isdir(saved_dir(osp.join(fpath, f'tf1_save{i}')))]
    if not candidates:
        raise SpinupError(f"no saved model in '{fpath}' (looked for pyt_save/model*.pt and tf1_save*/): "
                          "give the folder of a run that has saved, e.g. data/cp/cp_s0.")
    if itr == 'last':
        return max(candidates, key=lambda c: float('inf') if c[1] == '' else int(c[1]))
    wanted = str(int(itr))
    for backend, found in candidates:
        if found == wanted:
            return backend, found
    have = sorted({int(i) for _, i in candidates if i != ''})
    raise SpinupError(f"no save number {itr} in '{fpath}': numbered saves there are {have or 'none'}; "
                      "leave out --itr to load the newest.")


def load_policy_and_env(fpath: str, itr: Union[str, int] = 'last', deterministic: bool = False,
                        render_mode: Optional[str] = None, env_id: Optional[str] = None):
    """Load the policy saved in the run folder ``fpath`` and build its environment.

    Args:
        fpath (str): A run's output folder.
        itr ('last' or int): Which save to load; 'last' is the newest.
        deterministic (bool): Use the policy's deterministic action where it has one (SAC's mean).
        render_mode (str): Render mode for the environment ('human', 'rgb_array' or None).
        env_id (str): Build this environment instead of the one saved in ``vars.pkl``.

    Returns:
        ``(env, get_action)``: the environment and a function from an observation to an
        action. ``env`` is None, with a warning saying why, when the run's environment cannot
        be rebuilt (a class defined in the training script, say): run the policy on your own
        environment object with ``run_policy(MyEnv(), get_action)``.
    """
    backend, itr = find_save(fpath, itr)
    try:
        env = load_env(fpath, itr, render_mode, env_id)
    except EnvNotRebuilt as err:
        print(f'Warning: {err.why}; load_policy_and_env returns None for the environment: '
              f'run the policy on your own with run_policy({err.env_class}(), get_action).', file=sys.stderr)
        env = None
    return env, load_policy(fpath, backend, itr, deterministic)


def load_policy(fpath: str, backend: str, itr: str = '', deterministic: bool = False) -> Callable:
    """The function from an observation to an action of the ``backend`` save ``itr`` in ``fpath``."""
    if backend == 'tf1':
        return load_tf_policy(fpath, itr, deterministic)
    return load_pytorch_policy(fpath, itr, deterministic)


class EnvNotRebuilt(SpinupError):
    """The environment a run saved cannot be built again in this process.

    Args:
        reason (str): What went wrong, after "cannot be rebuilt", e.g. the class not found.

    Attributes:
        why (str): The whole sentence saying what went wrong.
        env_class (str): The environment's class name where known, else ``'MyEnv'``.
    """

    def __init__(self, fpath: str, reason: str, env_class: str = 'MyEnv'):
        why = f"the environment of '{fpath}' cannot be rebuilt{reason}"
        self.why, self.env_class = why, env_class
        super().__init__(
            f"{why}. Name a registered environment with --env ENV_ID, or run the policy on your own "
            f"environment object from Python: `_, get_action = load_policy_and_env({fpath!r}); "
            f"run_policy({env_class}(), get_action)` (both from spinup.utils.test_policy).")


def _unpickling_failure(fpath: str, fname: str, err: Exception) -> EnvNotRebuilt:
    """Say which class or module ``vars.pkl`` names that this process cannot import."""
    prefix = f' from {fname}'
    missing = re.search(r"Can't get attribute '([\w.]+)' on <module '([\w.]+)'", str(err))
    main = sys.modules['__main__']
    # pickle looked in __main__, which here is this command's own module (shown by its name)
    main_names = {'__main__', getattr(getattr(main, '__spec__', None), 'name', '__main__')}
    if missing and missing.group(2) in main_names:
        cls = missing.group(1)
        return EnvNotRebuilt(fpath, f'{prefix}: its class {cls} was defined in the training script '
                                    f'itself (__main__), which cannot be imported here', cls)
    if missing:
        cls, module = missing.groups()
        return EnvNotRebuilt(fpath, f'{prefix}: module {module} has no class {cls}', cls)
    if isinstance(err, ModuleNotFoundError):
        return EnvNotRebuilt(fpath, f'{prefix}: its class comes from module {err.name}, '
                                    'which cannot be imported here')
    return EnvNotRebuilt(fpath, f'{prefix}: {type(err).__name__}: {err}')


def load_env(fpath: str, itr: str = '', render_mode: Optional[str] = None, env_id: Optional[str] = None):
    """Build the environment a run saved in ``vars<itr>.pkl`` (or ``env_id`` if given).

    Raises:
        EnvNotRebuilt: the run saved no environment, or one whose class cannot be imported here.
    """
    if env_id is not None:
        desc = {'env_id': resolve_env_id(env_id), 'env_kwargs': {}, 'max_episode_steps': None}
        return make_from_description(desc, render_mode)
    fnames = [f for f in dict.fromkeys((f'vars{itr}.pkl', 'vars.pkl')) if osp.exists(osp.join(fpath, f))]
    if not fnames:
        raise EnvNotRebuilt(fpath, ': the run saved no vars.pkl (its environment could not be pickled)')
    try:
        state = joblib.load(osp.join(fpath, fnames[0]))
    except (AttributeError, ImportError) as err:  # pickle names a class this process cannot import
        raise _unpickling_failure(fpath, fnames[0], err) from None
    if 'env_spec' in state:
        return make_from_description(state['env_spec'], render_mode)
    if 'env' in state:
        return state['env']
    raise EnvNotRebuilt(fpath, f': {fnames[0]} holds none')


# What TFPolicyProcess sends its child when an episode starts (a recurrent agent's memory goes)
NEW_EPISODE = 'new episode'

NO_DETERMINISTIC_MODE = ('Note: --deterministic changes nothing for this policy: only SAC has a separate '
                         'deterministic action (its mean); DDPG and TD3 act deterministically already.')


def load_tf_policy(fpath: str, itr: str, deterministic: bool = False) -> Callable:
    """A function from an observation to an action, from the SavedModel ``tf1_save<itr>/``.

    The policy runs in a child process of its own (:class:`TFPolicyProcess`), so that this
    process may render: TensorFlow and OpenGL cannot share one (see :mod:`spinup.utils.display`).
    """
    fname = osp.join(fpath, f'tf1_save{itr}')
    print(f'\n\nLoading from {fname}.\n\n')
    policy = TFPolicyProcess(fname, deterministic)
    if deterministic and not policy.has_mean:
        print(NO_DETERMINISTIC_MODE)
    return policy


class TFPolicyProcess:
    """A TF1 policy acting from a child process: call it with an observation, get an action.

    The child (:func:`serve_tf_policy`) restores the SavedModel and answers one pickled
    observation with one pickled action, over its standard input and output. It ends when
    this object is closed or collected, or when this process exits.

    Attributes:
        has_mean (bool): The save has a separate deterministic action (SAC's ``mu``).
    """

    def __init__(self, save_dir: str, deterministic: bool = False):
        code = 'import sys; from spinup.utils.test_policy import serve_tf_policy; serve_tf_policy(*sys.argv[1:])'
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))  # spinup, as we import it
        self._proc = subprocess.Popen([sys.executable, '-c', code, save_dir, str(int(deterministic))],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        self._finalizer = weakref.finalize(self, _stop_process, self._proc)
        self.has_mean = self._exchange(None)

    def __call__(self, o):
        return self._exchange(np.asarray(o))

    def new_episode(self) -> None:
        """A new episode starts: a recurrent agent forgets what it saw (others have nothing
        to forget)."""
        self._exchange(NEW_EPISODE)

    def _exchange(self, o):
        """Send an observation (None: only read the first answer), return the answer."""
        try:
            if o is not None:
                pickle.dump(o, self._proc.stdin, protocol=pickle.HIGHEST_PROTOCOL)
                self._proc.stdin.flush()
            status, value = pickle.load(self._proc.stdout)
        except (EOFError, OSError):
            self.close()
            code = self._proc.returncode
            signal_name = killed_by(code)
            how = f'was killed by {signal_name}' if signal_name else f'stopped (exit status {code}); its error is printed above'
            raise SpinupError(f'the process running the TF1 policy {how}.') from None
        except BaseException:
            self.close()  # an answer left half-read would be taken for the next observation's
            raise
        if status == 'error':
            raise SpinupError(value)
        return value

    def close(self) -> None:
        """Stop the child process."""
        self._finalizer()


def _stop_process(proc: subprocess.Popen) -> None:
    try:
        proc.stdin.close()  # the child sees the end of its input and exits
    except OSError:
        pass  # it has gone already
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    proc.stdout.close()


def serve_tf_policy(save_dir: str, deterministic: str = '0') -> None:
    """The child process of :class:`TFPolicyProcess`: restore the TF1 policy in ``save_dir``,
    then answer each observation read from standard input with an action on standard output.

    The first answer says whether the save has a deterministic action (``mu``). Anything
    else printed (TensorFlow's notices) goes to standard error, keeping the answers clean.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent; the end of input stops this one
    answers = os.fdopen(os.dup(1), 'wb')
    os.dup2(2, 1)
    observations = sys.stdin.buffer

    def answer(status, value):
        pickle.dump((status, value), answers, protocol=pickle.HIGHEST_PROTOCOL)
        answers.flush()

    from spinup.utils.display import keep_opengl_out_of_tensorflow
    keep_opengl_out_of_tensorflow()  # before TensorFlow is loaded
    import tensorflow.compat.v1 as tf
    from spinup.utils.logx import restore_tf_graph
    from spinup.utils.mpi_tf import session_config
    tf.disable_v2_behavior()
    sess = tf.Session(graph=tf.Graph(), config=session_config())
    try:
        model = restore_tf_graph(sess, save_dir)
    except SpinupError as err:
        answer('error', str(err))
        return
    action_op = model['mu'] if deterministic == '1' and 'mu' in model else model['pi']
    answer('ok', 'mu' in model)
    recurrent = 'h' in model  # (a recurrent agent's memory, carried here from step to step)
    if recurrent:
        zeros = np.zeros((1, int(model['h'].shape[-1])), dtype=np.float32)
        memory, ops = (zeros, zeros), [action_op, model['h_out'], model['c_out']]
    while True:
        try:
            o = pickle.load(observations)
        except EOFError:
            return
        if isinstance(o, str) and o == NEW_EPISODE:
            if recurrent:
                memory = (zeros, zeros)
            answer('ok', None)
            continue
        try:
            if recurrent:  # one step (T = 1) of one copy (B = 1)
                feed = {model['x']: o[None, None], model['start']: np.zeros((1, 1)),
                        model['h']: memory[0], model['c']: memory[1]}
                a, *memory = sess.run(ops, feed)
                answer('ok', a[0, 0])
            else:
                answer('ok', sess.run(action_op, feed_dict={model['x']: o[None, :]})[0])
        except (ValueError, tf.errors.OpError) as err:  # an observation it cannot take (another --env, say)
            answer('error', f'the TF1 policy cannot act on this observation: {str(err).splitlines()[0]}')


def load_pytorch_policy(fpath: str, itr: str, deterministic: bool = False) -> Callable:
    """A function from an observation to an action, from ``pyt_save/model<itr>.pt``."""
    import torch
    fname = osp.join(fpath, 'pyt_save', f'model{itr}.pt')
    print(f'\n\nLoading from {fname}.\n\n')
    # a whole module, not only weights; on the CPU, wherever it trained
    model = torch.load(fname, weights_only=False, map_location='cpu')
    takes_deterministic = 'deterministic' in inspect.signature(model.act).parameters
    if deterministic and not takes_deterministic:
        print(NO_DETERMINISTIC_MODE)

    def as_tensor(x):
        return torch.as_tensor(x, dtype=torch.uint8 if getattr(x, 'dtype', None) == np.uint8 else torch.float32)

    if hasattr(model, 'initial_state'):
        return RecurrentPolicy(model, as_tensor)

    def get_action(x):
        with torch.no_grad():
            x = as_tensor(x)
            if takes_deterministic:
                return model.act(x, deterministic)
            return model.act(x)

    return get_action


class RecurrentPolicy:
    """A recurrent PyTorch agent acting on one observation at a time: it carries its memory
    from step to step, and forgets it when :func:`run_policy` starts a new episode."""

    def __init__(self, model, as_tensor: Callable):
        self.model, self.as_tensor = model, as_tensor
        self.new_episode()

    def new_episode(self) -> None:
        self.memory = self.model.initial_state(1)

    def __call__(self, o):
        # one copy (a batch of 1), its memory kept: no episode starts here
        a, self.memory = self.model.act(self.as_tensor(o)[None], self.as_tensor([0.0]), self.memory)
        return a[0]


class RecordingStopped(KeyboardInterrupt):
    """Ctrl-C while recording: the video was closed and kept with the frames recorded so far,
    and a line said where it is (so :func:`~spinup.utils.errors.run_main` adds no ``Interrupted.``).

    Attributes:
        video_path (str): Where the video is.
        frames (int): How many frames it holds.
    """

    def __init__(self, video_path: str, frames: int):
        super().__init__(f'{frames} frames recorded to {video_path}')
        self.video_path, self.frames = video_path, frames
        self.reported = True


@contextlib.contextmanager
def _ctrl_c_held_back() -> Iterator[None]:
    """Hold back a Ctrl-C (SIGINT) that comes during the block: it acts once the block has ended.

    For a frame's write to ffmpeg: a KeyboardInterrupt in the middle of it leaves ffmpeg a frame
    cut short (``Invalid buffer size, packet size 131072 < expected frame_size 750000``), and
    imageio's writer then kills ffmpeg: no video. A handler that only takes note lets the write
    finish (an interrupted system call is resumed, PEP 475). Signal handlers can be set from
    the main thread only: elsewhere the block runs as it is.
    """
    previous = signal.getsignal(signal.SIGINT)
    ignored = previous in (signal.SIG_IGN, None)  # (a background job's; None: not set from Python)
    if ignored or threading.current_thread() is not threading.main_thread():
        yield
        return
    pressed = []
    signal.signal(signal.SIGINT, lambda signum, frame: pressed.append(frame))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if pressed:
        if callable(previous):  # Python's own handler raises KeyboardInterrupt
            previous(signal.SIGINT, pressed[0])
        else:  # the system's default: end the process
            signal.raise_signal(signal.SIGINT)


class Video:
    """A video being written, frame by frame, by imageio's ffmpeg writer (see :func:`video_file`).

    Attributes:
        frames (int): How many frames have been written.
        bar (tqdm or None): A progress bar that each frame moves on.
    """

    def __init__(self, writer):
        self._writer = writer
        self.frames = 0
        self.bar = None

    def add(self, frame: np.ndarray) -> None:
        with _ctrl_c_held_back():  # whole frames only
            self._writer.append_data(frame)
            self.frames += 1
            if self.bar is not None:
                self.bar.update()


@contextlib.contextmanager
def video_file(path: str, fps: float) -> Iterator[Video]:
    """Write a video to ``path``, kept also when Ctrl-C stops the writing.

    The file is written under a hidden name beside ``path`` and moved onto it at the end, so an
    error leaves no broken video behind. Ctrl-C is not an error: the video is closed (ffmpeg
    finishes the file) and kept with the frames written so far, then the KeyboardInterrupt goes on.
    """
    import imageio
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    interrupted = None
    with atomic_path(path) as tmp:  # moved onto path when this block ends without an error
        writer = imageio.get_writer(tmp, fps=fps, macro_block_size=1)
        video = Video(writer)
        try:
            yield video
        except KeyboardInterrupt as interrupt:
            if video.frames == 0:
                raise  # nothing to keep
            interrupted = interrupt
        finally:
            writer.close()
    if interrupted is not None:
        raise interrupted


def episode_limit(env, max_ep_len: Optional[int] = None) -> Optional[int]:
    """The most steps an episode of ``env`` can take: ``max_ep_len`` or the environment's own
    time limit, whichever is smaller (None if neither is known)."""
    limits = [n for n in (max_ep_len, getattr(env.spec, 'max_episode_steps', None)) if n]
    return min(limits) if limits else None


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f'{max(1, round(seconds))} s'
    if seconds < 90 * 60:
        return f'{round(seconds / 60)} min'
    return f'{seconds / 3600:.1f} h'


def _seconds_per_frame(env) -> float:
    """Time a few renders of the current state, after the first (which also sets up OpenGL):
    0.3 s or a little more for MuJoCo without a GPU, milliseconds for the classic control tasks."""
    start, renders = time.perf_counter(), 0
    while renders < 5 and time.perf_counter() - start < 0.3:
        env.render()
        renders += 1
    return (time.perf_counter() - start) / renders


def recording_note(video_path: str, num_episodes: int, limit: Optional[int],
                   seconds_per_frame: float) -> str:
    """One line saying what will be recorded, where, and for about how long at most."""
    what = _count(num_episodes, 'episode')
    how_long = f'at the {1 / seconds_per_frame:.1f} frames/s this machine renders'
    if limit is not None:
        most_frames = num_episodes * (limit + 1)  # each episode's first frame, then one a step
        how_long = f'at most about {_duration(most_frames * seconds_per_frame)} {how_long}'
        what += f' of up to {limit} steps'
    return f'Recording {what} to {video_path}: {how_long} (Ctrl-C stops early and keeps the video).'


def _say(line: str) -> None:
    """Print a line above the progress bar, if there is one."""
    tqdm.write(line)
    sys.stdout.flush()


def run_policy(env, get_action: Callable, max_ep_len: Optional[int] = None,
               num_episodes: Optional[int] = None, render: bool = True,
               video_path: Optional[str] = None) -> List[Tuple[float, int]]:
    """Run ``num_episodes`` episodes of the policy, printing and logging each return and length.

    Args:
        env: The environment (made with ``render_mode='human'`` to watch it, or
            ``'rgb_array'`` to record it).
        get_action: A function from an observation to an action. If it has a
            ``new_episode()`` method (a recurrent agent's, which carries a memory), that is
            called whenever the environment is reset.
        max_ep_len (int): Cut episodes at this length (the environment's own limit also applies).
        num_episodes (int): How many episodes to run. (Default: 3 when recording a video, which
            renders every frame and can take minutes an episode without a GPU; else 100.)
        render (bool): Show the episodes (an environment in 'human' mode shows itself).
        video_path (str): Record the episodes to this video file (needs ``render_mode='rgb_array'``).
            A note says how long it will take at most, a progress bar counts the frames, and
            Ctrl-C stops the recording and keeps the video so far.

    Returns:
        A list of ``(return, length)``, one an episode.

    Raises:
        RecordingStopped: Ctrl-C while recording, once the video so far has been saved (a
            KeyboardInterrupt, which it goes on as).
    """
    if env is None:
        raise SpinupError('run_policy needs an environment: load_policy_and_env gave None, as the run\'s '
                          'could not be rebuilt; pass your own, run_policy(MyEnv(), get_action).')
    if num_episodes is None:
        num_episodes = 3 if video_path is not None else 100
    if num_episodes < 1:
        raise SpinupError(f'--episodes must be at least 1, not {num_episodes}.')
    # A game that reports its own episodes (Atari's whole games, where a lost life ends
    # an episode for training) plays whole games, and reports their real scores
    games = reports_episodes(env)
    forget = getattr(get_action, 'new_episode', lambda: None)  # (a recurrent agent's memory)
    limit = None if games else episode_limit(env, max_ep_len)  # (a game's lives have a limit each)
    results = []
    video = None
    try:
        with contextlib.ExitStack() as stack:
            if video_path is not None:
                fps = env.metadata.get('render_fps') or 30
                video = stack.enter_context(video_file(video_path, fps))
            o, _ = env.reset()
            forget()
            ep_ret, ep_len = 0.0, 0
            if video is not None:
                first = env.render()  # also sets up OpenGL: not timed
                note = recording_note(video_path, num_episodes, limit, _seconds_per_frame(env))
                print(note, flush=True)
                video.add(first)  # (and ffmpeg starts)
                most_frames = num_episodes * (limit + 1) if limit is not None else None
                # a bar on a terminal only (disable=None), over the frames
                video.bar = stack.enter_context(tqdm(total=most_frames, initial=1, unit='frame',
                                                     disable=None))
            while len(results) < num_episodes:
                if render and env.render_mode == 'human':
                    time.sleep(1e-3)
                o, r, terminated, truncated, info = env.step(get_action(o))
                ep_ret += r
                ep_len += 1
                if video is not None:
                    video.add(env.render())
                cut = max_ep_len is not None and ep_len >= max_ep_len
                if games and (terminated or truncated) and 'episode' not in info and not cut:
                    o, _ = env.reset()  # a lost life: the game goes on
                    forget()  # (as in training, where a lost life ends an episode)
                    continue
                if terminated or truncated or cut:
                    if games:  # the real score of the game, not the clipped rewards
                        ep_ret = float(info['episode']['r'] if 'episode' in info else env.get_wrapper_attr('episode_returns'))
                    results.append((ep_ret, ep_len))  # (first: its frames are in, whole)
                    _say(f'Episode {len(results) - 1} \t EpRet {ep_ret:.3f} \t EpLen {ep_len}')
                    if video is not None and limit is not None:
                        video.bar.total -= limit - ep_len  # an episode that ended early
                        video.bar.refresh()
                    o, _ = env.reset()
                    forget()
                    ep_ret, ep_len = 0.0, 0
                    if video is not None and len(results) < num_episodes:
                        video.add(env.render())
    except KeyboardInterrupt:
        if video is None or video.frames == 0:
            raise
        print(f'Interrupted: the video of the {_count(video.frames, "frame")} recorded so far '
              f'({_count(len(results), "whole episode")}) is saved to {video_path}',
              file=sys.stderr, flush=True)
        raise RecordingStopped(video_path, video.frames) from None
    if video_path is not None:
        print(f'Video saved to {video_path}')
    rets = [r for r, _ in results]
    lens = [l for _, l in results]
    print(f'AverageEpRet {sum(rets) / len(rets):.3f} \t AverageEpLen {sum(lens) / len(lens):.1f}')
    return results


def main(argv: Optional[List[str]] = None) -> int:
    parser = ArgumentParser(prog='python -m spinup.run test_policy',
                                     description='Run a trained agent again, to watch it or record it.')
    parser.add_argument('fpath', type=str, help='the folder of one run, e.g. data/cp/cp_s0')
    parser.add_argument('--len', '-l', type=int, default=0, help='cut episodes at this length (0: no cut)')
    parser.add_argument('--episodes', '-n', type=int, default=None,
                        help='number of episodes to run (default: 3 when recording a video, since '
                             'every frame is rendered, which without a GPU can take minutes an '
                             'episode; 100 when watching in a window, which Ctrl-C stops, or with '
                             '--norender)')
    parser.add_argument('--norender', '-nr', action='store_true', help='do not render')
    parser.add_argument('--itr', '-i', type=int, default=-1, help='which numbered save to load (default: newest)')
    parser.add_argument('--deterministic', '-d', action='store_true',
                        help="use the policy's deterministic action (SAC's mean)")
    parser.add_argument('--video', type=str, default=None,
                        help='record the episodes to this video file (.mp4); without a screen, '
                             'rendering records to RUN/test_policy.mp4 unless this names a file')
    parser.add_argument('--env', type=str, default=None,
                        help='build this environment instead of the one saved with the run')
    args = parser.parse_args(argv)

    video = args.video
    if video is None and not args.norender and not has_screen():
        video = osp.join(args.fpath, 'test_policy.mp4')
        print(f'No screen found: recording to {video} instead (choose the file with --video, '
              'or pass --norender).')
    if video is not None:
        if not video.lower().endswith(('.mp4', '.gif', '.avi', '.mov', '.mkv', '.webm')):
            raise SpinupError(f"--video needs a video file name such as out.mp4, not '{video}'.")
        if not has_screen():
            setup_offscreen_rendering()
        render_mode = 'rgb_array'
    else:
        render_mode = None if args.norender else 'human'

    # The environment first: a run whose environment cannot be rebuilt stops here, in one line
    backend, itr = find_save(args.fpath, args.itr if args.itr >= 0 else 'last')
    env = load_env(args.fpath, itr, render_mode, args.env)
    try:
        get_action = load_policy(args.fpath, backend, itr, args.deterministic)
        run_policy(env, get_action, args.len or None, args.episodes, not args.norender, video)
    finally:
        env.close()
    return 0


if __name__ == '__main__':
    run_main(main)
