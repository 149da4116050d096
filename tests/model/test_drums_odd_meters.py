"""Add part > Drums in an odd meter plays its snare on a beat: the default beat's snare went on
the half bar rounded to an eighth, in 5/4 the and of three (1200 ticks), between beats, in every
bar (QA). Now on the beat starting the bar's second group (5/4 as 3 + 2: on four)."""

from __future__ import annotations

from collections import Counter

from composer.music import Note, Score, Voice
from composer.music.score import TimeSignature
from composer.request import add_part

Q = 480
TUNE = [62, 65, 69, 67, 65, 64, 64, 62, 60, 62, 65, 69, 72, 70, 69, 67, 67, 65, 64, 62] * 2  # D dorian, in quarters


def test_a_drum_part_added_in_five_plays_its_snare_on_a_beat(cowriter):
    bar = 5 * Q
    score = Score(notes=[Note(p, i * Q, Q, 90, 0) for i, p in enumerate(TUNE)], voices=[Voice("Flute", 73)],
                  time_signature=TimeSignature(5, 4))
    snares = Counter()
    for variation in cowriter.generate(add_part(score, "drums", variations=3, seed=4)):
        hits = [n for n in variation.notes if n.generated]
        kicked = {n.onset // bar for n in hits if n.pitch in (35, 36) and n.onset % bar == 0}
        assert len(kicked) >= 0.75 * len(TUNE) * Q / bar, sorted(kicked)
        snares.update(n.onset % bar for n in hits if n.pitch in (38, 40))
    bars = 3 * len(TUNE) * Q // bar
    assert snares[3 * Q] >= 0.8 * bars, sorted(snares.items())  # on four in (nearly) every bar (before: 1 of 24)
    assert snares[5 * Q // 2] <= 0.1 * bars, sorted(snares.items())  # not between three and four (before: 23)
