"""An added drum part swings when asked (the swing or triplet grid) or when the tune runs in
triplets: with the swing grid the straight off-beat hats were masked and the hats played
quarters (1 swung hat in 16 beats); under running triplets they played straight eighths, two
against three (QA). The shipped model; tunes written here."""

from __future__ import annotations

import numpy as np
import pytest

from composer.model.region_writer import default_groove
from composer.music import Note, Score, Voice
from composer.music.region import Controls
from composer.request import add_part

Q = 480
SWUNG = 2 * Q // 3  # the swung off-beat: two thirds into the quarter


def test_the_default_beat_swung_puts_the_off_beat_hats_two_thirds_into_each_beat():
    meters = np.array([[0, 4, 4]])
    straight, swung = default_groove(0, meters), default_groove(0, meters, swing=True)
    assert straight.step == 3 and swung.step == 4  # sixteenths; eighth-note triplets
    hat = 42
    beat = Q // 40  # grid units a quarter
    assert swung.log_ratio[hat, 2 * beat // 3] > 0 and swung.log_ratio[hat, beat // 2] < 0
    assert straight.log_ratio[hat, beat // 2] > 0


def tune(triplets: bool) -> Score:
    pitches = [60, 62, 64, 65, 67, 69, 71, 72]
    step = Q // 3 if triplets else Q
    count = 8 * (12 if triplets else 4)
    return Score(notes=[Note(pitches[i % 8], i * step, step, 90, 0) for i in range(count)], voices=[Voice("Tune", 73)])


@pytest.mark.parametrize("case", ["swing grid", "triplet tune"])
def test_an_added_drum_part_swings(cowriter, case):
    score = tune(triplets=case == "triplet tune")
    controls = Controls(grid="swing") if case == "swing grid" else Controls()
    request = add_part(score, "drums", variations=2, seed=2, controls=controls)
    for variation in cowriter.generate(request):
        drums = [n for n in variation.notes if n.generated]
        beats = {n.onset // Q for n in drums}
        swung = {n.onset // Q for n in drums if n.onset % Q == SWUNG}
        assert len(beats) >= 28 and len(swung) >= 0.75 * len(beats), (len(swung), len(beats))
        assert not [n for n in drums if n.onset % Q == Q // 2]  # no straight off-beat
