"""QA: `composer fill song.mid --bars 9-10` on an 8-bar song acted as a continuation without saying
so. Now a notice on stderr says the bars are after the end of the piece and that it is continued
(and which bars stay empty when there is a gap); bars inside the piece get no notice. Real CLI, an
8-bar seed file the test writes; an untrained small model writes the notes (this is about what the
command says, not about the notes)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent))
from parts_music import random_checkpoint  # noqa: E402

from composer.cli import main  # noqa: E402
from composer.io import read_score, write_midi  # noqa: E402
from composer.music.score import TICKS_PER_QUARTER as Q  # noqa: E402
from composer.music.score import Note, Score  # noqa: E402

BAR = 4 * Q


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    root = tmp_path_factory.mktemp("fill_end")
    scale = [60, 62, 64, 65, 67, 69, 71, 72]
    write_midi(Score(notes=[Note(scale[i % 8], i * Q, Q, 90) for i in range(32)]), root / "song.mid")  # 8 bars
    return root, random_checkpoint(root / "random.safetensors")


@pytest.mark.parametrize("bars, notice", [
    ("9-10", "bars 9-10 are after the end of the piece (8 bars): continuing it instead\n"),
    ("9", "bar 9 is after the end of the piece (8 bars): continuing it instead\n"),
    ("11-12", "bars 11-12 are after the end of the piece (8 bars): continuing it instead; bars 9-10 stay empty"),
    ("7-9", "bar 9 is after the end of the piece (8 bars): those are a continuation"),
    ("3-4", None),
    ("8", None),
])
def test_fill_past_the_end_says_it_continues(files, capsys, bars, notice):
    root, model = files
    out = root / f"fill-{bars}.mid"
    code = main(["fill", str(root / "song.mid"), "-o", str(out), "--bars", bars, "--model", str(model),
                 "--seed", "2"])
    err = capsys.readouterr().err
    assert code == 0, err
    if notice is None:
        assert "notice" not in err
    else:
        assert f"notice: {root / 'song.mid'}: {notice}" in err
    first, last = (int(b) for b in (bars.split("-") * 2)[:2])
    new = [n for n in read_score(out).notes if n.onset >= 8 * BAR or (first - 1) * BAR <= n.onset < last * BAR]
    assert all((first - 1) * BAR <= n.onset < last * BAR for n in new)  # written where asked, nowhere else
