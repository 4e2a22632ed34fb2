"""Every check in course_utils.grading: it passes the right answer with one short line, and fails a
wrong one with an AssertionError whose message says what is wrong and how to fix it."""

import re
from pathlib import Path

import numpy as np
import pytest

from course_utils import grading


def _fails(match, check, *args, **kwargs):
    with pytest.raises(AssertionError, match=match):
        check(*args, **kwargs)


class AlwaysEqual:
    """An answer that claims to equal anything."""

    def __eq__(self, other):
        return True

    def __ne__(self, other):
        return False

    __hash__ = object.__hash__


def test_a_passing_check_prints_one_short_line(capsys):
    grading.check_equal(3, 3, what="the answer")
    assert capsys.readouterr().out == "✓ the answer: correct\n"


def test_a_failed_check_shows_its_message_without_library_frames():
    """In IPython (JupyterLab, nbval) a failed check renders as its message alone."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shown = []
    shell._showtraceback = lambda etype, evalue, stb: shown.append(stb)
    result = shell.run_cell(
        "from course_utils import grading\n"
        "grading.check_shape((50, 32, 3), (32, 50, 3), what='the input shape', hint='Look again.')"
    )
    assert isinstance(result.error_in_exec, AssertionError)
    assert shown == [
        [
            "\x1b[0;31mAssertionError\x1b[0m: the input shape is (50, 32, 3) but should be "
            "(32, 50, 3). Look again."
        ]
    ]


class TestCheckShape:
    def test_passes_shapes_arrays_and_none(self, capsys):
        grading.check_shape((None, 20, 32), (None, 20, 32))
        grading.check_shape(np.zeros((4, 5)), (4, 5), what="x")
        assert capsys.readouterr().out.count("✓") == 2

    def test_wrong_order_says_what_it_got_and_hints(self):
        _fails(
            r"the input shape is \(50, 32, 3\) but should be \(32, 50, 3\)\. The order is",
            grading.check_shape,
            (50, 32, 3),
            (32, 50, 3),
            what="the input shape",
            hint="The order is (batch, steps, features).",
        )

    def test_wrong_rank_counts_the_dimensions(self):
        _fails("It has 2 dimensions; 3 are expected", grading.check_shape, (32, 8), (32, 20, 8))

    def test_none_is_not_a_size(self):
        _fails(
            r"is \(32, 20\) but should be \(32, None\)", grading.check_shape, (32, 20), (32, None)
        )

    def test_not_a_shape(self):
        _fails("should be a shape such as", grading.check_shape, 5, (5,))


class TestCheckClose:
    def test_passes_within_tolerance(self):
        grading.check_close(0.1 + 0.2, 0.3)
        grading.check_close(np.float32(101), 100, rel_tol=0.02)

    def test_fails_outside_tolerance_with_the_tolerance(self):
        _fails(
            r"the loss is 0.5 but should be 0.25 \(tolerance 0.01\)",
            grading.check_close,
            0.5,
            0.25,
            abs_tol=0.01,
            what="the loss",
        )

    def test_not_a_number(self):
        _fails("should be a number, got 'abc'", grading.check_close, "abc", 1.0)


class TestCheckEqual:
    def test_passes_equal_plain_values(self):
        grading.check_equal((32, None), (32, None))
        grading.check_equal(np.int64(7), 7)
        grading.check_equal("tanh", "tanh")

    def test_fails_unequal_values(self):
        _fails(
            r"the unit count is 16 but should be 32\. Count again",
            grading.check_equal,
            16,
            32,
            what="the unit count",
            hint="Count again.",
        )

    def test_a_bool_is_not_an_int(self):
        _fails("is True but should be 1", grading.check_equal, True, 1)

    def test_an_object_equal_to_everything_is_refused(self):
        _fails(
            "should be of type int, such as 42; got an object of type AlwaysEqual",
            grading.check_equal,
            AlwaysEqual(),
            42,
        )

    def test_non_plain_expected_values_compare_as_before(self):
        grading.check_equal(np.dtype("float32"), np.float32)


class TestCheckArray:
    def test_passes_close_arrays_and_lists(self):
        grading.check_array([1.0, 2.0 + 1e-7], np.array([1.0, 2.0]))

    def test_wrong_shape(self):
        _fails(
            r"has shape \(3,\) but should have shape \(2,\)", grading.check_array, [1, 2, 3], [1, 2]
        )

    def test_points_at_the_worst_element(self):
        _fails(
            r"at index \(1, 0\) it is 9 instead of 3",
            grading.check_array,
            [[1, 2], [9, 4]],
            [[1, 2], [3, 4]],
        )

    def test_nan(self):
        _fails("contains NaN or infinite values", grading.check_array, [np.nan], [1.0])

    def test_not_numbers(self):
        _fails("should be an array of numbers, got str", grading.check_array, "ab", [1.0])


class TestCheckChoice:
    OPTIONS = ("vector-to-sequence", "sequence-to-vector")

    def test_passes_the_right_option(self):
        grading.check_choice("vector-to-sequence", "vector-to-sequence", options=self.OPTIONS)

    def test_a_wrong_option_explains_why(self):
        _fails(
            "'sequence-to-vector' is not right. A caption is a sequence",
            grading.check_choice,
            "sequence-to-vector",
            "vector-to-sequence",
            options=self.OPTIONS,
            why="A caption is a sequence produced from one image.",
        )

    def test_an_answer_outside_the_options_lists_them(self):
        _fails(
            "not one of the options: 'vector-to-sequence', 'sequence-to-vector'",
            grading.check_choice,
            "seq2seq",
            "vector-to-sequence",
            options=self.OPTIONS,
        )

    def test_an_object_equal_to_everything_is_refused(self):
        _fails(
            "should be one of the options",
            grading.check_choice,
            AlwaysEqual(),
            "b",
            options=("a", "b"),
        )


class TestCheckMatching:
    EXPECTED = {"captioning": "vector-to-sequence", "NER": "sequence-to-sequence"}

    def test_passes_the_right_matching(self):
        grading.check_matching(dict(self.EXPECTED), self.EXPECTED)

    def test_names_each_wrong_item_with_its_explanation(self):
        answers = {"captioning": "sequence-to-vector", "NER": "sequence-to-vector"}
        why = {"NER": "It labels every token."}
        with pytest.raises(AssertionError) as error:
            grading.check_matching(answers, self.EXPECTED, why=why)
        message = str(error.value)
        assert message.startswith("2 of 2 items are matched wrongly:")
        assert "- 'NER' is not 'sequence-to-vector'. It labels every token." in message

    def test_also_accepts_the_other_values_given_for_an_item(self):
        also = {"NER": {"encoder–decoder"}}
        answers = {**self.EXPECTED, "NER": "encoder–decoder"}
        grading.check_matching(answers, self.EXPECTED, also=also)
        wrong = {**self.EXPECTED, "captioning": "encoder–decoder"}
        _fails("1 of 2 items", grading.check_matching, wrong, self.EXPECTED, also=also)

    def test_a_value_typed_otherwise_is_the_same_answer(self):
        typed = {"captioning": "Vector to Sequence", "NER": " SEQUENCE-TO-SEQUENCE"}
        grading.check_matching(typed, self.EXPECTED)
        also = {"NER": {"encoder–decoder"}}
        grading.check_matching(
            {**self.EXPECTED, "NER": "Encoder-Decoder"}, self.EXPECTED, also=also
        )
        wrong = {**self.EXPECTED, "captioning": "Sequence to Vector"}
        _fails("1 of 2 items", grading.check_matching, wrong, self.EXPECTED)

    def test_missing_and_extra_items(self):
        _fails(
            "has no answer for: 'NER'",
            grading.check_matching,
            {"captioning": "vector-to-sequence"},
            self.EXPECTED,
        )
        _fails(
            "answers items that are not asked: 'x'",
            grading.check_matching,
            {**self.EXPECTED, "x": 1},
            self.EXPECTED,
        )

    def test_not_a_dict(self):
        _fails("should be a dict mapping each item", grading.check_matching, ["a"], self.EXPECTED)

    def test_values_equal_to_everything_are_refused(self):
        answers = {k: AlwaysEqual() for k in self.EXPECTED}
        _fails("should be a dict mapping each item", grading.check_matching, answers, self.EXPECTED)


@pytest.fixture(scope="module")
def keras():
    from course_utils._quiet import import_tensorflow

    import_tensorflow()
    import keras

    return keras


@pytest.fixture(scope="module")
def stacked(keras):
    return keras.Sequential(
        [
            keras.Input((20, 3)),
            keras.layers.LSTM(8, return_sequences=True),
            keras.layers.GRU(4),
            keras.layers.Dense(7),
        ]
    )


class TestCheckModel:
    def test_passes_the_right_structure(self, stacked, capsys):
        grading.check_model(
            stacked,
            layers=["LSTM", "GRU", "Dense"],
            units=[8, 4, 7],
            return_sequences=[True, False],
            output_shape=(None, 7),
            params=stacked.count_params(),
        )
        assert capsys.readouterr().out.endswith("✓ the model's structure: correct\n")

    def test_wrong_layers(self, stacked):
        _fails(
            r"layers are \['LSTM', 'GRU', 'Dense'\] but should be \['LSTM', 'LSTM', 'Dense'\]",
            grading.check_model,
            stacked,
            layers=["LSTM", "LSTM", "Dense"],
        )

    def test_wrong_units(self, stacked):
        _fails(
            r"units are \[8, 4, 7\] but should be \[8, 8, 7\]",
            grading.check_model,
            stacked,
            units=[8, 8, 7],
        )

    def test_return_sequences_teaches_what_to_set(self, stacked):
        _fails(
            "Recurrent layer 2 has return_sequences=False, but it feeds another recurrent layer or predicts at every step: set return_sequences=True",
            grading.check_model,
            stacked,
            return_sequences=[True, True],
        )

    def test_the_number_of_recurrent_layers(self, stacked):
        _fails(
            "has 2 recurrent layers but should have 3",
            grading.check_model,
            stacked,
            return_sequences=[True, False, False],
        )

    def test_output_shape(self, stacked):
        _fails(
            r"the model's output shape is \(None, 7\) but should be \(None, 20, 7\)",
            grading.check_model,
            stacked,
            output_shape=(None, 20, 7),
        )

    def test_output_shape_hint(self, stacked):
        _fails(
            r"should be \(None, 20, 7\)\. It has 2 dimensions; 3 are expected\. Keep every step\.",
            grading.check_model,
            stacked,
            output_shape=(None, 20, 7),
            hint="Keep every step.",
        )

    def test_parameter_count(self, stacked):
        _fails("parameters but should have 1,000", grading.check_model, stacked, params=1000)

    def test_not_a_model(self, keras):
        _fails("Expected a Keras model, got Dense", grading.check_model, keras.layers.Dense(3))

    def test_a_model_without_input(self, keras):
        model = keras.Sequential([keras.layers.Dense(3)])
        _fails("no defined output yet", grading.check_model, model, output_shape=(None, 3))


class TestCheckClipsByNorm:
    def test_passes_clipping_per_variable_and_global(self, keras, capsys):
        grading.check_clips_by_norm(keras.optimizers.Adam(clipnorm=1.0), 1.0)
        grading.check_clips_by_norm(keras.optimizers.Adam(global_clipnorm=1.0), 1.0)
        grading.check_clips_by_norm(keras.optimizers.SGD(0.1, clipnorm=0.5), 0.5)
        out = capsys.readouterr().out
        assert "(clipnorm: each variable's gradient separately): correct" in out
        assert "(global_clipnorm: all the gradients together): correct" in out
        assert out.count("✓") == 3

    def test_no_clipping_explains_both_kinds(self, keras):
        _fails(
            r"does not clip \(a gradient of norm 50 passes unchanged\)\. Pass clipnorm=1 or "
            r"global_clipnorm=1\. clipnorm rescales each variable's gradient .* separately.*"
            r"global_clipnorm rescales all the gradients together",
            grading.check_clips_by_norm,
            keras.optimizers.Adam(),
            1.0,
        )

    def test_clipping_by_value_is_not_by_norm(self, keras):
        _fails(
            r"changes the gradient's direction.*clipping by value \(clipvalue\), not by norm",
            grading.check_clips_by_norm,
            keras.optimizers.Adam(clipvalue=1.0),
            1.0,
        )

    @pytest.mark.parametrize("kind", ["clipnorm", "global_clipnorm"])
    def test_a_wrong_limit_is_named(self, keras, kind):
        _fails(
            "clips by norm, but to 2 instead of 1",
            grading.check_clips_by_norm,
            keras.optimizers.Adam(**{kind: 2.0}),
            1.0,
        )

    def test_not_an_optimizer(self):
        _fails("Expected a Keras optimizer", grading.check_clips_by_norm, "adam", 1.0)


# A notebook's check cell run on answers given as data, as the check kernel receives them.

PLACEMENTS = {  # notebook 11's exercise 5: where each step of a training script must run
    "create the model (its layers and their weights)": "inside",
    'compile it with optimizer="adam"': "inside",
    "build its tf.data pipeline": "anywhere",
    "call fit, then evaluate": "anywhere",
}
MODEL, COMPILE, DATA, FIT = PLACEMENTS


def _placements(**changes):
    answer = dict(PLACEMENTS)
    answer.update({dict(model=MODEL, compile=COMPILE, data=DATA, fit=FIT)[k]: v
                   for k, v in changes.items()})  # fmt: skip
    return answer


@pytest.mark.parametrize(
    "answer, form_ok, told",
    [
        (None, True, None),  # the notebook's reference solution
        (PLACEMENTS, True, None),
        ({k: v.upper() for k, v in PLACEMENTS.items()}, True, None),
        ({k: f"  {v.title()} " for k, v in reversed(PLACEMENTS.items())}, True, None),
        # Built in the scope, compiled outside: the answer a forged flag once passed.
        (_placements(compile="anywhere"), True, f"1 of 4 .*- '{COMPILE}' is not 'anywhere'"),
        # "Build and compile the model, then train it under the strategy".
        (
            _placements(model="anywhere", compile="anywhere", fit="inside"),
            True,
            "3 of 4 items are matched wrongly",
        ),
        ({k: "inside" for k in PLACEMENTS}, True, "2 of 4 items are matched wrongly"),
        (_placements(data="inside"), True, f"1 of 4 .*- '{DATA}' is not 'inside'. The data is not"),
        (_placements(fit="either"), False, 'is not \'either\'. Answer "inside" or "anywhere"'),
        ({k: None for k in PLACEMENTS}, False, "4 of 4 items are matched wrongly"),
        ({MODEL: "inside", COMPILE: "inside"}, False, "has no answer for"),
        ("inside", False, "should be a dict mapping each item"),
    ],
    ids=["reference", "as-data", "capitals", "spaces-order", "compiled-outside", "fit-in-scope",
         "all-inside", "data-inside", "either", "unanswered", "missing", "not-a-dict"],
)  # fmt: skip
def test_notebook_11s_placement_check_on_each_answer(answer, form_ok, told, capsys):
    """Notebook 11's exercise 5 check cell itself, hidden tests included, run on answers given as
    data: right ones typed otherwise pass, wrong ones fail, and the visible part checks only the
    answer's form, whatever the placements."""
    import nbformat

    path = Path(__file__).resolve().parents[2] / "notebooks" / "11_distributed_training.ipynb"
    cells = {
        c.metadata.get("nbgrader", {}).get("grade_id"): c.source
        for c in nbformat.read(path, as_version=4).cells
    }
    check = cells["ex5-mirrored-model-check"]
    namespace = {"grading": grading, "where_to_run": answer}
    if answer is None:
        exec(cells["ex5-mirrored-model"], namespace)
    if told is None:
        exec(check, namespace)
        assert capsys.readouterr().out.count("✓") == 2
        return
    with pytest.raises(AssertionError, match=re.compile(told, re.S)):
        exec(check, namespace)
    printed = capsys.readouterr().out
    assert ("✓ the form of your answer: correct" in printed) == form_ok


