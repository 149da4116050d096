"""The sustain pedal of a file given to the commands comes out with its notes: `composer continue`
writes the seed's pedal spans back into the .mid and the project it writes (a round trip keeps
them, QA qa12 F8), and `--only-new`, the co-writer's notes alone, carries none (the pedal was the
player's, for the notes left out). Real CLI, a seed the test writes with a pedal, the files read
back; an untrained small model writes the notes (this is about what is written beside them)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent.parent))
from parts_music import four_voice_score, random_checkpoint  # noqa: E402

from composer.cli import main  # noqa: E402
from composer.io import read_score, write_midi  # noqa: E402
from composer.io.project_file import load_project  # noqa: E402
from composer.music.score import Pedal  # noqa: E402


def test_continue_keeps_the_seed_pedal_and_only_new_drops_it(tmp_path, capsys):
    seed = four_voice_score()
    seed.pedals = [Pedal(0, bar * 1920, bar * 1920 + 1920) for bar in range(4)]
    write_midi(seed, tmp_path / "seed.mid")
    read = read_score(tmp_path / "seed.mid")
    assert read.pedals == seed.pedals
    model = random_checkpoint(tmp_path / "random.safetensors")
    common = [str(tmp_path / "seed.mid"), "--model", str(model), "--bars", "2", "--seed", "4"]
    assert main(["continue", *common, "-o", str(tmp_path / "all.mid")]) == 0
    assert main(["continue", *common, "-o", str(tmp_path / "all.composer.json")]) == 0
    assert main(["continue", *common, "-o", str(tmp_path / "new.composer.json"), "--only-new"]) == 0
    assert main(["continue", *common, "-o", str(tmp_path / "new.mid"), "--only-new"]) == 0
    assert "sustain pedal kept for playback: 4 pedal presses in" in capsys.readouterr().err
    assert read_score(tmp_path / "all.mid").pedals == seed.pedals
    assert load_project(tmp_path / "all.composer.json").score.pedals == seed.pedals
    assert load_project(tmp_path / "new.composer.json").score.pedals == []
    assert read_score(tmp_path / "new.mid").pedals == []
