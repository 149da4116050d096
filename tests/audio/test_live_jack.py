"""Live output on a real audio driver: FluidSynth's JACK driver on a private dummy JACK server,
recorded by a second JACK client (JACK-Client, a test extra) and listened to."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from sound_analysis import detect_onsets, dominant_frequency, midi_of, segment

from composer.audio import PlayState, SoundEngine
from composer.music.score import Note, Score, Voice

JACK_RATE = 48000


class Recorder:
    """A JACK client that records the engine's left output, with JACK frame times."""

    def __init__(self, server: str):
        import jack

        self.client = jack.Client("composer-test-recorder", servername=server, no_start_server=True)
        self.port = self.client.inports.register("in")
        self.blocks: list[tuple[int, np.ndarray]] = []
        self.recording = threading.Event()
        self.client.set_process_callback(self._process)
        self.client.activate()

    def _process(self, frames: int) -> None:
        if self.recording.is_set():
            self.blocks.append((self.client.last_frame_time, self.port.get_array().copy()))

    def connect_to(self, engine_client: str = "composer") -> None:
        sources = self.client.get_ports(f"{engine_client}.*:left", is_audio=True, is_output=True)
        assert sources, f"no JACK output port of {engine_client}: {self.client.get_ports()}"
        self.client.connect(sources[0], self.port)

    def take(self) -> np.ndarray:
        self.recording.clear()
        time.sleep(0.05)
        audio = np.concatenate([b for _, b in self.blocks]) if self.blocks else np.zeros(0)
        self.blocks = []
        return audio.astype(np.float64)

    def close(self) -> None:
        self.client.deactivate()
        self.client.close()


@pytest.fixture
def live(jack_server, soundfont):
    engine = SoundEngine(soundfont=soundfont, driver="jack", jack_server=jack_server)
    recorder = Recorder(jack_server)
    try:
        assert engine.status.playback, engine.status.problems
        recorder.connect_to()
        yield engine, recorder
    finally:
        recorder.close()
        engine.close()


def test_status_reports_the_jack_driver_and_its_buffer(live):
    engine, _ = live
    status = engine.status
    assert (status.driver, status.sample_rate, status.period_size) == ("jack", 48000.0, 256)
    assert status.latency_ms >= 1000 * 256 / 48000
    assert status.summary().startswith("Sound: jack · 48 kHz")


def test_live_notes_are_heard_at_their_pitch(live):
    engine, recorder = live
    engine.load(Score(voices=[Voice("piano", 0), Voice("flute", 73)]))
    for voice, pitch in ((0, 69), (1, 76)):
        recorder.recording.set()
        time.sleep(0.05)
        assert engine.note_on(voice, pitch, 110)
        time.sleep(0.4)
        engine.note_off(voice, pitch)
        audio = recorder.take()
        heard_from = int(np.argmax(np.abs(audio) > 1e-3))
        assert heard_from > 0, "nothing was heard"
        start = heard_from / JACK_RATE
        heard = midi_of(dominant_frequency(segment(audio, JACK_RATE, start + 0.05, start + 0.35), JACK_RATE))
        assert abs(heard - pitch) < 0.3, f"played {pitch}, heard {heard:.2f}"
        time.sleep(0.5)  # let the release fade before the next note


def test_scheduled_playback_keeps_time_on_the_live_clock(live):
    engine, recorder = live
    pitches = [72, 74, 76, 79]
    engine.load(Score(notes=[Note(p, i * 240, 120, 100) for i, p in enumerate(pitches)],
                      voices=[Voice("xylophone", 13)]))
    recorder.recording.set()
    time.sleep(0.05)
    assert engine.play()
    positions = []
    while engine.state is PlayState.PLAYING:
        positions.append(engine.position())
        time.sleep(1 / 60)  # a GUI polling the playhead
    time.sleep(0.3)
    audio = recorder.take()
    onsets = detect_onsets(audio, JACK_RATE)
    assert len(onsets) == 4, onsets
    gaps = np.diff(onsets)
    assert np.all(np.abs(gaps - 0.25) <= 0.010), gaps  # sample clock, not Python sleeps
    for start, pitch in zip(onsets, pitches):
        heard = midi_of(dominant_frequency(segment(audio, JACK_RATE, start + 0.01, start + 0.12), JACK_RATE))
        assert abs(heard - pitch) < 0.3
    assert positions == sorted(positions) and positions[-1] >= 3 * 240
    assert engine.position() == 4 * 240 - 120  # finished: the end of the last note
