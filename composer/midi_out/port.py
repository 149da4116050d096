"""One MIDI output through python-rtmidi: list the destinations, open one by name or a virtual
port "Composer out" that a DAW connects to, send from any thread.

The backend is chosen as for input (composer.midi_in.ports: ALSA or JACK on Linux, CoreMIDI on
macOS, Windows MM; COMPOSER_MIDI_API forces one). Sending never raises: a port that went away
between two polls of the hot-plug watcher (composer.midi_in.hotplug.PortWatcher, which this class
also serves) just drops the message, so a pulled cable never stops playback.
"""

from __future__ import annotations

import logging
import threading

from composer.midi_in.ports import _HINTS, Backend, MidiUnavailable, _candidates, _rtmidi

log = logging.getLogger(__name__)


class OutputPort:
    """rtmidi.MidiOut behind a lock; the interface PortWatcher expects (ports/open/close_port)."""

    def __init__(self, client_name: str = "Composer", api: str | None = None):
        rtmidi = _rtmidi()
        self._rtmidi = rtmidi
        self._lock = threading.Lock()
        self._client_name = client_name
        problems = []
        for name, code in _candidates(rtmidi, api):
            try:
                self._out = rtmidi.MidiOut(code, name=client_name)
                self._api = code
                self.backend = Backend(name, rtmidi.get_api_display_name(code))
                break
            except rtmidi.SystemError as error:
                problems.append(f"{rtmidi.get_api_display_name(code)}: {_HINTS.get(name, error)}")
        else:
            tried = "; ".join(problems) or "python-rtmidi was built without any MIDI system"
            raise MidiUnavailable(f"No MIDI system available for output ({tried}).")
        self._used = False
        self.port: str | None = None
        self.virtual = False
        self.sent = 0  # messages handed to the MIDI system (a count for the status tooltip)
        self.dropped = 0  # messages sent while no port was open or the port failed

    def _fresh(self) -> None:
        """A new client before opening again: like rtmidi's JACK input, a reopened port on the
        same client is not to be trusted (python-rtmidi 1.5.8)."""
        if self._used:
            self._out.delete()
            self._out = self._rtmidi.MidiOut(self._api, name=self._client_name)
        self._used = True

    def ports(self) -> list[str]:
        with self._lock:
            try:
                return list(self._out.get_ports())
            except self._rtmidi.SystemError:
                return []

    def open(self, name: str) -> bool:
        """Send to the destination called `name`; False when it does not exist now."""
        with self._lock:
            self._close()
            if name not in list(self._out.get_ports()):
                return False
            self._fresh()
            names = list(self._out.get_ports())
            if name not in names:
                return False
            self._out.open_port(names.index(name), "output")
            self.port, self.virtual = name, False
            return True

    def open_virtual(self, name: str = "out") -> str:
        """A port other programs (the DAW) connect to; returns the name they see."""
        with self._lock:
            self._close()
            self._fresh()
            try:
                self._out.open_virtual_port(name)
            except (self._rtmidi.NotImplementedError, self._rtmidi.SystemError) as error:
                raise MidiUnavailable(f"{self.backend.display} cannot make virtual ports ({error}); "
                                      "choose an existing port or a loopback driver") from None
            self.port, self.virtual = name, True
            return name

    @property
    def is_open(self) -> bool:
        return self.port is not None

    def send(self, message: list[int]) -> bool:
        """Send now; False (and nothing else) when no port is open or the system refused it."""
        with self._lock:
            if self.port is None:
                self.dropped += 1
                return False
            try:
                self._out.send_message(message)
            except (self._rtmidi.SystemError, ValueError, OSError) as error:
                self.dropped += 1
                log.debug("MIDI out: %s not sent (%s)", message, error)
                return False
            self.sent += 1
            return True

    def close_port(self) -> None:
        with self._lock:
            self._close()

    def _close(self) -> None:
        if self._out.is_port_open():
            self._out.close_port()
        self.port, self.virtual = None, False

    def close(self) -> None:
        with self._lock:
            self._close()
            self._out.delete()


def list_output_ports(api: str | None = None) -> list[str]:
    """The MIDI destinations there are now ([] when there is no MIDI system)."""
    try:
        port = OutputPort("Composer-probe", api)
    except MidiUnavailable:
        return []
    try:
        return port.ports()
    finally:
        port.close()
