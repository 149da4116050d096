"""Is a tune a blues, and on which tonic: told from its notes before any key is estimated.

A blues sounds its tonic's blue notes, the minor third and the minor seventh, beside the major
third, over the dominant sevenths on I, IV and V, and a riff moves with them: each chord's own
minor third is a blue note over it. Krumhansl-Schmuckler's major and minor profiles have no
place for that, so a key estimated first read blues as something else (QA qa35): a boogie riff
(b3 3 5 6 b7 over each root) as A phrygian in C, and its harmony a minor third too high (Eb | Ab |
Bb); a riff on the tonic that never moves with the chords as Eb major; the README's riff swung
as G phrygian. Only a tune read major (or mixolydian) on its own tonic was heard as a blues.

The test here needs no key. For each tonic: its blue notes' shares of the notes' sounding time
(blue_shares_hold); in each bar, the blues chord of I, IV or V that holds most of the bar's notes
(with its blue third and sixth: BLUES_CELL), the I chord holding the most bars or the first.
Those chords must hold nearly all of the notes' time (BLUES_HELD) and clearly more than the best
seven-note scale (major, minor or a mode) holds (BLUES_MARGIN), the chord's own blue third (or
its third and seventh together) sounding in many bars (BLUES_BARS); or most of it (RIFF_HELD),
no less than any scale, in most bars (RIFF_BARS: a riff on the tonic's blues scale that does not
move with the chords). The tonic whose chords hold the most wins.

Measured on 1,363 pieces of the training sources (456 Weimar Jazz Database solos, 412 of
music21's folk tunes, chorales and polyphony, 495 OpenEWLD lead sheets), read as blues: see
the README. Without the share of bars that sound the blue third, 14 of 495 lead sheets were read
as blues (After the Ball, Aloha Oe, 'S Wonderful). QA qa35's riff tunes in five keys are all read
as blues, but for those that sound no major third over any chord (a minor blues: its chords are
read minor, as before).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from composer.music.meter import TICKS_PER_QUARTER, MeterMap
from composer.music.scales import SCALES, estimate_key
from composer.music.score import Note

BLUE_NOTE_SHARE = 0.03  # least share of the notes' sounding time on each blue note (b3, b7)
MAJOR_THIRD_SHARE = 0.01  # ... and on the major third (a grace note's worth: the blue third's resolution)
BLUES_SHARE = 0.12  # ... and on the two blue notes together (a major tune's passing Eb and Bb: 8 %)
# A blues chord's notes over its root: root, blue (minor) third, third, fifth, sixth and minor
# seventh, the notes a blues riff plays over each chord (the boogie's sixth included).
BLUES_CELL = (0, 3, 4, 7, 9, 10)
BLUES_STEPS = (0, 5, 7)  # the roots of the blues chords above the tonic: I, IV, V
# Least share of the notes' sounding time that the bars' blues chords (of I, IV or V) hold, by how
# much more than any seven-note scale, and the least share of the bars (with notes) in which the
# chord's blue third sounds: the README's riff and a boogie 100 % (the best scale 94 % and 82 %),
# blue thirds in 50 % and 100 % of their bars. Lead sheets whose chromatic notes these chords
# also hold sound them in at most 31 % (After the Ball, 'S Wonderful: 99 %, 22 %).
BLUES_HELD = 0.97
BLUES_MARGIN = 0.02
BLUES_BARS = 0.4
# ... or this much, no less than any scale, with the chord's blue third sounding in RIFF_BARS of
# the bars: a tonic riff that does not move, 94 % and every bar (its scale 94 % too).
RIFF_HELD = 0.9
RIFF_BARS = 0.8
# (root, pitch class) 1 where the pitch class is in the root's BLUES_CELL
_CELLS = np.array([[float((pc - root) % 12 in BLUES_CELL) for pc in range(12)] for root in range(12)])


def _bar_table(onsets: np.ndarray, durations: np.ndarray, classes: np.ndarray,
               meters: MeterMap | None) -> tuple[np.ndarray, np.ndarray]:
    """The bars that hold notes, as bar numbers of `meters` (None: 4/4 bars from tick 0; a note
    before the first bar line counts in the first bar), ascending (B,), and the time each pitch
    class sounds in each (B, 12) (only the bars that hold notes: a stray note 16 days on made
    699,051 bars)."""
    if meters is None:
        bar = (onsets // (4 * TICKS_PER_QUARTER)).astype(np.int64)
    else:
        bar = np.maximum(meters.bar_indices(onsets), 0)
    ids, bar = np.unique(bar, return_inverse=True)
    per_bar = np.zeros((len(ids), 12))
    np.add.at(per_bar, (bar.reshape(-1), classes), durations)
    return ids, per_bar


def blue_shares_hold(share: np.ndarray, tonic: int) -> bool:
    """Whether pitch-class shares (12,) of the notes' sounding time (summing to 1) sound the blue
    notes of `tonic` (pitch class): its minor third and minor seventh each BLUE_NOTE_SHARE or more,
    the two BLUES_SHARE, and its major third MAJOR_THIRD_SHARE. A folk tune's mixolydian seventh
    alone, or a major tune's passing minor third and seventh (8 %), do not."""
    minor, major, seventh = (share[(tonic + step) % 12] for step in (3, 4, 10))
    return bool(min(minor, seventh) >= BLUE_NOTE_SHARE and major >= MAJOR_THIRD_SHARE
                and minor + seventh >= BLUES_SHARE)


