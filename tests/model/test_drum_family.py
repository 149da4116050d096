"""Drums added in a melodic style with a drum family play that family's measured beat (QA qa15 L4:
`accompany --part drums --style jazz` got the straight rock beat with eighth hats): jazz and jazz
standards the jazz groove's ride, swung, with the hi-hat foot; popular songs the pop beat. Styles
with no drummer of their own (folk, chorales) keep the plain beat. The shipped model; a tune
written here."""

from __future__ import annotations

from collections import defaultdict

import pytest

from composer.model.style_beats import DRUM_FAMILY, beat_style, style_beat
from composer.music import Note, Score, Voice
from composer.request import add_part

Q = 480
BAR = 4 * Q
TUNE = [67, 69, 71, 72, 74, 72, 71, 69, 67, 66, 67, 69, 71, 67, 62, 67] * 2
RIDE, HAT, PEDAL, KICK, SNARE, CRASH = 51, 42, 44, 36, 38, 49
FILL_KEYS = (38, 48, 45, 43)  # the snare and the toms a phrase's fill plays (composer.music.drum_phrasing)


def _in_fill(bar: set[tuple[int, int]], beat: int) -> bool:
    """The beat starting at `beat` (ticks in the bar) is played as a fill: two hits or more of the
    snare and toms in it."""
    return sum(beat <= t < beat + Q and k in FILL_KEYS for t, k in bar) >= 2


def _bars(cowriter, style: str) -> list[set[tuple[int, int]]]:
    """Each bar of each of 3 variations of a drum part added in `style`: {(ticks in the bar, key)}."""
    score = Score(notes=[Note(p, i * Q, Q, 90, 0) for i, p in enumerate(TUNE)], voices=[Voice("Flute", 73)])
    out = []
    for version in cowriter.generate(add_part(score, "drums", variations=3, seed=1, style=style)):
        bars = defaultdict(set)
        for n in version.notes:
            if n.generated:
                bars[n.onset // BAR].add((n.onset % BAR, n.pitch))
        out += bars.values()
    return out


@pytest.mark.parametrize("style", ["jazz", "popular_song_jazz"])
def test_jazz_styles_swing_on_the_ride(cowriter, style):
    bars = _bars(cowriter, style)
    # Before: 24 of 24 bars eighth hats, no ride. Measured: the ride on every beat in 24 of 24 (on
    # every beat not taken by a phrase's crash or fill, composer.music.drum_phrasing, since).
    ride = sum(all((t, RIDE) in bar or (t, CRASH) in bar or _in_fill(bar, t) for t in range(0, BAR, Q)) for bar in bars)
    assert ride >= 0.75 * len(bars), ride
    assert not any((t, HAT) in bar for bar in bars for t in range(Q // 2, BAR, Q))  # no straight eighth hats
    assert sum((Q, SNARE) in bar and (3 * Q, SNARE) in bar for bar in bars) >= 0.75 * len(bars)
    assert any((t, PEDAL) in bar for bar in bars for t in (Q, 3 * Q))  # the hi-hat foot on two or four


def test_popular_songs_play_the_pop_beat(cowriter):
    bars = _bars(cowriter, "popular_song")
    # The pop beat's kick is on one alone (groove_pop, measured); the plain beat's on one and three.
    assert sum((0, KICK) in bar for bar in bars) >= 0.75 * len(bars)
    assert sum((2 * Q, KICK) in bar for bar in bars) <= 0.25 * len(bars)


def test_the_family_table():
    assert beat_style("jazz") == "groove_jazz" and beat_style("groove_funk") == "groove_funk"
    assert style_beat("jazz", 4, 4) == style_beat("groove_jazz", 4, 4)
    for style in ("irish", "german_folk", "bach_chorales", "renaissance", "early_polyphony", None, "my_tunes"):
        assert beat_style(style) is None and style_beat(style, 4, 4) is None
    assert all(beat_style(family) == family for family in DRUM_FAMILY.values())  # every family is measured
