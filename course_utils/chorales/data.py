"""Bach chorales as the textbook's exercise stores them: four voices per time step.

A chorale is an ``int`` array of shape ``(steps, 4)``: soprano, alto, tenor and bass, one MIDI
note number per voice and time step, ``0`` for silence. Two sources give the same structure
(:class:`Chorales`, lists of such arrays per split):

- ``"embedded"``: the Bach chorales shipped in the ``music21`` corpus, converted here to a
  sixteenth-note grid (:func:`load_music21`). A chorale is kept only if it converts cleanly
  (four parts, one note at a time per voice, every note on the sixteenth grid, not a duplicate);
  the reasons for skipping the others are counted. The converted arrays are cached in the course
  data directory, so the (slow) conversion runs once.
- ``"download"``: the textbook's ``jsb_chorales.tgz`` archive (382 CSV files with the header
  ``note0,note1,note2,note3`` in ``train``/``valid``/``test`` folders) (:func:`load_jsb`).

The split of the music21 chorales is fixed: the corpus' files are ordered by a hash of their name
and cut 60/20/20, before conversion, so a chorale's split does not depend on how many are converted.
"""

import hashlib
import json
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np

from course_utils import config, datasets, download
from course_utils.chorales.music import VOICES
from course_utils.validation import positive_int

SPLITS = ("train", "valid", "test")
STEPS_PER_QUARTER = 4  # a sixteenth-note grid
CSV_HEADER = "note0,note1,note2,note3"
# The archive in the textbook's public repository (ageron/handson-ml2).
JSB_URL = "https://github.com/ageron/handson-ml2/raw/master/datasets/jsb_chorales/jsb_chorales.tgz"
# The textbook publishes no checksum; this is the sha256 of that archive (117,793 bytes).
JSB_SHA256 = "e722fbc866fc1ba0bac56a6fcad95d7e3e584da80173e13932e3da441440efd7"
# Shares of the fixed split, as in the textbook's archive (229/76/77 of 382: about 60/20/20).
SPLIT_SHARES = {"train": 60, "valid": 20, "test": 20}
_CACHE_FORMAT = 1

# Why a music21 file is not converted (the keys of Chorales.skipped's values).
NOT_FOUR_PARTS = "not four parts"
CHORDS_IN_A_VOICE = "a voice sings two notes at once"
OFF_GRID = "rhythm off the sixteenth-note grid"
DUPLICATE = "duplicate of another chorale"
UNREADABLE = "music21 cannot parse it"


class NotConvertible(ValueError):
    """A score that does not fit the four-voice, sixteenth-note format; ``reason`` says why."""

    def __init__(self, reason, detail=""):
        super().__init__(f"{reason}{': ' + detail if detail else ''}")
        self.reason = reason


@dataclass(frozen=True)
class Chorales:
    """Chorales per split: ``train``, ``valid``, ``test`` are lists of ``(steps, 4)`` int arrays.

    ``names`` maps each split to the chorales' names; ``skipped`` maps the name of each file that
    was not converted to the reason; ``seconds`` is how long converting the corpus (or reading the
    archive) took, and ``from_cache`` says whether this load reused a cached conversion.
    """

    train: list
    valid: list
    test: list
    names: dict
    source: str
    skipped: dict = field(default_factory=dict)
    seconds: float = 0.0
    from_cache: bool = False

    def split(self, name):
        if name not in SPLITS:
            raise ValueError(f"split must be one of {', '.join(SPLITS)}, got {name!r}.")
        return getattr(self, name)

    def lengths(self):
        """The number of time steps of every chorale, all splits together."""
        return [len(c) for s in SPLITS for c in self.split(s)]

    def skip_counts(self):
        """How many files were skipped for each reason, most frequent first."""
        counts = {}
        for reason in self.skipped.values():
            counts[reason] = counts.get(reason, 0) + 1
        return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))

    def summary(self):
        sizes = "/".join(str(len(self.split(s))) for s in SPLITS)
        lengths = self.lengths()
        notes = np.concatenate([c.ravel() for s in SPLITS for c in self.split(s)])
        sounding = notes[notes > 0]
        return (
            f"{self.source}: {sum(map(len, (self.train, self.valid, self.test)))} chorales, "
            f"train/valid/test {sizes}; {min(lengths)} to {max(lengths)} time steps; "
            f"notes {sounding.min()} to {sounding.max()} (0 = silence)"
        )


