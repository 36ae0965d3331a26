"""The TF1 (graph mode) algorithms.

Importing this package prepares the process for TensorFlow before any algorithm module
imports it: MuJoCo is imported with its OpenGL renderer off, which would otherwise crash
TensorFlow (see :mod:`spinup.utils.display`).
"""
from spinup.utils.display import keep_opengl_out_of_tensorflow

keep_opengl_out_of_tensorflow()