def blues_tonic_of(onsets: Sequence[int], durations: Sequence[int], pitches: Sequence[int],
                   meters: MeterMap | None = None) -> int | None:
    """The tonic pitch class of a blues the notes play, or None.

    onsets, durations: ticks; pitches: MIDI numbers, one per note (N,). meters: the piece's bars
    (a note before the first bar line counts in the first bar); None: 4/4 bars from tick 0. A tonic qualifies where the notes sound its blue notes (blue_shares_hold), or its
    major third and minor seventh in bars that keep to the 12-bar form (twelve_bar_phase), the I
    chord's bars are the longest or its first, and the blues chords of I, IV or V that hold most
    of each bar's notes (BLUES_CELL) hold together BLUES_HELD of all the notes' time and
    BLUES_MARGIN more than any seven-note scale of composer.music.scales, the chord's minor third
    (or its major third and minor seventh together) sounding in BLUES_BARS of the bars, or
    RIFF_HELD and no less than any scale, in RIFF_BARS of them. Among those that qualify, the one
    whose chords hold the most; on a tie, the lower pitch class."""
    onsets = np.asarray(onsets, dtype=np.int64)
    durations = np.asarray(durations, dtype=np.float64)
    classes = np.asarray(pitches, dtype=np.int64) % 12
    total = durations.sum()
    if not len(onsets) or total <= 0:
        return None
    share = np.bincount(classes, weights=durations, minlength=12) / total
    ids, per_bar = _bar_table(onsets, durations, classes, meters)
    held_by_root = per_bar @ _CELLS.T  # (bars, roots)
    bar_time = per_bar.sum(axis=1)
    sounding = np.count_nonzero(bar_time)
    # (a blues's notes are no mode's: a folk reel or a chromatic lead sheet on three chords is)
    scale_held = max(share[[(tonic + step) % 12 for step in steps]].sum() * total
                     for steps in SCALES.values() if len(steps) == 7 for tonic in range(12))
    best, best_held = None, 0.0
    for tonic in range(12):
        # (its blue notes, or its bars in the 12-bar form with the tonic's third and seventh: a riff
        # on 1 3 5 6 b7 of each chord sounds the tonic's b3 only as IV's seventh, 3 % of its time,
        # and a fill of bars 5-6 left too little of it for the rest to be heard as a blues; QA)
        shares = blue_shares_hold(share, tonic)
        if not shares and min(share[(tonic + 4) % 12], share[(tonic + 10) % 12]) < BLUE_NOTE_SHARE:
            continue
        roots = [(tonic + step) % 12 for step in BLUES_STEPS]
        held = held_by_root[:, roots]
        chosen = held.argmax(axis=1)  # (a tie goes to I: argmax takes the first)
        if not shares and twelve_bar_phase(dict(zip(ids.tolist(), (BLUES_STEPS[k] for k in chosen.tolist())))) is None:
            continue
        time_on = [bar_time[chosen == k].sum() for k in range(len(roots))]
        if time_on[0] < max(time_on) and chosen[0] != 0:
            continue  # (the I chord holds the most, or opens the tune: a sung phrase and a rest
            # in each line, bars 1-2, 5-6 and 9-10, gives IV the longest time; QA qa36)
        together = held.max(axis=1).sum()
        # (a bar is blue where its chord's blue third sounds, or its third and seventh together: a
        # riff on the fifth, seventh and root over a piano's C7, F7 and G7 never sounds a b3)
        rows, root_of = np.arange(len(per_bar)), np.array(roots)[chosen]
        sounds = lambda step: per_bar[rows, (root_of + step) % 12] > 0  # noqa: E731
        blue = np.count_nonzero(sounds(3) | (sounds(4) & sounds(10)))
        clear = together >= BLUES_HELD * total and together >= scale_held + BLUES_MARGIN * total \
            and blue >= BLUES_BARS * sounding
        riff = together >= RIFF_HELD * total and together >= scale_held - 1e-9 * total \
            and blue >= RIFF_BARS * sounding
        if (clear or riff) and together > best_held + 1e-9 * total:
            best, best_held = tonic, together
    return best


