"""Filling the last bars of a piece ends it: every part sounds its last note or chord on the last
bar's downbeat, held to the end, on the key's tonic triad with the tonic in the bass.

QA qa19 H2: filling the last two bars of every part of 10 pieces that end on the tonic chord, 0 of
30 fills ended on it with the tonic in the bass, and the last bar always ran on in quarters."""

from __future__ import annotations

import numpy as np

from composer.model.sampling import FINAL_CHORD_PENALTY, FINAL_MELODY_OTHER, final_chord_prior
from composer.music import Score, Voice
from composer.music.scales import Key
from composer.request import fill_request

from keyboard_music import BAR, hymn, in_one_track
from test_minor_key_degrees import minor_piece


def test_the_last_note_of_a_part_is_on_the_tonic_triad():
    c_major, a_minor = Key(0, "major"), Key(9, "minor")
    melody, bass, harmony = 0, 1, 2
    assert final_chord_prior(c_major, melody)[[60, 64, 67, 62]].tolist() == [0, -FINAL_MELODY_OTHER, -FINAL_MELODY_OTHER,
                                                                            -FINAL_CHORD_PENALTY]
    assert final_chord_prior(c_major, bass)[[36, 40, 43]].tolist() == [0, -FINAL_CHORD_PENALTY, -FINAL_CHORD_PENALTY]
    assert final_chord_prior(a_minor, harmony)[[57, 60, 64, 61]].tolist() == [0, 0, 0, -FINAL_CHORD_PENALTY]  # minor third


def ends(score: Score, tonic: int, seeds=(1, 2, 3)) -> tuple[int, int, int]:
    """(fills whose last bar holds one onset, fills ending on the tonic triad with the tonic
    lowest, fills) over the last two bars of every part filled, 3 variations a seed."""
    end = max(n.onset + n.duration for n in score.notes)
    last_bar = (end - 1) // BAR * BAR
    held = cadences = fills = 0
    for seed in seeds:
        for variation in cowriter_().generate(fill_request(score, last_bar - BAR, last_bar + BAR, variations=3, seed=seed)):
            new = [n for n in variation.notes if n.generated]
            last = [n for n in new if n.onset >= last_bar]
            sounding = sorted(n.pitch for n in variation.notes if n.onset <= end - 10 < n.onset + n.duration)
            fills += 1
            held += len({n.onset for n in last}) == 1 and all(n.onset + n.duration >= end - 20 for n in last)
            triad = {tonic % 12, (tonic + (3 if tonic == 9 else 4)) % 12, (tonic + 7) % 12}
            cadences += bool(sounding) and sounding[0] % 12 == tonic % 12 and {p % 12 for p in sounding} <= triad
    return held, cadences, fills


_loaded = []


def cowriter_():
    from composer.generate import CoWriter

    if not _loaded:
        _loaded.append(CoWriter.load(None))
    return _loaded[0]


def test_the_last_bars_of_a_hymn_and_of_a_minor_piece_filled_end_them():
    right, left = hymn()
    piano, _ = in_one_track(right, left)
    assert min(n.pitch for n in piano.notes if n.onset == 31 * 480) % 12 == 0  # (the hymn ends on C)
    held, cadences, fills = np.add(ends(piano, 0), ends(minor_piece(), 9))
    # before: 0 held, 1 on the tonic triad over its tonic, of 18; now 18 and 18
    assert held >= fills - 2 and cadences >= fills * 2 // 3, (held, cadences, fills)
