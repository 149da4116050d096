"""`composer accompany` says what the chosen style makes of the added part where its name alone does
not (QA qa15 L4, L4b): the drums of a melodic style with a drum family play that family's measured
beat ('jazz' -> groove_jazz's ride, swung), and a groove style, learnt from drums alone, moves only
the drums. The real CLI, the shipped model, a file the test writes."""

from __future__ import annotations

import pytest

from composer.cli import main
from composer.io import read_score, write_midi
from composer.music import Note, Score, Voice
from composer.music.score import TimeSignature

Q = 480
TUNE = [67, 69, 71, 72, 74, 72, 71, 69, 67, 66, 67, 69, 71, 67, 62, 67]


def _accompany(tmp_path, capsys, part: str, style: str, numerator: int = 4) -> tuple[str, Score]:
    song, out = tmp_path / "song.mid", tmp_path / "out.mid"
    notes = TUNE[:len(TUNE) // numerator * numerator]
    write_midi(Score(notes=[Note(p, i * Q, Q, 90, 0) for i, p in enumerate(notes)], voices=[Voice("Flute", 73)],
                     time_signature=TimeSignature(numerator, 4)), song)
    code = main(["accompany", str(song), "--part", part, "--style", style, "-o", str(out), "--seed", "1"])
    err = capsys.readouterr().err
    assert code == 0, err
    return err, read_score(out)


def test_jazz_drums_say_whose_beat_they_play(tmp_path, capsys, one_thread):
    err, written = _accompany(tmp_path, capsys, "drums", "popular_song_jazz")
    assert ("notice: " in err and "the drums play the groove_jazz beat (ride, swung), the groove style nearest "
            "to popular_song_jazz" in err), err
    assert any(n.pitch == 51 for n in written.notes if n.generated)  # ... and do (the ride)


def test_a_groove_style_in_a_meter_it_has_no_beat_for_says_so(tmp_path, capsys, one_thread):
    err, _ = _accompany(tmp_path, capsys, "drums", "groove_funk", numerator=3)
    assert "groove_funk has no beat measured in 3/4" in err and "the plain 3/4 beat" in err, err


@pytest.mark.parametrize("style", ["groove_funk", "groove_jazz"])
def test_nothing_more_to_say_of_a_groove_styles_own_drums(tmp_path, capsys, one_thread, style):
    err, _ = _accompany(tmp_path, capsys, "drums", style)
    assert "the drums play" not in err and "no beat measured" not in err, err


def test_a_folk_tunes_drums_keep_the_plain_beat_without_a_word(tmp_path, capsys, one_thread):
    err, written = _accompany(tmp_path, capsys, "drums", "irish")
    assert "notice" not in err, err
    hats = {n.onset for n in written.notes if n.generated and n.pitch == 42 and n.onset % Q == Q // 2}
    assert len(hats) >= 8, sorted(hats)  # the plain beat's eighth hats


def test_a_groove_bass_says_it_leans_to_the_kick_and_does(tmp_path, capsys, one_thread):
    err, written = _accompany(tmp_path, capsys, "bass", "groove_funk")
    assert "notice: " in err and "the new bass part leans to groove_funk's kick; the other parts keep the plain " \
        "rhythm" in err, err
    new = [n for n in written.notes if n.generated]
    assert any(n.onset % Q for n in new), sorted(n.onset for n in new)  # off the beat, with the kick


def test_a_groove_harmony_says_only_drums_follow_the_style(tmp_path, capsys, one_thread):
    err, _ = _accompany(tmp_path, capsys, "harmony", "groove_latin")
    assert "only drums follow groove_latin's beat (a style learnt from drum grooves alone): the new harmony part " \
        "keeps the plain rhythm" in err, err
