"""`composer accompany song.mid --part drums` / `--part bass` on a MIDI file that already has a drum
groove and a bass line (the real CLI, the shipped model, a file the test writes).

Found by QA: the command wrote "Drums 2" repeating the kit pattern there and "Bass 2" in the
bass's register, without a word. Now it refuses (exit 2) naming the part and what to do (--anyway,
or another --part) and writes nothing; with --anyway it says how the new part complements the one
there (a notice, before it is written) and writes it: hand percussion beside the kit, a bass an
octave above."""

from __future__ import annotations

import pytest

from composer.cli import main
from composer.io import read_score, write_midi
from composer.music.second_part import PERCUSSION

from tests.model.test_drums_bass_beside import band


@pytest.mark.parametrize("part, name, notice", [
    ("drums", '"Drums"', "the new drum part complements Drums: other instruments of the kit, hand percussion: "
                         "Maracas, Tambourine, Open Hi Conga"),
    ("bass", '"Bass"', "the new bass part complements Bass: held notes, one a bar, an octave above it (C3-D4)")])  # its C2-D3 up an octave
def test_accompany_says_the_piece_has_the_part(tmp_path, capsys, one_thread, part, name, notice):
    song, out = tmp_path / "song.mid", tmp_path / "out.mid"
    write_midi(band(), song)
    code = main(["accompany", str(song), "--part", part, "-o", str(out), "--seed", "3"])
    err = capsys.readouterr().err
    assert code == 2 and not out.exists()
    assert str(song) in err and name in err and "double" in err and "--anyway" in err, err

    code = main(["accompany", str(song), "--part", part, "--anyway", "-o", str(out), "--seed", "3"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert notice in err, err
    written = read_score(out)
    new = [n for n in written.notes if n.voice == len(written.voices) - 1]
    assert written.voices[-1].name == ("Drums 2" if part == "drums" else "Bass 2") and new
    if part == "drums":
        assert written.voices[-1].is_drum and {n.pitch for n in new} <= set(PERCUSSION)
    else:
        assert all(48 <= n.pitch <= 62 for n in new), sorted(n.pitch for n in new)
