"""The seed tool (tools/seed_spread.py) on made-up runs: alignment, quotes and flips."""

import importlib.util

from tests.course_files import ROOT

spec = importlib.util.spec_from_file_location("seed_spread", ROOT / "tools" / "seed_spread.py")
seed_spread = importlib.util.module_from_spec(spec)
spec.loader.exec_module(seed_spread)


def notebook(printed, prose="Nothing quoted."):
    return [
        {"cell_type": "code", "source": "", "outputs": [{"text": printed}]},
        {"cell_type": "markdown", "source": prose},
    ]


def test_numbers_are_matched_by_line_shape_and_occurrence():
    found = seed_spread.numbers(notebook("epoch 1/4 · loss 0.5\nepoch 2/4 · loss 0.25\n"))
    assert found[0, "epoch #/# · loss #", 1, 2] == "0.25"
    assert found[0, "epoch #/# · loss #", 0, 0] == "1"
    assert seed_spread.value("76%") == 0.76 and seed_spread.value("1,024") == 1024


def test_a_ranking_that_the_seed_decides_is_a_flip_and_a_quoted_moving_number_is_listed():
    committed = "SimpleRNN lag 40: 76%\nLSTM lag 40: 38%\nGRU lag 40: 25%\n"
    prose = "The SimpleRNN recalls 76 % at lag 40."
    cells = notebook(committed, prose)
    runs = {
        "committed": seed_spread.numbers(cells),
        "seed 0": seed_spread.numbers(
            notebook("SimpleRNN lag 40: 100%\nLSTM lag 40: 38%\nGRU lag 40: 25%\n")
        ),
        "seed 1": seed_spread.numbers(
            notebook("SimpleRNN lag 40: 30%\nLSTM lag 40: 40%\nGRU lag 40: 25%\n")
        ),
    }
    text = seed_spread.report(cells, runs)
    assert "2 move with the seed, 1 of those are quoted by the prose, 2 take part in a flip" in text
    assert "c0 SimpleRNN lag #: # [2]" in text.split("Quoted by the prose")[1]
    assert "committed 38% vs 76%, seed 0 38% vs 100%, seed 1 40% vs 30%" in text


def test_numbers_that_keep_their_order_do_not_flip():
    runs = {
        name: seed_spread.numbers(notebook(f"linear {a}\nrnn {b}\n"))
        for name, a, b in (("committed", 2.9, 3.1), ("seed 0", 2.8, 3.0), ("seed 1", 2.95, 3.2))
    }
    text = seed_spread.report(notebook("linear 2.9\nrnn 3.1\n"), runs, show_all=False)
    assert "0 take part in a flip" in text and "(none)" in text


def test_only_lines_of_one_shape_are_compared():
    """The seeds a table names and the kept epochs of two models are not a ranking."""

    def run(seeds, a, b):
        return seed_spread.numbers(
            notebook(
                f"over the seeds ({seeds})\n  linear     {a} (2.9–3.0)\n  rnn        {b} (2.9–3.0)\n"
            )
        )

    runs = {
        "committed": run(42, 2.91, 2.95),
        "seed 0": run(0, 2.96, 2.92),
        "seed 1": run(1, 2.9, 2.97),
    }
    order = seed_spread.flips(runs, sorted(set(runs["seed 0"])))
    pairs = {(a[1].split()[0], b[1].split()[0]) for a, others in order.items() for b in others}
    assert pairs == {("linear", "rnn"), ("rnn", "linear")}
