"""Notebook 01's exercises, answered otherwise: the families matched with other spellings (the
encoder–decoder typed with a hyphen, the textbook's sequence-to-sequence for translation), other
ways to write the caption's shape and the choice, and encoder–decoders built otherwise (a Softmax
layer after the Dense, an encoder that also returns its unused sequence); and the misconceptions
of Q1 (captioning or named-entity recognition as sequence-to-vector) among the wrong answers."""

from tests.variants.kit import Right, Wrong, variants_test

FAMILIES = (
    'FAMILIES = ["sequence-to-sequence", "sequence-to-vector", "vector-to-sequence", '
    '"encoder–decoder"]\n'
)
TRANSLATION = "translating an English sentence into a French one of another length"
FORECAST = "at every hour of a temperature series, forecasting the next hour"


def matching(**changes):
    """An answer to exercise 1: the right families, with ``changes`` (task → family)."""
    answers = {
        "image captioning": "vector-to-sequence",
        "named-entity recognition": "sequence-to-sequence",
        "sentiment of a movie review": "sequence-to-vector",
        TRANSLATION: "sequence-to-sequence",
        FORECAST: "sequence-to-sequence",
        "classifying a sketch from its strokes": "sequence-to-vector",
        "generating a melody from a style vector": "vector-to-sequence",
    }
    for task, family in changes.items():
        answers[task.replace("_", " ")] = family
    return FAMILIES + f"answers = {answers!r}\n"


def with_translation(family):
    return matching(**{TRANSLATION: family})


ENCODER_DECODER = """\
source = keras.Input((None,))
previous = keras.Input((None,))
{encoder}
hidden = layers.GRU({units}, return_sequences=True)(
    layers.Embedding(dates.TARGET_VOCAB_SIZE, 16)(previous){initial}
)
{head}
"""


def encdec(
    encoder="_, state = layers.GRU(32, return_state=True)(\n"
    "    layers.Embedding(dates.INPUT_VOCAB_SIZE, 16, mask_zero=True)(source)\n)",
    units=32,
    initial=", initial_state=state",
    head="small_encdec = keras.Model(\n"
    "    [source, previous], layers.Dense(dates.TARGET_VOCAB_SIZE, activation='softmax')(hidden)\n)",
):
    return ENCODER_DECODER.format(encoder=encoder, units=units, initial=initial, head=head)


