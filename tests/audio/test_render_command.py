"""`composer render in.mid -o out.wav`: a real MIDI file in, a real WAV file out, listened to."""

from __future__ import annotations

import wave

import mido
import numpy as np
from audio_helpers import RATE
from sound_analysis import detect_onsets, mono, segment

from composer.cli import main


def write_two_track_midi(path) -> None:
    """Melody (xylophone) on channel 1 and an acoustic bass on channel 2, 120 bpm,
    staccato so each beat starts afresh."""
    midi = mido.MidiFile(ticks_per_beat=480)
    # Melody notes that are no overtone of the bass, so the spectrum tells the tracks apart.
    for channel, program, pitches, velocity in ((0, 13, [73, 78, 75], 110), (1, 32, [48, 43, 48], 70)):
        track = mido.MidiTrack()
        track.append(mido.Message("program_change", channel=channel, program=program, time=0))
        for pitch in pitches:
            track.append(mido.Message("note_on", channel=channel, note=pitch, velocity=velocity, time=0))
            track.append(mido.Message("note_off", channel=channel, note=pitch, velocity=0, time=240))
            track.append(mido.Message("note_on", channel=channel, note=pitch, velocity=0, time=240))
        midi.tracks.append(track)
    midi.save(path)


def test_render_writes_the_music_to_a_wav(tmp_path, soundfont, capsys):
    source, target = tmp_path / "duet.mid", tmp_path / "out" / "duet.wav"
    target.parent.mkdir()
    write_two_track_midi(source)
    assert main(["render", str(source), "-o", str(target), "--soundfont", str(soundfont)]) == 0
    assert "wrote" in capsys.readouterr().out
    with wave.open(str(target), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (2, 2, RATE)
        audio = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2").reshape(-1, 2)
    x = mono(audio)
    assert 1.5 <= len(x) / RATE <= 1.5 + 3.1  # the music plus at most the release tail
    onsets = detect_onsets(x, RATE)
    assert [round(t, 1) for t in onsets] == [0.0, 0.5, 1.0]
    for beat, pitches in enumerate(((73, 48), (78, 43), (75, 48))):  # both tracks, each beat
        for pitch in pitches:
            assert level(x, 0.5 * beat, pitch) > 0.05, f"beat {beat}: pitch {pitch} missing"
    assert level(x, 0.0, 74) < 0.01  # and not a pitch nobody played


def level(x: np.ndarray, start_s: float, pitch: int) -> float:
    """Spectral peak near `pitch` in the beat at `start_s`, relative to the beat's loudest."""
    part = segment(x, RATE, start_s + 0.03, start_s + 0.45)
    spectrum = np.abs(np.fft.rfft(part * np.hanning(len(part))))
    freqs = np.fft.rfftfreq(len(part), 1 / RATE)
    f = 440 * 2 ** ((pitch - 69) / 12)
    return float(spectrum[(freqs > f * 0.98) & (freqs < f * 1.02)].max() / spectrum.max())


def test_render_defaults_the_output_name(tmp_path, soundfont):
    source = tmp_path / "tune.mid"
    write_two_track_midi(source)
    assert main(["render", str(source), "--soundfont", str(soundfont), "--quiet"]) == 0
    assert (tmp_path / "tune.wav").stat().st_size > 44 + 4 * RATE


def test_render_names_a_soundfont_that_does_not_load(tmp_path, capsys):
    source, bad_font = tmp_path / "tune.mid", tmp_path / "broken.sf2"
    write_two_track_midi(source)
    bad_font.write_bytes(b"RIFF\x10\x00\x00\x00sfbkLIST" + bytes(200))
    assert main(["render", str(source), "--soundfont", str(bad_font)]) == 1
    err = capsys.readouterr().err
    assert str(bad_font) in err and "could not load" in err
    assert not (tmp_path / "tune.wav").exists()


def test_render_reports_a_bad_input_file(tmp_path, capsys):
    source = tmp_path / "noise.mid"
    source.write_bytes(b"not a midi file at all")
    assert main(["render", str(source)]) == 1
    assert str(source) in capsys.readouterr().err