class TestSealed:
    """A visible check keeps its expected value to itself: it holds only a digest."""

    def test_its_repr_is_the_code_to_paste_and_holds_no_value(self):
        sealed = grading.seal((64, 30, 100))
        assert re.fullmatch(r'grading\.Sealed\("[0-9a-f]{16}"\)', repr(sealed))
        assert "64" not in repr(sealed) and eval(repr(sealed), {"grading": grading}) == sealed

    def test_passes_the_sealed_value_whatever_its_python_type(self, capsys):
        grading.check_equal(np.int64(960), grading.seal(960), what="the count")
        grading.check_shape(np.zeros((64, 30, 100)), grading.seal((64, 30, 100)))
        grading.check_shape((None, 7, 1), grading.seal((None, 7, 1)))
        grading.check_choice(" C", grading.seal("c"), options=["a", "b", "c", " C"], why="")
        assert capsys.readouterr().out.count("✓") == 4

    @pytest.mark.parametrize(
        "check, answer, expected",
        [
            (grading.check_equal, 950, 960),
            (grading.check_equal, [True, False], [True, True]),
            (grading.check_equal, 96.0, 960),
            (grading.check_shape, (64, 100, 30), (64, 30, 100)),
        ],
    )
    def test_a_wrong_answer_is_told_without_the_right_one(self, check, answer, expected):
        with pytest.raises(AssertionError, match="which is not right. Count again.") as failure:
            check(answer, grading.seal(expected), what="it", hint="Count again.")
        assert repr(expected) not in str(failure.value)

    def test_a_bool_is_not_sealed_as_an_int(self):
        _fails("which is not right", grading.check_equal, True, grading.seal(1))

    def test_an_object_equal_to_everything_is_refused(self):
        _fails("should be plain data", grading.check_equal, AlwaysEqual(), grading.seal(3))

    def test_a_sealed_choice_explains_after_a_wrong_answer(self):
        _fails(
            "your choice 'b' is not right. Read the chart.",
            grading.check_choice,
            "b",
            grading.seal("c"),
            options=["a", "b", "c"],
            why="Read the chart.",
        )

    def test_a_sealed_matching_names_the_wrong_item_only(self):
        expected = {"captioning": grading.seal("vector-to-sequence"), "tagging": grading.seal("x")}
        answers = {"captioning": "Vector–to–Sequence", "tagging": "y"}
        with pytest.raises(AssertionError, match="1 of 2 items") as failure:
            grading.check_matching(answers, expected, also={"tagging": {grading.seal("z")}})
        assert "'tagging' is not 'y'" in str(failure.value)
        answers["tagging"] = "Z"
        grading.check_matching(answers, expected, also={"tagging": {grading.seal("z")}})

    def test_a_sealed_array_is_compared_rounded(self, capsys):
        sealed = grading.seal(np.round([[0.12341, -0.0], [2.0, 3.5]], 3))
        grading.check_array(np.array([[0.12339, 0.0001], [2, 3.5]]), sealed)
        grading.check_equal(np.array([1, 2]), grading.seal([1.0, 2.0]))
        assert capsys.readouterr().out.count("✓") == 2
        with pytest.raises(AssertionError, match=r"the array \(of shape \(2, 2\)\) is not right"):
            grading.check_array([[0.13, 0], [2, 3.5]], sealed)


