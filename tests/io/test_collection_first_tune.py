"""Opening an ABC collection of several tunes (the command line, the window) reads the first and
says so, naming it: the other tunes were left out without a word (QA: `composer continue` on a
two-tune file continued the first). Real files the test writes, the real readers and CLI parser
up to the model (an unknown --style stops it after reading)."""

from __future__ import annotations

from composer.io import read_score, read_scores

COLLECTION = """X:1
T:First
M:4/4
L:1/8
K:D
DFAd fdAF|GBdg fdAF|

X:2
T:Second
M:3/4
L:1/8
K:G
GABc d2|e2d2B2|
"""


def test_the_first_tune_of_a_collection_says_there_are_others(tmp_path, caplog):
    path = tmp_path / "tunes.abc"
    path.write_text(COLLECTION)
    score = read_score(path)
    assert score.title == "First"
    assert any("holds 2 tunes; this is the first (First)" in p for p in score.problems), score.problems
    assert any("holds 2 tunes" in r.getMessage() for r in caplog.records)  # the command line shows the log
    assert all(not any("holds" in p for p in s.problems) for s in read_scores(path))  # each tune as it is


def test_a_single_tune_says_nothing(tmp_path):
    path = tmp_path / "one.abc"
    path.write_text(COLLECTION.split("\n\n")[0] + "\n")
    assert not any("holds" in p for p in read_score(path).problems)
