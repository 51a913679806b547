"""Moved to :mod:`testkit.pg` (the cluster test and the capacity benchmark use it too)."""

from testkit.pg import DATABASE, USER, TempPostgres, find_bindir, free_port

__all__ = ["DATABASE", "USER", "TempPostgres", "find_bindir", "free_port"]
