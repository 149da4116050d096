from __future__ import annotations

from composer.cli import main


def test_build_then_info_from_the_command_line(user_folder, cache, capsys):
    assert main(["data", "build", "--source", str(user_folder), "--cache", str(cache), "--workers", "1", "--quiet"]) == 0
    built = capsys.readouterr().out
    assert "5 files (5 parsed, 0 cached, 1 skipped), 5 pieces" in built
    assert "my_music:irish/broken.mid" in built

    assert main(["data", "info", "--cache", str(cache)]) == 0
    rows = {line.split()[0]: line.split()[1:] for line in capsys.readouterr().out.splitlines() if line.strip()}
    assert rows["jazz_tunes"][:2] == ["3", str(5 + 5 + 9 + 5)]  # a.mid: 5 notes + 5 drum hits; b.abc: 9 + 5
    assert rows["my_music"][:3] == ["1", "4", "3"]  # 4 beats at 90 bpm: about 3 s
    assert rows["irish"][:2] == ["1", "8"]
    assert rows["total"][:2] == ["5", str(4 + 24 + 8)]
    assert rows["skipped"] == ["files:", "1"]


def test_info_without_a_build_fails_with_a_hint(tmp_path, capsys):
    assert main(["data", "info", "--cache", str(tmp_path / "none")]) == 1
    assert "composer data build --cache" in capsys.readouterr().err


def test_build_of_a_missing_folder_fails_clearly(tmp_path, capsys):
    assert main(["data", "build", "--source", str(tmp_path / "nope"), "--cache", str(tmp_path / "c"), "--quiet"]) == 2
    assert "no such folder" in capsys.readouterr().err
