"""An added bass plays the density asked: `accompany --part bass --density 8` gave 5 notes a bar
and 12 gave 4, without a word, the plain lines a new bass is made up of (region_writer's
default_bass_line) overruling the density (QA qa14 W6). The real command and the shipped model."""

from __future__ import annotations

from composer.cli import main
from composer.io import read_score


def test_an_added_bass_plays_the_density_asked(tmp_path, one_thread):
    (tmp_path / "t.abc").write_text("X:1\nT:Scale\nM:4/4\nL:1/4\nK:C\nC D E F|G A B c|c B A G|F E D C|\n")
    for density in (8, 12):
        assert main(["accompany", str(tmp_path / "t.abc"), "--part", "bass", "--density", str(density),
                     "-o", str(tmp_path / f"b{density}.mid"), "--seed", "1"]) == 0
        new = [n for n in read_score(tmp_path / f"b{density}.mid").notes if n.generated]
        per_bar = [sum(1 for n in new if n.onset // 1920 == bar) for bar in range(4)]
        assert sum(density - 1 <= k <= density for k in per_bar) >= 3, (density, per_bar)
