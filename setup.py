from os.path import dirname, join

from setuptools import find_packages, setup

here = dirname(__file__)
version = {}
with open(join(here, 'spinup', 'version.py')) as f:
    exec(f.read(), version)

# Sphinx, and the theme the site uses
DOCS = ['sphinx>=8,<10', 'furo>=2024.8']
# train_mnist.py learns offline on scikit-learn's bundled digits
EXAMPLES = ['scikit-learn>=1.3']
# benchmark run --ray: experiments as tasks on a Ray cluster
RAY = ['ray>=2.55']
# --tensorboard in PyTorch runs (TF1 runs write with tf.summary)
TENSORBOARD = ['tensorboardX>=2.6']

setup(
    name='spinup',
    version=version['__version__'],
    description='Spinning Up, rebuilt: deep RL algorithms in TensorFlow 1 graph mode and PyTorch, side by side.',
    long_description=open(join(here, 'README.md')).read(),
    long_description_content_type='text/markdown',
    python_requires='>=3.11,<3.12',
    packages=find_packages(include=['spinup', 'spinup.*']),
    install_requires=[
        # torch is pinned: the machines carry its CPU wheel, and an unpinned
        # requirement would pull the newest CUDA build (several GB).
        'torch==2.13.0',
        # 2.21 prints C++ start-up notices that TF_CPP_MIN_LOG_LEVEL no longer silences, on every
        # TF1 command: they would break its one-line errors and the docs' warning-free build.
        'tensorflow-cpu>=2.18,<2.21',
        'gymnasium[mujoco,box2d]>=1.0,<2',
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
        # the suite builds the docs, runs the examples and a Ray cluster too, so the test extra includes those extras
        'docs': DOCS,
        'examples': EXAMPLES,
        'ray': RAY,
        'tensorboard': TENSORBOARD,
        'test': ['pytest>=8', 'pytest-xdist>=3.5', *DOCS, *EXAMPLES, *RAY, *TENSORBOARD],
    },
)