# The 12-bar blues: the roots of its bars over the tonic, I I I I | IV IV I I | V IV I V, and the
# roots each bar is also played on (the quick change to IV in bar 2, V in bar 10, a last bar on I).
TWELVE_BAR = (0, 0, 0, 0, 5, 5, 0, 0, 7, 5, 0, 7)
_ALSO = {1: 5, 9: 7, 11: 0}
# Least bars with notes, and the least share of them whose blues chord the form has there, for a
# piece to be heard in the form: the README's riff and a boogie 12 of 12, a call and response
# sung in 9 of its bars (its quick change in bar 2) 9 of 9.
FORM_BARS = 8
FORM_AGREEMENT = 0.85


def blues_bar_roots(onsets: Sequence[int], durations: Sequence[int], pitches: Sequence[int],
                    meters: MeterMap | None, tonic: int) -> dict[int, int]:
    """For each bar that holds notes (its number in `meters`, as blues_tonic_of counts bars),
    the root over `tonic` (0, 5 or 7 semitones: I, IV, V) of the blues chord whose cell
    (BLUES_CELL) holds most of the bar's sounding time; a tie goes to I, then IV."""
    onsets = np.asarray(onsets, dtype=np.int64)
    if not len(onsets):
        return {}
    ids, per_bar = _bar_table(onsets, np.asarray(durations, dtype=np.float64),
                              np.asarray(pitches, dtype=np.int64) % 12, meters)
    held = (per_bar @ _CELLS.T)[:, [(tonic + step) % 12 for step in BLUES_STEPS]]
    return {int(bar): BLUES_STEPS[int(k)] for bar, k in zip(ids, held.argmax(axis=1))}


def twelve_bar_phase(roots: dict[int, int]) -> int | None:
    """Where the 12-bar form begins (a bar index modulo 12) for bars' blues chord roots
    (blues_bar_roots: bar index -> 0, 5 or 7), or None: FORM_BARS bars or more, FORM_AGREEMENT of
    them on a root the form has there (TWELVE_BAR, or a common variant of that bar), among them
    a IV bar and a V bar of the form (a riff on I alone has no form). Of phases that agree
    equally, the one that opens the form on the first bar that holds notes, else None. The form's
    first eight bars alone, each on its chord (I I I I | IV IV I I, from the first bar), are heard
    as its start too: V is yet to come (a riff stated so was continued on I, where a musician
    plays bars 9-12, V IV I V; QA)."""
    if len(roots) < FORM_BARS:
        return None
    first = min(roots)
    if max(roots) - first < FORM_BARS and 7 not in roots.values() and 5 in roots.values() and all(
            root == TWELVE_BAR[bar - first] or root == _ALSO.get(bar - first) for bar, root in roots.items()):
        return first % 12
    best, best_count, tied = None, -1, []
    for phase in range(12):
        agree = [root for bar, root in roots.items()
                 if root == TWELVE_BAR[(bar - phase) % 12] or root == _ALSO.get((bar - phase) % 12)]
        if len(agree) < FORM_AGREEMENT * len(roots) or not {5, 7} <= set(agree):
            continue
        if len(agree) > best_count:
            best, best_count, tied = phase, len(agree), [phase]
        elif len(agree) == best_count:
            tied.append(phase)
    if len(tied) > 1:
        return first % 12 if first % 12 in tied else None
    return best


