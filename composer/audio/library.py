"""The one place that imports pyfluidsynth, so a missing libfluidsynth is caught once.

pyfluidsynth loads the C library when it is imported: it raises ImportError when the library
cannot be found and OSError when it is found but cannot be loaded. Either way the rest of
Composer keeps working and the user is told how to install it.
"""

from __future__ import annotations

import logging
import sys
import threading
from contextlib import contextmanager
from ctypes import CFUNCTYPE, c_char_p, c_int, c_void_p, cast
from types import ModuleType
from typing import Iterator

from composer.audio.errors import FluidSynthMissing

log = logging.getLogger(__name__)

INSTALL_HINT = (
    "sudo apt install libfluidsynth3 (Debian/Ubuntu), brew install fluid-synth (macOS), "
    "or on Windows put the FluidSynth DLLs from github.com/FluidSynth/fluidsynth/releases "
    "in C:\\tools\\fluidsynth\\bin"
)

_lock = threading.Lock()
_module: ModuleType | None = None
_import_error: str | None = None


def _import() -> None:
    global _module, _import_error
    with _lock:
        if _module is not None or _import_error is not None:
            return
        try:
            import fluidsynth
        except (ImportError, OSError) as error:
            _import_error = str(error) or type(error).__name__
            log.warning("FluidSynth unavailable: %s", _import_error)
        else:
            _module = fluidsynth


def fluidsynth_module() -> ModuleType:
    """pyfluidsynth, or FluidSynthMissing saying how to install the library."""
    _import()
    if _module is None:
        raise FluidSynthMissing(f"FluidSynth library not found: {INSTALL_HINT}. "
                                f"(Python said: {_import_error})")
    return _module


def fluidsynth_available() -> bool:
    _import()
    return _module is not None


def missing_reason() -> str | None:
    """Why FluidSynth cannot be used, or None when it can."""
    try:
        fluidsynth_module()
    except FluidSynthMissing as error:
        return str(error)
    return None


def c_function(name: str, result, *args):
    """A ctypes prototype for a libfluidsynth function pyfluidsynth does not wrap (or None)."""
    fs = fluidsynth_module()
    return fs.cfunc(name, result, *((f"a{i}", kind, 1) for i, kind in enumerate(args)))


# FluidSynth log levels (fluid_log_level)
_PANIC, _ERR, _WARN, _INFO, _DBG = range(5)
_LOG_CALLBACK = CFUNCTYPE(None, c_int, c_char_p, c_void_p)
_capture_lock = threading.Lock()
_keepalive: list = []


@contextmanager
def captured_log() -> Iterator[list[str]]:
    """Collect FluidSynth's error and warning lines during a call (driver start, font load).

    FluidSynth prints them to stderr, where a GUI user never sees them; here they become part
    of the error message and go to Python logging. The default printer is restored afterwards,
    so no Python runs on the audio thread later on.
    """
    fs = fluidsynth_module()
    set_log = fs.cfunc("fluid_set_log_function", c_void_p, ("level", c_int, 1),
                       ("fun", c_void_p, 1), ("data", c_void_p, 1))
    default = getattr(fs._fl, "fluid_default_log_function", None)
    lines: list[str] = []
    if set_log is None or default is None:
        yield lines
        return

    def collect(level: int, message: bytes | None, _data) -> None:
        text = (message or b"").decode("utf-8", "replace").strip()
        if level <= _WARN and text:
            lines.append(text)
        log.debug("fluidsynth[%d]: %s", level, text)

    callback = _LOG_CALLBACK(collect)
    with _capture_lock:
        _keepalive.append(callback)  # a thunk FluidSynth may still hold must never be freed
        for level in (_PANIC, _ERR, _WARN, _INFO, _DBG):
            set_log(level, cast(callback, c_void_p).value, None)
        try:
            yield lines
        finally:
            for level in (_PANIC, _ERR, _WARN, _INFO, _DBG):
                set_log(level, cast(default, c_void_p).value, None)

