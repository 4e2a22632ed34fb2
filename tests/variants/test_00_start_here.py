"""Notebook 00's exercise, answered otherwise."""

from tests.variants.kit import Right, Wrong, variants_test

VARIANTS = {
    "ex0-input-shape": [
        Right("a list", "input_shape = [32, 50, 3]"),
        Right(
            "built by code",
            "batch, steps, features = 32, 50, 3\ninput_shape = (batch, steps, features)",
        ),
        Wrong("steps before batch", "input_shape = (50, 32, 3)", says=["the input shape"]),
        Wrong("no batch axis", "input_shape = (50, 3)", says=["the input shape"]),
    ],
}

test_variant = variants_test("00_start_here", VARIANTS)
