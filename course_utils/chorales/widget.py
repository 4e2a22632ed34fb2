"""A widget to continue a chorale with a trained model: pick the seed chorale and the temperature,
then see the piano roll and hear the result."""

import ipywidgets
import numpy as np

from course_utils.chorales import music
from course_utils.widgets import Explorer, FigureImage, figure_png


def describe(chorale, seed_steps, temperature):
    """One line about a continuation: its length, how it was decoded, how often it holds notes."""
    array = music.check_chorale(chorale)
    generated = array[seed_steps:]
    held = (
        float(np.mean(np.all(generated[1:] == generated[:-1], axis=1)))
        if len(generated) > 1
        else 0.0
    )
    decoding = "greedy" if temperature == 0 else f"sampled at temperature {temperature:g}"
    return (
        f"{seed_steps} seed steps + {len(generated)} generated steps ({decoding}); "
        f"{held:.0%} of generated steps repeat the previous chord"
    )


class ChoraleExplorer(Explorer):
    """Choose a seed chorale and a temperature (0 = greedy); the view shows and plays the result.

    ``generate(seed_chorale, temperature)`` returns the seed followed by the generated steps;
    ``seeds`` maps a label to a ``(steps, 4)`` chorale whose first ``seed_steps`` steps are used.
    """

    def __init__(self, generate, seeds, seed_steps=16, temperature=1.0, tempo=120):
        if not callable(generate):
            raise TypeError("generate must be a function (seed_chorale, temperature) -> chorale.")
        if not isinstance(seeds, dict) or not seeds:
            raise ValueError("seeds must be a non-empty dict {label: chorale}.")
        self.generate, self.seeds, self.seed_steps, self.tempo = generate, seeds, seed_steps, tempo
        self.choice = ipywidgets.Dropdown(options=list(seeds), description="seed")
        self.temperature = ipywidgets.FloatSlider(
            value=temperature,
            min=0.0,
            max=2.0,
            step=0.1,
            continuous_update=False,
            description="temperature",
        )
        self.roll = FigureImage()
        self.player = ipywidgets.Audio(format="wav", autoplay=False)
        self.label = ipywidgets.Label()
        for control in (self.choice, self.temperature):
            control.observe(lambda _: self.update(), names="value")
        super().__init__(
            [ipywidgets.HBox([self.choice, self.temperature]), self.label, self.roll, self.player]
        )
        self.update()

    def update(self):
        seed = music.check_chorale(self.seeds[self.choice.value])[: self.seed_steps]
        self.result = music.check_chorale(self.generate(seed, self.temperature.value))
        self.label.value = describe(self.result, self.seed_steps, self.temperature.value)
        fig = music.piano_roll(
            self.result, title=f"{self.choice.value}, continued", generated_from=self.seed_steps
        )
        self._png = figure_png(fig)
        self.roll.show(self._png)
        self.player.value = music.wav_bytes(music.synthesize(self.result, self.tempo))

    def snapshot(self):
        return {"text/plain": self.label.value, "image/png": self._png}