def twelve_bar_root(bar: int, phase: int) -> int:
    """The root over the tonic (semitones) of bar index `bar` in the 12-bar form begun at `phase`."""
    return TWELVE_BAR[(bar - phase) % 12]


# A minor blues: the same twelve bars on i, iv and v (Mr. P.C., The Thrill Is Gone), a riff or
# line on each chord's minor pentatonic (MINOR_CELL), V often a dominant seventh (its major third
# the leading note). No blue notes tell it (blues_tonic_of asks for the tonic's major third):
# its bars do. The tonic's minor third sounds at least BLUE_NOTE_SHARE of the time, its major
# third under MAJOR_THIRD_SHARE, the cells of i, iv and v hold MINOR_HELD of the notes' time, the
# notes read in the tonic's minor key (estimate_key; or in its relative major, the tune opening on
# the tonic), and its bars with notes (FORM_BARS or more) span MINOR_FORM_BARS or more:
# those cells hold every note of the natural minor scale, and O Little Town of Bethlehem (16 bars
# in F major) had matched the form on D.
MINOR_CELL = (0, 3, 5, 7, 10)
MINOR_HELD = 0.9
MINOR_FORM_BARS = 12
# (root, pitch class) 1 where the pitch class is in the root's MINOR_CELL, or is its major third
_MINOR_CELLS = np.array([[float((pc - root) % 12 in MINOR_CELL + (4,)) for pc in range(12)] for root in range(12)])


def minor_blues_form(onsets: Sequence[int], durations: Sequence[int], pitches: Sequence[int],
                     meters: MeterMap | None = None) -> tuple[int, int, bool] | None:
    """(tonic pitch class, phase of the 12-bar form as twelve_bar_phase gives it, whether its V
    is a dominant seventh) where the notes are a minor blues in that form, else None.

    onsets, durations: ticks; pitches: MIDI numbers (N,); meters: the piece's bars (None: 4/4
    from tick 0). Each bar's chord is the one of i, iv and v whose cell (MINOR_CELL, with its
    major third) holds most of the bar's sounding time, and those bars must keep to the form
    (twelve_bar_phase); a minor tune that is no blues seldom does (tests/music/test_blues_tonic).
    V is a dominant seventh where its bars sound its major third longer than its minor third.
    The tonic is that of the minor key the notes read in (estimate_key), or of the relative minor
    of the major key they read in where the lowest note of the first onset is on it."""
    onsets = np.asarray(onsets, dtype=np.int64)
    durations = np.asarray(durations, dtype=np.float64)
    classes = np.asarray(pitches, dtype=np.int64) % 12
    total = durations.sum()
    if len(onsets) < FORM_BARS or total <= 0:
        return None
    ids, per_bar = _bar_table(onsets, durations, classes, meters)
    if len(ids) < FORM_BARS or ids[-1] - ids[0] + 1 < MINOR_FORM_BARS:  # (a fill's gap counts)
        return None
    share = np.bincount(classes, weights=durations, minlength=12) / total
    key = estimate_key(Note(int(p), int(o), int(d)) for p, o, d in zip(pitches, onsets, durations))
    if key is None:
        return None
    tonic = key.tonic if key.scale == "minor" else (key.tonic + 9) % 12
    # (a riff on the minor pentatonic reads as the relative major's (C minor's as Eb major): its
    # tonic then is the lowest note of its first onset)
    first = onsets == onsets.min()
    if key.scale != "minor" and int(np.asarray(pitches, dtype=np.int64)[first].min()) % 12 != tonic:
        return None
    if share[(tonic + 3) % 12] < BLUE_NOTE_SHARE or share[(tonic + 4) % 12] >= MAJOR_THIRD_SHARE:
        return None
    roots = [(tonic + step) % 12 for step in BLUES_STEPS]
    held = (per_bar @ _MINOR_CELLS.T)[:, roots]  # (bars, i iv v)
    if held.max(axis=1).sum() < MINOR_HELD * total:
        return None
    chosen = held.argmax(axis=1)
    phase = twelve_bar_phase(dict(zip(ids.tolist(), (BLUES_STEPS[k] for k in chosen.tolist()))))
    if phase is None:
        return None
    five, on_five = roots[2], per_bar[chosen == 2]
    return tonic, phase, bool(on_five[:, (five + 4) % 12].sum() > on_five[:, (five + 3) % 12].sum())
