from __future__ import annotations

import re

from composer.cli import main


def test_build_then_info_from_the_command_line(user_folder, cache, capsys):
    assert main(["data", "build", "--source", str(user_folder), "--cache", str(cache), "--workers", "1", "--quiet"]) == 0
    built = capsys.readouterr().out
    assert "5 files (5 parsed, 0 cached, 1 skipped), 5 pieces" in built
    assert "my_music:irish/broken.mid" in built

    assert main(["data", "info", "--cache", str(cache)]) == 0
    out = capsys.readouterr().out
    rows = {line.split()[0]: line.split()[1:] for line in out.splitlines() if line.strip()}
    # Style rows: "  Readable name [id]" then pieces, notes, hours for train, validation, test.
    styles = {m.group(1): [float(x) for x in m.group(2).split()]
              for m in re.finditer(r"^  .*\[(\w+)\]\s+([\d. ]+)$", out, re.M)}

    def summed(style):  # pieces, notes, hours over the three splits
        return [sum(styles[style][i::3]) for i in range(3)]

    assert summed("jazz_tunes")[:2] == [3, 5 + 5 + 9 + 5]  # a.mid: 5 notes + 5 drum hits; b.abc: 9 + 5
    assert summed("my_music")[:2] == [1, 4] and abs(summed("my_music")[2] - 4 * 60 / 90 / 3600) < 0.006
    assert summed("irish")[:2] == [1, 8]
    assert "  Irish [irish]" in out and "  Jazz tunes [jazz_tunes]" in out and "Melodic styles" in out
    assert rows["total"][:2] == ["5", str(4 + 24 + 8)]
    assert rows["skipped"] == ["files:", "1"]


def test_info_without_a_build_fails_with_a_hint(tmp_path, capsys):
    assert main(["data", "info", "--cache", str(tmp_path / "none")]) == 1
    assert "composer data build --cache" in capsys.readouterr().err


def test_build_of_a_missing_folder_fails_clearly(tmp_path, capsys):
    assert main(["data", "build", "--source", str(tmp_path / "nope"), "--cache", str(tmp_path / "c"), "--quiet"]) == 2
    assert "no such folder" in capsys.readouterr().err
