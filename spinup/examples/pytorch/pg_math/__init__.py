"""The simplest policy gradient and its reward-to-go version, in PyTorch."""
