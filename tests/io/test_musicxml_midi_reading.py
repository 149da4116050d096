"""MusicXML and MIDI read as notation programs and sequencers play them (issue 10): each kind on
a file this test writes, with the values a musician expects."""

from __future__ import annotations

import io
import zipfile

import pytest

from composer.io import read_score
from composer.io.midi_file import read_midi_report
from composer.music.meter import MeterChange

from handmade_smf import event, meta, name, note, smf, track

Q = 480
HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE score-partwise PUBLIC "-//Recordare//DTD MusicXML 4.0 '
        'Partwise//EN" "http://www.musicxml.org/dtds/partwise.dtd">\n<score-partwise version="4.0">')
THREE_FOUR = "<attributes><divisions>1</divisions><time><beats>3</beats><beat-type>4</beat-type></time></attributes>"


def xml(parts: list[str], part_list: str | None = None, extra: str = "") -> bytes:
    part_list = part_list or "".join(f'<score-part id="P{i + 1}"><part-name>P{i + 1}</part-name></score-part>'
                                     for i in range(len(parts)))
    body = "".join(f'<part id="P{i + 1}">{measures}</part>' for i, measures in enumerate(parts))
    return (HEAD + extra + f"<part-list>{part_list}</part-list>" + body + "</score-partwise>").encode()


def n(step: str, octave: int, duration: int, kind: str = "quarter", inner: str = "", after: str = "") -> str:
    return (f"<note>{inner}<pitch><step>{step}</step><octave>{octave}</octave></pitch>"
            f"<duration>{duration}</duration><type>{kind}</type>{after}</note>")


def m(number: int, *content: str, attrs: str = "") -> str:
    return f'<measure number="{number}"{attrs}>' + "".join(content) + "</measure>"


def played(score) -> list[tuple[float, int]]:
    return [(note_.onset / Q, note_.pitch) for note_ in score.sorted_notes()]


def test_repeats_and_endings_are_played_as_performed(file_of):
    left_repeat = '<barline location="left"><repeat direction="forward"/></barline>'
    first = ('<barline location="left"><ending number="1" type="start"/></barline>',
             '<barline location="right"><ending number="1" type="stop"/><repeat direction="backward"/></barline>')
    second = ('<barline location="left"><ending number="2" type="start"/></barline>',
              '<barline location="right"><ending number="2" type="stop"/></barline>')
    score = read_score(file_of(xml([m(1, THREE_FOUR, left_repeat, n("C", 5, 3, "half")) +
                                    m(2, first[0], n("D", 5, 3, "half"), first[1]) +
                                    m(3, second[0], n("E", 5, 3, "half"), second[1])]), ".musicxml"))
    assert played(score) == [(0, 72), (3, 74), (6, 72), (9, 76)]
    assert "repeats" in score.features


def test_a_transposing_instrument_sounds_at_concert_pitch(file_of):
    clarinet = ("<attributes><divisions>1</divisions><time><beats>4</beats><beat-type>4</beat-type></time>"
                "<transpose><diatonic>-1</diatonic><chromatic>-2</chromatic></transpose></attributes>")
    written = m(1, clarinet, n("G", 4, 1), n("A", 4, 1), n("B", 4, 1), n("C", 5, 1))
    flute = m(1, THREE_FOUR.replace("<beats>3", "<beats>4"), n("F", 4, 1), n("G", 4, 1), n("A", 4, 1),
              n("B", 4, 1, inner="", after="").replace("<step>B</step>", "<step>B</step><alter>-1</alter>"))
    score = read_score(file_of(xml([flute, written]), ".musicxml"))
    by_voice = {v: [note_.pitch for note_ in score.sorted_notes() if note_.voice == v] for v in (0, 1)}
    assert by_voice[0] == by_voice[1] == [65, 67, 69, 70]  # F4 G4 A4 Bb4, both parts
    assert "transposed parts" in score.features


def test_dynamics_set_velocities(file_of):
    soft = '<direction><direction-type><dynamics><p/></dynamics></direction-type></direction>'
    loud = '<direction><direction-type><dynamics><ff/></dynamics></direction-type></direction>'
    score = read_score(file_of(xml([m(1, THREE_FOUR, soft, n("C", 5, 3, "half")) + m(2, loud, n("D", 5, 3, "half"))]),
                               ".musicxml"))
    first, second = score.sorted_notes()
    assert first.velocity < 64 < 96 < second.velocity
    assert "dynamics" in score.features


def test_unpitched_percussion_becomes_general_midi_drums(file_of):
    part_list = ('<score-part id="P1"><part-name>Drum Set</part-name>'
                 '<score-instrument id="I36"><instrument-name>Bass Drum</instrument-name></score-instrument>'
                 '<score-instrument id="I39"><instrument-name>Snare</instrument-name></score-instrument>'
                 '<midi-instrument id="I36"><midi-channel>10</midi-channel><midi-unpitched>37</midi-unpitched></midi-instrument>'
                 '<midi-instrument id="I39"><midi-channel>10</midi-channel><midi-unpitched>39</midi-unpitched></midi-instrument>'
                 '</score-part>')

    def hit(step, octave, instrument):
        return (f"<note><unpitched><display-step>{step}</display-step><display-octave>{octave}</display-octave>"
                f'</unpitched><duration>1</duration><instrument id="{instrument}"/><type>quarter</type></note>')

    measure = m(1, THREE_FOUR, hit("F", 4, "I36"), hit("C", 5, "I39"),
                "<note><unpitched><display-step>G</display-step><display-octave>5</display-octave></unpitched>"
                "<duration>1</duration><type>quarter</type><notehead>x</notehead></note>")  # no instrument: staff position
    score = read_score(file_of(xml([measure], part_list), ".musicxml"))
    assert played(score) == [(0, 36), (1, 38), (2, 42)]  # bass drum, snare, closed hi-hat
    assert score.voices[0].is_drum