def assign_splits(names):
    """The fixed split: ``{name: split}``, files ordered by a hash of their name, then cut 60/20/20."""
    order = sorted(names, key=lambda name: hashlib.sha256(name.encode()).hexdigest())
    cuts = np.cumsum([round(len(order) * SPLIT_SHARES[s] / 100) for s in SPLITS[:2]])
    return {
        name: SPLITS[int(np.searchsorted(cuts, i, side="right"))] for i, name in enumerate(order)
    }


def _on_grid(quarters):
    steps = Fraction(quarters).limit_denominator(1 << 16) * STEPS_PER_QUARTER
    if steps.denominator != 1:
        raise NotConvertible(OFF_GRID, f"an event at {float(quarters)} quarter notes")
    return int(steps)


def convert_score(score):
    """A music21 score with four parts (top to bottom: S, A, T, B) → ``(steps, 4)`` int array.

    Raises :class:`NotConvertible` when the score does not fit the format. Grace notes (which
    take no time) are left out; tied notes simply continue to sound.
    """
    parts = list(score.parts)
    if len(parts) != 4:
        raise NotConvertible(NOT_FOUR_PARTS, f"{len(parts)} parts")
    total = _on_grid(score.highestTime)
    grid = np.zeros((total, 4), dtype=np.int32)
    for voice, part in enumerate(parts):
        for note in part.flatten().notes:
            if note.duration.isGrace:
                continue
            if note.isChord:
                raise NotConvertible(CHORDS_IN_A_VOICE, f"{VOICES[voice]} at {note.offset}")
            start = _on_grid(note.offset)  # in the flattened part: from the start
            end = start + _on_grid(note.quarterLength)
            if np.any(grid[start:end, voice]):
                raise NotConvertible(CHORDS_IN_A_VOICE, f"{VOICES[voice]} at {note.offset}")
            grid[start:end, voice] = note.pitch.midi
    return grid


def corpus_files():
    """The Bach scores in music21's corpus, as ``{name: path}`` (roman-numeral analyses left out)."""
    from music21 import corpus

    paths = corpus.getComposer("bach", fileExtensions=("mxl", "musicxml", "xml", "krn"))
    return {Path(p).name: Path(p) for p in sorted(paths, key=lambda p: Path(p).name)}


def _convert_file(path):
    """One corpus file → its ``(steps, 4)`` array, or the reason it is skipped (in a worker).

    music21 would also store each parsed score in its own cache (its temporary folder) and read
    it back, which doubles the cost of a first parse; the arrays are cached instead.
    """
    from music21 import converter

    try:
        return convert_score(converter.parse(path, storePickle=False))
    except NotConvertible as exc:
        return exc.reason
    except Exception:  # music21 raises many types on files it cannot read
        return UNREADABLE


def _convert_all(files, per_split, workers=None):
    """Convert files in name order, up to ``per_split`` clean chorales per split (None: all).

    ``workers`` processes (default: one per CPU) parse the files; they are started fresh, without
    this process's TensorFlow, whose many objects slow Python's garbage collector down during
    parsing. The results are taken in name order, so the chorales kept do not depend on them.
    """
    arrays, skipped, seen = {}, {}, {}
    splits = assign_splits(files)
    wanted = dict.fromkeys(SPLITS, per_split)
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers or os.cpu_count(), mp_context=spawn) as pool:
        results = pool.map(_convert_file, files.values(), chunksize=4)
        for name, result in zip(files, results, strict=True):
            split = splits[name]
            if wanted[split] == 0:
                if not any(wanted.values()):
                    pool.shutdown(cancel_futures=True)
                    break
                continue
            if isinstance(result, str):
                skipped[name] = result
                continue
            digest = hashlib.sha256(result.tobytes()).hexdigest()
            if digest in seen:
                skipped[name] = DUPLICATE
                continue
            seen[digest] = name
            arrays[name] = result
            if wanted[split] is not None:
                wanted[split] -= 1
    return arrays, skipped, {name: splits[name] for name in arrays}


def _cache_path(per_split):
    import music21

    size = "all" if per_split is None else f"{per_split}-per-split"
    name = f"music21-{music21.__version__}-format{_CACHE_FORMAT}-{size}.npz"
    return config.data_dir() / "chorales" / name


