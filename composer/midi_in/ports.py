"""MIDI input devices through python-rtmidi: which MIDI system, which ports, open by name.

rtmidi picks one backend per MidiIn object (ALSA or JACK on Linux, CoreMIDI on macOS, Windows MM)
and raises rtmidi.SystemError (an OSError) when that system is not there, e.g. no ALSA sequencer
in a container. We try each compiled backend in turn and keep the reasons, so the menu can say
why there are no ports instead of the program failing to start.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass
from typing import Callable

ENV_API = "COMPOSER_MIDI_API"  # force a backend: alsa, jack, coremidi, winmm
_API_NAMES = {"alsa": "API_LINUX_ALSA", "jack": "API_UNIX_JACK", "coremidi": "API_MACOSX_CORE",
              "winmm": "API_WINDOWS_MM"}


class MidiUnavailable(OSError):
    """No MIDI system could be opened; the message says which were tried and why."""


@dataclass(frozen=True, slots=True)
class Backend:
    name: str  # "alsa", "jack", ...
    display: str  # "ALSA", "JACK", ...


def _rtmidi():
    try:
        import rtmidi
    except ImportError as error:  # the wheel is a dependency; this guards broken installs
        raise MidiUnavailable(f"python-rtmidi is not installed ({error}): pip install python-rtmidi") from None
    return rtmidi


def _candidates(rtmidi, api: str | None) -> list[tuple[str, int]]:
    wanted = api or os.environ.get(ENV_API) or None
    if wanted:
        attr = _API_NAMES.get(wanted.lower())
        if attr is None:
            raise MidiUnavailable(f"unknown MIDI system {wanted!r}: choose one of {', '.join(_API_NAMES)}")
        return [(wanted.lower(), getattr(rtmidi, attr))]
    names = {getattr(rtmidi, attr): name for name, attr in _API_NAMES.items()}
    return [(names[a], a) for a in rtmidi.get_compiled_api() if a in names]


_HINTS = {"alsa": "no ALSA sequencer (/dev/snd/seq); containers have none: run on the host or start JACK",
          "jack": "no JACK server running", "coremidi": "CoreMIDI did not answer",
          "winmm": "Windows MIDI did not answer"}


class MidiSystem:
    """One rtmidi input client: lists the sources, listens to one of them or to a virtual port."""

    def __init__(self, client_name: str = "Composer", api: str | None = None):
        rtmidi = _rtmidi()
        self._rtmidi = rtmidi
        self._lock = threading.Lock()  # the watcher thread and the GUI both use the client
        problems = []
        self._client_name = client_name
        self._elapsed: float | None = None  # seconds since this client's first message
        self._offset = float("inf")  # perf_counter at this client's first message
        self._used = False  # a port was opened on this client (see _fresh)
        for name, code in _candidates(rtmidi, api):
            try:
                self._in = self._new_client(code)
                self._api = code
                self.backend = Backend(name, rtmidi.get_api_display_name(code))
                break
            except rtmidi.SystemError as error:  # an OSError: that system is missing
                problems.append(f"{rtmidi.get_api_display_name(code)}: {_HINTS.get(name, error)}")
        else:
            tried = "; ".join(problems) or "python-rtmidi was built without any MIDI system"
            raise MidiUnavailable(f"No MIDI system available ({tried}).")
        self.port: str | None = None  # the open source's name, or the virtual port's
        self.virtual = False

    def _new_client(self, code: int):
        client = self._rtmidi.MidiIn(code, name=self._client_name)
        client.ignore_types(sysex=True, timing=True, active_sense=True)
        self._elapsed, self._offset = None, float("inf")  # a new client counts time afresh
        return client

    def _fresh(self) -> None:
        """A new client before opening a port again: rtmidi's JACK input delivers nothing more
        after close_port() + open_port() on the same client (seen with python-rtmidi 1.5.8)."""
        if self._used:
            self._in.delete()
            self._in = self._new_client(self._api)
        self._used = True

    def ports(self) -> list[str]:
        with self._lock:
            try:
                return list(self._in.get_ports())
            except self._rtmidi.SystemError:
                return []

    def read(self) -> list[tuple[list[int], float]]:
        """The messages that arrived since the last read, with their times (perf_counter).

        rtmidi queues input in C++ without Python, so a thread polls here (see dispatcher.py).
        Times come from rtmidi's own deltas, taken as each message arrived; the offset to
        perf_counter is the smallest (poll time - elapsed) seen, i.e. the least delayed poll, so a
        late poll does not make notes late."""
        with self._lock:
            out = []
            while True:
                item = self._in.get_message()
                if item is None:
                    break
                message, delta = item
                self._elapsed = 0.0 if self._elapsed is None else self._elapsed + delta
                out.append((message, self._elapsed))
            if not out:
                return out
            self._offset = min(self._offset, time.perf_counter() - self._elapsed)
            return [(message, self._offset + elapsed) for message, elapsed in out]

    def open(self, name: str) -> bool:
        """Listen to the source called `name`; False when no such port exists now."""
        with self._lock:
            self._close()
            names = list(self._in.get_ports())
            if name not in names:
                return False
            self._fresh()
            names = list(self._in.get_ports())
            if name not in names:
                return False
            self._in.open_port(names.index(name), "input")
            self.port, self.virtual = name, False
            return True

    def open_virtual(self, name: str = "input") -> str:
        """A port other programs connect to; returns the name they see."""
        with self._lock:
            self._close()
            self._fresh()
            try:
                self._in.open_virtual_port(name)
            except (self._rtmidi.NotImplementedError, self._rtmidi.SystemError) as error:
                raise MidiUnavailable(f"{self.backend.display} cannot make virtual ports ({error})") from None
            self.port, self.virtual = name, True
            return name

    def close_port(self) -> None:
        with self._lock:
            self._close()

    def _close(self) -> None:
        if self._in.is_port_open():
            self._in.close_port()
        self.port, self.virtual = None, False

    def close(self) -> None:
        with self._lock:
            self._close()
            self._in.delete()


def list_input_ports(api: str | None = None) -> list[str]:
    """The MIDI sources there are now ([] when there is no MIDI system)."""
    try:
        system = MidiSystem("Composer-probe", api)
    except MidiUnavailable:
        return []
    try:
        return system.ports()
    finally:
        system.close()
