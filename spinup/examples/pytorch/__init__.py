"""The examples written with PyTorch."""
