"""RoutedEngine: the sound engine's interface (composer.audio.SoundEngine) with each voice routed
to FluidSynth ("internal"), the MIDI output ("external") or both. Playback, auditioning, thru
and call-and-response answers all reach the engine through this one object, so they all follow
the routing. Qt-free and thread-safe (the engine and the out player lock for themselves).

A voice routed only outside is muted in FluidSynth (its channel volume 0), not removed, so the
synth's channel plan and the score the engine plays stay the same.
"""

from __future__ import annotations

import time
from dataclasses import replace

from composer.audio.player import PlayState
from composer.midi_out import messages as mm
from composer.midi_out.player import OutPlayer
from composer.midi_out.sender import TimedSender
from composer.music.score import Score

INTERNAL, EXTERNAL, BOTH = "internal", "external", "both"
ROUTES = (INTERNAL, EXTERNAL, BOTH)
ENGINE_LEAD_S = 0.030  # composer.audio.engine.LIVE_LEAD_MS: the synth starts this late
EXTERNAL_LEAD_S = 0.010  # a head start for the first window when there is no synth to line up with


class Routing:
    """The route of each voice: a default for the whole score and per-voice choices."""

    def __init__(self, default: str = INTERNAL, voices: dict[int, str] | None = None):
        self.default = default
        self.voices: dict[int, str] = dict(voices or {})
        for route in (default, *self.voices.values()):
            if route not in ROUTES:
                raise ValueError(f"unknown MIDI route {route!r}: choose one of {', '.join(ROUTES)}")

    def route(self, voice: int) -> str:
        return self.voices.get(voice, self.default)

    def internal(self, voice: int) -> bool:
        return self.route(voice) != EXTERNAL

    def external(self, voice: int) -> bool:
        return self.route(voice) != INTERNAL


