"""A piano part recorded with both hands in one track is written as two hands (QA qa17 H3).

Read as one voice, a tune over an Alberti bass was a single "harmony" line to the co-writer: a
fill turned the left hand into a repeated middle C and a continuation into repeated notes, the
figure kept in 0 of 12 new bars. The co-writer now reads the part as a right and a left hand
(composer.music.hands) and writes both, into the one track."""

from __future__ import annotations

from composer.music import Score, Voice
from composer.music.hands import split_hands
from composer.music.meter import MeterChange
from composer.request import continue_request, fill_request

from keyboard_music import alberti, in_one_track, tune, waltz

Q = 480
BAR = 4 * Q


def left_hand(variation: Score, start: int, end: int) -> list:
    """The new notes the left hand plays in [start, end), by the split of the whole part."""
    notes = [n for n in variation.notes if n.voice == 0]
    return [n for n, left in zip(notes, split_hands(notes)) if left and n.generated and start <= n.onset < end]


def is_alberti(bar: list) -> bool:
    pitches = [n.pitch for n in sorted(bar, key=lambda n: (n.onset, n.pitch))]
    if len(pitches) != 8 or pitches[4:] != pitches[:4]:
        return False
    low, high, middle, again = pitches[:4]
    return high == again and low < middle < high


def test_a_one_track_alberti_piano_keeps_its_left_hand_when_continued(cowriter):
    piece, _ = in_one_track(tune(), alberti())
    kept = total = 0
    for seed in (1, 2):
        for variation in cowriter.generate(continue_request(piece, (0,), bars=4, variations=3, seed=seed)):
            assert {n.voice for n in variation.notes} == {0} and len(variation.voices) == 1
            for b in range(4):
                t = piece.end + b * BAR
                total += 1
                kept += is_alberti(left_hand(variation, t, t + BAR))
    # 0 of 24 as one line; 22 of 24 as two hands (the same pieces in two tracks: 22 of 24)
    assert total == 24 and kept >= 16, kept


def test_a_one_track_waltz_keeps_its_oom_pah_pah_in_a_fill(cowriter):
    right, left = waltz()
    notes = in_one_track(right, left)[0].notes
    piece = Score(notes=notes, voices=[Voice("Piano", 0)], meters=[MeterChange(0, 3, 4)])
    bar = 3 * Q
    kept = total = 0
    for seed in (1, 2):
        for variation in cowriter.generate(fill_request(piece, 4 * bar, 6 * bar, (0,), variations=3, seed=seed)):
            for b in (4, 5):
                beats: dict[int, list[int]] = {}
                for n in left_hand(variation, b * bar, (b + 1) * bar):
                    beats.setdefault((n.onset - b * bar) // Q, []).append(n.pitch)
                total += 1
                kept += (len(beats.get(0, [])) == 1 and all(len(beats.get(k, [])) >= 2 for k in (1, 2))
                         and beats[0][0] < min(beats[1]))
    # 0 of 12 as one line; 10 of 12 as two hands (QA's waltz: 12 of 12, as in two tracks)
    assert total == 12 and kept >= 9, kept
