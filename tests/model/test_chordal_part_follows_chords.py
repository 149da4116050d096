"""A chordal part of the piece's own follows the chords written for the bars it continues into
(`composer continue --chords`), as an added comping part does: every onset gets the firm
chord-tone bonus (priors.COMPING_CHORD_STRENGTH), not the melody's bonus on strong beats only. An
oom-pah-pah left hand under "C | G | D7 | G" kept its context's chords: 55-75 % of its new notes
chord tones (QA); here 59 of 119 (50 %) before."""

from __future__ import annotations

from composer.music import Note, Score, Voice
from composer.music.chords import ChordSymbol, parse_chord_bars, with_chords
from composer.music.score import TimeSignature
from composer.request import continue_request

Q = 480
BAR = 3 * Q
# A waltz: the tune in the right hand, the left hand bass on one and a chord on two and three,
# C and G7 by turns for eight bars.
TUNE = [(76, 72, 67), (74, 71, 67), (72, 76, 79), (77, 74, 71)] * 2
LEFT = {"C": (48, (52, 55)), "G7": (43, (53, 59))}


def _waltz() -> Score:
    notes = []
    for b, bar in enumerate(TUNE):
        notes += [Note(p, b * BAR + i * Q, Q, 80, 0) for i, p in enumerate(bar)]
        bass, chord = LEFT["C" if b % 2 == 0 else "G7"]
        notes.append(Note(bass, b * BAR, Q, 70, 1))
        notes += [Note(p, b * BAR + beat * Q, Q, 60, 1) for beat in (1, 2) for p in chord]
    score = Score(notes=notes, voices=[Voice("Right hand", 0), Voice("Left hand", 0)],
                  time_signature=TimeSignature(3, 4))
    score.chords = [ChordSymbol(b * BAR, BAR, "C" if b % 2 == 0 else "G7") for b in range(len(TUNE))]
    return score


TONES = {"F": {5, 9, 0}, "Dm": {2, 5, 9}, "Bb": {10, 2, 5}, "C7": {0, 4, 7, 10}}


def test_a_left_hand_plays_the_given_chords(cowriter):
    score = _waltz()
    given = parse_chord_bars("F | Dm | Bb | C7", score.meter_map(), score.end)
    score.chords = with_chords(score.chords, given)
    fits = total = 0
    for seed in (5, 6, 7):
        request = continue_request(score, (0, 1), bars=4, variations=2, seed=seed)
        for variation in cowriter.generate(request):
            for n in variation.notes:
                if n.generated and n.voice == 1:
                    chord = next(c for c in given if c.onset <= n.onset < c.onset + c.duration)
                    total += 1
                    fits += n.pitch % 12 in TONES[chord.figure]
    assert total >= 3 * 2 * 4 * 2  # the left hand goes on (two or more notes a bar)
    assert fits >= 0.8 * total, f"{fits} of {total} left-hand notes are tones of the given chords"
