"""A bass with only a few notes around the region still keeps to its register (the shipped model,
a short two-part piece written here).

Found by QA with a MusicXML oboe-and-cello sketch of nine bars: filling bars 3-4 of both parts, the
cello (seven notes left around the gap, D2-D3) wrote D4-E4 in three variations of four, doubling
the oboe, because a voice with fewer than 8 context notes had no register at all."""

from __future__ import annotations

from composer.music import Note, Score, Voice
from composer.music.meter import MeterChange
from composer.request import bar_span, fill_request

Q = 480
BAR = 3 * Q
OBOE = [[77, 76, 74], [72, 72, 69], [70, 72, 74], [72, 72, 72], [78, 76, 74], [74, 69, 69], [71, 73, 74]]
CELLO = [41, 45, 46, 48, 50, 42, 38]  # one dotted half a bar: F2 A2 Bb2 C3 D3 F#2 D2


def sketch() -> Score:
    notes = []
    for bar, (pitches, bass) in enumerate(zip(OBOE, CELLO)):
        notes += [Note(p, bar * BAR + i * Q, Q, 80, 0) for i, p in enumerate(pitches)]
        notes.append(Note(bass, bar * BAR, BAR, 80, 1))
    return Score(notes=notes, voices=[Voice("Oboe", 68), Voice("Cello", 42)], meters=[MeterChange(0, 3, 4)])


def test_a_sparse_bass_fills_in_its_register(cowriter):
    score = sketch()
    start, end = bar_span(score, 3, 4)
    around = [n.pitch for n in score.notes if n.voice == 1 and not start <= n.onset < end]
    assert len(around) < 8
    for variation in cowriter.generate(fill_request(score, start, end, variations=4, seed=1)):
        cello = [n.pitch for n in variation.notes if n.generated and n.voice == 1]
        assert cello, "the cello wrote nothing"
        assert max(cello) <= max(around) + 7, f"cello {cello} above its register ({min(around)}-{max(around)})"
        assert min(cello) >= min(around) - 7
