"""Benchmarks: `make bench` prints speed and memory figures (targets live here, not in tests)."""
