"""Degrades, never dies: no libfluidsynth, no soundfont, no audio device, a closed engine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import uuid

import pytest

import composer.audio.soundfont as soundfont_module
from composer.audio import AudioDriverError, PlayState, SoundEngine

MISSING_LIBRARY_SCRIPT = textwrap.dedent("""
    # Simulates a machine without libfluidsynth: pyfluidsynth finds its library through
    # ctypes.util.find_library, which here finds nothing for it (the real lib is installed).
    import ctypes.util, json, sys
    real_find = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None if "fluidsynth" in name else real_find(name)

    from composer.audio import SoundEngine, fluidsynth_available, missing_reason
    from composer.music.score import Note, Score
    from composer.io import write_midi
    engine = SoundEngine()
    engine.load(Score(notes=[Note(60, 0, 480)]))
    result = {
        "available": fluidsynth_available(),
        "reason": missing_reason(),
        "summary": engine.status.summary(),
        "playback": engine.status.playback,
        "render": engine.status.render,
        "play": engine.play(),
        "note_on": engine.note_on(0, 60, 100),
        "state": engine.state.value,
        "position": engine.position(),
    }
    engine.stop(); engine.close(); engine.close()
    write_midi(Score(notes=[Note(60, 0, 480)]), sys.argv[1])
    from composer.cli import main
    result["render_rc"] = main(["render", sys.argv[1], "-o", sys.argv[2]])
    print(json.dumps(result))
""")


def test_missing_fluidsynth_library_is_reported_with_how_to_install(tmp_path):
    midi, wav = tmp_path / "in.mid", tmp_path / "out.wav"
    run = subprocess.run([sys.executable, "-c", MISSING_LIBRARY_SCRIPT, str(midi), str(wav)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["available"] is False
    for text in ("FluidSynth library not found", "sudo apt install libfluidsynth3",
                 "brew install fluid-synth"):
        assert text in result["reason"] and text in result["summary"]
    assert result["playback"] is result["render"] is False
    assert result["play"] is result["note_on"] is False
    assert (result["state"], result["position"]) == ("stopped", 0)
    assert result["render_rc"] == 1 and not wav.exists()
    assert "FluidSynth library not found" in run.stderr


def test_no_soundfont_anywhere_degrades_with_the_install_hint(tmp_path, monkeypatch):
    # This machine has fonts; discovery is pointed at empty places to simulate one without.
    monkeypatch.delenv(soundfont_module.ENV_VAR, raising=False)
    monkeypatch.setattr(soundfont_module, "PROJECT_DIR", tmp_path)
    monkeypatch.setattr(soundfont_module, "_UNIX_FONTS", [])
    monkeypatch.setattr(soundfont_module, "_WINDOWS_FONTS", [])
    engine = SoundEngine(offline=True)
    try:
        assert not engine.status.render
        assert "No soundfont found" in engine.status.summary()
        assert "apt install fluid-soundfont-gm" in engine.status.problems[0]
        assert engine.play() is False and engine.note_on(0, 60) is False
    finally:
        engine.close()


def test_a_chosen_font_that_does_not_exist_is_named(tmp_path, monkeypatch):
    missing = tmp_path / "MyFont.sf2"
    monkeypatch.setenv(soundfont_module.ENV_VAR, str(missing))
    engine = SoundEngine(offline=True)
    try:
        assert str(missing) in engine.status.problems[0]
    finally:
        engine.close()


def test_jack_without_a_server_fails_cleanly_and_rendering_still_works(soundfont):
    server = f"composer-no-such-server-{uuid.uuid4().hex[:8]}"
    engine = SoundEngine(soundfont=soundfont, driver="jack", jack_server=server)
    try:
        assert engine.status.playback is False and engine.status.render is True
        problem = engine.status.problems[0]
        assert problem.startswith("Audio output failed") and "jack" in problem
        assert "JACK" in problem and "Rendering to WAV still works" in problem
        assert engine.play() is False and engine.state is PlayState.STOPPED
    finally:
        engine.close()
    assert "JACK_NO_START_SERVER" in os.environ  # libjack was not allowed to start a jackd


def test_a_driver_this_fluidsynth_lacks_lists_the_ones_it_has(soundfont):
    with pytest.raises(AudioDriverError, match="no 'nosuchdriver' driver.*alsa"):
        SoundEngine(soundfont=soundfont, driver="nosuchdriver", strict=True)


def test_close_is_idempotent_and_a_closed_engine_is_inert(soundfont):
    engine = SoundEngine(soundfont=soundfont, offline=True)
    engine.close()
    engine.close()  # a second FluidSynth delete would crash the process
    assert engine.note_on(0, 60) is False and engine.play() is False
    engine.stop()
    engine.set_tempo_factor(2.0)
    assert engine.position() == 0 and engine.state is PlayState.STOPPED
