"""MidiOutput: MIDI out and tempo sync as the window (or a script) sees them. Qt-free.

    out = MidiOutput()                       # never raises: out.status says what is missing
    out.open("REAPER:in") or out.open_virtual()            # "Composer out"
    engine = out.wrap(SoundEngine())         # a RoutedEngine: use it wherever the engine was
    out.set_routing(Routing("both"))         # or per voice: Routing("internal", {1: "external"})
    out.set_sync("lead")                     # send clock; "follow" (MIDI clock in), "jack", "off"
    out.drain()                              # events for the GUI (status, ports, sync state)

The output port is watched for hot-plug like the keyboard (composer.midi_in.hotplug): a pulled
cable drops messages meanwhile and the port is reopened by name when it comes back.
"""

from __future__ import annotations

import logging
import queue
from dataclasses import dataclass

from composer.midi_in.hotplug import POLL_SECONDS, PortWatcher
from composer.midi_in.ports import MidiUnavailable
from composer.midi_in.service import MidiStatus
from composer.midi_out.port import OutputPort
from composer.midi_out.router import RoutedEngine, Routing
from composer.midi_out.sender import TimedSender
from composer.midi_out.sync import ClockInput, Follow

log = logging.getLogger(__name__)
SYNC_MODES = ("off", "lead", "follow", "jack")


@dataclass(frozen=True, slots=True)
class OutStatusChanged:
    status: MidiStatus


@dataclass(frozen=True, slots=True)
class OutPortsChanged:
    ports: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SyncChanged:
    state: str  # "off" | "leading 120.0 bpm" | "following 122.0 bpm" | "lost" | "waiting" | an error


@dataclass(frozen=True, slots=True)
class FollowTransport:
    """The followed DAW started (from `tick`, its first pulse at perf_counter `time`) or stopped."""

    running: bool
    tick: int
    time: float


