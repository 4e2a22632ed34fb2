"""The shape widgets: controls drive the views, the views come from ``course_utils.shapes``."""

from course_utils import shapes
from course_utils.shapes import widget as widgets


def test_layer_report_names_the_output_shape_states_and_parameters():
    text, page = widgets.layer_report(32, 20, 8, 64, "LSTM", False, True, False)
    assert "Output shape: (32, 64)" in text and "Output shape: (32, 64)" in page
    assert "States: h (32, 64), c (32, 64)" in text
    assert "Parameters: 4 × 64 × (8 + 64 + 1) = 18,688" in text
    assert page.count("<rect") == 3 + 2 + 2 + 2  # input, output, two states


def test_layer_report_with_variable_length_and_bidirectional_sequences():
    text, page = widgets.layer_report(None, None, 3, 16, "GRU", True, False, True)
    assert "Output shape: (None, None, 32)" in text
    assert "States" not in text
    assert page.count('stroke-dasharray="4 2"') == 4  # batch and time unknown, in input and output


def test_shape_explorer_follows_its_controls():
    explorer = widgets.ShapeExplorer()
    assert "Output shape: (32, 64)" in explorer.output.value
    explorer.return_sequences.value = True
    explorer.units.value = 10
    assert "Output shape: (32, 20, 10)" in explorer.output.value
    explorer.variable.value = True
    assert explorer.steps.disabled and "Output shape: (32, None, 10)" in explorer.text
    explorer.cell.value = "SimpleRNN"
    assert f"= {shapes.recurrent_params('SimpleRNN', 8, 10):,}" in explorer.text


def test_shape_explorer_controls_have_stable_descriptions():
    explorer = widgets.ShapeExplorer()
    descriptions = {c.description for c in explorer.children if hasattr(c, "description")}
    assert {"batch size", "time steps", "features", "units", "cell", "return_sequences", "return_state",
            "bidirectional"} <= descriptions  # fmt: skip


def test_static_snapshot_carries_text_and_html():
    bundle, _ = widgets.ShapeExplorer(units=7)._repr_mimebundle_()
    assert "Output shape: (32, 7)" in bundle["text/plain"]
    assert "Output shape: (32, 7)" in bundle["text/html"]
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_stack_explorer_shows_shapes_or_the_error_in_plain_words():
    explorer = widgets.StackExplorer(n_layers=2, return_sequences=(True, False, False, False))
    assert "Layer 2: LSTM(32, return_sequences=False) → (None, 32)" in explorer.text
    assert "sequence-to-vector" in explorer.text
    explorer.toggles[1].value = True
    assert "This stack is sequence-to-sequence." in explorer.text
    explorer.n_layers.value = 3
    assert "Layer 3: LSTM(32, return_sequences=False) → (None, 32)" in explorer.text
    explorer.toggles[1].value = False
    assert explorer.rows[2].layout.display == "" and explorer.rows[3].layout.display == "none"
    assert (
        "Error at layer 3" in explorer.text
        and "set return_sequences=True on layer 2" in explorer.text
    )
    assert "#fde0dd" in explorer.snapshot()["text/html"]


def test_stack_report_accepts_stack_layers():
    text, _ = widgets.stack_report((4, 5, 6), [shapes.StackLayer("GRU", 3, True)])
    assert "Layer 1: GRU(3, return_sequences=True) → (4, 5, 3)" in text


def test_every_explorer_label_shows_whole():
    """Labels without a set width fit their text; check boxes are as wide as their label."""
    import ipywidgets

    from course_utils.widgets import Explorer

    slider = ipywidgets.IntSlider(description="batch/replica")
    box = ipywidgets.Checkbox(description="variable time steps (None)")
    fixed = ipywidgets.IntSlider(description="units", style={"description_width": "9em"})
    Explorer([ipywidgets.HBox([slider, box]), fixed])
    assert slider.style.description_width == "initial"
    assert box.layout.width == "auto"
    assert fixed.style.description_width == "9em"
