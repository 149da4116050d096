"""A waltz's left hand, continued, keeps its oom-pah-pah (a bass note on one, a chord on two and
three) and puts no semitone clusters in the bass (QA F16: a MusicXML grand staff whose left hand
plays two oom-pah-pah bars and ends on a held chord was continued as one note held a bar, 37 of
48 bars over 3 seeds x 4 variations, the tonic on 3 of 48 downbeats, and D3+Eb3 on downbeats).

The piece's last chord, held to its end, weighed most in the rhythm and lengths the part keeps
(region_writer._without_cadence leaves it out); a note closer under a chord's lowest note than
its interval's low limit loses a penalty (priors.LOW_INTERVAL_LIMITS). The test writes the
grand staff as MusicXML (two staves of one part, a pickup) and reads it as a user's file."""

from __future__ import annotations

import pytest

from composer.request import continue_request

Q, BAR = 480, 1440

_PITCH = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}


def _note(name: str, beats: int, staff: int, chord: bool = False) -> str:
    step, alter, octave = name[0], 1 if "#" in name else 0, int(name[-1])
    kind = {1: "quarter", 2: "half", 3: "half"}[beats]
    return (f"<note>{'<chord/>' if chord else ''}<pitch><step>{step}</step>"
            + (f"<alter>{alter}</alter>" if alter else "")
            + f"<octave>{octave}</octave></pitch><duration>{beats}</duration><voice>{staff}</voice>"
            f"<type>{kind}</type>{'<dot/>' if beats == 3 else ''}<staff>{staff}</staff></note>")


def _bar(number: int, tune: list[tuple[str, int]], left: list[list[str]], held: bool = False) -> str:
    right = "".join(_note(p, d, 1) for p, d in tune)
    beats = 3 if held else 1
    low = "".join(_note(p, beats, 2, chord=i > 0) for notes in left for i, p in enumerate(notes))
    return f'<measure number="{number}">{right}<backup><duration>3</duration></backup>{low}</measure>'


def _grand_staff(path) -> None:
    """A minor 3/4, a one-beat pickup: | Am (A2, E3+C4, E3+C4) | E7 (E2, D3+G#3, D3+G#3) | Am held."""
    bars = [
        '<measure number="0" implicit="yes"><attributes><divisions>1</divisions><key><fifths>0</fifths>'
        '<mode>minor</mode></key><time><beats>3</beats><beat-type>4</beat-type></time><staves>2</staves>'
        '<clef number="1"><sign>G</sign><line>2</line></clef><clef number="2"><sign>F</sign><line>4</line></clef>'
        f'</attributes>{_note("E4", 1, 1)}</measure>',
        _bar(1, [("A4", 2), ("C5", 1)], [["A2"], ["C4", "E3"], ["C4", "E3"]]),
        _bar(2, [("B4", 2), ("G#4", 1)], [["E2"], ["G#3", "D3"], ["G#3", "D3"]]),
        _bar(3, [("A4", 3)], [["C4", "E3", "A2"]], held=True),
    ]
    path.write_text('<?xml version="1.0" encoding="UTF-8"?><score-partwise version="3.1"><part-list>'
                    '<score-part id="P1"><part-name>Piano</part-name></score-part></part-list>'
                    f'<part id="P1">{"".join(bars)}</part></score-partwise>')


@pytest.fixture(scope="module")
def continued(cowriter, tmp_path_factory):
    from composer.io import read_score

    path = tmp_path_factory.mktemp("waltz") / "grand_staff.musicxml"
    _grand_staff(path)
    score = read_score(path)
    assert len(score.voices) == 2
    left = min(range(2), key=lambda v: min(n.pitch for n in score.notes if n.voice == v))
    start = max(n.end for n in score.notes)
    bars = []  # per variation: each new bar's left-hand notes
    for seed in (1, 5):
        for variation in cowriter.generate(continue_request(score, bars=4, variations=3, seed=seed)):
            new = [n for n in variation.notes if n.generated and n.voice == left]
            bars.append([[n for n in new if start + b * BAR <= n.onset < start + (b + 1) * BAR] for b in range(4)])
    return bars


def test_the_left_hand_keeps_its_oom_pah_pah(continued):
    bars = [bar for variation in continued for bar in variation]
    held = sum(len(bar) == 1 and bar[0].duration >= BAR for bar in bars)
    moving = sum({(n.onset - bar[0].onset) // Q for n in bar} >= {0, 1, 2} for bar in bars if bar)
    assert held <= 0.1 * len(bars), f"{held} of {len(bars)} bars a single note held through the bar"
    assert moving >= 0.75 * len(bars), f"{moving} of {len(bars)} bars play on one, two and three"
    # The bass note on one comes back to the tonic (it had sat on the held chord's C3... here A).
    downbeats = [min(bar, key=lambda n: n.pitch).pitch for bar in bars if bar]
    assert sum(p % 12 == 9 for p in downbeats) >= len(downbeats) / 3, downbeats


def test_no_semitone_clusters_in_the_bass(continued):
    clusters = []
    for variation in continued:
        notes = [n for bar in variation for n in bar]
        for n in notes:
            for m in notes:
                if m.pitch == n.pitch + 1 and n.pitch < 60 and n.onset < m.end and m.onset < n.end:
                    clusters.append((n.onset, n.pitch, m.pitch))
    assert not clusters, clusters
