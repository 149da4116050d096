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


def tune_of(onsets, length: int = Q) -> list[Note]:
    """A tune of notes at those onsets, each held `length` ticks or to the next."""
    onsets = sorted(onsets)
    return [Note(72, t, max(1, min(length, (onsets[i + 1] - t) if i + 1 < len(onsets) else length)), 80, 0)
            for i, t in enumerate(onsets)]


def hits(notes, lo, hi, keys=None):
    return [n for n in notes if lo <= n.onset < hi and n.voice == 1 and (keys is None or n.pitch in keys)]


def test_fills_end_phrases_and_crashes_open_the_next():
    bar = 4 * Q
    part = plain_beat(8) + [Note(60, 8 * bar, bar, 80, 0)]  # the tune's last note on bar 9's downbeat
    tune = tune_of([i * Q for i in range(32)] + [8 * bar])
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
    # the bars between the phrase marks are the beat as written, bar 2 with the part's kick figure
    assert [(n.pitch, n.onset) for n in hits(notes, 2 * bar, 3 * bar)] == \
        sorted([(n.pitch, n.onset) for n in hits(part, 2 * bar, 3 * bar)], key=lambda x: (x[1], -x[0]))
    added = {(n.pitch, n.onset) for n in hits(notes, bar, 2 * bar)} - {(n.pitch, n.onset) for n in hits(part, bar, 2 * bar)}
    assert {p for p, _ in added} <= {KICK} and all((t - bar) % (Q // 2) == 0 for _, t in added)
    assert [n for n in notes if n.voice == 0] == [part[-1]]


def test_each_seed_draws_its_own_fills_and_a_seed_repeats():
    part = plain_beat(16)
    meters, tune = MeterMap([MeterChange(0, 4, 4)]), tune_of([i * Q for i in range(64)])

    def fills(seed):
        notes, _ = phrase_drums(part, 1, meters, 0, None, 16 * 4 * Q, tune, np.random.default_rng(seed))
        return tuple((n.pitch, n.onset) for n in notes if n.pitch in (SNARE, *TOMS) and n.onset % (4 * Q) >= 3 * Q)

    drawn = {fills(seed) for seed in range(6)}
    assert len(drawn) >= 4
    assert fills(3) == fills(3)
    # ... and its own kick figure in the phrases' even bars: seeds differ between the fills too
    beats = set()
    for seed in range(8):
        notes, _ = phrase_drums(part, 1, meters, 0, None, 16 * 4 * Q, tune, np.random.default_rng(seed))
        beats.add(tuple(sorted(n.onset for n in notes if n.pitch == KICK and 4 * Q <= n.onset < 8 * Q)))
    assert len(beats) >= 3, beats


def test_only_bars_inside_the_region_change():
    bar = 4 * Q
    part = plain_beat(8)
    notes, done = phrase_drums(part, 1, MeterMap([MeterChange(0, 4, 4)]), 2 * bar, 6 * bar, 8 * bar,
                               tune_of([i * Q for i in range(32)]), np.random.default_rng(0))
    assert done.fills == (4,) and done.crashes == (5,)  # bar 8 lies outside; bar 3 opens no phrase
    outside = [(n.pitch, n.onset) for n in notes if not 2 * bar <= n.onset < 6 * bar]
    assert outside == [(n.pitch, n.onset) for n in sorted(part, key=lambda n: (n.onset, -n.pitch))
                       if not 2 * bar <= n.onset < 6 * bar]


def test_compound_and_swung_fills_play_in_thirds_of_the_beat():
    eighth = Q // 2
    part = [Note(HAT, t, 60, 60, 1, True) for t in range(0, 5 * 6 * eighth, eighth)] + \
        [Note(KICK, b * 6 * eighth, 120, 90, 1, True) for b in range(5)] + \
        [Note(SNARE, b * 6 * eighth + 3 * eighth, 120, 90, 1, True) for b in range(5)]
    notes, done = phrase_drums(part, 1, MeterMap([MeterChange(0, 6, 8)]), 0, None, 5 * 6 * eighth,
                               tune_of([i * eighth for i in range(30)]), np.random.default_rng(2))
    assert done.fills == (4,)
    fill = hits(notes, 3 * 6 * eighth + 3 * eighth, 4 * 6 * eighth, {SNARE, *TOMS})
    assert fill and all(n.onset % eighth == 0 for n in fill)
    swung, _ = phrase_drums(plain_beat(5, swung=True), 1, MeterMap([MeterChange(0, 4, 4)]), 0, None, 5 * 4 * Q,
                            tune_of([i * Q for i in range(20)]), np.random.default_rng(2))
    fill = hits(swung, 3 * 4 * Q + 3 * Q, 4 * 4 * Q, {SNARE, *TOMS})
    assert fill and all((n.onset % Q) in (0, Q // 3, 2 * Q // 3) for n in fill)


def test_phrases_follow_the_tunes_cadences():
    """A tune that holds a note at the end of every sixth bar phrases in sixes; of every third, in
    threes (a fill in bars 4 and 8 had fallen mid-phrase: QA qa32); a tune of running quarters, or
    one that holds every other bar, in fours."""
    from composer.music.drum_phrasing import phrase_length

    bar = 4 * Q
    bars, ends = [b * bar for b in range(12)], [(b + 1) * bar for b in range(12)]

    def held_every(n):
        return tune_of([t for t in range(0, 12 * bar, Q) if (t // bar) % n != n - 1 or t % bar == 0], length=bar)

    assert phrase_length(held_every(6), bars, ends) == 6
    assert phrase_length(held_every(3), bars, ends) == 3
    assert phrase_length(held_every(2), bars, ends) == 4
    assert phrase_length(tune_of(range(0, 12 * bar, Q)), bars, ends) == 4
    part = plain_beat(12)
    _, done = phrase_drums(part, 1, MeterMap([MeterChange(0, 4, 4)]), 0, None, 12 * bar, held_every(6),
                           np.random.default_rng(0))
    assert done.fills == (6, 11) and done.crashes == (1, 7) and done.ending == 12  # (its last note on bar 12)


def test_a_pickup_written_as_a_whole_bar_starts_the_count_a_bar_later():
    """A tune entering on beat 4 of the file's first bar (a pickup as sequencers export it): the
    drums enter with it, the crash on bar 2 and the fills in bars 5 and 9 (QA qa32: a crash over
    three beats of silence, every fill a bar early)."""
    bar = 4 * Q
    tune = tune_of([3 * Q] + [bar + i * Q for i in range(40)])
    notes, done = phrase_drums(plain_beat(11), 1, MeterMap([MeterChange(0, 4, 4)]), 0, None, 11 * bar, tune,
                               np.random.default_rng(0))
    assert not hits(notes, 0, 3 * Q)
    assert done.crashes == (2, 6, 10) and done.fills == (5, 9)


def test_no_fill_into_bars_the_drums_do_not_play_and_fills_build():
    bar = 4 * Q
    notes, done = phrase_drums(plain_beat(8), 1, MeterMap([MeterChange(0, 4, 4)]), 0, 4 * bar, 8 * bar,
                               tune_of(range(0, 8 * bar, Q)), np.random.default_rng(3))
    assert done.fills == ()  # (bars 1-4 asked: bar 5 has no drums to lead into)
    notes, done = phrase_drums(plain_beat(8), 1, MeterMap([MeterChange(0, 4, 4)]), 0, None, 8 * bar,
                               tune_of(range(0, 8 * bar, Q)), np.random.default_rng(3))
    fill = hits(notes, 3 * bar + 3 * Q, 4 * bar, {SNARE, *TOMS})
    assert fill[0].velocity >= 0.8 * 90 and fill[-1].velocity > 90  # from near the backbeat, past it
    # a section's fill in a bar of two dotted beats is the whole bar
    eighth = Q // 2
    six = [Note(HAT, t, 60, 60, 1, True) for t in range(0, 9 * 6 * eighth, eighth)] + \
        [Note(KICK, b * 6 * eighth, 120, 90, 1, True) for b in range(9)]
    notes, done = phrase_drums(six, 1, MeterMap([MeterChange(0, 6, 8)]), 0, None, 9 * 6 * eighth,
                               tune_of(range(0, 9 * 6 * eighth, eighth)), np.random.default_rng(1))
    assert 8 in done.fills and not hits(notes, 7 * 6 * eighth, 8 * 6 * eighth, {HAT})


def test_a_stray_note_days_later_does_not_make_the_part_a_piece_of_a_million_bars():
    """The shared case 06: four notes, then one a MIDI file's largest delta later. Phrasing counts
    the bars the part plays (and one after), not the 345,000 the piece spans: before, `accompany
    --part drums` on it ran for minutes. The part's bars are phrased as in any piece."""
    bar = 4 * Q
    far = 2 ** 28
    tune = tune_of(list(range(0, 8 * bar, Q)) + [far])
    notes, done = phrase_drums(plain_beat(8), 1, MeterMap([MeterChange(0, 4, 4)]), 0, None, far + Q, tune,
                               np.random.default_rng(0))
    # (one cadence, at bar 8: phrases of 8; no fill there, into bars the part does not play)
    assert done.fills == () and done.crashes == (1,) and done.ending is None
    assert max(n.onset for n in notes if n.voice == 1) < 8 * bar


def test_phrases_of_mixed_lengths_and_a_three_beat_pickup():
    """A tune of 4 + 4 + 6 bars has its fills where its phrases end (4, 8, 14), as no one length
    fits it (QA qa33: 4, 8, 12, 13 had fallen mid-phrase); a tune entering on beat two of a whole
    first bar whose cadences fall on the fours from bar 2 ("When the Saints") is a pickup: the
    drums enter with it, and its fills fall on its cadences (5, 9), not a bar early."""
    bar = 4 * Q

    def tune_with(cadences, bars, first=0):
        onsets = [t for t in range(first, bars * bar, Q) if (t // bar) + 1 not in cadences or t % bar == 0]
        return tune_of(onsets, length=bar)

    notes, done = phrase_drums(plain_beat(15), 1, MeterMap([MeterChange(0, 4, 4)]), 0, None, 15 * bar,
                               tune_with({4, 8, 14}, 15), np.random.default_rng(0))
    assert done.fills == (4, 8, 14) and done.crashes == (1, 5, 9, 15)
    notes, done = phrase_drums(plain_beat(11), 1, MeterMap([MeterChange(0, 4, 4)]), 0, None, 11 * bar,
                               tune_with({5, 9}, 11, first=Q), np.random.default_rng(0))
    assert done.fills == (5, 9) and done.crashes == (2, 6, 10)
    assert min(n.onset for n in notes if n.voice == 1) == Q
