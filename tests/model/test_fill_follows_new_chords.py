"""`composer fill --chords` over bars whose old notes do not follow those chords (a new harmony for
them): the filled line lands on the given chords on the strong beats about as often as people's
melodies do (74-78 %), not running the tune's scale straight through them (QA qa14/qa15 W7: 36 of
64 strong beats; region_writer._new_harmony, priors.NEW_HARMONY_SHIFT). A fill whose chords the
old bars follow keeps the style's own strength, note for note.

The tune is written here: a C major scale up and back, no chords of its own, as in the QA case."""

from __future__ import annotations

from composer.music import Note, Score, Voice
from composer.music.chords import CHORD_INTERVALS, QUALITIES, ChordSymbol, root_and_quality
from composer.music.region import Controls, Region
from composer.request import fill_request

Q, BAR = 480, 1920
SCALE = [60, 62, 64, 65, 67, 69, 71, 72, 60, 62, 64, 65, 72, 71, 69, 67]  # C D E F | G A B c | C D E F | c B A G


def _tones(figure: str) -> set[int]:
    root, quality = root_and_quality(figure)
    return {(root + i) % 12 for i in CHORD_INTERVALS[QUALITIES[quality]]}


def _scale_tune(figures: tuple[str, str], first_bar: int = 1) -> tuple[Score, list[ChordSymbol]]:
    score = Score(notes=[Note(p, i * Q, Q, 90, 0) for i, p in enumerate(SCALE)], voices=[Voice("Flute", 73)])
    chords = [ChordSymbol((first_bar + i) * BAR, BAR, f) for i, f in enumerate(figures)]
    score.chords = chords  # as `fill --chords` lays them out (composer.commands.generation_args.given_chords)
    return score, chords


def _strong_beat_share(cowriter, figures: tuple[str, str], first_bar: int, seed: int) -> tuple[int, int]:
    score, chords = _scale_tune(figures, first_bar)
    start = first_bar * BAR
    hits = count = 0
    for variation in cowriter.generate(fill_request(score, start, start + 2 * BAR, (0,), chords=chords,
                                                    variations=8, seed=seed)):
        for n in variation.notes:
            if n.generated and n.onset % (BAR // 2) == 0:
                count += 1
                hits += n.pitch % 12 in _tones(chords[(n.onset - start) // BAR].figure)
    return hits, count


def test_new_harmony_is_told_from_chords_the_old_bars_follow():
    from composer.model.region_writer import _new_harmony

    for figures, first_bar, new in ((("Am", "Dm"), 1, True), (("F", "Em"), 1, True), (("G", "C"), 1, False),
                                    (("C", "F"), 2, False)):
        score, chords = _scale_tune(figures, first_bar)
        region = Region(first_bar * BAR, (first_bar + 2) * BAR, (0,))
        old = [n for n in score.notes if region.contains(n.onset, n.voice)]
        assert _new_harmony(score, region, chords, old) is new, figures
        assert not _new_harmony(score, region, chords, []), "a gap has no old bars to go by"
        assert not _new_harmony(score, Region(region.start, None, (0,)), chords, old), "a continuation"


def test_fill_over_a_new_harmony_lands_on_its_chords(cowriter):
    hits = count = 0
    for figures in (("Am", "Dm"), ("F", "Em")):
        for seed in (1, 2, 3):
            h, c = _strong_beat_share(cowriter, figures, 1, seed)
            hits, count = hits + h, count + c
    assert count >= 0.9 * 192, count
    # Measured: 113 of 192 (59 %) with the style's strength alone, 131 of 192 (68 %) with the shift.
    assert hits >= 0.64 * count, f"strong beats on the given chords: {hits} of {count}"


def test_fill_over_chords_the_old_bars_follow_keeps_the_style_strength(cowriter):
    from composer.model.priors import style_chord_strength

    score, chords = _scale_tune(("C", "F"), 2)  # C D E F | c B A G: C E | C A on the strong beats
    notes = []
    for controls in (Controls(), Controls(chord_strength=style_chord_strength(None))):
        request = fill_request(score, 2 * BAR, 4 * BAR, (0,), chords=chords, variations=4, seed=3, controls=controls)
        notes.append([[(n.pitch, n.onset) for n in v.notes if n.generated] for v in cowriter.generate(request)])
    assert notes[0] == notes[1]
