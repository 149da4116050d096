"""Add part > Drums in a groove style plays that style (QA F9): a new drum part with no drum context
was steered by one plain rock beat whatever the style (kick 1 & 3, snare 2 & 4, eighth hats, for
groove_funk and groove_jazz alike), and variations came out identical in onset and key with no
notice. Now the style's profile measured on the Groove MIDI Dataset (composer.model.style_grooves)
steers it, and drum variations that differ only in how long their hits were written branch
(composer.model.sampling.branch_points). The shipped model; a tune written here."""

from __future__ import annotations

import numpy as np
import torch

from composer.model.sampling import PitchStep, branch_points
from composer.model.style_grooves import style_groove, style_kit
from composer.music import Note, Score, Voice
from composer.request import add_part

Q = 480
BAR = 4 * Q
TUNE = [67, 69, 71, 72, 74, 72, 71, 69, 67, 66, 67, 69, 71, 67, 62, 67] * 2
BARS = len(TUNE) // 4


def _drums(cowriter, style: str, seed: int = 1, variations: int = 3) -> list[list[Note]]:
    score = Score(notes=[Note(p, i * Q, Q, 90, 0) for i, p in enumerate(TUNE)], voices=[Voice("Flute", 73)])
    return [[n for n in version.notes if n.generated]
            for version in cowriter.generate(add_part(score, "drums", variations=variations, seed=seed, style=style))]


def test_jazz_drums_ride_and_swing_funk_drums_play_sixteenths(cowriter):
    jazz, funk = _drums(cowriter, "groove_jazz"), _drums(cowriter, "groove_funk")
    for hits in jazz:
        # the ride or the hi-hat pedal keeps time, in most bars (the rock beat: closed hat eighths)
        timekeeping = {n.onset // BAR for n in hits if n.pitch in (51, 44)}
        assert len(timekeeping) >= BARS // 2, sorted(timekeeping)
        swung = sum(n.onset % Q == 2 * Q // 3 for n in hits)
        straight = sum(n.onset % Q == Q // 2 for n in hits)
        assert swung > straight, (swung, straight)
    for hits in funk:
        sixteenths = {n.onset // BAR for n in hits if n.onset % (Q // 2) == Q // 4}
        assert len(sixteenths) >= BARS // 2, sorted(sixteenths)
    # ... and the variations differ in onset or key
    for part in (jazz, funk):
        assert len({tuple(sorted((n.onset, n.pitch) for n in hits)) for hits in part}) == len(part)


def test_a_style_profile_is_of_4_4_on_its_own_grid():
    assert style_groove("groove_jazz", 4, 4).step == 4  # eighth-note triplets: swung
    assert style_groove("groove_funk", 4, 4).step == 3  # sixteenths
    assert style_groove("groove_funk", 4, 4, swing=True).step == 4
    assert style_groove("groove_funk", 3, 4) is None and style_groove("irish", 4, 4) is None
    assert 51 in style_kit("groove_jazz") and style_kit("irish") is None


def _steps(rows: int, pitches: list[int], other_share: list[float]) -> list[PitchStep]:
    out = []
    for pitch, share in zip(pitches, other_share):
        logits = torch.full((rows, 128), -30.0)
        logits[:, pitch] = float(np.log(1 - share))
        logits[:, 0] = float(np.log(share))
        out.append(PitchStep(logits, [pitch] * rows, np.ones(rows, dtype=bool)))
    return out


def test_drum_variations_differing_only_in_hit_lengths_branch():
    record = _steps(2, [42, 36, 42, 38], [0.1, 0.3, 0.1, 0.1])
    one = [(1, p, 6 * i, 2) for i, p in enumerate([42, 36, 42, 38])]
    longer = [(v, p, o, 5) for v, p, o, _ in one]
    assert branch_points([one, longer], record, temperature=1.0) == {}  # a pitched voice: a variation
    assert branch_points([one, longer], record, temperature=1.0, timeless=frozenset({1})) == {1: (1, 36)}


def test_twins_sharing_less_of_the_start_branch_at_different_notes():
    # Rows 1 and 2 are twins of row 0: row 1 shares 12 of its 16 notes, row 2 all. Weighted by the
    # part still to come, row 1 ranks note 1 first and row 2 note 9, then note 1: taking each
    # twin's own rank-th best, both branched at note 1 and could come out the same again.
    pitches = list(range(60, 76))
    record = _steps(3, pitches, [0.01, 0.2] + [0.01] * 7 + [0.5] + [0.01] * 6)
    first = [(0, p, 6 * i, 6) for i, p in enumerate(pitches)]
    twelve = first[:12] + [(0, 40 + i, 72 + 6 * i, 6) for i in range(4)]
    branches = branch_points([first, twelve, first], record, temperature=1.0)
    assert set(branches) == {1, 2} and branches[1][0] != branches[2][0], branches
