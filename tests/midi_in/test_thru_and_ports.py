"""Thru: what is played on the keyboard is heard from FluidSynth at once, at its pitch and with its
velocity (a real SoundEngine on the JACK dummy server, recorded by a JACK client). Ports: listing,
a virtual input port that another program plays into, and start-up without any MIDI system."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import numpy as np
import pytest
from midi_keys import Keyboard, wait_connected, wait_for
from sound_analysis import dominant_frequency, midi_of, rms, segment

from composer.midi_in import KeyLit, MidiInput, PortsChanged, list_input_ports
from composer.music.score import Score, TempoChange, Voice

JACK_RATE = 48000


class Listener:
    """A JACK client recording the synth's left output (as tests/audio/test_live_jack.py does)."""

    def __init__(self, server: str):
        import jack

        self.client = jack.Client("composer-midi-listener", servername=server, no_start_server=True)
        self.port = self.client.inports.register("in")
        self.blocks: list[np.ndarray] = []
        self.recording = threading.Event()
        self.client.set_process_callback(self._process)
        self.client.activate()

    def _process(self, frames: int) -> None:
        if self.recording.is_set():
            self.blocks.append(self.port.get_array().copy())

    def connect_to(self, engine_client: str = "composer") -> None:
        sources = self.client.get_ports(f"{engine_client}.*:left", is_audio=True, is_output=True)
        assert sources, self.client.get_ports()
        self.client.connect(sources[0], self.port)

    def take(self) -> np.ndarray:
        self.recording.clear()
        time.sleep(0.03)
        audio = np.concatenate(self.blocks) if self.blocks else np.zeros(0)
        self.blocks = []
        return audio.astype(np.float64)

    def close(self) -> None:
        self.client.deactivate()
        self.client.close()


@pytest.fixture(scope="module")
def engine(jack_server):
    from composer.audio import SoundEngine, SoundFontError, find_soundfont

    try:
        font = find_soundfont().path
    except SoundFontError as error:
        pytest.skip(f"no General MIDI soundfont ({error})")
    sound = SoundEngine(soundfont=font, driver="jack", jack_server=jack_server)
    assert sound.status.playback, sound.status.problems
    yield sound
    sound.close()


def test_played_notes_sound_at_their_pitch_and_velocity_on_the_chosen_voice(engine, jack_server, connected):
    midi, keyboard = connected
    engine.load(Score(voices=[Voice("piano", 0), Voice("flute", 73)]))
    midi.engine = engine
    listener = Listener(jack_server)
    try:
        listener.connect_to()
        levels = {}
        for voice, pitch, velocity in ((1, 76, 120), (0, 69, 120), (0, 69, 30)):
            midi.set_voice(voice)
            listener.recording.set()
            time.sleep(0.05)
            keyboard.on(pitch, velocity)
            time.sleep(0.4)
            keyboard.off(pitch)
            audio = listener.take()
            heard_from = int(np.argmax(np.abs(audio) > 1e-3))
            assert heard_from > 0, "nothing was heard"
            start = heard_from / JACK_RATE
            heard = midi_of(dominant_frequency(segment(audio, JACK_RATE, start + 0.05, start + 0.3), JACK_RATE))
            assert abs(heard - pitch) < 0.3, f"played {pitch}, heard {heard:.2f}"
            levels[(voice, velocity)] = rms(segment(audio, JACK_RATE, start, start + 0.3))
            time.sleep(0.4)  # let the release fade
        assert levels[(0, 120)] > 2 * levels[(0, 30)]  # velocity reaches the synth
        assert len(midi.thru_latencies) == 3  # each note went to the synth from the MIDI side
        lit = [e for e in midi.drain() if isinstance(e, KeyLit)]
        assert [(e.pitch, e.on) for e in lit][:2] == [(76, True), (76, False)]
    finally:
        midi.engine = None
        listener.close()


def test_ports_are_listed_and_new_devices_are_noticed(midi, jack_server):
    midi.drain()
    board = Keyboard(port="late")
    try:
        assert board.name in list_input_ports("jack")
        assert wait_for(lambda: any(isinstance(e, PortsChanged) and board.name in e.ports for e in midi.drain()))
        assert board.name in midi.ports()
    finally:
        board.close()


def test_a_device_chosen_while_absent_opens_when_it_appears(midi, jack_server):
    assert not midi.open("test-keyboard-later:keys")
    assert midi.status.state == "disconnected" and "waiting" in midi.status.message
    board = Keyboard(port="keys", client="test-keyboard-later")
    try:
        assert wait_for(lambda: midi.status.state == "connected", 2.0), midi.status
        wait_connected(board.name)
        midi.start_take(Score(), 0, count_in_bars=0)
        board.play([(61, 64, 0.0, 0.05)])
        time.sleep(0.03)
        assert [(n.pitch, n.velocity) for n in midi.stop_take().raw] == [(61, 64)]
    finally:
        board.close()


