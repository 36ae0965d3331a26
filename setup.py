from os.path import dirname, join

from setuptools import find_packages, setup

here = dirname(__file__)
version = {}
with open(join(here, 'spinup', 'version.py')) as f:
    exec(f.read(), version)

# Environment markers: which platform takes which wheel
LINUX_X86 = "sys_platform == 'linux' and platform_machine == 'x86_64'"
NOT_LINUX_X86 = "sys_platform != 'linux' or platform_machine != 'x86_64'"
LINUX_ARM = "sys_platform == 'linux' and platform_machine == 'aarch64'"
NOT_LINUX_ARM = "sys_platform != 'linux' or platform_machine != 'aarch64'"
TF = '>=2.18,<2.21'
GYM = '>=1.0,<2'

# Sphinx, the theme the site uses, and MathJax 3.2 copied into the site (math renders offline)
DOCS = ['sphinx>=8,<10', 'furo>=2024.8', 'sphinx-mathjax-offline>=0.0.2']
# train_mnist.py learns offline on scikit-learn's bundled digits
EXAMPLES = ['scikit-learn>=1.3']
# benchmark run --ray: experiments as tasks on a Ray cluster
RAY = ['ray>=2.55']
# --tensorboard in PyTorch runs (TF1 runs write with tf.summary)
TENSORBOARD = ['tensorboardX>=2.6']
# tools/check_wheels.py resolves the requirements for every supported platform with uv
TOOLS = ['uv>=0.8']
# Atari: ale-py ships the games' ROMs; gymnasium's AtariPreprocessing resizes frames with OpenCV
ATARI = ['ale-py>=0.10', 'opencv-python-headless>=4.8']

setup(
    name='spinup',
    version=version['__version__'],
    description='Spinning Up, rebuilt: deep RL algorithms in TensorFlow 1 graph mode and PyTorch, side by side.',
    long_description=open(join(here, 'README.md')).read(),
    long_description_content_type='text/markdown',
    # TensorFlow 2.20 and PyTorch 2.13 ship wheels for 3.11 to 3.13, and no further
    python_requires='>=3.11,<3.14',
    packages=find_packages(include=['spinup', 'spinup.*']),
    install_requires=[
        # torch is pinned: the machines carry its CPU wheel, and an unpinned requirement would
        # make a fresh Linux machine pull the newest CUDA build (several GB). macOS has only CPU
        # builds; on Linux, the README says how to take the CPU wheel from PyTorch's own index.
        'torch==2.13.0',
        # 2.21 prints C++ start-up notices that TF_CPP_MIN_LOG_LEVEL no longer silences, on every
        # TF1 command: they would break its one-line errors and the docs' warning-free build.
        # tensorflow-cpu ships wheels for Linux x86_64 (and Windows) only; on macOS and Linux
        # aarch64 the `tensorflow` package is the CPU build. tools/check_wheels.py checks both.
        f'tensorflow-cpu{TF}; {LINUX_X86}',
        f'tensorflow{TF}; {NOT_LINUX_X86}',
        # Box2D (LunarLander, BipedalWalker) has no wheel for Linux aarch64: there it would be
        # built from source, so it is left out (installation.rst says how to build it).
        f'gymnasium[mujoco,box2d]{GYM}; {NOT_LINUX_ARM}',
        f'gymnasium[mujoco]{GYM}; {LINUX_ARM}',
        'mpi4py>=4.0',
        'mpich>=4.1',
        'numpy>=1.26',
        'scipy',
        'pandas',
        'matplotlib',
        'seaborn>=0.13',
        'joblib',
        'cloudpickle',
        'imageio>=2.31',
        'imageio-ffmpeg',
        'tqdm',
    ],
    extras_require={
        # the suite plays Atari, builds the docs, runs the examples and a Ray cluster and checks
        # the wheels too, so the test extra includes those extras
        'atari': ATARI,
        'docs': DOCS,
        'examples': EXAMPLES,
        'ray': RAY,
        'tensorboard': TENSORBOARD,
        'tools': TOOLS,
        'test': ['pytest>=8', 'pytest-xdist>=3.5', *ATARI, *DOCS, *EXAMPLES, *RAY, *TENSORBOARD, *TOOLS],
    },
)
