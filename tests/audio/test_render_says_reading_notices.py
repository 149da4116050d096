"""QA (qa12 F14): `composer render` of a tune whose repeats are written out as played said
nothing about it, though the WAV plays the repeats (16 bars where the page has 11). It prints the
reading notice, as continue/fill/accompany and the window do. Real ABC file, real FluidSynth."""

from __future__ import annotations

from composer.cli import main

TUNE = "X:1\nT:Repeated\nM:4/4\nL:1/4\nK:C\n|:C D E F | G A B c:|\n"
PLAIN = "X:1\nT:Plain\nM:4/4\nL:1/4\nK:C\nC D E F | G A B c |]\n"


def test_render_prints_what_reading_interpreted(tmp_path, soundfont, capsys):
    (tmp_path / "repeated.abc").write_text(TUNE)
    (tmp_path / "plain.abc").write_text(PLAIN)
    for name in ("repeated", "plain"):
        code = main(["render", str(tmp_path / f"{name}.abc"), "-o", str(tmp_path / f"{name}.wav"),
                     "--soundfont", str(soundfont), "--quiet"])
        assert code == 0
        err = capsys.readouterr().err
        notice = (f"composer render: {tmp_path / 'repeated.abc'}: repeats written out as played: 4 bars from 2 "
                  "written; bar numbers count played bars")
        assert (notice in err) == (name == "repeated"), err