def test_a_virtual_input_port_receives_what_another_program_plays(midi, jack_server):
    import rtmidi

    port = midi.open_virtual("input")
    assert midi.status.state == "virtual" and port == "input"
    player = rtmidi.MidiOut(rtmidi.API_UNIX_JACK, name="test-other-program")
    try:
        targets = [p for p in player.get_ports() if p.endswith(":input") and p.startswith("composer-")]
        assert targets, player.get_ports()
        player.open_port(player.get_ports().index(targets[-1]))
        wait_connected(targets[-1])
        midi.start_take(Score(), 0, count_in_bars=0)
        player.send_message([0x90, 67, 99])
        time.sleep(0.05)
        player.send_message([0x80, 67, 0])
        time.sleep(0.03)
        assert [(n.pitch, n.velocity) for n in midi.stop_take().raw] == [(67, 99)]
    finally:
        player.close_port()
        player.delete()


def test_without_any_midi_system_the_service_starts_and_says_why(monkeypatch):
    """No JACK server here (a name nobody runs) and, in containers, no ALSA sequencer."""
    monkeypatch.setenv("JACK_DEFAULT_SERVER", "composer-no-such-server")
    monkeypatch.setenv("JACK_NO_START_SERVER", "1")
    midi = MidiInput(None, api="jack")
    try:
        assert not midi.status.available and midi.status.state == "unavailable"
        assert "No MIDI system available" in midi.status.message
        assert "no JACK server running" in midi.status.message
        assert midi.ports() == [] and not midi.open("anything") and midi.open_virtual() is None
        assert midi.start_take(Score(), 0, count_in_bars=0)
        assert midi.stop_take().raw == []
    finally:
        midi.close()
    assert list_input_ports("jack") == []


def test_the_automatic_choice_names_every_system_it_tried():
    """In a fresh process with no JACK server and (in a container) no /dev/snd/seq."""
    import os

    if os.path.exists("/dev/snd/seq"):
        pytest.skip("this machine has an ALSA sequencer, so there is a MIDI system")
    code = ("from composer.midi_in import MidiInput; m = MidiInput(); print(m.status.state); "
            "print(m.status.message)")
    env = dict(os.environ, JACK_DEFAULT_SERVER="composer-no-such-server", JACK_NO_START_SERVER="1")
    env.pop("COMPOSER_MIDI_API", None)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    state, message = out.stdout.strip().splitlines()
    assert state == "unavailable"
    assert "ALSA" in message and "/dev/snd/seq" in message and "no JACK server running" in message


def test_the_count_in_clicks_a_bar_and_the_take_starts_on_the_next_click(engine, jack_server, midi):
    """The engine plays the count-in (a pre-rolled score) on JACK; the take's tick 0 (the clock's
    origin) must be when the first beat after the count-in is heard. JACK frame times and
    perf_counter are both CLOCK_MONOTONIC, so the heard clicks are placed on the take's clock."""
    import jack

    from sound_analysis import detect_onsets

    midi.engine = engine
    client = jack.Client("composer-midi-clicks", servername=jack_server, no_start_server=True)
    port = client.inports.register("in")
    blocks: list[tuple[int, float, np.ndarray]] = []
    client.set_process_callback(lambda frames: blocks.append(
        (client.last_frame_time, time.perf_counter(), port.get_array().copy())))
    client.activate()
    try:
        sources = client.get_ports("composer.*:left", is_audio=True, is_output=True)
        client.connect(sources[0], port)
        time.sleep(0.1)
        blocks.clear()
        clock = midi.start_take(Score(tempos=[TempoChange(0, 240.0)]), 0, count_in_bars=1, play_score=True)
        time.sleep(1.6)  # a 1 s count-in (4 beats at 240 bpm), then two beats of the take
        midi.stop_take()
        time.sleep(0.05)
    finally:
        client.deactivate()
        midi.engine = None
    client.close()
    first_frame = blocks[0][0]
    audio = np.concatenate([b for *_, b in blocks]).astype(np.float64)
    offset = min(stamp - (frame - first_frame) / JACK_RATE for frame, stamp, _ in blocks)
    start_seconds = offset  # perf_counter time of the first recorded frame
    clicks = [start_seconds + t for t in detect_onsets(audio, JACK_RATE)]
    beats = [clock.origin + (i - 4) * 0.25 for i in range(7)]
    heard = [min(clicks, key=lambda c: abs(c - beat)) for beat in beats]
    assert len(clicks) >= 6, clicks
    assert all(abs(h - b) <= 0.015 for h, b in zip(heard, beats)), [round(h - b, 4) for h, b in zip(heard, beats)]
