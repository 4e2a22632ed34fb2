"""Piano rolls, MIDI files, the synthesiser and the chorale widget."""

import io
import wave

import numpy as np
import pytest
from music21 import converter

from course_utils import figures
from course_utils.chorales import music
from course_utils.chorales import widget as chorale_widgets

CHORALE = np.array(
    [[72, 67, 64, 48]] * 4 + [[74, 67, 65, 0]] * 2 + [[74, 69, 65, 50]] * 2, dtype=np.int32
)


def test_check_chorale_explains_bad_input():
    with pytest.raises(ValueError, match=r"shape \(steps, 4\)"):
        music.check_chorale(np.zeros((5, 3), dtype=int))
    with pytest.raises(TypeError, match="integer MIDI note numbers"):
        music.check_chorale(np.zeros((5, 4)))
    with pytest.raises(ValueError, match="0 to 127"):
        music.check_chorale(np.full((5, 4), 200))


def test_note_events_merge_held_steps_and_drop_silence():
    assert music.note_events(CHORALE) == [
        (0, 0, 4, 72),
        (1, 0, 6, 67),
        (2, 0, 4, 64),
        (3, 0, 4, 48),
        (0, 4, 4, 74),
        (2, 4, 4, 65),
        (1, 6, 2, 69),
        (3, 6, 2, 50),
    ]


def test_note_names():
    assert [music.note_name(m) for m in (0, 60, 69, 70, 36)] == ["rest", "C4", "A4", "B♭4", "C2"]


def test_piano_roll_has_a_title_labelled_axes_and_the_generation_mark():
    fig = music.piano_roll(CHORALE, title="test roll", generated_from=4)
    assert isinstance(fig, figures.Figure)
    ax = fig.axes[0]
    assert ax.get_title() == "test roll"
    assert ax.get_xlabel() == "time (quarter notes)" and ax.get_ylabel() == "MIDI note number"
    assert len(ax.collections) == len(music.note_events(CHORALE))
    assert [line.get_xdata()[0] for line in ax.lines if line.get_linestyle() == "--"] == [1.0]


def test_midi_file_holds_the_same_notes(tmp_path):
    path = music.to_midi(CHORALE, tmp_path / "out" / "c.mid", tempo=90)
    assert path.exists() and path.read_bytes()[:4] == b"MThd"
    score = converter.parse(path)
    assert len(score.parts) == 4
    soprano = [(n.pitch.midi, float(n.quarterLength)) for n in score.parts[0].flatten().notes]
    assert soprano == [(72, 1.0), (74, 1.0)]
    bass = [(float(n.offset), n.pitch.midi) for n in score.parts[3].flatten().notes]
    assert bass == [(0.0, 48), (1.5, 50)]
    with pytest.raises(ValueError, match="tempo"):
        music.to_midi(CHORALE, tmp_path / "c.mid", tempo=0)


def test_synthesiser_plays_the_right_pitch_for_the_right_time():
    a4 = np.array([[69, 0, 0, 0]] * 8, dtype=np.int32)  # two quarter notes at 120 bpm: 1 s
    samples = music.synthesize(a4, tempo=120, sample_rate=8000)
    assert samples.dtype == np.float32 and samples.shape == (8000,)
    assert np.abs(samples).max() == pytest.approx(0.9, abs=1e-3)
    spectrum = np.abs(np.fft.rfft(samples))
    assert np.argmax(spectrum) * 8000 / len(samples) == pytest.approx(440, abs=2)
    silence = music.synthesize(np.zeros((4, 4), dtype=int))
    assert not silence.any()
    with pytest.raises(ValueError, match="sample_rate"):
        music.synthesize(a4, sample_rate=100)


def test_wav_bytes_and_audio_player():
    data = music.wav_bytes(np.linspace(-1, 1, 800), sample_rate=8000)
    with wave.open(io.BytesIO(data)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes()) == (
            1,
            2,
            8000,
            800,
        )
    assert music.audio(CHORALE).data[:4] == b"RIFF"
    with pytest.raises(ValueError, match="mono"):
        music.wav_bytes(np.zeros((10, 2)))


def test_describe_counts_repeated_chords():
    held = np.array([[60, 55, 52, 48]] * 6, dtype=np.int32)
    assert chorale_widgets.describe(held, 2, 0.0) == (
        "2 seed steps + 4 generated steps (greedy); 100% of generated steps repeat the previous chord"
    )
    assert "sampled at temperature 0.7" in chorale_widgets.describe(CHORALE, 2, 0.7)


def test_widget_generates_on_every_change_and_leaves_a_snapshot():
    calls = []

    def generate(seed, temperature):
        calls.append((len(seed), temperature))
        return np.concatenate([seed, np.repeat(seed[-1:], 4, axis=0)])

    widget = chorale_widgets.ChoraleExplorer(
        generate, {"first": CHORALE, "second": CHORALE[::-1]}, seed_steps=3
    )
    assert calls == [(3, 1.0)] and widget.result.shape == (7, 4)
    widget.temperature.value = 0.0
    widget.choice.value = "second"
    assert calls[1:] == [(3, 0.0), (3, 0.0)]
    snapshot = widget.snapshot()
    assert "greedy" in snapshot["text/plain"] and snapshot["image/png"]
    assert widget.player.value[:4] == b"RIFF" and widget.roll.value[:4] == b"\x89PNG"
    with pytest.raises(TypeError, match="generate must be a function"):
        chorale_widgets.ChoraleExplorer(None, {"x": CHORALE})
    with pytest.raises(ValueError, match="non-empty dict"):
        chorale_widgets.ChoraleExplorer(generate, {})
