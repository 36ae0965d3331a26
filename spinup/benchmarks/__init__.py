"""Benchmarks: run the algorithms in both backends on a preset, and report the results."""
