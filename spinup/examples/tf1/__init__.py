"""The examples written with TensorFlow 1 graph mode (tf.compat.v1)."""
