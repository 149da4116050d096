"""`composer evaluate`'s report says when the model's joint NLL is mostly velocity: the corpus it
learnt from has one velocity, so a file with dynamics (45 then 105) read 88 nats a note of joint
NLL beside PPM's 2.3 with no word why (QA)."""

from __future__ import annotations

import numpy as np

from composer.evaluate import Row, format_report, report


def _rows(velocity_nll: float) -> dict:
    row = Row()
    nll = {"pitch": np.full(10, 0.5), "delta": np.full(10, 0.1), "duration": np.full(10, 0.2),
           "velocity": np.full(10, velocity_nll)}
    row.add(nll, {name: np.ones(10, bool) for name in nll})
    return {"model": {"all": row}}


def test_the_report_says_when_velocity_fills_the_models_joint_nll():
    text = format_report(report(_rows(85.0)))
    assert "85.000 nats a note of velocity" in text and "without dynamics" in text
    assert "velocity" not in format_report(report(_rows(0.01)))  # a file of one velocity: nothing to say
