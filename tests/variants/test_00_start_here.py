"""Notebook 00's exercise, answered otherwise."""

from tests.variants.kit import Right, Wrong, variants_test

VARIANTS = {
    "ex0-input-shape": [
        Right("a list", "input_shape = [32, 50, 3]"),
        Right(
            "built by code",
            "batch, steps, features = 32, 50, 3\ninput_shape = (batch, steps, features)",
        ),
        Right("numpy integers", "import numpy as np\n\ninput_shape = tuple(np.array([32, 50, 3]))"),
        Wrong(
            "steps before batch",
            "input_shape = (50, 32, 3)",
            says=["the input shape is (50, 32, 3), which is not right", "batch size, time steps"],
        ),
        Wrong("no batch axis", "input_shape = (50, 3)", says=["the number of dimensions is 2"]),
        Wrong(
            "features before steps",
            "input_shape = (32, 3, 50)",
            says=["the input shape is (32, 3, 50)", "features per step"],
        ),
    ],
}

test_variant = variants_test("00_start_here", VARIANTS)
