"""Following a DAW: its MIDI clock (or JACK transport, see jack_transport.py) sets Composer's tempo
and playhead. The source runs on its own thread; Follow turns what it hears into actions:

- Tempo(bpm): the tempo factor becomes bpm / the score's tempo at the playhead, so the score
  plays at the DAW's tempo (changes smaller than 0.1 % are ignored: no rescheduling per pulse).
- Transport(running, tick, time): the DAW started (from `tick`, its first pulse at `time`) or
  stopped; `start_stop(running, tick, time)` does it (the window posts it to the GUI thread;
  the default plays or pauses the routed engine directly).
- Lost: no clock for a while; playing goes on at the last tempo and the state says "lost".
- Phase: while both run, the playhead is kept on the DAW's: a small difference is taken up by
  playing up to 3 % faster or slower for the next second (no jump, nothing re-struck); one of
  more than a sixteenth note (a missed start, a DAW locate) is a seek.

Qt-free. `state` is what the status bar shows: "following 122.0 bpm", "lost", "waiting".
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Callable

from composer.audio.timeline import MAX_TEMPO_FACTOR, MIN_TEMPO_FACTOR
from composer.midi_in.hotplug import PortWatcher
from composer.midi_in.ports import MidiSystem, MidiUnavailable
from composer.midi_out.clock_follow import ClockFollower, Lost, Tempo, Transport
from composer.music.score import TICKS_PER_QUARTER

log = logging.getLogger(__name__)
POLL_SECONDS = 0.001
PHASE_CHECK_SECONDS = 0.25
PHASE_TOLERANCE_TICKS = TICKS_PER_QUARTER // 4
MAX_NUDGE = 0.03


class Follow:
    """Acts on a RoutedEngine (anything with score, tempo_factor(), set_tempo_factor, play, pause,
    seek, position, state) for whichever source is followed."""

    def __init__(self, router, start_stop: Callable[[bool, int, float], None] | None = None,
                 on_state: Callable[[str], None] = lambda _state: None):
        self.router = router
        self.start_stop = start_stop or self._direct
        self.on_state = on_state
        self.bpm: float | None = None
        self.state = "waiting"
        self.running = False
        self.corrections = 0  # seeks made to stay with the DAW
        self.nudge = 0.0  # the tempo factor's small phase correction (+0.01: 1 % faster)

    def _direct(self, running: bool, tick: int, when: float) -> None:
        if running:
            self.router.play(tick, at=when)
        else:
            self.router.pause()
            self.router.seek(tick)

    def handle(self, event) -> None:
        if isinstance(event, Tempo):
            self.bpm = event.bpm
            self.apply_tempo()
            self._state(f"following {event.bpm:.1f} bpm")
        elif isinstance(event, Transport):
            self.running = event.running
            self.apply_tempo()
            self.start_stop(event.running, event.tick, event.time)
        elif isinstance(event, Lost):
            self._state("lost")

    def apply_tempo(self) -> None:
        if self.bpm is None:
            return
        score = self.router.score
        written = _bpm_at(score, self.router.position())
        factor = max(MIN_TEMPO_FACTOR, min(MAX_TEMPO_FACTOR, self.bpm / written * (1.0 + self.nudge)))
        if abs(factor / self.router.tempo_factor() - 1.0) > 0.0005:
            self.router.set_tempo_factor(factor)

    def check_phase(self, followed_tick: int) -> None:
        if not self.running or self.bpm is None:
            return
        error = self.router.position() - followed_tick
        if abs(error) > PHASE_TOLERANCE_TICKS:
            self.corrections += 1
            self.nudge = 0.0
            self.router.seek(followed_tick)
        else:  # take the difference up over the next second
            ticks_per_second = self.bpm / 60.0 * TICKS_PER_QUARTER
            self.nudge = max(-MAX_NUDGE, min(MAX_NUDGE, -error / ticks_per_second))
        self.apply_tempo()

    def _state(self, text: str) -> None:
        if text != self.state:
            self.state = text
            self.on_state(text)


def _bpm_at(score, tick: int) -> float:
    bpm = score.tempos[0].bpm
    for change in score.tempos[1:]:
        if change.tick > tick:
            break
        bpm = change.bpm
    return bpm


class _ClockSystem(MidiSystem):
    """A MIDI input client that keeps timing messages (the keyboard's client drops them)."""

    def _new_client(self, code: int):
        client = super()._new_client(code)
        client.ignore_types(sysex=True, timing=False, active_sense=True)
        return client


class ClockInput:
    """Listens to a DAW's MIDI clock on a port (or a virtual port "sync in") and follows it."""

    def __init__(self, follow: Follow, *, api: str | None = None, client_name: str = "Composer sync",
                 watch_interval: float = 0.5):
        self.follow = follow
        self.follower = ClockFollower()
        self.pulses: list[float] = []  # times of the pulses since the last Start (tests, bench)
        self.system = _ClockSystem(client_name, api)  # MidiUnavailable when there is no MIDI
        self._watcher = PortWatcher(self.system, lambda _n, when: follow.handle(Lost(when)),
                                    lambda _n: None, lambda _ports: None, watch_interval)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="composer-midi-sync", daemon=True)
        self._thread.start()

    def ports(self) -> list[str]:
        return self.system.ports()

    def open(self, name: str) -> bool:
        ok = self.system.open(name)
        self._watcher.want(name, ok)
        return ok

    def open_virtual(self, name: str = "sync in") -> str:
        self._watcher.want(None, False)
        return self.system.open_virtual(name)

    def _run(self) -> None:
        next_phase = 0.0
        while not self._stop.wait(POLL_SECONDS):
            try:
                for message, when in self.system.read():
                    if message and message[0] in (0xFA, 0xFB):
                        self.pulses = []
                    elif message and message[0] == 0xF8 and self.follower.running:
                        self.pulses.append(when)
                    for event in self.follower.feed(message, when):
                        self.follow.handle(event)
                now = time.perf_counter()
                for event in self.follower.check(now):
                    self.follow.handle(event)
                if now >= next_phase and not self.follower.lost and self.follower.running:
                    next_phase = now + PHASE_CHECK_SECONDS
                    if len(self.pulses) > 24:  # after a beat: the start has settled
                        self.follow.check_phase(self.follower.position(now))
            except Exception:  # one bad message must not end following
                log.exception("MIDI sync input failed")

    def close(self) -> None:
        self._stop.set()
        if self._thread is not threading.current_thread():
            self._thread.join(2.0)
        self._watcher.close()
        self.system.close()


__all__ = ["ClockInput", "Follow", "MidiUnavailable"]