VARIANTS = {
    "ex1-families": [
        Right("encoder-decoder with a hyphen for translation", with_translation("encoder-decoder")),
        Right("encoder–decoder with a dash for translation", with_translation("encoder–decoder")),
        Right(
            "capitalised, with spaces",
            FAMILIES
            + "answers = {task: family.upper().replace('-', ' ') for task, family in "
            + repr(
                {
                    "image captioning": "vector-to-sequence",
                    "named-entity recognition": "sequence-to-sequence",
                    "sentiment of a movie review": "sequence-to-vector",
                    TRANSLATION: "sequence-to-sequence",
                    FORECAST: "sequence-to-sequence",
                    "classifying a sketch from its strokes": "sequence-to-vector",
                    "generating a melody from a style vector": "vector-to-sequence",
                }
            )
            + ".items()}\n",
        ),
        Wrong(
            "captioning as sequence-to-vector",
            matching(image_captioning="sequence-to-vector"),
            says=["'image captioning' is not 'sequence-to-vector'", "one image's features"],
        ),
        Wrong(
            "named-entity recognition as sequence-to-vector",
            matching(**{"named-entity recognition": "sequence-to-vector"}),
            says=["'named-entity recognition' is not 'sequence-to-vector'", "one per token"],
        ),
        Wrong(
            "forecasting every hour with an encoder–decoder",
            matching(**{FORECAST: "encoder–decoder"}),
            says=["is not 'encoder–decoder'", "outputs per input step"],
        ),
        Wrong(
            "translation as vector-to-sequence",
            with_translation("vector-to-sequence"),
            says=[f"{TRANSLATION!r} is not 'vector-to-sequence'", "another length"],
        ),
    ],
    "ex2-caption-shape": [
        Right("a list", "caption_shape = [16, 12, 5000]"),
        Right(
            "the shape of a real output",
            "caption_shape = captioner(np.zeros((16, 2048), 'float32')).shape",
        ),
        Right(
            "named sizes",
            "images, words, vocabulary = 16, 12, 5_000\n"
            "caption_shape = (images, words, vocabulary)",
        ),
        Wrong(
            "one vector per image (sequence-to-vector)",
            "caption_shape = (16, 5000)",
            says=["the number of dimensions of the output is 2, which is not right"],
        ),
        Wrong(
            "words before images",
            "caption_shape = (12, 16, 5000)",
            says=["the captioner's output shape is (12, 16, 5000), which is not right"],
        ),
        Wrong(
            "image features in the output",
            "caption_shape = (16, 12, 2048)",
            says=["is (16, 12, 2048), which is not right", "vocabulary word"],
        ),
    ],
    "ex3-why-plain-fails": [
        Right("upper case", 'reason = "B"'),
        Right("spaces around it", 'reason = " b "'),
        Wrong(
            "too few parameters",
            'reason = "a"',
            says=["your reason 'a' is not right", "parameter counts"],
        ),
        Wrong("padding", 'reason = "c"', says=["your reason 'c' is not right"]),
        Wrong(
            "not an option",
            'reason = "the year comes last"',
            says=["is not one of the options"],
        ),
    ],
    "ex4-small-encdec": [
        Right(
            "a Softmax layer after the Dense",
            encdec(
                head="logits = layers.Dense(dates.TARGET_VOCAB_SIZE)(hidden)\n"
                "small_encdec = keras.Model([source, previous], layers.Softmax()(logits))"
            ),
        ),
        Right(
            "the encoder also returns its unused sequence",
            encdec(
                encoder="_, state = layers.GRU(32, return_sequences=True, return_state=True)(\n"
                "    layers.Embedding(dates.INPUT_VOCAB_SIZE, 16, mask_zero=True)(source)\n)"
            ),
        ),
        Right(
            "an Activation layer, a state passed in a list, no mask",
            encdec(
                encoder="_, state = layers.GRU(32, return_state=True)(\n"
                "    layers.Embedding(dates.INPUT_VOCAB_SIZE, 16)(source)\n)",
                initial=", initial_state=[state]",
                head="scores = layers.Dense(dates.TARGET_VOCAB_SIZE)(hidden)\n"
                "small_encdec = keras.Model(\n"
                "    inputs=[source, previous], outputs=layers.Activation('softmax')(scores)\n)",
            ),
        ),
        Wrong(
            "no softmax",
            encdec(
                head="small_encdec = keras.Model(\n"
                "    [source, previous], layers.Dense(dates.TARGET_VOCAB_SIZE)(hidden)\n)"
            ),
            says=["not a probability distribution", "end with a softmax"],
        ),
        Wrong(
            "the decoder does not start from the encoder's state",
            encdec(initial=""),
            says=["['Embedding', 'GRU', 'Dense']", "encoder's final state"],
        ),
        Wrong(
            "64 units, as in encdec",
            encdec(
                encoder="_, state = layers.GRU(64, return_state=True)(\n"
                "    layers.Embedding(dates.INPUT_VOCAB_SIZE, 16, mask_zero=True)(source)\n)",
                units=64,
            ),
            says=["units are [None, None, 64, 64, 14]"],
        ),
        Wrong(
            "LSTM layers, as in encdec",
            encdec(
                encoder="_, h, c = layers.LSTM(32, return_state=True)(\n"
                "    layers.Embedding(dates.INPUT_VOCAB_SIZE, 16, mask_zero=True)(source)\n)\n"
                "state = [h, c]",
            ).replace("layers.GRU(32, return_sequences", "layers.LSTM(32, return_sequences"),
            says=["'LSTM', 'LSTM'"],
        ),
    ],
}

test_variant = variants_test("01_sequence_model_families", VARIANTS)
