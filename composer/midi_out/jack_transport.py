"""Following JACK transport (Linux; JACK-Client is optional: without it this says so).

A JACK client polls the transport (jack_transport_query) every few milliseconds from a thread
of its own; nothing runs in JACK's process thread. Position: bar/beat/tick when a timebase
master (the DAW) publishes them, else the frame converted through the score's own tempo map,
carried forward from the cycle's time (the position's `usecs`, JACK's microsecond clock, which
is CLOCK_MONOTONIC like perf_counter on Linux) to now: a late poll or a late cycle then does not
make the playhead late. Tempo: the master's beats_per_minute when published, else the score's.
"""

from __future__ import annotations

import logging
import threading
import time

from composer.midi_out.clock_follow import Lost, Tempo, Transport
from composer.music.score import TICKS_PER_QUARTER

log = logging.getLogger(__name__)
POLL_SECONDS = 0.005
PHASE_CHECK_SECONDS = 0.25
MAX_CARRY_SECONDS = 0.1  # more than this since the cycle: another clock, do not carry forward


def transport_tick(position: dict, score) -> int:
    """Score ticks at a JACK transport position (the dict JACK-Client's transport_query gives)."""
    if "bar" in position and position.get("ticks_per_beat"):
        beats = ((position["bar"] - 1) * position["beats_per_bar"] + position["beat"] - 1
                 + position["tick"] / position["ticks_per_beat"])
        return round(beats * 4 / position["beat_type"] * TICKS_PER_QUARTER)
    return score.tick_at(position["frame"] / position["frame_rate"])


class JackTransport:
    def __init__(self, follow, client_name: str = "Composer transport"):
        try:
            import jack
        except ImportError:  # an optional extra at runtime
            raise OSError("JACK transport needs the JACK-Client package: pip install JACK-Client") from None
        self._jack = jack
        self.follow = follow
        try:
            self.client = jack.Client(client_name, no_start_server=True)
        except jack.JackError as error:
            raise OSError(f"no JACK server to follow ({error})") from None
        self._gone = threading.Event()
        self.client.set_shutdown_callback(lambda *_: self._gone.set())
        self.client.activate()
        self._stop = threading.Event()
        self._rolling = False
        self._bpm: float | None = None
        self._thread = threading.Thread(target=self._run, name="composer-jack-transport", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        next_phase = 0.0
        while not self._stop.wait(POLL_SECONDS):
            if self._gone.is_set():
                self.follow.handle(Lost(time.perf_counter()))
                return
            try:
                state, position = self.client.transport_query()
                now = time.perf_counter()
                bpm = position.get("beats_per_minute")
                if bpm and (self._bpm is None or abs(bpm - self._bpm) > 0.01):
                    self._bpm = bpm
                    self.follow.handle(Tempo(float(bpm)))
                elif self._bpm is None:
                    self._bpm = self.follow.router.score.bpm
                    self.follow.handle(Tempo(self._bpm))
                tick = transport_tick(position, self.follow.router.score)
                rolling = state == self._jack.ROLLING
                cycle = position.get("usecs", 0) / 1e6
                since = now - cycle if 0.0 <= now - cycle <= MAX_CARRY_SECONDS else 0.0
                if rolling:
                    tick += round(since * (self._bpm or 120.0) / 60.0 * TICKS_PER_QUARTER)
                if rolling != self._rolling:
                    self._rolling = rolling
                    self.follow.handle(Transport(rolling, tick, now))
                    next_phase = now + 2 * PHASE_CHECK_SECONDS
                elif rolling and now >= next_phase:
                    next_phase = now + PHASE_CHECK_SECONDS
                    self.follow.check_phase(tick)
            except Exception:
                log.exception("JACK transport poll failed")

    def close(self) -> None:
        self._stop.set()
        if self._thread is not threading.current_thread():
            self._thread.join(2.0)
        try:
            self.client.deactivate()
            self.client.close()
        except Exception:  # the server may be gone already
            pass
