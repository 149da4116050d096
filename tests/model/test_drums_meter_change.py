"""A drum part keeps the groove and kit of the bars in the region's meter (the shipped model, a
score written here: four bars of 4/4 rock beat, then four of 3/4 with kick and hi-hats only).

Found by QA: a song in 4/4 that moves to 3/4 was continued with the 4/4 bars' snare on beat 2 of
the 3/4 bars, the drum groove pooling every bar's positions and keys whatever their meter."""

from __future__ import annotations

from composer.music import Note, Score, Voice
from composer.music.meter import MeterChange
from composer.request import continue_request

Q = 480
KICK, SNARE, HAT = 36, 38, 42
THREE_FOUR = 4 * 4 * Q  # the 3/4 bars start here


def song() -> Score:
    drums, tune = [], []
    for bar in range(4):  # 4/4: kick 1 and 3, snare 2 and 4, hi-hat eighths
        t = bar * 4 * Q
        drums += [Note(HAT, t + i * Q // 2, 60, 70, 1) for i in range(8)]
        drums += [Note(KICK if beat % 2 == 0 else SNARE, t + beat * Q, 60, 100, 1) for beat in range(4)]
        tune += [Note(p, t + i * Q, Q, 80, 0) for i, p in enumerate((67, 71, 74, 72))]
    for bar in range(4):  # 3/4: kick on 1, hi-hat on 2 and 3
        t = THREE_FOUR + bar * 3 * Q
        drums += [Note(KICK if beat == 0 else HAT, t + beat * Q, 60, 90, 1) for beat in range(3)]
        tune += [Note(p, t + i * Q, Q, 80, 0) for i, p in enumerate((74, 71, 67))]
    return Score(notes=tune + drums, voices=[Voice("Flute", 73), Voice("Drums", 0, is_drum=True)],
                 meters=[MeterChange(0, 4, 4), MeterChange(THREE_FOUR, 3, 4)])


def test_drums_go_on_in_the_groove_of_the_new_meter(cowriter):
    for variation in cowriter.generate(continue_request(song(), bars=2, voices=(1,), variations=3, seed=2)):
        new = [n for n in variation.notes if n.generated]
        assert len(new) >= 4
        assert SNARE not in {n.pitch for n in new}, "the 4/4 bars' snare in the 3/4 continuation"
        downbeats = [n.pitch for n in new if (n.onset - THREE_FOUR) % (3 * Q) == 0]
        assert KICK in downbeats
