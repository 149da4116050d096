"""A verse stated twice over a bass, continued: the first variation may state it a third time
(the likeliest continuation), the others vary; over chords the person gives, the melody follows
them, not the old tune. With the recall at full weight in every variation the verse came back
note for note in 7 of 18 variations, three the same but for a last beat, and over given chords
4 of 14 strong beats were in the chord (QA). The shipped model; a piece written here."""

from __future__ import annotations

from composer.music import Note, Score, Voice
from composer.music.chords import CHORD_INTERVALS, QUALITIES, parse_chord_bars, root_and_quality
from composer.request import continue_request

BAR = 1920
G, A, B, C, D, E, F_SHARP = 67, 69, 71, 72, 74, 76, 66
VERSE = [(G, 480), (B, 480), (D, 480), (B, 480), (C, 480), (E, 480), (D, 960),
         (B, 240), (C, 240), (D, 480), (G, 480), (B, 480), (A, 1440), (0, 480),
         (G, 480), (B, 480), (D, 480), (E, 480), (D, 480), (C, 480), (B, 480), (A, 480),
         (B, 480), (A, 480), (G, 480), (F_SHARP, 480), (G, 1440), (0, 480)]
ROOTS = [43, 48, 43, 50, 43, 48, 50, 43]


def verse_twice() -> Score:
    notes, t = [], 0
    for statement in range(2):
        for pitch, length in VERSE:
            if pitch:
                notes.append(Note(pitch, t, length, 90, 0))
            t += length
        for bar, root in enumerate(ROOTS):
            notes += [Note(root + (7 if q % 2 else 0), (statement * 8 + bar) * BAR + q * 480, 480, 80, 1) for q in range(4)]
    return Score(notes=notes, voices=[Voice("Melody", 73), Voice("Bass", 33)])


def verse_notes_copied(variation) -> int:
    verse = {(n.pitch, n.onset % (8 * BAR), n.duration) for n in verse_twice().notes if n.voice == 0}
    return sum((n.pitch, n.onset % (8 * BAR), n.duration) in verse for n in variation.notes if n.generated and n.voice == 0)


def test_the_verse_comes_back_whole_in_one_variation_at_most(cowriter):
    copies = []
    for seed in (1, 2, 3):
        variations = cowriter.generate(continue_request(verse_twice(), bars=8, variations=6, seed=seed))
        copies.append([verse_notes_copied(v) for v in variations])
        assert sum(c >= 19 for c in copies[-1][1:]) == 0, copies  # (of the verse's 26 notes)
    assert sum(c >= 19 for row in copies for c in row) <= 3, copies


def test_over_given_chords_the_melody_follows_them(cowriter):
    score = verse_twice()
    text = "Em | C | D | G | Em | Am | D | G"
    tones = []
    for figure in text.split(" | "):
        root, quality = root_and_quality(figure)
        tones.append({(root + i) % 12 for i in CHORD_INTERVALS[QUALITIES[quality]]})
    chords = parse_chord_bars(text, score.meter_map(), start=score.end)
    # Each variation follows them (4 of 14 strong beats in one before), and all of them together
    # nearly as often as people do (78 % of strong beats on lead sheets; bench/cowriter_music.py).
    # (Not 60 % in every variation: 16 strong beats are few. Over seeds 1-3, 18 variations: the
    # stage-8 weights 74.3 %, lowest 9 of 16 and 3 of 5; stage 9 72.9 %, lowest 9 of 16; stage 9
    # with the melody keeping its rhythm beside the bass (sampling.MELODY_RHYTHM_SHARE) 70.6 %,
    # lowest 7 of 16.)
    shares = []
    for v in cowriter.generate(continue_request(score, bars=8, variations=6, seed=1, chords=chords)):
        strong = [n for n in v.notes if n.generated and n.voice == 0 and n.onset % (BAR // 2) == 0]
        in_chord = sum(n.pitch % 12 in tones[n.onset // BAR - 16] for n in strong)
        assert strong and in_chord >= 0.4 * len(strong), (in_chord, len(strong))
        shares.append((in_chord, len(strong)))
    assert sum(i for i, _ in shares) >= 0.65 * sum(n for _, n in shares), shares
