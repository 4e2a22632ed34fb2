"""The chorales dataset: music21 conversion, the fixed split, the cache and the archive loader."""

import tarfile

import numpy as np
import pytest
from music21 import chord, meter, note, stream

from course_utils import datasets
from course_utils.chorales import data as chorales


def _score(voices, time_signature="4/4"):
    """A score with one part per list of (midi or None for a rest, quarter length)."""
    score = stream.Score()
    for notes in voices:
        part = stream.Part()
        part.append(meter.TimeSignature(time_signature))
        for midi, length in notes:
            part.append(
                note.Rest(quarterLength=length)
                if midi is None
                else note.Note(midi, quarterLength=length)
            )
        score.insert(0, part.makeMeasures())
    return score


SATB = [
    [(72, 1), (74, 0.5), (76, 0.5), (77, 2)],
    [(67, 2), (None, 1), (69, 1)],
    [(64, 0.25), (65, 0.75), (64, 3)],
    [(48, 4)],
]


def test_convert_score_puts_each_voice_on_the_sixteenth_grid():
    grid = chorales.convert_score(_score(SATB))
    assert grid.shape == (16, 4) and grid.dtype == np.int32
    np.testing.assert_array_equal(grid[:, 0], [72] * 4 + [74] * 2 + [76] * 2 + [77] * 8)
    np.testing.assert_array_equal(grid[:, 1], [67] * 8 + [0] * 4 + [69] * 4)
    np.testing.assert_array_equal(grid[:, 2], [64] + [65] * 3 + [64] * 12)
    np.testing.assert_array_equal(grid[:, 3], [48] * 16)


def test_convert_score_refuses_scores_that_do_not_fit_the_format():
    with pytest.raises(chorales.NotConvertible) as info:
        chorales.convert_score(_score(SATB[:3]))
    assert info.value.reason == chorales.NOT_FOUR_PARTS
    triplet = [[(72, 1 / 3), (74, 1 / 3), (76, 1 / 3), (77, 3)], *SATB[1:]]
    with pytest.raises(chorales.NotConvertible) as info:
        chorales.convert_score(_score(triplet))
    assert info.value.reason == chorales.OFF_GRID
    divisi = _score(SATB)
    divisi.parts[3].recurse().notes[0].activeSite.replace(
        divisi.parts[3].recurse().notes[0], chord.Chord([48, 55], quarterLength=4)
    )
    with pytest.raises(chorales.NotConvertible) as info:
        chorales.convert_score(divisi)
    assert info.value.reason == chorales.CHORDS_IN_A_VOICE


def test_the_split_is_fixed_and_has_the_textbooks_shares():
    names = [f"bwv{i}.{j}.mxl" for i in range(1, 101) for j in range(1, 5)]
    splits = chorales.assign_splits(names)
    assert splits == chorales.assign_splits(sorted(names, reverse=True))  # order does not matter
    counts = {s: list(splits.values()).count(s) for s in chorales.SPLITS}
    assert counts == {"train": 240, "valid": 80, "test": 80}
    # names are spread over the splits, not cut in alphabetical blocks
    assert {splits[n] for n in names[:40]} == set(chorales.SPLITS)


def test_music21_chorales_convert_split_and_cache(data_dir, monkeypatch):
    loaded = chorales.load_music21(per_split=1)
    splits = chorales.assign_splits(chorales.corpus_files())
    for split in chorales.SPLITS:
        (chorale,) = loaded.split(split)
        (name,) = loaded.names[split]
        assert splits[name] == split
        assert chorale.ndim == 2 and chorale.shape[1] == 4 and chorale.dtype.kind == "i"
        sounding = chorale[chorale > 0]
        assert 28 <= sounding.min() and sounding.max() <= 90  # voices within a choir's range
    assert set(loaded.skipped.values()) <= {
        chorales.NOT_FOUR_PARTS,
        chorales.CHORDS_IN_A_VOICE,
        chorales.OFF_GRID,
        chorales.DUPLICATE,
        chorales.UNREADABLE,
    }
    assert list((data_dir / "chorales").glob("*.partial")) == []

    def no_conversion(*args):
        raise AssertionError("the cache should have been used")

    monkeypatch.setattr(chorales, "_convert_all", no_conversion)
    again = chorales.load_music21(per_split=1)
    assert again.names == loaded.names and again.skipped == loaded.skipped
    for split in chorales.SPLITS:
        np.testing.assert_array_equal(again.split(split)[0], loaded.split(split)[0])


def test_load_music21_rejects_a_bad_limit():
    with pytest.raises(ValueError, match="per_split"):
        chorales.load_music21(per_split=0)