class RoutedEngine:
    def __init__(self, engine, sender: TimedSender, routing: Routing | None = None):
        """`engine`: a SoundEngine (or None: external only); `sender`: the output's TimedSender."""
        self.engine = engine
        self.sender = sender
        self.player = OutPlayer(sender)
        self.routing = routing or Routing()
        self.score = Score()
        self._loop: tuple[int, int] | None = None

    # -- routing ------------------------------------------------------------------------------
    def set_routing(self, routing: Routing) -> None:
        """New routes apply at once (a playing score goes on from where it is)."""
        self.routing = routing
        self.load(self.score)

    def external_voices(self, score: Score | None = None) -> set[int]:
        score = score or self.score
        return {i for i in range(len(score.voices)) if self.routing.external(i)}

    def _internal_view(self, score: Score) -> Score:
        if all(self.routing.internal(i) for i in range(len(score.voices))):
            return score
        view = score.copy()
        view.voices = [v if self.routing.internal(i) else replace(v, mute=True, solo=False)
                       for i, v in enumerate(score.voices)]
        return view

    @property
    def _engine_plays(self) -> bool:
        return self.engine is not None and bool(self.engine.status.playback)

    # -- the score ----------------------------------------------------------------------------
    def load(self, score: Score) -> None:
        self.score = score
        if self.engine is not None:
            self.engine.load(self._internal_view(score))
        self.player.load(score, self.external_voices(score))

    def set_voices(self, voices) -> None:
        score = self.score.copy()
        score.voices = list(voices)
        self.score = score
        if self.engine is not None:
            self.engine.set_voices(self._internal_view(score).voices)
        self.player.load(score, self.external_voices(score))

    # -- transport ----------------------------------------------------------------------------
    def play(self, start_tick: int = 0, end_tick: int | None = None, *,
             loop: tuple[int, int] | None = None, open_end: bool = False, at: float | None = None) -> bool:
        """Play on both; `at` (perf_counter) anchors the external side to a moment, e.g. the
        first clock pulse of a DAW being followed (the synth cannot start in the past). False
        when nothing plays: no synth, no voice routed out and no clock to send."""
        ok = False
        if self.engine is not None:
            ok = bool(self.engine.play(start_tick, end_tick, loop=loop, open_end=open_end))
        delay = self._lead() if ok else EXTERNAL_LEAD_S
        if at is not None and not ok:
            delay = at - time.perf_counter()
        self._loop = loop
        self.player.loop = loop
        self.player.play(start_tick, end_tick, open_end=open_end, delay=delay)
        return ok or bool(self.player.voices_out) or self.player.clock

    def _lead(self) -> float:
        if self.engine is None:
            return ENGINE_LEAD_S
        latency = self.engine.status.latency_ms or 0.0
        return ENGINE_LEAD_S + latency / 1000.0

    def stop(self) -> None:
        if self.engine is not None:
            self.engine.stop()
        self.player.stop()

    def pause(self) -> None:
        if self.engine is not None:
            self.engine.pause()
        self.player.stop()

    def resume(self) -> None:
        if self.engine is not None:
            self.engine.resume()
        if not self.player.playing:
            self.player.play(self.position(), delay=self._lead() if self._engine_plays else EXTERNAL_LEAD_S)

    def seek(self, tick: int) -> None:
        if self.engine is not None:
            self.engine.seek(tick)
        self.player.seek(tick)

    def set_loop(self, loop: tuple[int, int] | None) -> None:
        if self.engine is not None:
            self.engine.set_loop(loop)  # ValueError for a too-short loop, as before
        self._loop = loop
        self.player.set_loop(loop)

    def set_tempo_factor(self, factor: float) -> None:
        if self.engine is not None:
            self.engine.set_tempo_factor(factor)
        self.player.set_tempo_factor(factor)

    def set_metronome(self, on: bool) -> None:
        if self.engine is not None:
            self.engine.set_metronome(on)  # the click stays inside: a DAW has its own

    @property
    def state(self) -> PlayState:
        if self._engine_plays:
            return self.engine.state
        self.player.pump()
        return PlayState.PLAYING if self.player.playing else PlayState.STOPPED

    def position(self) -> int:
        return self.engine.position() if self._engine_plays else self.player.position()

    def tempo_factor(self) -> float:
        return self.engine.tempo_factor() if self._engine_plays else self.player.tempo.factor

    @property
    def status(self):
        if self.engine is not None:
            return self.engine.status
        from composer.audio.output import AudioStatus

        return AudioStatus()

    # -- live notes ---------------------------------------------------------------------------
    def _channel(self, voice: int) -> int:
        channels = mm.external_channels(self.score)
        return channels[voice] if 0 <= voice < len(channels) else channels[0]

    def note_on(self, voice: int, pitch: int, velocity: int = 100) -> bool:
        ok = False
        if self.routing.internal(voice) and self.engine is not None:
            ok = bool(self.engine.note_on(voice, pitch, velocity))
        if self.routing.external(voice) and 0 <= pitch <= 127:
            ok = self.sender.now(mm.note_on(self._channel(voice), pitch, velocity)) or ok
        return ok

    def note_off(self, voice: int, pitch: int) -> None:
        if self.routing.internal(voice) and self.engine is not None:
            self.engine.note_off(voice, pitch)
        if self.routing.external(voice) and 0 <= pitch <= 127:
            self.sender.now(mm.note_off(self._channel(voice), pitch))

    def all_notes_off(self) -> None:
        if self.engine is not None:
            self.engine.all_notes_off()
        self.sender.cancel("live")
        for channel in sorted(set(mm.external_channels(self.score))):
            self.sender.now(mm.control(channel, mm.CC_SUSTAIN, 0), tag="setup")
            self.sender.now(mm.control(channel, mm.CC_ALL_NOTES_OFF, 0), tag="setup")

    # -- anything else (render, status details) is the engine's -----------------------------
    def __getattr__(self, name: str):
        engine = self.__dict__.get("engine")
        if engine is None:
            raise AttributeError(name)
        return getattr(engine, name)

    def close(self) -> None:
        """Stops the external side; closes the engine (its owner's close() goes through here)."""
        self.player.stop()
        self.sender.cancel()
        if self.engine is not None:
            self.engine.close()