def _save(path, arrays, meta):
    with download.atomic_file(path) as partial, open(partial, "wb") as f:
        np.savez_compressed(f, __meta__=np.array(json.dumps(meta)), **arrays)


def load_music21(per_split=None, cache=True):
    """The music21 corpus' Bach chorales in the four-voice format, split and cached.

    ``per_split``: convert only until this many chorales per split are kept (None: all of them).
    """
    per_split = positive_int("per_split", per_split, allow_none=True)
    start = time.perf_counter()
    path = _cache_path(per_split)
    from_cache = cache and path.exists()
    if from_cache:
        with np.load(path, allow_pickle=False) as stored:
            meta = json.loads(str(stored["__meta__"]))
            arrays = {name: stored[name] for name in stored.files if name != "__meta__"}
        converted_in = meta["seconds"]
    else:
        arrays, skipped, splits = _convert_all(corpus_files(), per_split)
        converted_in = time.perf_counter() - start
        meta = {"skipped": skipped, "splits": splits, "seconds": converted_in}
        if cache:
            _save(path, arrays, meta)
    by_split = {s: [n for n in sorted(arrays) if meta["splits"][n] == s] for s in SPLITS}
    return Chorales(
        **{s: [arrays[n] for n in by_split[s]] for s in SPLITS},
        names=by_split,
        source="music21 corpus",
        skipped=meta["skipped"],
        seconds=converted_in,
        from_cache=from_cache,
    )


def read_csv(path):
    """One chorale CSV file of the textbook's archive → ``(steps, 4)`` int array."""
    path = Path(path)
    lines = path.read_text(encoding="utf-8").split()
    if not lines or lines[0] != CSV_HEADER:
        raise ValueError(f"{path} should start with the header {CSV_HEADER!r}.")
    try:
        array = np.array([[int(v) for v in line.split(",")] for line in lines[1:]], dtype=np.int32)
    except ValueError:
        raise ValueError(f"{path} should hold four integers per line after the header.") from None
    if array.ndim != 2 or array.shape[1] != 4:
        raise ValueError(f"{path} should hold four integers per line, got shape {array.shape}.")
    return array


def write_csv(chorale, path):
    """Write a ``(steps, 4)`` chorale in the archive's CSV format (the inverse of :func:`read_csv`)."""
    array = np.asarray(chorale)
    if array.ndim != 2 or array.shape[1] != 4:
        raise ValueError(f"a chorale has shape (steps, 4), got {array.shape}.")
    rows = "\n".join(",".join(str(int(v)) for v in row) for row in array)
    Path(path).write_text(f"{CSV_HEADER}\n{rows}\n", encoding="utf-8")
    return Path(path)


def load_jsb(base_url=None, sha256=JSB_SHA256):
    """The textbook's ``jsb_chorales`` archive: downloaded, verified, unpacked, read per split.

    ``base_url`` replaces the folder of :data:`JSB_URL` and ``sha256`` its checksum (tests serve a
    small archive locally).
    """
    url = JSB_URL if base_url is None else f"{base_url.rstrip('/')}/jsb_chorales.tgz"
    start = time.perf_counter()
    folder = datasets.fetch(url, sha256=sha256, subdir="jsb_chorales", extract=True)
    splits, names = {}, {}
    for split in SPLITS:
        files = sorted(folder.glob(f"**/{split}/*.csv"))
        if not files:
            raise datasets.DatasetUnavailable(
                f"{folder} has no {split}/*.csv files: the archive is not the textbook's "
                "jsb_chorales.tgz. Delete it and try again."
            )
        splits[split] = [read_csv(f) for f in files]
        names[split] = [f.stem for f in files]
    return Chorales(
        **splits, names=names, source="jsb_chorales archive", seconds=time.perf_counter() - start
    )


def load(source=None, per_split=None, base_url=None, sha256=JSB_SHA256):
    """The chorales from ``source`` (``None``: :func:`datasets.default_source`).

    ``"embedded"`` converts music21's corpus (``per_split`` limits it), ``"download"`` reads the
    textbook's archive (``base_url`` and ``sha256`` as in :func:`load_jsb`), ``"auto"`` tries the
    archive and falls back to music21.
    """
    return datasets.from_source(
        datasets.default_source() if source is None else source,
        download=lambda: load_jsb(base_url, sha256),
        embedded=lambda: load_music21(per_split),
        name="Bach chorales",
    )
