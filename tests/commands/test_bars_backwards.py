"""`--bars 5-3` says the range runs backwards and how to write it, not only the expected form
(QA: 'bars '5-3': give a bar or a range of bars, e.g. 5-6' left the reader to find what was wrong).
The real CLI parser; no model is needed (the arguments are refused first)."""

from __future__ import annotations

import pytest

from composer.cli import main


def test_a_backwards_bar_range_is_named(tmp_path, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["fill", str(tmp_path / "song.mid"), "--bars", "5-3", "-o", str(tmp_path / "out.mid")])
    assert stopped.value.code == 2
    assert "bars '5-3' run backwards: give a range of bars first bar first, 3-5" in capsys.readouterr().err
