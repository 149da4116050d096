"""An added part goes to the end of a long piece (QA qa15 H1): a flat cap of 256 new notes stopped
an added drum part at bar 22 of 48, and a bass added to a 400-bar reel at bar 67, without a word.
The cap is now per bar of the region (composer.music.limits.region_fill_cap). The shipped model, a
40-bar tune written here; the command says so where a part still stops at the cap."""

from __future__ import annotations

from composer.music import Note, Score, Voice
from composer.music.limits import MAX_NEW_NOTES, VOICE_FILL_NOTES, region_fill_cap
from composer.request import add_part

Q, BAR = 480, 1920
BARS = 40
STEPS = [67, 69, 71, 72, 74, 72, 71, 69, 67, 66, 67, 69, 71, 67, 62, 67]


def test_the_cap_grows_with_the_region():
    assert region_fill_cap(2, 3) == 3 * VOICE_FILL_NOTES  # a fill: as before
    assert region_fill_cap(48, 1) == 48 * 24 and region_fill_cap(400, 1) == MAX_NEW_NOTES


def test_an_added_drum_part_plays_to_the_end_of_a_long_tune(cowriter):
    score = Score(notes=[Note(STEPS[i % 16], i * Q, Q, 90, 0) for i in range(4 * BARS)], voices=[Voice("Flute", 73)])
    (variation,) = cowriter.generate(add_part(score, "drums", seed=1))
    drums = [n for n in variation.notes if n.generated]
    assert len(drums) > 256  # (where it stopped before: about bar 16 at 16 notes a bar)
    assert max(n.onset for n in drums) // BAR == BARS - 1, max(n.onset for n in drums) // BAR
