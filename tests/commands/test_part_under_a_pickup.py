"""A part asked under music that is only a pickup says so in a musician's terms: it said "region
end 480 is not after its start 480" (QA). The real command; a tune written here."""

from __future__ import annotations

from composer.cli import main


def test_a_part_under_a_pickup_alone_says_what_to_do(tmp_path, capsys, one_thread):
    (tmp_path / "one.abc").write_text("X:1\nT:One note\nM:4/4\nL:1/4\nK:C\nc|\n")  # a one-beat pickup
    code = main(["accompany", str(tmp_path / "one.abc"), "--part", "bass", "-o", str(tmp_path / "out.mid")])
    err = capsys.readouterr().err
    assert code != 0 and not (tmp_path / "out.mid").exists()
    assert "only a pickup" in err and "whole bar" in err and "region end" not in err, err
