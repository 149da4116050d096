"""An added bass ends the piece on the last bar's downbeat, held to the end: with beat 4 an
approach note in every bar, it ended the piece on a passing note (8 of 27 parts ended on the root,
QA qa14 W1b). The real command and the shipped model on a lead sheet written here."""

from __future__ import annotations

from composer.cli import main
from composer.io import read_score

TUNE = 'X:1\nT:Ending\nM:4/4\nL:1/4\nK:G\n"G"B d g d|"C"c e g e|"D7"d f a f|"G"g4|\n'
BAR = 1920


def test_an_added_bass_ends_on_the_last_downbeat_held_to_the_end(tmp_path, one_thread):
    (tmp_path / "t.abc").write_text(TUNE)
    assert main(["accompany", str(tmp_path / "t.abc"), "--part", "bass", "-o", str(tmp_path / "b.mid"),
                 "--seed", "1", "--variations", "4"]) == 0
    for k in range(1, 5):
        bass = [n for n in read_score(tmp_path / f"b-{k}.mid").notes if n.generated]
        last = [n for n in bass if n.onset >= 3 * BAR]
        assert len(last) == 1 and last[0].onset == 3 * BAR and last[0].duration == BAR, \
            [(n.pitch, n.onset - 3 * BAR, n.duration) for n in last]
        assert last[0].pitch % 12 in (7, 11, 2)  # a tone of the last chord, G major


ARRIVING = 'X:1\nT:Arrival\nM:4/4\nL:1/8\nK:D\nD2 F2 A2 F2|E2 D2 B,2 D2|A,2 B,2 D2 E2|E2 D4 z2|\n'


def test_an_added_harmony_part_plays_through_a_last_bar_the_tune_arrives_in(tmp_path, one_thread):
    """The arrival is a bass's and a line's ending; a part of chords plays through the bar as
    before: arriving, an added harmony part had stacked its last chord from A0 up and let it go
    after a beat, under the tune's held D5 (QA)."""
    (tmp_path / "t.abc").write_text('X:1\nT:Arrival\nM:4/4\nL:1/4\nK:D\nF A d f|e d c A|B d g B|A3 z|'
                                    'F A d f|g e c e|f d B c|e d3|]\n')
    assert main(["accompany", str(tmp_path / "t.abc"), "--part", "harmony", "-o", str(tmp_path / "h.mid"),
                 "--seed", "1", "--variations", "2"]) == 0
    for k in range(1, 3):
        last = [n for n in read_score(tmp_path / f"h-{k}.mid").notes if n.generated and n.onset >= 7 * BAR]
        assert last and min(n.pitch for n in last) >= 40 and len({n.onset for n in last}) <= 2, \
            [(n.pitch, n.onset - 7 * BAR, n.duration) for n in last]
        assert any(n.onset <= 7 * BAR + 960 < n.onset + n.duration for n in last)  # (under the D5 on beat 3)


def test_an_added_bass_arrives_with_the_tune_on_its_last_note(tmp_path, one_thread):
    """A tune in D whose last bar is E5 on the downbeat, then D5 held, with no chords written: the
    piece arrives on that D5. The bar had not counted as the piece's end (two onsets in it), and
    an added bass walked through it, E2 E2 B2 E2 under the final D5 (QA); and a tune's last note
    alone made D-no-third the last chord, which ended no estimate's E. Now its last note is D on
    beat 2, held (region_writer._final_bar's arrival, _final_chord's tonic triad)."""
    (tmp_path / "t.abc").write_text(ARRIVING)
    assert main(["accompany", str(tmp_path / "t.abc"), "--part", "bass", "-o", str(tmp_path / "b.mid"),
                 "--seed", "1", "--variations", "3"]) == 0
    for k in range(1, 4):
        bass = sorted((n for n in read_score(tmp_path / f"b-{k}.mid").notes if n.generated), key=lambda n: n.onset)
        after = [n for n in bass if n.onset >= 3 * BAR + 480]
        assert len(after) == 1 and after[0].onset == 3 * BAR + 480 and after[0].pitch % 12 == 2, \
            [(n.pitch, n.onset - 3 * BAR, n.duration) for n in bass[-3:]]
