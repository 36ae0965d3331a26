"""Sphinx configuration of the Spinning Up, rebuilt documentation site.

Build it with ``sphinx-build -W --keep-going -b html docs docs/_build/html`` (the ``docs``
extra installs what it needs). Autodoc imports the real modules of both backends, so
TensorFlow and PyTorch must be installed.
"""
import os
import sys

sys.path.insert(0, os.path.abspath('..'))

from spinup.version import __version__  # noqa: E402

project = 'Spinning Up, rebuilt'
author = 'the Spinning Up, rebuilt contributors'
copyright = '2026, ' + author
version = release = __version__

extensions = [
    'sphinx.ext.autodoc',
    'sphinx.ext.napoleon',
    'sphinx.ext.mathjax',
    # MathJax 3 from the sphinx-mathjax-offline package (the docs extra), copied into the built
    # site's _static/mathjax/ and loaded from there: the pages render their math with no network
    'sphinx-mathjax-offline',
    'sphinx.ext.viewcode',
]

# Docstrings: Google style (Args:, Returns:), in source order, with type hints shown in the
# descriptions rather than in long signatures.
napoleon_google_docstring = True
napoleon_numpy_docstring = False
autodoc_member_order = 'bysource'
autodoc_typehints = 'description'
autodoc_preserve_defaults = True

html_theme = 'furo'
html_title = f'Spinning Up, rebuilt {release}'
html_static_path = []

exclude_patterns = ['_build']
