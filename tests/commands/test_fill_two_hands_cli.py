"""`composer fill` on a piano recorded with both hands in one track says that the co-writer
writes it as two hands, and writes the new notes back into that one track. The real command,
the shipped model, MIDI files written here."""

from __future__ import annotations

from composer.cli import main
from composer.io import read_score
from composer.io.midi_writer import write_midi
from composer.music import Score, Voice

from keyboard_music import alberti, in_one_track, tune


def test_a_one_track_piano_is_written_as_two_hands_into_its_track(tmp_path, one_thread, capsys):
    piece, _ = in_one_track(tune(), alberti())
    write_midi(piece, tmp_path / "one.mid")
    two = Score(notes=[*tune(), *(n.with_(voice=1) for n in alberti())], voices=[Voice("RH", 0), Voice("LH", 0)])
    write_midi(two, tmp_path / "two.mid")
    for name, said in (("one.mid", True), ("two.mid", False)):
        code = main(["fill", str(tmp_path / name), "--bars", "5-6", "-o", str(tmp_path / f"out-{name}"), "--seed", "1"])
        err = capsys.readouterr().err
        assert code == 0 and ("both hands play in one track" in err) == said, err
    out = read_score(tmp_path / "out-one.mid")
    assert [v.name for v in out.voices] == ["Piano"]
    new = [n for n in out.notes if 4 * 1920 <= n.onset < 6 * 1920]
    assert min(n.pitch for n in new) < 60 < max(n.pitch for n in new)  # both hands wrote


def test_the_note_cap_is_counted_per_hand(tmp_path, one_thread):
    """The co-writer writes the hands as two voices, each with its own note cap, so whether one
    stopped at its cap is judged on the hands as written: counted as one part, a continuation
    of a one-track piano was said to have stopped short whenever the two hands' notes together
    came to the one part's cap (LOW in QA qa18)."""
    from composer.commands.generation_args import _as_written, _stopped_short
    from composer.generate import CoWriter
    from composer.music.limits import BARS_REQUEST_NOTES
    from composer.request import continue_request

    piece, _ = in_one_track(tune(), alberti())
    request = continue_request(piece, (0,), bars=1, variations=2, seed=1)
    cowriter = CoWriter.load(None)
    variations = cowriter.generate(request)
    for number, variation in enumerate(variations):
        new = [n for n in variation.notes if n.generated]
        written, notes = _as_written(cowriter, request, new, number)
        assert [written.score.voices[v].name for v in written.region.voices] == ["Piano", "Piano (LH)"]
        assert len(notes) == len(new) and {n.voice for n in notes} == {0, 1}
        assert _stopped_short(written, notes) == ""
        # as many notes as one part's cap: the one part would be said to have stopped at it,
        # the two hands, each under its own, are not
        at_cap = [notes[i % len(notes)] for i in range(min(BARS_REQUEST_NOTES, 48))]
        assert _stopped_short(request, [n.with_(voice=0) for n in at_cap]) == "Piano (48)"
        assert _stopped_short(written, at_cap) == ""
