"""The simplest policy gradient and its reward-to-go version, in TensorFlow 1 graph mode."""
