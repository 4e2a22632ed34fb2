"""The receptive-field explorer's logic and drawing."""

import pytest

from course_utils import shapes
from course_utils.convolution import widget as rf
from course_utils.convolution.figures import conv_stack


def test_build_stack():
    wavenet = rf.build_stack(4, 2, dilation="doubling")
    assert [layer.dilation_rate for layer in wavenet] == [1, 2, 4, 8]
    assert {layer.padding for layer in wavenet} == {"causal"}
    strided = rf.build_stack(2, 4, strides=2, padding="valid")
    assert [layer.strides for layer in strided] == [2, 2]
    with pytest.raises(ValueError, match="strides > 1 together with dilation_rate > 1"):
        rf.build_stack(3, 2, strides=2, dilation="doubling")
    with pytest.raises(ValueError, match="'doubling'"):
        rf.build_stack(3, 2, dilation="tripling")
    with pytest.raises(ValueError, match="n_layers"):
        rf.build_stack(0, 2)


def test_describe():
    text = rf.describe(rf.build_stack(4, 2, dilation="doubling"), 32, 20)
    assert text.splitlines() == [
        "lengths: 32 → 32 → 32 → 32 → 32",
        "receptive field: 16 input steps",
        "output 20 sees 16 inputs: 5–20; none after step 20",
    ]
    gaps = rf.describe([shapes.Conv1DLayer(2, dilation_rate=4)], 12, 1)
    assert gaps.endswith("output 1 sees 2 inputs: 1, 5")


def test_drawing_highlights_what_the_output_sees():
    layers = rf.build_stack(3, 3, padding="valid")
    fig = conv_stack(layers, 12, 2)
    ax = fig.axes[0]
    assert "sees 7 inputs (2–8)" in ax.get_title() and ax.get_xlabel()
    bottom = ax.collections[0]  # the input row
    red = [
        i for i, color in enumerate(bottom.get_facecolors()) if color[0] > 0.8 and color[1] < 0.3
    ]
    assert red == list(range(2, 9))
    with pytest.raises(ValueError, match="between 0 and 5"):
        conv_stack(layers, 12, 6)


def test_explorer_reacts_to_its_controls():
    explorer = rf.ReceptiveFieldExplorer(length=16)
    assert explorer.output_index.max == 15 and explorer.output_index.value == 15
    explorer.controls["padding"].value = "valid"
    assert explorer.output_index.max == 16 - 15 - 1
    assert bytes(explorer.image.value).startswith(b"\x89PNG")
    explorer.controls["strides"].value = 2  # with dilations 1, 2, 4...: Keras refuses it
    assert "Not a valid stack" in explorer.message.value
    assert "strides &gt; 1 together with dilation_rate &gt; 1" in explorer.message.value
    assert explorer.image.layout.display == "none"  # no drawing, rather than a broken image
    assert explorer.output_index.disabled
    assert explorer._repr_mimebundle_()[0]["text/plain"].startswith("Not a valid stack:")
    explorer.controls["dilation"].value = 1
    assert "receptive field" in explorer.message.value and explorer.image.value
    assert explorer.image.layout.display is None and not explorer.output_index.disabled
    assert "lengths: 16 →" in explorer._repr_mimebundle_()[0]["text/plain"]
