"""Benchmarks of the self-assessment tool (issue 5). Run everything with ``python -m bench``."""
