"""Add part > Bass plays the new chord's root (or the slash chord's bass note) where a written chord
begins, as pop and jazz bass players do at a chord change 85-90 % of the time, and moves freely
between: the root bonus there is CHORD_ONSET_ROOT_WEIGHT times a downbeat's (sampling._chord_onsets).
Before, an added bass took the root on about 75 % of chord onsets, and a waltz bass played
`E2 E2 E2` under a C bar (QA qa15). The tunes are written here; none starts a chord on its root,
so the bass cannot find the roots by doubling the tune."""

from __future__ import annotations

import numpy as np
import pytest

from composer.music import Note, Score, Voice
from composer.music.chords import ChordSymbol, root_and_quality, slash_bass
from composer.music.score import TimeSignature
from composer.request import add_part

Q = 480
# (beats a bar, chords bar by bar: a cell of two splits the bar)
TUNES = {
    "two_a_bar": (4, ["F", "Dm", "Bb C7", "F", "Gm C7", "Am Dm", "Gm C7", "F"]),
    "waltz": (3, ["G", "C", "D7", "G", "Em", "Am", "D7", "G"]),
    "minor": (4, ["Am", "Dm", "E7", "Am", "F", "Dm/F", "E7", "Am"]),
}


def _bass_classes(figure: str) -> set[int]:
    """The chord's root, and the bass note a slash chord names (either is the bass's there)."""
    bass = slash_bass(figure)
    return {root_and_quality(figure)[0] % 12} | ({bass % 12} if bass is not None else set())


def _tune(name: str) -> tuple[Score, int]:
    """The tune twice: on every beat the chord's third or fifth (never its root), in the 4th octave."""
    beats, bars = TUNES[name]
    notes, chords, tick = [], [], 0
    for _ in range(2):
        for cell in bars:
            figures = cell.split()
            span = beats // len(figures)
            for figure in figures:
                root, quality = root_and_quality(figure.split("/")[0])
                third = root + (3 if quality in ("min", "min7") else 4)
                chords.append(ChordSymbol(tick, span * Q, figure))
                for beat in range(span):
                    pc = (third + (0 if beat % 2 == 0 else 3 if quality not in ("min", "min7") else 4)) % 12
                    notes.append(Note(60 + pc if pc >= 5 else 72 + pc, tick, Q, 90, 0))
                    tick += Q
    score = Score(notes=notes, voices=[Voice("Flute", 73)], time_signature=TimeSignature(beats, 4))
    score.chords = chords
    return score, beats * Q


def _measure(cowriter, name: str, seeds=(1, 2)) -> tuple[int, int, list[int], int, int]:
    """(roots at chord onsets, chord onsets, distinct pitches per bar, roots elsewhere, notes elsewhere)."""
    score, bar = _tune(name)
    roots = onsets = between_roots = between = 0
    per_bar = []
    for seed in seeds:
        for variation in cowriter.generate(add_part(score, "bass", variations=4, seed=seed)):
            new = [n for n in variation.notes if n.generated]
            lowest = {}
            for n in new:
                if n.onset not in lowest or n.pitch < lowest[n.onset].pitch:
                    lowest[n.onset] = n
            starts = {c.onset: c for c in score.chords}
            for c in score.chords:
                onsets += 1
                roots += c.onset in lowest and lowest[c.onset].pitch % 12 in _bass_classes(c.figure)
            for n in new:
                if n.onset not in starts:
                    chord = next(c for c in score.chords if c.onset <= n.onset < c.onset + c.duration)
                    between += 1
                    between_roots += n.pitch % 12 in _bass_classes(chord.figure)
            by_bar: dict[int, set[int]] = {}
            for n in new:
                by_bar.setdefault(n.onset // bar, set()).add(n.pitch)
            per_bar += [len(p) for p in by_bar.values()]
    return roots, onsets, per_bar, between_roots, between


@pytest.mark.parametrize("name", sorted(TUNES))
def test_added_bass_plays_the_root_where_each_chord_begins(cowriter, name):
    roots, onsets, per_bar, between_roots, between = _measure(cowriter, name)
    assert roots >= 0.85 * onsets, f"the new chord's bass note on {roots} of {onsets} chord onsets"
    # ... and between them still moves: not the root held or repeated
    assert np.mean(per_bar) > 1.5, np.mean(per_bar)
    assert between_roots <= 0.6 * between, f"the root on {between_roots} of {between} notes between chord onsets"


def test_chord_onsets_are_where_the_chord_or_its_bass_note_changes():
    from composer.model import vocab as V
    from composer.model.region_writer import ScoreFeatures, score_chords, slash_basses
    from composer.model.sampling import RegionPlan, _chord_onsets

    score = Score(notes=[Note(60, 0, Q, 90, 0)], voices=[Voice()])
    score.chords = [ChordSymbol(b * 4 * Q, 4 * Q, f) for b, f in enumerate(["C", "C", "C/B", "Am", "Am7"])]
    features = ScoreFeatures(np.array([(0, 4, 4)]), None, score_chords(score))
    plan = RegionPlan(start=0, end=None, voices=[], first=np.zeros(1), first_onset=0, first_pitch=-1, max_notes=1,
                      prefix=None, features_at=features, slash_basses=slash_basses(score))
    bar = 4 * Q // V.TICKS_PER_GRID
    onsets = np.arange(1, 6 * bar)
    found = onsets[_chord_onsets(plan, onsets, features)]
    # the repeated C is no new chord; C/B is (its bass note), Am and Am7 are (root, quality)
    assert found.tolist() == [2 * bar, 3 * bar, 4 * bar]
