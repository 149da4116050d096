"""Whether Composer's JACK MIDI input is really connected to the chosen keyboard.

A port name says nothing about the port behind it: a keyboard pulled out and plugged in again
between two polls of the port list leaves the same name there, but the old port and its
connection to Composer are gone, and JACK even gives the new port the old one's id (seen with
jackd2 1.9). What JACK does keep is the connection graph, so the link itself is what is checked:
the source's connections must include Composer's own input port.

rtmidi does not say what its JACK client and port are called (JACK renames a second "Composer"
to "Composer-01"), so Composer's port is found as the one, among ports named like it, that the
source is connected to once rtmidi has opened it. JACK-Client (the `jack` package) asks JACK;
without it (or off JACK) nothing can be checked and callers fall back to the port list.

A second, portless JACK client hears JACK's port events (registered, unregistered, connected,
disconnected) in JACK's notification thread, never the process thread, and only notes the time
and pokes the caller: the checks themselves run on the caller's thread.
"""

from __future__ import annotations

import re
import threading
import time
from typing import Callable


class JackLinksUnavailable(OSError):
    """JACK-Client is not installed, libjack is missing, or there is no JACK server."""


class JackLinks:
    def __init__(self, client_name: str, on_change: Callable[[], None] = lambda: None):
        """`client_name`: the rtmidi client's requested JACK name; `on_change()` is called (in
        JACK's notification thread: keep it light) after any port comes, goes, or is (dis)connected.
        Raises JackLinksUnavailable."""
        try:
            import jack
        except (ImportError, OSError) as error:  # OSError: JACK-Client found no libjack
            raise JackLinksUnavailable(f"JACK-Client unavailable ({error})") from None
        self._jack = jack
        self._client_name = client_name
        self.on_change = on_change
        self._gone: dict[str | None, float] = {}  # port name (None: unknown) -> perf_counter it went
        self._lock = threading.Lock()
        try:
            self.client = jack.Client(f"{client_name[:40]} links", no_start_server=True)
        except jack.JackError as error:
            raise JackLinksUnavailable(f"no JACK server ({error})") from None
        self.client.set_port_registration_callback(self._registered, only_available=False)
        self.client.set_port_connect_callback(self._connected, only_available=False)
        self.client.activate()
        self.client.get_ports()  # so a port gone later is handed to _registered with its name

    # JACK's notification thread: no JACK calls here (they would deadlock), no heavy Python.
    def _registered(self, port, registered: bool) -> None:
        if not registered:
            when = time.perf_counter()
            name = getattr(port, "name", None)  # an int or None when JACK-Client never saw it
            with self._lock:
                self._gone.setdefault(name, when)
        self.on_change()

    def _connected(self, _a, _b, _connect: bool) -> None:
        self.on_change()

    def take_gone(self, name: str) -> float | None:
        """When the port `name` went away (perf_counter; the first time since the previous call,
        or when some port JACK-Client could not name went), and forget what was noted."""
        with self._lock:
            gone, self._gone = self._gone, {}
        return gone.get(name, gone.get(None))

    def listeners(self, source: str, local_port: str) -> set[str]:
        """Ports named like Composer's input (`client_name`[-NN]:`local_port`) connected to `source`."""
        mine = re.compile(rf"{re.escape(self._client_name)}(-\d+)?:{re.escape(local_port)}")
        try:
            connected = self.client.get_all_connections(source)
        except self._jack.JackError:  # no such port (any more)
            return set()
        return {port.name for port in connected if mine.fullmatch(port.name)}

    def linked(self, source: str, ours: str) -> bool:
        """Whether `source` is connected to the port `ours` now."""
        try:
            return any(port.name == ours for port in self.client.get_all_connections(source))
        except self._jack.JackError:
            return False

    def close(self) -> None:
        self.on_change = lambda: None
        try:
            self.client.deactivate()
            self.client.close()
        except self._jack.JackError:
            pass
