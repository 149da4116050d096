"""A guard against a PySide6 6.12 bug on Python 3.11.

PySide6/shiboken 6.12 returns None from every C++ `void` method without taking a reference. On
Python 3.12+ None is immortal (PEP 683), so nothing happens there; on 3.11 each call (every
QPainter.drawRect, QWidget.update, QLabel.setText, ...) drops None's reference count by one, and
after a few thousand calls - a second of painting a busy piano roll - Python aborts with
"Fatal Python error: none_dealloc". (Measured here: 100 calls of any void method lower
sys.getrefcount(None) by 100 on PySide6 6.12.0 / CPython 3.11.7.)

The guard gives None an enormous reference count, which is what 3.12 does by design: None is a
static object that is never freed, so an inflated count has no other effect. It runs only with
PySide6 >= 6.12 on CPython < 3.12 (pyproject.toml pins 3.11 installs below 6.12, so this is a
safety net for environments that already have 6.12); remove it once PySide6 is fixed or 3.11 is dropped.
"""

from __future__ import annotations

import ctypes
import platform
import sys

_HEADROOM = 1 << 50  # ~10^15 stray decrements before trouble: centuries of painting


def guard_none_refcount() -> bool:
    """Make None, True and False effectively immortal on CPython < 3.12; returns whether it did anything."""
    if sys.version_info >= (3, 12) or platform.python_implementation() != "CPython":
        return False
    import PySide6

    if tuple(int(p) for p in PySide6.__version__.split(".")[:2]) < (6, 12):
        return False  # not affected (pyproject keeps 3.11 installs below 6.12; this is a safety net)
    for singleton in (None, True, False):  # bools are hit the same way, less often
        refcount = ctypes.c_ssize_t.from_address(id(singleton))  # ob_refcnt is the first field
        if refcount.value < _HEADROOM:
            refcount.value += _HEADROOM
    return True
