"""MidiInput: the MIDI keyboard service the window (or a script) talks to. Qt-free.

    midi = MidiInput(engine)            # never raises: midi.status says what is missing
    midi.ports(); midi.open("Keystation:out")   # or midi.open_virtual()
    midi.start_take(score, start_tick)  # count-in, metronome, record
    take = midi.stop_take()             # the notes, raw and quantised
    midi.drain()                        # events for the GUI (keys lit, port state, take changed)

Thru goes from the dispatcher thread (it polls rtmidi every millisecond) straight to
SoundEngine.note_on (thread-safe), never through the GUI thread; the GUI only hears about notes afterwards, through drain().
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import deque
from dataclasses import dataclass

from composer.midi_in.call_response import CallResponse, CallResponseSettings, Exchange
from composer.midi_in.clock import TakeClock
from composer.midi_in.dispatcher import Dispatcher
from composer.midi_in.events import Kind, MidiEvent
from composer.midi_in.hotplug import POLL_SECONDS, PortWatcher
from composer.midi_in.ports import MidiSystem, MidiUnavailable
from composer.midi_in.recorder import Recorder
from composer.midi_in.sustain import SustainPedal
from composer.midi_in.take import Take, TakeTransport
from composer.music.score import Note, Score

log = logging.getLogger(__name__)
LATENCY_SAMPLES = 4096


@dataclass(frozen=True, slots=True)
class MidiStatus:
    available: bool
    state: str  # "unavailable" | "none" | "connected" | "virtual" | "disconnected"
    port: str | None = None
    backend: str | None = None
    message: str = ""


# What the GUI hears about, through drain():
@dataclass(frozen=True, slots=True)
class KeyLit:
    pitch: int
    on: bool
    answer: bool = False  # played by the co-writer, not the player


@dataclass(frozen=True, slots=True)
class StatusChanged:
    status: MidiStatus


@dataclass(frozen=True, slots=True)
class PortsChanged:
    ports: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NotesChanged:  # the take / duet has new notes: call live_notes()
    pass


@dataclass(frozen=True, slots=True)
class ExchangeDone:
    exchange: Exchange


class MidiInput:
    def __init__(self, engine=None, *, api: str | None = None, client_name: str = "Composer",
                 watch_interval: float = POLL_SECONDS):
        self.engine = engine  # a SoundEngine (or anything with note_on/note_off), or None
        self.voice = 0
        self.thru = True
        self.thru_latencies: deque[float] = deque(maxlen=LATENCY_SAMPLES)  # seconds, arrival->synth
        self._lock = threading.RLock()
        self._ui: queue.SimpleQueue = queue.SimpleQueue()
        self._pedal = SustainPedal()
        self._take: Recorder | None = None
        self._transport: TakeTransport | None = None
        self._duet: CallResponse | None = None
        self._system: MidiSystem | None = None
        self._watcher: PortWatcher | None = None
        self._dispatcher: Dispatcher | None = None
        try:
            self._system = MidiSystem(client_name, api)
        except MidiUnavailable as error:
            log.warning("%s", error)
            self.status = MidiStatus(False, "unavailable", message=str(error))
            return
        self.status = MidiStatus(True, "none", backend=self._system.backend.display,
                                 message="No MIDI input chosen")
        self._dispatcher = Dispatcher(self._system.read, self._handle, self._wake)
        self._watcher = PortWatcher(self._system, self._port_lost, self._port_back,
                                    lambda ports: self._ui.put(PortsChanged(tuple(ports))), watch_interval)

    # -- ports ----------------------------------------------------------------------------
    def ports(self) -> list[str]:
        return self._system.ports() if self._system else []

    def open(self, name: str) -> bool:
        """Listen to a device by name. When it is not there now it is remembered and opened
        as soon as it appears (False is returned meanwhile)."""
        if self._system is None:
            return False
        ok = self._system.open(name)
        self._watcher.want(name, ok)
        self._set_status("connected" if ok else "disconnected", name,
                         f"MIDI in: {name}" if ok else f"MIDI in: {name} is not connected; waiting for it")
        return ok

    def open_virtual(self, name: str = "input") -> str | None:
        if self._system is None:
            return None
        self._watcher.want(None, False)
        try:
            port = self._system.open_virtual(name)
        except MidiUnavailable as error:
            self._set_status("none", None, str(error))
            return None
        self._set_status("virtual", port, f"MIDI in: virtual port '{port}' (connect a keyboard to it)")
        return port

    def close_port(self) -> None:
        if self._system is not None:
            self._watcher.want(None, False)
            self._system.close_port()
            self._dispatcher.post(MidiEvent(Kind.PORT_LOST, time.perf_counter()))
            self._set_status("none", None, "No MIDI input chosen")

    def check_ports(self) -> None:
        """Poll for devices now (the watcher does this on its own twice a second)."""
        if self._watcher is not None:
            self._watcher.check()

    def _port_lost(self, name: str, when: float) -> None:
        self._dispatcher.post(MidiEvent(Kind.PORT_LOST, when))
        self._set_status("disconnected", name, f"MIDI in: {name} was disconnected; plug it in again to go on")

    def _port_back(self, name: str) -> None:
        self._set_status("connected", name, f"MIDI in: {name} (reconnected)")

    def _set_status(self, state: str, port: str | None, message: str) -> None:
        backend = self._system.backend.display if self._system else None
        self.status = MidiStatus(self._system is not None, state, port, backend, message)
        self._ui.put(StatusChanged(self.status))

    # -- the dispatcher thread ------------------------------------------------------------
    def _handle(self, event: MidiEvent) -> None:
        kind = event.kind
        if kind is Kind.NOTE_ON:
            if self._pedal.key_down(event.pitch):
                self._end(event.pitch, event.time)
            self._begin(event.pitch, event.value, event.time)
        elif kind is Kind.NOTE_OFF:
            if self._pedal.key_up(event.pitch):
                self._end(event.pitch, event.time)
        elif kind is Kind.SUSTAIN:
            for pitch in self._pedal.pedal(event.value):
                self._end(pitch, event.time)
        elif kind is Kind.PORT_LOST:
            for pitch in self._pedal.release_all():
                self._end(pitch, event.time)

    def _begin(self, pitch: int, velocity: int, when: float) -> None:
        engine = self.engine
        if self.thru and engine is not None:
            engine.note_on(self.voice, pitch, velocity)  # first: nothing delays the sound
            self.thru_latencies.append(time.perf_counter() - when)
        with self._lock:
            if self._take is not None:
                self._take.note_on(pitch, velocity, when)
            if self._duet is not None:
                self._duet.note_on(pitch, velocity, when)
        self._ui.put(KeyLit(pitch, True))
        self._ui.put(NotesChanged())

    def _end(self, pitch: int, when: float) -> None:
        if self.thru and self.engine is not None:
            self.engine.note_off(self.voice, pitch)
        with self._lock:
            if self._take is not None:
                self._take.note_off(pitch, when)
            if self._duet is not None:
                self._duet.note_off(pitch, when, self._pedal.sounding())
        self._ui.put(KeyLit(pitch, False))
        self._ui.put(NotesChanged())

    def _wake(self, now: float) -> float | None:
        with self._lock:
            return self._duet.wake(now) if self._duet is not None else None

    # -- recording ------------------------------------------------------------------------
    def start_take(self, score: Score, start_tick: int = 0, *, count_in_bars: int = 1,
                   metronome: bool = True, play_score: bool = True, grid: int | None = None) -> TakeClock:
        """Arm and go: a count-in (metronome) then record from `start_tick`, playing the score
        along when `play_score`. `grid` (ticks) quantises the take on input; raw timing is kept."""
        with self._lock:
            self.stop_take()
            self._transport = TakeTransport(self.engine, score, start_tick, count_in_bars=count_in_bars,
                                            metronome=metronome, play_score=play_score, grid=grid)
            self._take = Recorder(self._transport.clock, self.voice)
            return self._transport.clock

    @property
    def recording(self) -> bool:
        return self._take is not None

    def stop_take(self) -> Take | None:
        """Stop recording (held notes end now); None when nothing was being recorded."""
        with self._lock:
            if self._take is None:
                return None
            now = time.perf_counter()
            self._take.release_all(now)
            take = self._transport.finish(self._take.notes(), now)
            self._take, self._transport = None, None
            return take

    # -- call and response ----------------------------------------------------------------
    def start_call_response(self, continuer, score: Score, start_tick: int = 0,
                            settings: CallResponseSettings = CallResponseSettings()) -> TakeClock:
        with self._lock:
            self.stop_call_response()
            metronome = settings.tempo_mode
            self._transport = TakeTransport(self.engine, score, start_tick, count_in_bars=1 if metronome else 0,
                                            metronome=metronome, play_score=False, grid=None)
            self._duet = CallResponse(continuer, self._transport.clock, self.engine, settings, self.voice,
                                      on_sound=lambda p, on: self._ui.put(KeyLit(p, on, answer=True)),
                                      on_exchange=lambda e: self._ui.put(ExchangeDone(e)))
        if self._dispatcher is not None:
            self._dispatcher.post(lambda: None)  # re-compute deadlines on the dispatcher thread
        return self._transport.clock

    @property
    def duet_running(self) -> bool:
        return self._duet is not None

    def stop_call_response(self) -> list[Exchange]:
        with self._lock:
            if self._duet is None:
                return []
            exchanges = self._duet.stop(time.perf_counter())
            self._transport.finish([], time.perf_counter())
            self._duet, self._transport = None, None
            return exchanges

    def live_notes(self) -> list[Note]:
        """The take or duet so far, held notes as long as they lasted until now."""
        with self._lock:
            now = time.perf_counter()
            if self._take is not None:
                return self._transport.shown(self._take.notes(now))
            if self._duet is not None:
                return self._duet.notes(now)
            return []

    def position(self) -> int | None:
        """The tick being recorded now (for the playhead), None when not recording."""
        with self._lock:
            return self._transport.clock.tick(time.perf_counter()) if self._transport else None

    # -- the GUI --------------------------------------------------------------------------
    def set_voice(self, voice: int) -> None:
        self.voice = voice

    def drain(self, limit: int = 1000) -> list:
        out = []
        while len(out) < limit:
            try:
                out.append(self._ui.get_nowait())
            except queue.Empty:
                break
        return out

    def close(self) -> None:
        self.stop_take()
        self.stop_call_response()
        if self._watcher is not None:
            self._watcher.close()
        if self._dispatcher is not None:
            self._dispatcher.close()
        if self._system is not None:
            self._system.close()
            self._system = None
