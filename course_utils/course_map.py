"""The course map: each notebook, its title, and the exact exercise questions it answers.

Géron, *Hands-On Machine Learning*: chapter 15 of the 2nd/3rd edition ("ed2"), chapter 14 of the
1st edition ("ed1"). The anatomy test checks that every notebook quotes its questions verbatim.
"""

from dataclasses import dataclass

QUESTIONS = {
    ("ed2", 1): "Can you think of a few applications for a sequence-to-sequence RNN? What about a "
    "sequence-to-vector RNN, and a vector-to-sequence RNN?",
    (
        "ed2",
        2,
    ): "How many dimensions must the inputs of an RNN layer have? What does each dimension "
    "represent? What about its outputs?",
    (
        "ed2",
        3,
    ): "If you want to build a deep sequence-to-sequence RNN, which RNN layers should have "
    "return_sequences=True? What about a sequence-to-vector RNN?",
    (
        "ed2",
        4,
    ): "Suppose you have a daily univariate time series, and you want to forecast the next "
    "seven days. Which RNN architecture should you use?",
    ("ed2", 5): "What are the main difficulties when training RNNs? How can you handle them?",
    ("ed2", 6): "Can you sketch the LSTM cell's architecture?",
    ("ed2", 7): "Why would you want to use 1D convolutional layers in an RNN?",
    ("ed2", 8): "Which neural network architecture could you use to classify videos?",
    ("ed2", 9): "Train a classification model for the SketchRNN dataset, available in TensorFlow "
    "Datasets.",
    ("ed2", 10): "Download the Bach chorales dataset and unzip it. It is composed of 382 chorales "
    "composed by Johann Sebastian Bach. Each chorale is 100 to 640 time steps long, and each time "
    "step contains 4 integers, where each integer corresponds to a note's index on a piano (except "
    "for the value 0, which means that no note is played). Train a model—recurrent, convolutional, "
    "or both—that can predict the next time step (four notes), given a sequence of time steps from "
    "a chorale. Then use this model to generate Bach-like music, one note at a time: you can do this "
    "by giving the model the start of a chorale and asking it to predict the next time step, then "
    "appending these time steps to the input sequence and asking the model for the next note, and so "
    "on. Also make sure to check out Google's Coconet model, which was used for a nice Google doodle "
    "about Bach.",
    ("ed1", 1): "Can you think of a few applications for a sequence-to-sequence RNN? What about a "
    "sequence-to-vector RNN? And a vector-to-sequence RNN?",
    (
        "ed1",
        2,
    ): "Why do people use encoder–decoder RNNs rather than plain sequence-to-sequence RNNs "
    "for automatic translation?",
    (
        "ed1",
        3,
    ): "How could you combine a convolutional neural network with an RNN to classify videos?",
    ("ed1", 4): "What are the advantages of building an RNN using dynamic_rnn() rather than "
    "static_rnn()?",
    ("ed1", 5): "How can you deal with variable-length input sequences? What about variable-length "
    "output sequences?",
    ("ed1", 6): "What is a common way to distribute training and execution of a deep RNN across "
    "multiple GPUs?",
}


@dataclass(frozen=True)
class Notebook:
    stem: str
    title: str
    questions: tuple[tuple[str, int], ...]  # (edition, number): keys of QUESTIONS

    @property
    def filename(self) -> str:
        return f"{self.stem}.ipynb"

    def question_refs(self) -> str:
        """The questions as text, e.g. 'Q1 (2nd/3rd ed.), Q2 (1st ed.)'."""
        editions = {"ed2": "2nd/3rd ed.", "ed1": "1st ed."}
        return ", ".join(f"Q{n} ({editions[ed]})" for ed, n in self.questions)


NOTEBOOKS = (
    Notebook("00_start_here", "Start here: how the course works", ()),
    Notebook(
        "01_sequence_model_families",
        "Sequence-model families",
        (("ed2", 1), ("ed1", 1), ("ed1", 2)),
    ),
    Notebook("02_rnn_input_output_shapes", "RNN input and output shapes", (("ed2", 2),)),
    Notebook("03_return_sequences", "Which layers return sequences", (("ed2", 3),)),
    Notebook("04_forecasting_seven_days", "Forecasting the next seven days", (("ed2", 4),)),
    Notebook("05_training_difficulties", "The difficulties of training RNNs", (("ed2", 5),)),
    Notebook("06_lstm_cell", "The LSTM cell", (("ed2", 6),)),
    Notebook("07_conv1d_with_rnns", "1D convolutions with RNNs", (("ed2", 7),)),
    Notebook("08_video_classification", "Classifying videos", (("ed2", 8), ("ed1", 3))),
    Notebook("09_sketchrnn_classification", "Classifying SketchRNN drawings", (("ed2", 9),)),
    Notebook(
        "10_variable_length_and_unrolling",
        "Variable-length sequences and unrolling",
        (("ed1", 4), ("ed1", 5)),
    ),
    Notebook("11_distributed_training", "Distributing a deep RNN across devices", (("ed1", 6),)),
    Notebook("12_bach_chorales", "Generating Bach chorales", (("ed2", 10),)),
)
