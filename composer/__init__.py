"""Composer: a desktop music composer with a neural co-writer."""

__version__ = "0.1.0"