def test_forward_rests_chords_staves_and_divisions_keep_time(file_of):
    forward = m(1, THREE_FOUR, n("C", 5, 1), n("D", 5, 1), "<forward><duration>1</duration></forward>")
    whole_rest = m(2, '<note><rest measure="yes"/><duration>3</duration><type>whole</type></note>')
    chord = m(3, n("C", 5, 1), '<direction><direction-type><words>dolce</words></direction-type></direction>',
              n("E", 5, 1, inner="<chord/>"), n("G", 5, 2, "half"))
    score = read_score(file_of(xml([forward + whole_rest + chord]), ".musicxml"))
    assert played(score) == [(0, 72), (1, 74), (6, 72), (6, 76), (7, 79)]
    assert score.meters == [MeterChange(0, 3, 4)]  # a bar ended by <forward> is no pickup

    two_staves = ("<attributes><divisions>1</divisions><time><beats>3</beats><beat-type>4</beat-type></time>"
                  "<staves>2</staves></attributes>")
    staff = m(1, two_staves, n("C", 5, 1, after="<staff>1</staff>"), n("D", 5, 1), n("E", 5, 1, after="<staff>1</staff>"),
              "<backup><duration>3</duration></backup>", n("C", 3, 3, "half", after="<staff>2</staff>"))
    assert sorted(played(read_score(file_of(xml([staff]), ".musicxml")))) == [(0, 48), (0, 72), (1, 74), (2, 76)]

    no_divisions = m(1, "<attributes><time><beats>3</beats><beat-type>4</beat-type></time></attributes>",
                     n("C", 5, 4), n("D", 5, 4), n("E", 5, 4)) + m(2, n("F", 5, 12, "half", after="<dot/>"))
    read = read_score(file_of(xml([no_divisions]), ".musicxml"))
    assert played(read) == [(0, 72), (1, 74), (2, 76), (3, 77)]
    assert any("no <divisions>" in problem for problem in read.problems)


def test_grace_notes_sound_and_take_their_time_from_the_main_note(file_of):
    grace = "<note><grace/><pitch><step>B</step><octave>4</octave></pitch><type>eighth</type></note>"
    score = read_score(file_of(xml([m(1, THREE_FOUR, grace, n("C", 5, 1), n("D", 5, 2, "half"))]), ".musicxml"))
    assert [(n_.onset, n_.duration, n_.pitch) for n_ in score.sorted_notes()] == [
        (0, 60, 71), (60, 420, 72), (480, 960, 74)]


def test_a_pickup_measure_and_the_movement_title(file_of):
    measures = m(0, THREE_FOUR, n("G", 4, 1), attrs=' implicit="yes"') + m(1, n("C", 5, 3, "half"))
    score = read_score(file_of(xml([measures], extra="<movement-title>Air</movement-title>"), ".musicxml"))
    assert score.meters == [MeterChange(-2 * Q, 3, 4)]
    assert score.title == "Air"


def test_compressed_musicxml_is_prepared_too(file_of):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("META-INF/container.xml", '<?xml version="1.0"?><container><rootfiles>'
                         '<rootfile full-path="score.xml"/></rootfiles></container>')
        archive.writestr("score.xml", xml([m(1, THREE_FOUR, n("C", 5, 1), n("D", 5, 1),
                                             "<forward><duration>1</duration></forward>") + m(2, n("E", 5, 3, "half"))]))
    assert played(read_score(file_of(buffer.getvalue(), ".mxl"))) == [(0, 72), (1, 74), (3, 76)]


def test_a_program_change_after_the_first_note_splits_the_voice(file_of):
    program = lambda delta, value: event(delta, 0xC0, value)  # noqa: E731
    data = smf(track(name("Lead"), program(0, 73), note(0, 72, 480), program(0, 40), note(0, 74, 480),
                     program(0, 73), note(0, 76, 480)))
    report = read_midi_report(file_of(data))
    score = report.score
    assert [(v.name, v.program) for v in score.voices] == [("Lead (Flute)", 73), ("Lead (Violin)", 40)]
    assert [(n_.pitch, n_.voice) for n_ in score.sorted_notes()] == [(72, 0), (74, 1), (76, 0)]
    assert "program changes" in score.features


@pytest.mark.parametrize("numerator, denominator, pickup", [(1, 4, 480), (3, 8, 720), (1, 8, 240)])
def test_a_midi_pickup_bar_in_the_meter_that_follows(file_of, numerator, denominator, pickup):


    def signature(delta, top, bottom):
        return meta(delta, 0x58, bytes([top, bottom.bit_length() - 1, 24, 8]))

    data = smf(track(signature(0, numerator, denominator), signature(pickup, 4, 4), note(0, 60, 480)))
    score = read_midi_report(file_of(data)).score
    assert score.meters == [MeterChange(pickup - 1920, 4, 4)]


def test_a_bar_that_does_not_fill_its_meter_is_listed(file_of):
    measures = (m(1, THREE_FOUR, n("C", 5, 3, "half", after="<dot/>")) + m(2, n("D", 5, 2, "half"))
                + m(3, n("E", 5, 3, "half", after="<dot/>")) + m(4, n("F", 5, 3, "half", after="<dot/>")))
    score = read_score(file_of(xml([measures]), ".musicxml"))
    assert len(score.notes) == 4
    assert score.problems == ("P1: 1 bar not as long as its meter (bar 2)",)
    clean = read_score(file_of(xml([m(1, THREE_FOUR, n("C", 5, 3, "half", after="<dot/>"))]), ".musicxml"))
    assert clean.problems == ()
