"""Chorales as music: piano rolls, MIDI files, and a small synthesiser for listening in JupyterLab.

A chorale is an int array of shape ``(steps, 4)`` (soprano, alto, tenor, bass; a MIDI note
number per voice and time step, 0 for silence), on a grid of ``steps_per_quarter`` steps per
quarter note (4: sixteenth notes). A voice that keeps the same number on consecutive steps holds
one note; the format cannot tell a held note from a repeated one.
"""

import io
import wave
from pathlib import Path

import numpy as np

from course_utils import figures
from course_utils.validation import integer, positive_number

VOICES = ("soprano", "alto", "tenor", "bass")
COLOURS = ("tab:red", "tab:orange", "tab:green", "tab:blue")
GAP = 0.05  # quarter notes left blank at the end of each bar, so that repeated notes show
HEADROOM = 5  # semitones above the highest note, where "generated →" is written
NOTE_NAMES = ("C", "C♯", "D", "E♭", "E", "F", "F♯", "G", "A♭", "A", "B♭", "B")


def check_chorale(chorale):
    """``chorale`` as an int array of shape ``(steps, 4)`` with values 0 to 127, or a clear error."""
    array = np.asarray(chorale)
    if array.dtype.kind not in "iu":
        raise TypeError(f"a chorale holds integer MIDI note numbers, got dtype {array.dtype}.")
    if array.ndim != 2 or array.shape[1] != 4 or len(array) == 0:
        raise ValueError(
            f"a chorale has shape (steps, 4): one note per voice (S, A, T, B) and time step, "
            f"got shape {array.shape}."
        )
    if array.min() < 0 or array.max() > 127:
        raise ValueError(
            f"MIDI note numbers run from 0 to 127 (0: silence), got {array.min()} to {array.max()}."
        )
    return array.astype(np.int64)


def note_name(midi):
    """``60`` → ``'C4'`` (scientific pitch notation), ``0`` → ``'rest'``."""
    return "rest" if midi == 0 else f"{NOTE_NAMES[midi % 12]}{midi // 12 - 1}"


def note_events(chorale):
    """The notes of a chorale as ``(voice, start_step, length, midi)``, held steps merged."""
    array = check_chorale(chorale)
    events = []
    for voice in range(4):
        column = array[:, voice]
        changes = np.flatnonzero(np.diff(column)) + 1
        starts = np.concatenate([[0], changes])
        ends = np.concatenate([changes, [len(column)]])
        events += [
            (voice, int(s), int(e - s), int(column[s]))
            for s, e in zip(starts, ends, strict=True)
            if column[s]
        ]
    return sorted(events, key=lambda ev: (ev[1], ev[0]))


def piano_roll(chorale, title="A chorale", generated_from=None, steps_per_quarter=4, ax=None):
    """Draw the four voices as coloured bars (time → right, pitch ↑); return the figure.

    ``generated_from``: the step where generated music starts, marked with a dashed line and
    labelled in a band above the highest note. Draws on ``ax`` if given, else on a new figure.
    The legend sits to the right of the plot, never over the notes.
    """
    events = note_events(chorale)
    if ax is None:
        ax = figures.new(figsize=(9.6, 3.6), layout="constrained").subplots()
    for voice, start, length, midi in events:
        ax.broken_barh(
            [(start / steps_per_quarter, length / steps_per_quarter - GAP)],
            (midi - 0.4, 0.8),
            color=COLOURS[voice],
        )
    for voice, colour in enumerate(COLOURS):
        ax.plot([], [], color=colour, linewidth=6, label=VOICES[voice])
    notes = [midi for _, _, _, midi in events] or [60]
    top = max(notes) + (HEADROOM if generated_from is not None else 1)
    if generated_from is not None:
        ax.axvline(generated_from / steps_per_quarter, color="black", linestyle="--")
        ax.text(generated_from / steps_per_quarter, top - 0.3, " generated →", va="top")
    ax.set(
        xlabel="time (quarter notes)",
        ylabel="MIDI note number",
        title=title,
        xlim=(0, len(chorale) / steps_per_quarter),
        ylim=(min(notes) - 1, top),
    )
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return ax.figure


def to_midi(chorale, path, tempo=100, steps_per_quarter=4):
    """Write the chorale as a four-track MIDI file at ``tempo`` quarter notes per minute; return the path."""
    from music21 import instrument, metadata, note, stream
    from music21 import tempo as m21tempo

    tempo = positive_number("tempo", tempo)  # quarter notes per minute
    events = note_events(chorale)
    score = stream.Score()
    score.insert(0, metadata.Metadata(title=Path(path).stem))
    for voice, name in enumerate(VOICES):
        part = stream.Part()
        part.partName = name.capitalize()
        part.insert(0, instrument.Choir())
        part.insert(0, m21tempo.MetronomeMark(number=tempo))
        for v, start, length, midi in events:
            if v == voice:
                part.insert(
                    start / steps_per_quarter,
                    note.Note(midi, quarterLength=length / steps_per_quarter),
                )
        score.insert(0, part)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    score.write("midi", fp=str(path))
    return path


def frequency(midi):
    """The frequency in Hz of a MIDI note number (A4 = 69 = 440 Hz, equal temperament)."""
    return 440.0 * 2.0 ** ((np.asarray(midi, dtype=float) - 69) / 12)


def synthesize(chorale, tempo=120, sample_rate=8000, steps_per_quarter=4):
    """Render the chorale to mono audio samples in [-1, 1] (float32) with a soft organ-like tone.

    Each note is a sine with two quieter overtones, shaped by a short attack and release so that
    notes do not click; a held note sounds once for its whole length.
    """
    integer("sample_rate", sample_rate, 1000)  # in Hz
    tempo = positive_number("tempo", tempo)  # quarter notes per minute
    step = 60.0 / tempo / steps_per_quarter * sample_rate  # samples per time step
    array = check_chorale(chorale)
    out = np.zeros(int(round(len(array) * step)), dtype=np.float64)
    ramp = int(0.01 * sample_rate)
    for _, start, length, midi in note_events(array):
        first, last = int(round(start * step)), int(round((start + length) * step))
        t = np.arange(last - first) / sample_rate
        f = frequency(midi)
        tone = sum(
            a * np.sin(2 * np.pi * k * f * t)
            for k, a in ((1, 1.0), (2, 0.4), (3, 0.2))
            if k * f < sample_rate / 2
        )
        envelope = np.minimum(1.0, np.minimum(np.arange(len(t)), len(t) - np.arange(len(t))) / ramp)
        out[first:last] += tone * envelope
    peak = np.abs(out).max()
    return (out / peak * 0.9 if peak > 0 else out).astype(np.float32)


def wav_bytes(samples, sample_rate=8000):
    """Mono float samples in [-1, 1] as the bytes of a 16-bit WAV file."""
    samples = np.asarray(samples, dtype=float)
    if samples.ndim != 1:
        raise ValueError(f"samples must be one-dimensional (mono), got shape {samples.shape}.")
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(sample_rate)
        w.writeframes(pcm.tobytes())
    return buffer.getvalue()


def audio(chorale, tempo=120, sample_rate=8000, steps_per_quarter=4):
    """A player for the notebook (``IPython.display.Audio``) with the chorale synthesised."""
    from IPython.display import Audio

    samples = synthesize(chorale, tempo, sample_rate, steps_per_quarter)
    return Audio(data=wav_bytes(samples, sample_rate))
