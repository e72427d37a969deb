"""Benchmarks (`make bench`): scale data and timed figures; see bench/run.py."""
