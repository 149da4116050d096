"""An added part gets a name no voice has yet: a second bass is "Bass 2", not a second "Bass"
(QA: two voices named Bass in the voicing panel and in --voices)."""

from composer.music import Note, Score, Voice
from composer.request import add_part


def test_an_added_part_is_named_apart_from_the_voices_there():
    score = Score(notes=[Note(72, i * 480, 480, 80, 0) for i in range(16)] + [Note(40, 0, 1920, 80, 1)],
                  voices=[Voice("Flute", 73), Voice("bass", 33)])
    request = add_part(score, "bass")
    names = [v.name for v in request.score.voices]
    assert names[:2] == ["Flute", "bass"] and names[2] == "Bass 2"
    again = add_part(request.score, "bass")
    assert [v.name for v in again.score.voices][3] == "Bass 3"
    assert add_part(score, "drums").score.voices[-1].name == "Drums"  # no clash: the usual name
