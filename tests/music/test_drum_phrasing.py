"""A new drum part marks the phrases (composer.music.drum_phrasing): a fill ends each 4-bar phrase
and a longer one each 8-bar section, a crash with the kick opens the next, a tune ending on a
downbeat gets one last hit, and each fill is drawn from the seed. Before it, every bar of an added
drum part was the same plain beat and every seed wrote the same part (QA qa31)."""

from __future__ import annotations

import numpy as np

from composer.music.drum_phrasing import CRASH, KICK, SNARE, TOMS, phrase_drums
from composer.music.meter import MeterChange, MeterMap
from composer.music.score import Note

Q = 480
HAT = 42


def plain_beat(bars: int, numerator: int = 4, voice: int = 1, swung: bool = False) -> list[Note]:
    """Eighth-note hats (swung: on each beat's last third), kick on 1 (and 3), snare on 2 and 4."""
    notes = []
    for b in range(bars):
        bar = b * numerator * Q
        for beat in range(numerator):
            t = bar + beat * Q
            notes += [Note(HAT, t, 60, 60, voice, True), Note(HAT, t + (2 * Q // 3 if swung else Q // 2), 60, 50, voice, True)]
            if beat in (0, 2):
                notes.append(Note(KICK, t, 120, 90, voice, True))
            else:
                notes.append(Note(SNARE, t, 120, 90, voice, True))
    return notes


def hits(notes, lo, hi, keys=None):
    return [n for n in notes if lo <= n.onset < hi and n.voice == 1 and (keys is None or n.pitch in keys)]


def test_fills_end_phrases_and_crashes_open_the_next():
    bar = 4 * Q
    part = plain_beat(8) + [Note(60, 8 * bar, bar, 80, 0)]  # the tune's last note on bar 9's downbeat
    tune = [i * Q for i in range(32)] + [8 * bar]
    notes, done = phrase_drums(part, 1, MeterMap([MeterChange(0, 4, 4)]), 0, None, 9 * bar, tune,
                               np.random.default_rng(1))
    assert done.fills == (4, 8) and done.crashes == (1, 5) and done.ending == 9
    for b in (1, 5):  # a crash and the kick on the downbeat, the hi-hat there gone
        assert {n.pitch for n in hits(notes, (b - 1) * bar, (b - 1) * bar + 1)} == {CRASH, KICK}
    for b, beats in ((4, 1), (8, 2)):  # the fill's beats: no hi-hat, snare then toms, louder to its end
        start = b * bar - beats * Q
        fill = hits(notes, start, b * bar, {SNARE, *TOMS})
        assert not hits(notes, start, b * bar, {HAT})
        assert len(fill) >= 4 * beats - beats and fill[0].pitch == SNARE
        order = [([SNARE, *TOMS]).index(n.pitch) for n in fill]
        assert order == sorted(order) and fill[-1].velocity > fill[0].velocity
        assert hits(notes, start - Q, start, {HAT}), "the beat before the fill keeps its hi-hat"
    assert sorted((n.pitch, n.onset) for n in hits(notes, 8 * bar, 9 * bar)) == [(KICK, 8 * bar), (CRASH, 8 * bar)]
    # the bars between the phrase marks are the beat as written
    assert [(n.pitch, n.onset) for n in hits(notes, bar, 3 * bar)] == \
        sorted([(n.pitch, n.onset) for n in hits(part, bar, 3 * bar)], key=lambda x: (x[1], -x[0]))
    assert [n for n in notes if n.voice == 0] == [part[-1]]


def test_each_seed_draws_its_own_fills_and_a_seed_repeats():
    part = plain_beat(16)
    meters, tune = MeterMap([MeterChange(0, 4, 4)]), [i * Q for i in range(64)]

    def fills(seed):
        notes, _ = phrase_drums(part, 1, meters, 0, None, 16 * 4 * Q, tune, np.random.default_rng(seed))
        return tuple((n.pitch, n.onset) for n in notes if n.pitch in (SNARE, *TOMS) and n.onset % (4 * Q) >= 3 * Q)

    drawn = {fills(seed) for seed in range(6)}
    assert len(drawn) >= 4
    assert fills(3) == fills(3)


def test_only_bars_inside_the_region_change():
    bar = 4 * Q
    part = plain_beat(8)
    notes, done = phrase_drums(part, 1, MeterMap([MeterChange(0, 4, 4)]), 2 * bar, 6 * bar, 8 * bar,
                               [i * Q for i in range(32)], np.random.default_rng(0))
    assert done.fills == (4,) and done.crashes == (5,)  # bar 8 lies outside; bar 3 opens no phrase
    outside = [(n.pitch, n.onset) for n in notes if not 2 * bar <= n.onset < 6 * bar]
    assert outside == [(n.pitch, n.onset) for n in sorted(part, key=lambda n: (n.onset, -n.pitch))
                       if not 2 * bar <= n.onset < 6 * bar]


def test_compound_and_swung_fills_play_in_thirds_of_the_beat():
    eighth = Q // 2
    part = [Note(HAT, t, 60, 60, 1, True) for t in range(0, 4 * 6 * eighth, eighth)] + \
        [Note(KICK, b * 6 * eighth, 120, 90, 1, True) for b in range(4)] + \
        [Note(SNARE, b * 6 * eighth + 3 * eighth, 120, 90, 1, True) for b in range(4)]
    notes, done = phrase_drums(part, 1, MeterMap([MeterChange(0, 6, 8)]), 0, None, 5 * 6 * eighth,
                               [i * eighth for i in range(30)], np.random.default_rng(2))
    assert done.fills == (4,)
    fill = hits(notes, 3 * 6 * eighth + 3 * eighth, 4 * 6 * eighth, {SNARE, *TOMS})
    assert fill and all(n.onset % eighth == 0 for n in fill)
    swung, _ = phrase_drums(plain_beat(5, swung=True), 1, MeterMap([MeterChange(0, 4, 4)]), 0, None, 5 * 4 * Q,
                            [i * Q for i in range(20)], np.random.default_rng(2))
    fill = hits(swung, 3 * 4 * Q + 3 * Q, 4 * 4 * Q, {SNARE, *TOMS})
    assert fill and all((n.onset % Q) in (0, Q // 3, 2 * Q // 3) for n in fill)
