"""Written drum hits take the length their drum is written with, and never overlap a hit of the
same drum (QA qa17 L1: a fill's hi-hats came out 0.5-2 beats long over sixteenth-note hats, with
14-22 same-key overlaps in one 4-bar fill, which the piano roll and a sampler honouring note-off
show)."""

from __future__ import annotations

from parts_music import four_voice_score

from composer.model.hit_lengths import DEFAULT_HIT, drum_hit_lengths
from composer.music import Note
from composer.request import fill_request

Q = 480


def test_a_hit_takes_its_drums_length_and_ends_by_the_next_hit():
    context = [Note(42, 0, 60, 70, 1), Note(42, 240, 60, 70, 1), Note(36, 0, 240, 100, 1), Note(60, 0, 960, 80, 0)]
    written = [Note(42, 960, 900, 70, 1, True), Note(42, 990, 400, 70, 1, True), Note(36, 1920, 700, 100, 1, True),
               Note(38, 2400, 700, 100, 1, True), Note(64, 960, 900, 80, 0, True), Note(42, 3000, 900, 70, 1, False)]
    out = drum_hit_lengths(written, context, [1])
    assert [n.duration for n in out] == [
        30,  # the hat's 60 ticks, cut at the next hat 30 ticks on
        60, 240,  # the hat's and the kick's own lengths
        sorted([60, 60, 240])[1],  # a snare the context never plays: the voice's median hit
        900, 900]  # a pitched note and a note not written are untouched
    assert drum_hit_lengths([Note(36, 0, 480, 100, 0, True)], [], [0])[0].duration == DEFAULT_HIT


def test_a_filled_drum_part_keeps_its_hits_lengths(cowriter):
    score = four_voice_score()
    lengths = {n.pitch: n.duration for n in score.notes if n.voice == 3}  # one length a drum: Q/4
    hits = 0
    for variation in cowriter.generate(fill_request(score, 4 * 4 * Q, 8 * 4 * Q, (0, 1, 2, 3), variations=3, seed=1)):
        new = sorted((n for n in variation.notes if n.voice == 3 and n.generated), key=lambda n: (n.pitch, n.onset))
        hits += len(new)
        assert all(n.duration <= lengths.get(n.pitch, Q // 4) for n in new), [n.duration for n in new]
        assert not any(a.pitch == b.pitch and a.end > b.onset for a, b in zip(new, new[1:]))
    assert hits >= 60
