"""Add part > Drums plays a plain beat with the kick on every downbeat, in three as in four: the
default beat of a new drum part weighed as much as a written drum part's beside other parts
(BESIDE_WEIGHT), and three has its own (kick on one, snare on two and three). Before: the kick on
the downbeat in 30 % of 3/4 bars and 65 % of 4/4 bars, the snare on the and of two in 3/4 (QA)."""

from __future__ import annotations

from collections import Counter

import pytest

from composer.music import Note, Score, Voice
from composer.music.score import TimeSignature
from composer.request import add_part

Q = 480
TUNE = [67, 69, 71, 72, 74, 72, 71, 69, 67, 66, 67, 69, 71, 67, 62, 67] * 3


@pytest.mark.parametrize("numerator", [3, 4])
def test_added_drums_keep_the_kick_on_every_downbeat(cowriter, numerator):
    bars = len(TUNE) // numerator
    score = Score(notes=[Note(p, i * Q, Q, 90, 0) for i, p in enumerate(TUNE[: bars * numerator])],
                  voices=[Voice("Flute", 73)], time_signature=TimeSignature(numerator, 4))
    where = Counter()
    for variation in cowriter.generate(add_part(score, "drums", variations=4, seed=2)):
        hits = [n for n in variation.notes if n.generated]
        kicked = {n.onset // (numerator * Q) for n in hits if n.pitch in (35, 36) and n.onset % (numerator * Q) == 0}
        assert len(kicked) >= 0.9 * bars, (len(kicked), bars)
        where.update((n.onset % (numerator * Q)) // Q for n in hits if n.pitch in (38, 40) and n.onset % Q == 0)
    backbeats = (1, 2) if numerator == 3 else (1, 3)
    assert sum(where[b] for b in backbeats) >= 0.9 * sum(where.values()), where


def test_added_drums_play_a_drummers_balance_not_one_level(cowriter):
    """Kick and snare over the hi-hat, the off-beat hats softer (composer.model.dynamics.KIT_ACCENT),
    around the tune's level: every drum of a new part had the tune's one velocity (QA)."""
    score = Score(notes=[Note(p, i * Q, Q, 80, 0) for i, p in enumerate(TUNE)], voices=[Voice("Flute", 73)])
    for variation in cowriter.generate(add_part(score, "drums", variations=2, seed=3)):
        hits = [n for n in variation.notes if n.generated]
        kick = [n.velocity for n in hits if n.pitch == 36]
        on_beat = [n.velocity for n in hits if n.pitch == 42 and n.onset % Q == 0]
        off_beat = [n.velocity for n in hits if n.pitch == 42 and n.onset % Q]
        assert kick and on_beat and off_beat
        assert min(kick) > max(on_beat) > max(off_beat)
        assert abs(max(kick) - 80) <= 15


def test_added_drums_mark_the_phrases_and_each_seed_plays_its_own(cowriter):
    """A fill in bar 4 and in bar 8, a crash on bars 1 and 5 and one last hit on the tune's final
    downbeat (composer.music.drum_phrasing); seeds differ. Before: every bar the same beat, no crash,
    and seeds 1-5 wrote byte-identical parts (QA qa31)."""
    tune = TUNE[:32] + [67]
    score = Score(notes=[Note(p, i * Q, 4 * Q if i == 32 else Q, 80, 0) for i, p in enumerate(tune)],
                  voices=[Voice("Flute", 73)])
    parts = set()
    for seed in (1, 2, 3):
        (variation,) = cowriter.generate(add_part(score, "drums", seed=seed))
        hits = [n for n in variation.notes if n.generated]
        parts.add(tuple((n.pitch, n.onset) for n in hits))
        crashes = {n.onset for n in hits if n.pitch == 49}
        assert {0, 16 * Q, 32 * Q} <= crashes, sorted(crashes)
        for bar in (4, 8):
            fill = [n for n in hits if (4 * bar - 1) * Q <= n.onset < 4 * bar * Q and n.pitch in (38, 43, 45, 48)]
            assert len(fill) >= 2, (bar, fill)
        assert {n.pitch for n in hits if n.onset >= 32 * Q} == {36, 49}
    assert len(parts) == 3
