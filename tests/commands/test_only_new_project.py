"""QA: `composer continue seed.mid -o out.composer.json --only-new` silently wrote the whole score
(--only-new was applied to MIDI output only). Now a project holds only the new notes, at their place
in the piece, with the score's voices and tempo, as the MIDI export does. Real CLI, a seed file the
test writes, the real project file read back; an untrained small model writes the notes (this is
about which notes are written, not their quality)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent))
from parts_music import four_voice_score, random_checkpoint  # noqa: E402

from composer.cli import main  # noqa: E402
from composer.io import read_score, write_midi  # noqa: E402
from composer.io.project_file import load_project  # noqa: E402


def test_only_new_writes_a_project_of_the_new_notes_alone(tmp_path, capsys):
    write_midi(four_voice_score(), tmp_path / "seed.mid")
    model = random_checkpoint(tmp_path / "random.safetensors")
    common = [str(tmp_path / "seed.mid"), "--model", str(model), "--bars", "2", "--seed", "4"]
    assert main(["continue", *common, "-o", str(tmp_path / "all.composer.json")]) == 0
    assert main(["continue", *common, "-o", str(tmp_path / "new.composer.json"), "--only-new"]) == 0
    out = capsys.readouterr().out
    seed = read_score(tmp_path / "seed.mid")
    whole = load_project(tmp_path / "all.composer.json").score
    alone = load_project(tmp_path / "new.composer.json").score
    assert len(whole.notes) > len(seed.notes)  # the seed and new notes
    expected = [n for n in whole.notes if n.generated]  # same seed: the same new notes
    assert expected and sorted(alone.notes, key=repr) == sorted(expected, key=repr)
    assert all(n.generated and n.onset >= seed.end for n in alone.notes)  # at their place in the piece
    assert [v.name for v in alone.voices] == [v.name for v in seed.voices]
    assert [t.bpm for t in alone.tempos] == [t.bpm for t in seed.tempos]
    assert f"{len(expected)} new notes alone" in out and "--only-new" in out
