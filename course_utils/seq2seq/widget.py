"""Greedy search versus beam search on one input at a time (notebook 10): a thin view over
:func:`course_utils.seq2seq.decoding.beams`."""

import html
import math

import ipywidgets

from course_utils.widgets import Explorer


def beam_table(source, target, greedy, candidates):
    """Text table: the input, the expected output, greedy's output and each beam, best first.

    ``greedy`` is a ``(text, log_probability)`` pair and ``candidates`` a list of them.
    """

    def line(label, text, log_p):
        mark = "✓" if text == target else "✗"
        return f"{label:<8} {text:<12} p = {math.exp(log_p):.3f} {mark}"

    lines = [f"input    {source}", f"expected {target}", line("greedy", *greedy)]
    lines += [line(f"beam {rank}", *c) for rank, c in enumerate(candidates, start=1)]
    return "\n".join(lines)


class BeamExplorer(Explorer):
    """A slider over the inputs and one for the beam width; ``decode(index, width)`` returns
    ``(greedy, candidates)`` as :func:`beam_table` takes them."""

    def __init__(self, sources, targets, decode, index=0, width=3, max_width=8):
        if len(sources) != len(targets) or not sources:
            raise ValueError("sources and targets must be non-empty lists of the same length.")
        self.sources, self.targets, self.decode = list(sources), list(targets), decode
        self.index = ipywidgets.IntSlider(
            value=index, min=0, max=len(sources) - 1, description="input"
        )
        self.width = ipywidgets.IntSlider(
            value=width, min=1, max=max_width, description="beam width"
        )
        self.output = ipywidgets.HTML()
        for control in (self.index, self.width):
            control.observe(lambda change: self._draw(), names="value")
        super().__init__([self.index, self.width, self.output])
        self._draw()

    def table(self):
        greedy, candidates = self.decode(self.index.value, self.width.value)
        i = self.index.value
        return beam_table(self.sources[i], self.targets[i], greedy, candidates)

    def _draw(self):
        self.output.value = f"<pre>{html.escape(self.table())}</pre>"

    def snapshot(self):
        return {"text/plain": self.table()}
