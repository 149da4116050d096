"""`composer accompany --part bass --anyway --lowest C3 --highest C4` beside a bass line (the real
CLI, the shipped model, a file the test writes): the notice says the range given, as the refusal
before it did and as the part is written.

Found by QA: the refusal said "held notes, one a bar, in the range given", then with --anyway the
notice said "an octave above it (C3-B3)" while the part was written in C3-C4 (a C4 in bar 2): the
notice read the request's range, which for a bass is always set (by add_part, an octave away,
unless the person gave one), so it never knew a range had been given."""

from __future__ import annotations

from composer.cli import main
from composer.io import read_score, write_midi

from tests.model.test_drums_bass_beside import band


def test_the_anyway_notice_says_the_range_given(tmp_path, capsys, one_thread):
    song, out = tmp_path / "song.mid", tmp_path / "out.mid"
    write_midi(band(), song)
    code = main(["accompany", str(song), "--part", "bass", "--anyway", "--lowest", "C3", "--highest", "C4",
                 "-o", str(out), "--seed", "3"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "the new bass part complements Bass: held notes, one a bar, in the range given" in err, err
    assert "octave" not in err, err
    written = read_score(out)
    new = [n for n in written.notes if n.voice == len(written.voices) - 1]
    assert new and all(48 <= n.pitch <= 60 for n in new), sorted(n.pitch for n in new)
