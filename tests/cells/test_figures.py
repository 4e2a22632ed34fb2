"""The LSTM and GRU cell diagrams: real figures with every part labelled, and working highlights."""

import pytest
from matplotlib.figure import Figure

from course_utils.cells import figures as diagrams


def _texts(fig):
    return {t.get_text() for ax in fig.axes for t in ax.texts}


def _legend_labels(fig):
    return [t.get_text() for legend in fig.legends for t in legend.get_texts()]


def _by_path(fig, cell):
    paths = {}
    for artist in fig.axes[0].findobj(lambda a: (a.get_gid() or "").startswith(f"{cell}:")):
        paths.setdefault(artist.get_gid().split(":")[1], []).append(artist)
    return paths


def test_lstm_diagram_shows_both_states_four_parallel_layers_and_the_operations():
    fig = diagrams.lstm_cell()
    assert isinstance(fig, Figure) and fig.axes[0].get_title()
    texts = _texts(fig)
    for label in (
        "c(t-1)",
        "c(t)",
        "h(t-1)",
        "h(t)",
        "x(t)",
        "y(t)",
        "f(t)",
        "i(t)",
        "g(t)",
        "o(t)",
    ):
        assert label in texts, label
    layers = [t.get_text() for t in fig.axes[0].texts if t.get_text() in ("σ", "tanh")]
    assert sorted(layers) == ["tanh"] * 2 + ["σ"] * 3  # tanh layer g, tanh on c; three gates
    assert texts >= {"⊗", "⊕"}
    # Three products (f·c, i·g, o·tanh(c)) and one sum.
    ops = [t.get_text() for t in fig.axes[0].texts if t.get_text() in ("⊗", "⊕")]
    assert sorted(ops) == ["⊕", "⊗", "⊗", "⊗"]
    labels = " ".join(_legend_labels(fig))
    assert "long-term state c" in labels and "short-term state h" in labels
    assert "acts on c(t-1)" in labels
    assert set(_by_path(fig, "lstm")) == set(diagrams.LSTM_PATHS)


def test_the_four_lstm_layers_sit_side_by_side_fed_by_the_same_bus():
    fig = diagrams.lstm_cell()
    boxes = [p for p in fig.axes[0].patches if (p.get_gid() or "") in
             {f"lstm:{n}" for n in ("forget", "input", "candidate", "output")} and hasattr(p, "get_width")]  # fmt: skip
    centres_y = {round(b.get_y() + b.get_height() / 2, 6) for b in boxes if b.get_width() == 1.0}
    assert len(boxes) >= 4 and len(centres_y) == 1, "the four layers are at the same height"


def test_highlight_fades_other_paths_and_values_are_written():
    fig = diagrams.lstm_cell(
        highlight={"c", "forget"}, values={"f": 0.97, "i": 0.1, "g": -0.3, "o": 0.2}
    )
    paths = _by_path(fig, "lstm")
    for name, artists in paths.items():
        alphas = {a.get_alpha() for a in artists}
        if name in ("c", "forget"):
            assert alphas == {1.0}, name
        else:
            assert max(alphas) < 0.5, name
    assert "f(t)\n0.97" in _texts(fig) and "g(t)\n-0.30" in _texts(fig)


def test_gru_diagram_has_one_state_and_two_gates():
    fig = diagrams.gru_cell(highlight={"update"})
    texts = _texts(fig)
    for label in ("h(t-1)", "h(t)", "x(t)", "z(t)", "r(t)", "g(t)", "1−"):
        assert label in texts, label
    assert "c(t)" not in texts and "c(t-1)" not in texts
    assert set(_by_path(fig, "gru")) == set(diagrams.GRU_PATHS)
    assert fig.legends and fig.axes[0].get_title()


def test_bad_highlights_are_refused():
    with pytest.raises(ValueError, match="unknown path"):
        diagrams.lstm_cell(highlight={"reset"})
    with pytest.raises(TypeError, match="set of path names"):
        diagrams.gru_cell(highlight="update")


def test_diagrams_show_themselves_as_png_in_notebooks():
    png, shown = diagrams.lstm_cell()._repr_png_()
    assert png.startswith(b"\x89PNG") and shown["width"] > 0
