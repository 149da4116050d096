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

The checks use a second, portless and inactive JACK client, asked from the caller's thread. It
has no callbacks on purpose: a Python callback in JACK's notification thread needs the GIL, and
the JACK server waits for the clients it notifies, so one rtmidi call holding the GIL while it
waits for the server (a port opened, a client closed) hung the MIDI tests now and then.
"""

from __future__ import annotations

import re


class JackLinksUnavailable(OSError):
    """JACK-Client is not installed, libjack is missing, or there is no JACK server."""


class JackLinks:
    def __init__(self, client_name: str):
        """`client_name`: the rtmidi client's requested JACK name. Raises JackLinksUnavailable."""
        try:
            import jack
        except (ImportError, OSError) as error:  # OSError: JACK-Client found no libjack
            raise JackLinksUnavailable(f"JACK-Client unavailable ({error})") from None
        self._jack = jack
        self._client_name = client_name
        try:
            self.client = jack.Client(f"{client_name[:40]} links", no_start_server=True)
        except jack.JackError as error:
            raise JackLinksUnavailable(f"no JACK server ({error})") from None

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
        try:
            self.client.close()
        except self._jack.JackError:
            pass