class MidiOutput:
    def __init__(self, *, api: str | None = None, client_name: str = "Composer",
                 watch_interval: float = POLL_SECONDS):
        self._api = api
        self._client_name = client_name
        self._watch_interval = watch_interval
        self._ui: queue.SimpleQueue = queue.SimpleQueue()
        self.port: OutputPort | None = None
        self._watcher: PortWatcher | None = None
        self.routing = Routing()
        self.router: RoutedEngine | None = None
        self.sync_mode = "off"
        self.sync_state = "off"
        self.follow: Follow | None = None
        self._source = None  # ClockInput or JackTransport while following
        self.direct_follow = True  # False: FollowTransport events go to the GUI, which plays
        try:
            self.port = OutputPort(client_name, api)
        except MidiUnavailable as error:
            log.warning("%s", error)
            self.status = MidiStatus(False, "unavailable", message=str(error))
        else:
            self.status = MidiStatus(True, "none", backend=self.port.backend.display,
                                     message="No MIDI output chosen")
            self._watcher = PortWatcher(self.port, self._lost, self._back,
                                        lambda ports: self._ui.put(OutPortsChanged(tuple(ports))), watch_interval)
        self.sender = TimedSender(self.port.send if self.port else (lambda _m: False))

    # -- ports ----------------------------------------------------------------------------------
    def ports(self) -> list[str]:
        return self.port.ports() if self.port else []

    def open(self, name: str) -> bool:
        """Send to a destination by name; when absent now it is opened as soon as it appears."""
        if self.port is None:
            return False
        ok = self.port.open(name)
        self._watcher.want(name, ok)
        self._set_status("connected" if ok else "disconnected", name,
                         f"MIDI out: {name}" if ok else f"MIDI out: {name} is not connected; waiting for it")
        return ok

    def open_virtual(self, name: str = "out") -> str | None:
        if self.port is None:
            return None
        self._watcher.want(None, False)
        try:
            port = self.port.open_virtual(name)
        except MidiUnavailable as error:
            self._set_status("none", None, str(error))
            return None
        self._set_status("virtual", port,
                         f"MIDI out: virtual port '{self._client_name}:{port}' (connect the DAW to it)")
        return port

    def close_port(self) -> None:
        if self.port is not None:
            self._watcher.want(None, False)
            self.sender.cancel()
            self.port.close_port()
            self._set_status("none", None, "No MIDI output chosen")

    def check_ports(self) -> None:
        if self._watcher is not None:
            self._watcher.check()

    def _lost(self, name: str, _when: float) -> None:
        self._set_status("disconnected", name, f"MIDI out: {name} was disconnected; playing goes on, "
                                               "and it is used again when it comes back")

    def _back(self, name: str) -> None:
        if self.router is not None:  # the device forgot its programs: send them again
            self.router.player.resend_setup()
        self._set_status("connected", name, f"MIDI out: {name} (reconnected)")

    def _set_status(self, state: str, port: str | None, message: str) -> None:
        backend = self.port.backend.display if self.port else None
        self.status = MidiStatus(self.port is not None, state, port, backend, message)
        self._ui.put(OutStatusChanged(self.status))

    # -- routing ----------------------------------------------------------------------------------
    def wrap(self, engine) -> RoutedEngine:
        """The engine with routing: use the result wherever the engine was used."""
        old = self.router
        self.router = RoutedEngine(engine, self.sender, self.routing)
        self.router.player.clock = self.sync_mode == "lead"
        if old is not None:
            old.player.stop()
            self.router.load(old.score)
        if self.follow is not None:  # following started before the sound engine was up
            self.follow.router = self.router
        return self.router

    def set_routing(self, routing: Routing) -> None:
        self.routing = routing
        if self.router is not None:
            self.router.set_routing(routing)

    # -- sync ---------------------------------------------------------------------------------------
    def set_sync(self, mode: str, source: str | None = None) -> str:
        """"off", "lead" (send clock and transport), "follow" (the MIDI clock on port `source`,
        or a virtual port "sync in" when None), "jack" (JACK transport). Returns the state."""
        if mode not in SYNC_MODES:
            raise ValueError(f"unknown sync mode {mode!r}: choose one of {', '.join(SYNC_MODES)}")
        self._stop_following()
        self.sync_mode = mode
        if self.router is not None:
            self.router.player.clock = mode == "lead"
        if mode == "lead":
            self._sync_state(f"leading {self._score_bpm():.1f} bpm")
        elif mode in ("follow", "jack"):
            if self.router is None:
                self.wrap(None)
            self.follow = Follow(self.router, None if self.direct_follow else self._post_transport,
                                 self._sync_state)
            try:
                if mode == "follow":
                    self._source = ClockInput(self.follow, api=self._api, client_name=f"{self._client_name} sync",
                                              watch_interval=self._watch_interval)
                    if source:
                        if not self._source.open(source):
                            self._sync_state(f"waiting for {source}")
                    else:
                        self._source.open_virtual("sync in")
                else:
                    from composer.midi_out.jack_transport import JackTransport

                    self._source = JackTransport(self.follow)
                if self.follow.state == "waiting":
                    self._sync_state("waiting")
            except (MidiUnavailable, OSError) as error:
                self._stop_following()
                self.sync_mode = "off"
                self._sync_state(f"cannot follow: {error}")
        else:
            self._sync_state("off")
        return self.sync_state

    def sync_ports(self) -> list[str]:
        """The sources a clock can be followed from (the MIDI inputs)."""
        if isinstance(self._source, ClockInput):
            return self._source.ports()
        from composer.midi_in import list_input_ports

        return list_input_ports(self._api)

    def _score_bpm(self) -> float:
        if self.router is None:
            return 120.0
        return self.router.score.bpm * self.router.tempo_factor()

    def refresh_lead(self) -> None:
        """The tempo shown while leading (after a tempo or score change)."""
        if self.sync_mode == "lead":
            self._sync_state(f"leading {self._score_bpm():.1f} bpm")

    def _post_transport(self, running: bool, tick: int, when: float) -> None:
        self._ui.put(FollowTransport(running, tick, when))

    def _sync_state(self, text: str) -> None:
        if text == self.sync_state:
            return
        self.sync_state = text
        self._ui.put(SyncChanged(text))

    def _stop_following(self) -> None:
        if self._source is not None:
            self._source.close()
        self._source, self.follow = None, None

    @property
    def clock_input(self) -> ClockInput | None:
        return self._source if isinstance(self._source, ClockInput) else None

    # -- the GUI -----------------------------------------------------------------------------------
    def drain(self, limit: int = 1000) -> list:
        out = []
        while len(out) < limit:
            try:
                out.append(self._ui.get_nowait())
            except queue.Empty:
                break
        return out

    def close(self) -> None:
        self._stop_following()
        if self.router is not None:
            self.router.player.stop()
        self.sender.close()
        if self._watcher is not None:
            self._watcher.close()
        if self.port is not None:
            self.port.close()
            self.port = None
