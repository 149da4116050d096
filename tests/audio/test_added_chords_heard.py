"""Heard through FluidSynth: the chords Add part > Harmony writes under a tune sound softer than
the same chords at the tune's level (composer.model.dynamics.COMPING_SHARE, one dynamic marking).
Before, an added comping part took the tune's own velocity (0 dB between the two)."""

from __future__ import annotations

import math
import pytest
from sound_analysis import mono, rms
from test_render_audio import read_wav

from composer.audio import render_wav
from composer.music.score import Note, Score, Voice
from composer.request import add_part

Q = 480
TUNE = [67, 69, 71, 72, 74, 72, 71, 69, 67, 66, 67, 69, 71, 67, 62, 67] * 2


@pytest.fixture(scope="module")
def cowriter():
    from composer.generate import CoWriter

    return CoWriter.load(None)


def _level_db(score: Score, voice: int, path, soundfont) -> float:
    """RMS (dB full scale) of one voice of `score` rendered alone, as the synth plays it."""
    alone = score.copy(notes=[n for n in score.notes if n.voice == voice])
    audio, _ = read_wav(render_wav(alone, path, soundfont=soundfont, normalise_peak=None, tail_seconds=0.5).path)
    return 20 * math.log10(rms(mono(audio)))


def test_added_chords_sit_under_the_tune(cowriter, soundfont, tmp_path):
    score = Score(notes=[Note(p, i * Q, Q - 20, 90, 0) for i, p in enumerate(TUNE)], voices=[Voice("Flute", 73)])
    (variation,) = cowriter.generate(add_part(score, "harmony", seed=5))
    new = [n for n in variation.notes if n.generated]
    assert {n.velocity for n in new} == {72}
    harmony = len(variation.voices) - 1
    assert variation.voices[harmony].program == 0  # a piano
    written = _level_db(variation, harmony, tmp_path / "written.wav", soundfont)
    at_tune = variation.copy(notes=[n.with_(velocity=90) if n.generated else n for n in variation.notes])
    before = _level_db(at_tune, harmony, tmp_path / "at_tune.wav", soundfont)
    print(f"added chords {written:.1f} dBFS, the same at the tune's velocity {before:.1f} dBFS")
    assert -6.0 < written - before < -2.0  # one dynamic marking: about -3.9 dB on the GM curve
