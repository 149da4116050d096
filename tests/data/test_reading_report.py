"""What reading interpreted and worked around reaches the corpus: meter and key maps and
features per piece, problems per file in the build report and manifest, counts in `data info`."""

from __future__ import annotations

import json

from composer.commands.data import info_lines, reading_counts
from composer.data import build_corpus, load_corpus
from composer.data.cache import MANIFEST

TUNES = """X:1
T:Carried
M:3/4
L:1/4
K:C
D |: G ^F F | A2 B :| c2 |]

X:2
T:Odd bar
M:4/4
L:1/4
K:C
C D E F | G A B | c d e f | g4 |]
"""


def test_build_keeps_maps_features_and_lists_problems(tmp_path):
    folder = tmp_path / "tunes" / "folk"
    folder.mkdir(parents=True)
    (folder / "two.abc").write_text(TUNES, encoding="utf-8")
    cache = tmp_path / "cache"
    report = build_corpus([tmp_path / "tunes"], cache, workers=1, progress=False)
    assert report.problems == [("tunes:folk/two.abc", ["Odd bar (#1): 1 bar does not fill its meter (bar 2)"])]
    assert "files read with problems (1" in report.summary()
    manifest = json.loads((cache / MANIFEST).read_text())
    assert manifest["files"][0]["problems"] == ["Odd bar (#1): 1 bar does not fill its meter (bar 2)"]

    corpus = load_corpus(cache)
    carried = next(p for p in corpus.pieces if p.title == "Carried")
    assert carried.meters.tolist() == [[-960, 3, 4]]  # a one-beat pickup in 3/4
    assert carried.keys == ((0, "C:major"),)
    assert {"pickup", "repeats", "carried accidentals"} <= set(carried.features)
    # D | G F# F# | A2 B | G F# F# | A2 B | c2: the second F holds the sharp, the repeat is played
    assert carried.notes[:, 2].tolist() == [62, 67, 66, 66, 69, 71, 67, 66, 66, 69, 71, 72]
    counts = dict(reading_counts(corpus))
    assert counts["with pickups"] == 1 and counts["with repeats written out"] == 1
    assert counts["with accidentals carried to the bar line"] == 1 and counts["with meter changes"] == 0
    assert any(line.startswith("as read (issue 10): 1 with pickups") for line in info_lines(corpus))

    again = build_corpus([tmp_path / "tunes"], cache, workers=1, progress=False)  # all cached: same report
    assert again.parsed == 0 and again.problems == report.problems
