"""Add part > Drums in a groove style starts from that style's beat (QA F9: the plain rock beat
whatever the style), one two hands and two feet can play (QA qa14 D1, D2: per-key odds stacked
4-6 drums on a beat and lost the kick and backbeat): composer.model.style_beats, measured on the
Groove MIDI Dataset. The shipped model; a tune written here."""

from __future__ import annotations

from collections import Counter

import pytest

from composer.model.style_beats import style_beat
from composer.music import Note, Score, Voice
from composer.request import add_part

Q = 480
BAR = 4 * Q
TUNE = [67, 69, 71, 72, 74, 72, 71, 69, 67, 66, 67, 69, 71, 67, 62, 67] * 2
BARS = len(TUNE) // 4
FEET = (35, 36, 44)  # kick drums, hi-hat pedal


def _drums(cowriter, style: str, seed: int = 1) -> list[list[Note]]:
    score = Score(notes=[Note(p, i * Q, Q, 90, 0) for i, p in enumerate(TUNE)], voices=[Voice("Flute", 73)])
    return [[n for n in version.notes if n.generated]
            for version in cowriter.generate(add_part(score, "drums", variations=3, seed=seed, style=style))]


@pytest.mark.parametrize("style", ["groove_pop", "groove_rock", "groove_funk", "groove_jazz", "groove_latin"])
def test_a_style_beat_has_its_kick_and_backbeat_for_two_hands_and_two_feet(cowriter, style):
    parts = _drums(cowriter, style)
    for hits in parts:
        onsets = Counter(n.onset for n in hits)
        hands = Counter(n.onset for n in hits if n.pitch not in FEET)
        assert max(hands.values()) <= 2 and max(onsets.values()) <= 4, (hands.most_common(2), onsets.most_common(2))
    # The kick on the downbeat in 2 of 3 bars (Groove's drummers: 51 % of bars in jazz, 65-91 % in
    # the other styles) and, but in Latin, whose rim plays the a of one, the and of two and the a of
    # three, the snare on two and four in 3 of 4.
    kicked = sum(len({n.onset // BAR for n in hits if n.pitch in (35, 36) and n.onset % BAR == 0}) for hits in parts)
    assert kicked >= 2 / 3 * BARS * len(parts), kicked
    if style != "groove_latin":
        backbeats = sum(len({n.onset // BAR for n in hits if n.pitch in (37, 38, 40) and n.onset % BAR in (Q, 3 * Q)})
                        for hits in parts)
        assert backbeats >= 0.75 * BARS * len(parts), backbeats


def test_funk_plays_its_own_beat_not_the_rock_beat(cowriter):
    for hits in _drums(cowriter, "groove_funk"):
        # sixteenths off the eighths (the kick on the a of one, ghost snares), in most bars
        sixteenths = {n.onset // BAR for n in hits if n.onset % (Q // 2) == Q // 4}
        assert len(sixteenths) >= BARS // 2, sorted(sixteenths)
    rock = {tuple(sorted((n.onset, n.pitch) for n in hits)) for hits in _drums(cowriter, "groove_rock")}
    assert not rock & {tuple(sorted((n.onset, n.pitch) for n in hits)) for hits in _drums(cowriter, "groove_funk")}


def test_jazz_keeps_time_on_the_ride():
    beat = style_beat("groove_jazz", 4, 4)
    assert {t for t, k in beat if k == 51} >= {0, Q, 2 * Q, 3 * Q}  # the ride on every beat
    assert {t for t, k in beat if k == 44} == {Q, 3 * Q}  # the hi-hat foot on two and four
    assert all(t % (Q // 3) == 0 for t, _ in beat)  # on triplets
    assert style_beat("groove_funk", 3, 4) is None and style_beat("irish", 4, 4) is None
