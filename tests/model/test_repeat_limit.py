"""A continued line repeats one pitch at most max(6, its context's longest run + 1) times in a row
(composer.model.loops.repeat_limit; QA F5): the loop guard's fixed 8 let a 7/8 tune go on with
8 G4s in a row and a 1-note seed with 7 D5s. The shipped model; ABC the test writes."""

from __future__ import annotations

from composer.io import read_score
from composer.model.loops import loop_bans, repeat_limit
from composer.request import continue_request

SEVEN_EIGHT = """X:1
T:Seven eight
M:7/8
L:1/8
K:Am
A2B c2d e|e2d c2B A|A2B c2d e|e2d cBA2|
"""


def _longest_run(pitches: list[int]) -> int:
    best = run = 1
    for a, b in zip(pitches, pitches[1:]):
        run = run + 1 if a == b else 1
        best = max(best, run)
    return best


def test_the_repeat_limit_follows_the_context():
    assert repeat_limit([69, 71, 72, 72, 74]) == 6  # a run of 2: the floor
    assert repeat_limit([67] * 7 + [69]) == 8  # a context that repeats 7: one more
    assert repeat_limit([]) == 6
    assert loop_bans([60, 62] + [67] * 6, repeats=6) == {67}
    assert loop_bans([60, 62] + [67] * 6) == set()  # (the fixed rule: 8)


def test_a_seven_eight_tune_continued_repeats_no_pitch_more_than_six_times(cowriter, tmp_path):
    (tmp_path / "seven_eight.abc").write_text(SEVEN_EIGHT)
    score = read_score(tmp_path / "seven_eight.abc")
    for seed in (1, 3):  # (seed 1: 8 G4s in a row; 3: 8 A4s, before)
        for version in cowriter.generate(continue_request(score, variations=2, seed=seed)):
            new = [n.pitch for n in sorted(version.notes, key=lambda n: n.onset) if n.generated]
            assert _longest_run(new) <= 6, new
