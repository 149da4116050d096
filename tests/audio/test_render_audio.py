"""Offline rendering, checked by listening: pitch (FFT), onsets, loudness, voices, channels."""

from __future__ import annotations

import threading
import wave

import numpy as np
import pytest
from audio_helpers import RATE, listen, melody
from sound_analysis import detect_onsets, dominant_frequency, midi_of, mono, rms, segment

from composer.audio import RenderCancelled, render_wav
from composer.music.score import Note, Score, TempoChange, Voice

ONSET_TOLERANCE_S = 0.010


def read_wav(path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as wav:
        assert wav.getnchannels() == 2 and wav.getsampwidth() == 2
        data = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2").reshape(-1, 2)
        return data, wav.getframerate()


def assert_onsets(found: list[float], expected: list[float]) -> None:
    assert len(found) == len(expected), f"onsets {np.round(found, 3)} vs expected {np.round(expected, 3)}"
    for got, want in zip(found, expected):
        assert abs(got - want) <= ONSET_TOLERANCE_S, f"onset at {got:.4f}s, scheduled {want:.4f}s"


def test_each_note_sounds_at_its_pitch_and_time(tmp_path, soundfont):
    # Off-grid onsets and uneven gaps, so a scheduler that rounds to beats would fail.
    pitches = [60, 64, 67, 72, 71, 65, 62, 69]
    onsets = [0, 500, 910, 1500, 1777, 2400, 2890, 3360]
    score = Score(notes=[Note(p, t, 200, 100) for p, t in zip(pitches, onsets)],
                  voices=[Voice("piano", 0)])
    result = render_wav(score, tmp_path / "melody.wav", soundfont=soundfont)
    audio, rate = read_wav(result.path)
    assert rate == RATE and result.frames == len(audio)
    x = mono(audio)
    expected = [score.seconds_at(t) for t in onsets]
    assert_onsets(detect_onsets(x, rate), expected)
    for pitch, start in zip(pitches, expected):
        heard = midi_of(dominant_frequency(segment(x, rate, start + 0.02, start + 0.2), rate))
        assert abs(heard - pitch) < 0.3, f"note {pitch} sounded as {heard:.2f}"


def test_a_chord_sounds_all_its_notes(offline):
    chord = [60, 64, 67]
    engine = offline(Score(notes=[Note(p, 0, 960, 100) for p in chord], voices=[Voice("p", 0)]))
    engine.play()
    x = mono(listen(engine, 0.8))[int(0.05 * RATE):]
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    freqs = np.fft.rfftfreq(len(x), 1 / RATE)

    def level(pitch: int) -> float:
        f = 440 * 2 ** ((pitch - 69) / 12)
        return float(spectrum[(freqs > f * 0.985) & (freqs < f * 1.015)].max())

    quietest_chord_note = min(level(p) for p in chord)
    loudest_other = max(level(p) for p in (61, 62, 63, 65, 66, 68, 69))  # not in the chord
    assert quietest_chord_note > 5 * loudest_other


def test_velocity_sets_loudness(offline):
    levels = []
    for velocity in (30, 60, 90, 127):
        engine = offline(melody([67], velocity=velocity, length=480))
        engine.play()
        levels.append(rms(mono(listen(engine, 0.4))))
    assert levels == sorted(levels) and len(set(levels)) == 4, levels
    assert levels[-1] > 3 * levels[0]


def test_two_voices_on_their_own_programs_both_sound(offline):
    flute, cello = Voice("flute", 73), Voice("cello", 42)
    notes = [Note(79, 0, 960, 100, voice=0), Note(48, 0, 960, 100, voice=1)]

    def render(voices: list[Voice]) -> np.ndarray:
        engine = offline(Score(notes=notes, voices=voices))
        engine.play()
        return mono(listen(engine, 1.0)).astype(np.float64)

    both = render([flute, cello])
    flute_alone = render([flute, Voice("cello", 42, mute=True)])
    cello_alone = render([Voice("flute", 73, mute=True), cello])
    assert rms(flute_alone) > 0.01 and rms(cello_alone) > 0.01
    # The mix is the two voices summed: each is present, nothing else is.
    residual = both - (flute_alone + cello_alone)
    assert rms(residual) < 0.02 * rms(both)
    # Each voice sounds its own pitch.
    assert abs(midi_of(dominant_frequency(flute_alone[4410:30000], RATE)) - 79) < 0.3
    cello_heard = midi_of(dominant_frequency(cello_alone[4410:30000], RATE))
    assert abs((cello_heard - 48 + 6) % 12 - 6) < 0.3  # a C (its octave partials may lead)


def test_program_changes_the_timbre(offline):
    spectra = []
    for program in (0, 73):  # piano, flute: same pitch, different harmonic make-up
        engine = offline(melody([72], program=program, length=480))
        engine.play()
        x = mono(listen(engine, 0.5))[2205:]
        s = np.abs(np.fft.rfft(x * np.hanning(len(x))))
        spectra.append(s / np.linalg.norm(s))
    assert float(spectra[0] @ spectra[1]) < 0.8


def test_solo_silences_the_other_voices(offline):
    # F#4 is no partial of C4, so any F#4 energy would come from voice a.
    notes = [Note(66, 0, 960, 100, voice=0), Note(60, 0, 960, 100, voice=1)]
    engine = offline(Score(notes=notes, voices=[Voice("a", 0), Voice("b", 0, solo=True)]))
    engine.play()
    x = mono(listen(engine, 0.6))[4410:]
    assert abs(midi_of(dominant_frequency(x, RATE)) - 60) < 0.3
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    freqs = np.fft.rfftfreq(len(x), 1 / RATE)
    f_sharp4 = spectrum[(freqs > 365) & (freqs < 375)].max()
    c4 = spectrum[(freqs > 258) & (freqs < 265)].max()
    assert f_sharp4 < 0.02 * c4  # voice a is not heard while b is soloed


def test_pan_places_a_voice_left_or_right(offline):
    balance = {}
    for pan in (0, 64, 127):
        score = melody([67], program=73, length=480)
        score.voices[0].pan = pan
        engine = offline(score)
        engine.play()
        audio = listen(engine, 0.4).astype(np.float64)
        balance[pan] = rms(audio[:, 0]) / rms(audio[:, 1])  # left over right
    # Samples and reverb have their own stereo image, so compare the pans with each other.
    assert balance[0] > 1.6 * balance[64] > 1.6 * 1.6 * balance[127], balance


def test_drum_voice_plays_the_percussion_kit_on_channel_10(offline):
    from composer.audio.voicing import DRUM_CHANNEL, channel_plan

    voices = [Voice("piano", 0), Voice("drums", 0, is_drum=True)]
    assert channel_plan(voices) == [0, DRUM_CHANNEL]
    flatness = {}
    for voice in (0, 1):  # key 38 is a snare on the kit, a D2 on the piano
        engine = offline(Score(notes=[Note(38, 0, 240, 110, voice=voice)], voices=voices))
        engine.play()
        x = mono(listen(engine, 0.3))[:8192]
        power = np.abs(np.fft.rfft(x * np.hanning(len(x)))) ** 2 + 1e-18
        flatness[voice] = float(np.exp(np.mean(np.log(power))) / np.mean(power))
        assert rms(x) > 0.005
    assert flatness[1] > 10 * flatness[0]  # noise-like snare vs pitched piano


def test_overlapping_repeats_of_a_key_keep_sounding(offline):
    # Second strike of C5 starts while the first is held: the first note's end must not cut it.
    score = Score(notes=[Note(72, 0, 960, 100), Note(72, 480, 960, 100)], voices=[Voice("o", 19)])
    engine = offline(score)
    engine.play()
    x = mono(listen(engine, 1.6))
    assert rms(segment(x, RATE, 1.1, 1.4)) > 0.3 * rms(segment(x, RATE, 0.6, 0.9))


def test_render_wav_reports_progress_and_can_be_cancelled(tmp_path, soundfont):
    score = melody([60, 62, 64, 65, 67, 69, 71, 72] * 4)
    fractions: list[float] = []
    result = render_wav(score, tmp_path / "ok.wav", soundfont=soundfont, progress=fractions.append)
    assert fractions[-1] == 1.0 and fractions == sorted(fractions) and len(fractions) > 10
    assert result.seconds >= score.seconds_at(score.end) and result.speed > 1.0

    cancel = threading.Event()

    def cancel_halfway(fraction: float) -> None:
        if fraction > 0.5:
            cancel.set()

    target = tmp_path / "cancelled.wav"
    with pytest.raises(RenderCancelled):
        render_wav(score, target, soundfont=soundfont, progress=cancel_halfway, cancel=cancel)
    assert not target.exists() and not list(tmp_path.glob(".*.part"))


def test_render_follows_the_scores_tempo_changes(tmp_path, soundfont):
    score = melody([60, 62, 64, 65, 67, 69])
    score.tempos = [TempoChange(0, 120.0), TempoChange(3 * 480, 60.0)]  # a quarter: 0.5 s, then 1 s
    result = render_wav(score, tmp_path / "tempo.wav", soundfont=soundfont)
    x = mono(read_wav(result.path)[0])
    assert_onsets(detect_onsets(x, RATE), [0.0, 0.5, 1.0, 1.5, 2.5, 3.5])