def test_summary_and_skip_counts():
    c = chorales.Chorales(
        train=[np.array([[60, 55, 52, 48]] * 3)],
        valid=[np.array([[62, 0, 50, 43]] * 5)],
        test=[np.array([[64, 60, 55, 36]] * 4)],
        names={"train": ["a"], "valid": ["b"], "test": ["c"]},
        source="tiny",
        skipped={
            "x": chorales.NOT_FOUR_PARTS,
            "y": chorales.OFF_GRID,
            "z": chorales.NOT_FOUR_PARTS,
        },
    )
    assert (
        c.summary()
        == "tiny: 3 chorales, train/valid/test 1/1/1; 3 to 5 time steps; notes 36 to 64 (0 = silence)"
    )
    assert c.skip_counts() == {chorales.NOT_FOUR_PARTS: 2, chorales.OFF_GRID: 1}
    with pytest.raises(ValueError, match="split must be one of"):
        c.split("validation")


def _archive(folder, per_split):
    """Write a jsb_chorales.tgz like the textbook's; return the chorales put in it."""
    rng = np.random.default_rng(0)
    written = {}
    for split, count in per_split.items():
        (folder / "jsb_chorales" / split).mkdir(parents=True)
        written[split] = []
        for i in range(count):
            chorale = rng.integers(36, 82, size=(rng.integers(10, 30), 4)).astype(np.int32)
            chorale[0, 1] = 0
            chorales.write_csv(chorale, folder / "jsb_chorales" / split / f"chorale_{i:03d}.csv")
            written[split].append(chorale)
    with tarfile.open(folder / "jsb_chorales.tgz", "w:gz") as tf:
        tf.add(folder / "jsb_chorales", arcname="jsb_chorales")
    return written


def test_the_archive_loader_reads_every_split(data_dir, http_server):
    base_url, served = http_server
    written = _archive(served, {"train": 3, "valid": 2, "test": 2})
    digest = datasets.sha256_of(served / "jsb_chorales.tgz")
    loaded = chorales.load(source="download", base_url=base_url, sha256=digest)
    assert loaded.source == "jsb_chorales archive"
    for split in chorales.SPLITS:
        assert loaded.names[split] == [f"chorale_{i:03d}" for i in range(len(written[split]))]
        for got, expected in zip(loaded.split(split), written[split], strict=True):
            np.testing.assert_array_equal(got, expected)
    assert (data_dir / "jsb_chorales" / "jsb_chorales.tgz").exists()


def test_the_archive_loader_refuses_an_archive_without_the_splits(data_dir, http_server):
    base_url, served = http_server
    (served / "jsb_chorales" / "train").mkdir(parents=True)
    chorales.write_csv(np.ones((3, 4), dtype=int), served / "jsb_chorales" / "train" / "c.csv")
    with tarfile.open(served / "jsb_chorales.tgz", "w:gz") as tf:
        tf.add(served / "jsb_chorales", arcname="jsb_chorales")
    with pytest.raises(datasets.DatasetUnavailable, match="no valid/\\*.csv"):
        chorales.load_jsb(base_url, sha256=None)


def test_the_archive_loader_verifies_the_textbooks_checksum(data_dir, http_server):
    base_url, served = http_server
    _archive(served, {"train": 1, "valid": 1, "test": 1})  # not the textbook's archive
    with pytest.raises(datasets.ChecksumMismatch, match=chorales.JSB_SHA256):
        chorales.load_jsb(base_url)
    assert not list(data_dir.glob("jsb_chorales/*.tgz")), "a file that fails its checksum stays"


def test_auto_falls_back_to_music21_when_the_archive_is_unreachable(data_dir, http_server, capsys):
    base_url, _ = http_server  # serves nothing: the archive is missing (HTTP 404)
    loaded = chorales.load(source="auto", per_split=1, base_url=base_url)
    assert loaded.source == "music21 corpus"
    assert "embedded default is used instead" in capsys.readouterr().out


def test_read_csv_explains_a_malformed_file(tmp_path):
    bad_header = tmp_path / "a.csv"
    bad_header.write_text("s,a,t,b\n60,55,52,48\n")
    with pytest.raises(ValueError, match="header 'note0,note1,note2,note3'"):
        chorales.read_csv(bad_header)
    three_voices = tmp_path / "b.csv"
    three_voices.write_text("note0,note1,note2,note3\n60,55,52\n")
    with pytest.raises(ValueError, match="four integers per line"):
        chorales.read_csv(three_voices)
    words = tmp_path / "c.csv"
    words.write_text("note0,note1,note2,note3\nC,E,G,C\n")
    with pytest.raises(ValueError, match="four integers per line"):
        chorales.read_csv(words)
    with pytest.raises(ValueError, match=r"shape \(steps, 4\)"):
        chorales.write_csv(np.zeros((3, 3), dtype=int), tmp_path / "d.csv")
