"""Variations that come out the same as an earlier one leave it where the co-writer was least
sure (composer.model.sampling.branch_points): a jig whose A part is stated twice was continued
with a third statement note for note in all four variations (QA; the copy is p > 0.99 at almost
every note, so top-p left nothing else to draw). The shipped model; a tune written here."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import torch

import composer.model.region_writer as region_writer
from composer.io import read_score
from composer.model.sampling import PitchStep, branch_points
from composer.request import continue_request

sys.path.insert(0, str(Path(__file__).parent.parent))
from parts_music import REPEATED_JIG  # noqa: E402


def test_a_repeated_tune_gets_four_different_variations_the_first_the_restatement(cowriter, monkeypatch, tmp_path):
    (tmp_path / "jig.abc").write_text(REPEATED_JIG)
    score = read_score(tmp_path / "jig.abc")
    passes = []
    real = region_writer.sample_region

    def kept(model, memory, plan, variations, **options):
        notes = real(model, memory, plan, variations, **options)
        passes.append((notes, options.get("record"), options.get("branches")))
        return notes

    monkeypatch.setattr(region_writer, "sample_region", kept)
    variations = cowriter.generate(continue_request(score, bars=8, variations=4, seed=11, style="irish"))
    (first, record, _), (second, _, branches) = passes  # one more pass, for the repeats only
    repeats = [row for row in range(1, 4) if first[row] in first[:row]]
    assert len(repeats) >= 2, "the premise: without branching, some variations are the same"
    new = [tuple(sorted((n.onset, n.pitch, n.duration) for n in v.notes if n.generated)) for v in variations]
    assert len(set(new)) == 4
    assert set(repeats) <= set(branches)  # (and any that share most of their start with an earlier one)
    for row in range(4):
        if row not in branches:
            assert second[row] == first[row]  # the others are the model's own answers, unchanged
    for row, (step, pitch) in branches.items():
        at = sum(bool(s.emitted[row]) for s in record[:step])  # the branch's note index
        assert second[row][:at] == first[row][:at]  # the same notes up to the branch ...
        assert second[row][at][1] != pitch == first[row][at][1]  # ... where it takes another pitch


def _steps(rows: int, chosen: list[int], runner_up: list[float]) -> list[PitchStep]:
    """One PitchStep per entry: every row drew chosen[i] with p = 1 - runner_up[i], the rest on pitch 0."""
    steps = []
    for pitch, other in zip(chosen, runner_up):
        logits = torch.full((rows, 128), float("-inf"))
        logits[:, pitch] = float(np.log(1 - other))
        logits[:, 0] = float(np.log(other))
        steps.append(PitchStep(logits, [pitch] * rows, np.ones(rows, bool)))
    return steps


def test_a_variation_sharing_most_of_its_start_leaves_it_within_what_they_share():
    record = _steps(2, list(range(60, 72)), [0.3] + [0.05] * 8 + [0.4, 0.4, 0.4])
    first = [(0, p, 6 * i, 6) for i, p in enumerate(range(60, 72))]
    last_beat = first[:10] + [(0, 50, 60, 6), (0, 51, 66, 6)]  # the same but for the last two notes
    assert branch_points([first, last_beat], record, temperature=1.0) == {1: (0, 60)}  # within the 10 shared
    early = first[:4] + [(0, 50, 24 + 6 * i, 6) for i in range(8)]  # leaves it after 4 notes: a variation
    assert branch_points([first, early], record, temperature=1.0) == {}


def test_branch_points_go_to_the_repeats_only_at_their_likeliest_distinct_steps():
    record = _steps(4, [60, 62, 64, 65, 67], [0.01, 0.2, 0.05, 0.3, 0.4])
    same, other = [(0, 60, 0, 2, 5)] * 5, [(0, 61, 0, 2, 5)] * 5
    branches = branch_points([same, same, other, same], record, temperature=1.0)
    # weighted by the part still to come: 0.2 x 4/5 = 0.16 (step 1) > 0.3 x 2/5 = 0.12 (step 3) > 0.4 x 1/5
    assert branches == {1: (1, 62), 3: (3, 65)}
    assert branch_points([same, other], record, temperature=1.0) == {}  # all differ already
    assert branch_points([same, same], record, temperature=0.0) == {}  # temperature 0 asks for the likeliest
    # any temperature above 0 branches, by the odds at that temperature: (0.4/0.6)^10 x 1/5 is now the best
    assert branch_points([same, same], record, temperature=0.1) == {1: (4, 67)}


def test_a_variation_that_gives_back_the_notes_it_replaces_is_written_again():
    record = _steps(2, [60, 62, 64, 65, 67], [0.01, 0.2, 0.05, 0.3, 0.4])
    held, other = [(0, 60, 0, 2, 5)] * 5, [(0, 61, 0, 2, 5)] * 5
    reference = [note[:4] for note in held]
    # the first variation is the region's old notes: it leaves them where it was least sure
    assert branch_points([held, other], record, temperature=1.0, reference=reference) == {0: (1, 62)}
    assert branch_points([other, other[:4]], record, temperature=1.0, reference=reference) == {}


REEL = """X:1
T:The Silver Spear (test)
R:reel
M:4/4
L:1/8
K:D
A|:FA (3AAA BAFA|dBAF ABde|fBBA Bcde|1 fedB AFEA:|2 fedB AFED||
|:fa (3aaa bafa|dfaf gfef|1 gfef gbag|fedB AFED:|2 gfeg fedB|AFEF D4|]
"""


def test_a_fill_does_not_give_back_the_bars_it_replaces(cowriter, tmp_path):
    # QA: Fill of bars 2-3 of a reel whose A part comes twice gave back the original bars note for
    # note in 1 of 8 variations (a musician thinks Fill did nothing).
    from composer.request import bar_span, fill_request

    (tmp_path / "reel.abc").write_text(REEL)
    score = read_score(tmp_path / "reel.abc")
    start, end = bar_span(score, 2, 3)
    request = fill_request(score, start, end, variations=8, seed=1)
    held = sorted((n.onset, n.pitch, n.duration) for n in score.notes if start <= n.onset < end)
    for k, version in enumerate(cowriter.generate(request), start=1):
        new = sorted((n.onset, n.pitch, n.duration) for n in version.notes if n.generated)
        assert new != held, f"variation {k} gave back the bars it fills"


# Drum variations that differ only in written hit lengths, and twins that share less of the start
# (QA F9: three "variations" of an added drum part, identical in onset and key).
def _drum_steps(rows: int, pitches: list[int], other_share: list[float]) -> list[PitchStep]:
    out = []
    for pitch, share in zip(pitches, other_share):
        logits = torch.full((rows, 128), -30.0)
        logits[:, pitch] = float(np.log(1 - share))
        logits[:, 0] = float(np.log(share))
        out.append(PitchStep(logits, [pitch] * rows, np.ones(rows, dtype=bool)))
    return out


def test_drum_variations_differing_only_in_hit_lengths_branch():
    record = _drum_steps(2, [42, 36, 42, 38], [0.1, 0.3, 0.1, 0.1])
    one = [(1, p, 6 * i, 2) for i, p in enumerate([42, 36, 42, 38])]
    longer = [(v, p, o, 5) for v, p, o, _ in one]
    assert branch_points([one, longer], record, temperature=1.0) == {}  # a pitched voice: a variation
    assert branch_points([one, longer], record, temperature=1.0, timeless=frozenset({1})) == {1: (1, 36)}


def test_twins_sharing_less_of_the_start_branch_at_different_notes():
    # Rows 1 and 2 are twins of row 0: row 1 shares 12 of its 16 notes, row 2 all. Weighted by the
    # part still to come, row 1 ranks note 1 first and row 2 note 9, then note 1: taking each
    # twin's own rank-th best, both branched at note 1 and could come out the same again.
    pitches = list(range(60, 76))
    record = _drum_steps(3, pitches, [0.01, 0.2] + [0.01] * 7 + [0.5] + [0.01] * 6)
    first = [(0, p, 6 * i, 6) for i, p in enumerate(pitches)]
    twelve = first[:12] + [(0, 40 + i, 72 + 6 * i, 6) for i in range(4)]
    branches = branch_points([first, twelve, first], record, temperature=1.0)
    assert set(branches) == {1, 2} and branches[1][0] != branches[2][0], branches
