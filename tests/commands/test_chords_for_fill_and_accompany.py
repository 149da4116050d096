"""`composer fill` and `composer accompany` take --chords as `continue` does, laid out from the
first bar they write: "add a bass to my tune over C | E7 | Am | G7" could not be said on the
command line, though the help of --chord-strength named --chords (QA). The real commands, the
shipped model, a tune written here."""

from __future__ import annotations

from composer.cli import main
from composer.io import read_score

TUNE = "X:1\nT:t\nM:4/4\nL:1/4\nK:C\nc e g e|d f a f|e g b g|c4|c e g e|d f a f|e g b g|c4|\n"
BAR = 1920


def roots_played(path, voice: int, bars: range, roots: list[int]) -> int:
    notes = [n for n in read_score(path).notes if n.voice == voice]
    return sum(any(n.pitch % 12 == root and n.onset // BAR == bar for n in notes) for bar, root in zip(bars, roots))


def test_accompany_follows_the_chords_given_from_its_first_bar(tmp_path, one_thread):
    (tmp_path / "t.abc").write_text(TUNE)
    code = main(["accompany", str(tmp_path / "t.abc"), "--part", "bass", "--chords", "F | G | A | D",
                 "-o", str(tmp_path / "b.mid"), "--seed", "1", "--variations", "2", "--bars", "5-8"])
    assert code == 0
    # F G A D over bars 5-8 (the tune says C Dm Em C there): the bass plays their roots
    assert sum(roots_played(tmp_path / f"b-{k}.mid", 1, range(4, 8), [5, 7, 9, 2]) for k in (1, 2)) >= 5


def test_fill_follows_the_chords_given_from_the_first_bar_it_writes(tmp_path, one_thread, capsys):
    (tmp_path / "t.abc").write_text(TUNE)
    tones = {4: (8, 0, 3), 5: (10, 2, 5)}  # bar 5: Ab C Eb, bar 6: Bb D F

    def chord_tone_share(chords: list[str], name: str) -> float:
        code = main(["fill", str(tmp_path / "t.abc"), "--bars", "5-6", *chords, "-o", str(tmp_path / name),
                     "--seed", "1", "--variations", "8", "--key", "off"])
        assert code == 0, capsys.readouterr().err
        strong = [n for k in range(1, 9) for n in read_score(tmp_path / name.replace(".mid", f"-{k}.mid")).notes
                  if 4 * BAR <= n.onset < 6 * BAR and n.onset % (BAR // 2) == 0]  # beats 1 and 3
        return sum(n.pitch % 12 in tones[n.onset // BAR] for n in strong) / max(1, len(strong))

    # Over 8 variations (one variation is one draw: a model's next release drew 1 of 3 there): about
    # half the strong-beat notes are the given chords' tones, against under a fifth without them.
    given, free = chord_tone_share(["--chords", "Ab | Bb"], "f.mid"), chord_tone_share([], "n.mid")
    assert given >= 0.35 and given >= free + 0.15, (given, free)

def test_chords_given_for_drums_alone_are_said_to_play_no_part(tmp_path, one_thread, capsys):
    """A drum fill given --chords took them without a word (QA qa17 L2): chords guide pitched parts."""
    from composer.io.midi_writer import write_midi
    from composer.music import Note, Score, Voice

    notes = [Note(60 + 2 * (i % 4), i * 480, 480, 80, 0) for i in range(32)]
    notes += [Note(36 if i % 2 == 0 else 38, i * 480, 120, 100, 1) for i in range(32)]
    write_midi(Score(notes=notes, voices=[Voice("Tune", 73), Voice("Drums", is_drum=True)]), tmp_path / "d.mid")
    for voices, said in (("Drums", True), ("Tune", False)):
        code = main(["fill", str(tmp_path / "d.mid"), "--bars", "3-4", "--voices", voices, "--chords", "C | G",
                     "-o", str(tmp_path / "o.mid"), "--seed", "1"])
        err = capsys.readouterr().err
        assert code == 0 and ("play no chords" in err) == said, err


def test_chords_shorter_than_the_bars_written_are_said(tmp_path, one_thread, capsys):
    """Two bars of --chords for a four-bar fill: the last two bars follow the piece's own chords,
    and that is said (QA qa31: it was taken without a word)."""
    (tmp_path / "t.abc").write_text(TUNE)
    for chords, said in (("C F | G", "--chords gives bars 3-4; bars 5-6 are written without given chords"),
                         ("C F | G | Am", "--chords gives bars 3-5; bar 6 is written without given chords"),
                         ("C F | G | Am | % | F | G", "--chords gives bars 3-8; those after bar 6 lie past"),
                         ("C F | G | Am | %", None),
                         ("C D E F G | G | Am | %", "--chords bar 3: 5 chords for 4 beats")):
        code = main(["accompany", str(tmp_path / "t.abc"), "--part", "bass", "--bars", "3-6", "--chords", chords,
                     "-o", str(tmp_path / "b.mid"), "--seed", "1"])
        err = capsys.readouterr().err
        assert code == 0
        assert (said in err) if said else ("--chords" not in err), err