class TestWrittenOtherwise:
    """Answers a learner writes otherwise are the same answer; answers of the wrong kind are told
    what kind is wanted."""

    def test_a_shape_of_strings_or_fractions_is_not_a_shape(self):
        _fails("should be a shape of whole numbers", grading.check_shape, ("32", "50"), (32, 50))
        _fails("should be a shape of whole numbers", grading.check_shape, (32, 50.7), (32, 50))

    def test_a_shape_written_as_an_array_is_told_so(self):
        _fails(
            r"is \(3,\), which is not right\. \(That is the shape of the array you gave",
            grading.check_shape,
            np.array([32, 50, 3]),
            grading.seal((32, 50, 3)),
        )

    def test_a_choice_is_the_same_whatever_its_case_spaces_or_dashes(self, capsys):
        options = ("first step", "mean over all steps", "last step")
        for answer in ("Last step", "last-step", " LAST  STEP "):
            grading.check_choice(answer, grading.seal("last step"), options=options)
            grading.check_choice(answer, "last step", options=options)
        assert capsys.readouterr().out.count("✓") == 6

    def test_a_formula_is_the_same_whatever_its_spaces_around_brackets_or_minus_sign(self):
        expected = {"o": grading.seal("tanh(c(t))"), "f": grading.seal("c(t-1)")}
        grading.check_matching({"o": "tanh( c(t) )", "f": "c(t−1)"}, expected)
        grading.check_matching({"o": "TANH(c (t))", "f": "c(t - 1)"}, expected)
        _fails(
            re.escape("'f' is not 'c(t+1)'"),
            grading.check_matching,
            {"o": "tanh(c(t))", "f": "c(t+1)"},
            expected,
        )

    def test_a_sealed_scalar_is_told_its_value(self):
        _fails(
            "the accuracy 75 is not right",
            grading.check_array,
            75.0,
            grading.seal(0.75),
            what="the accuracy",
        )
