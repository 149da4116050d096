"""Noticing a keyboard plugged in or pulled out while the program runs.

rtmidi sends no hot-plug events, so a thread polls the port list (twice a second by default)
and reopens the wanted port by name when it comes back. A port that vanishes is reported at
once, so a take in progress can end the notes that were held.
"""

from __future__ import annotations

import threading
import time
from typing import Callable

from composer.midi_in.ports import MidiSystem

POLL_SECONDS = 0.5


class PortWatcher:
    def __init__(self, system: MidiSystem, on_lost: Callable[[str, float], None],
                 on_back: Callable[[str], None], on_ports: Callable[[list[str]], None],
                 interval: float = POLL_SECONDS):
        self.system = system
        self.wanted: str | None = None  # the device the user chose (remembered while absent)
        self.connected = False
        self._on_lost, self._on_back, self._on_ports = on_lost, on_back, on_ports
        self._interval = interval
        self._last_ports: list[str] | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="composer-midi-hotplug", daemon=True)
        self._thread.start()

    def want(self, name: str | None, connected: bool) -> None:
        with self._lock:
            self.wanted, self.connected = name, connected

    def check(self) -> None:
        """One poll (the thread calls this; tests may too)."""
        ports = self.system.ports()
        if ports != self._last_ports:
            self._last_ports = ports
            self._on_ports(ports)
        with self._lock:
            wanted, connected = self.wanted, self.connected
            if wanted is None:
                return
            if connected and wanted not in ports:
                self.connected = False
                lost_at = time.perf_counter()
            elif not connected and wanted in ports and self.system.open(wanted):
                self.connected = True
                lost_at = None
            else:
                return
        if lost_at is not None:
            self.system.close_port()
            self._on_lost(wanted, lost_at)
        else:
            self._on_back(wanted)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.check()
            except Exception:  # a MIDI system hiccup must not end the watching
                import logging

                logging.getLogger(__name__).exception("MIDI port poll failed")

    def close(self) -> None:
        self._stop.set()
        if self._thread is not threading.current_thread():
            self._thread.join(2.0)
