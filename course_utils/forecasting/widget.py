"""Forecasts against the truth, one test window at a time (notebook 04).

:func:`forecast_figure` draws the window's recent past, the next days' truth and each model's
forecast; :class:`ForecastExplorer` is a slider over the test windows that redraws it.
"""

import ipywidgets
import numpy as np

from course_utils import figures
from course_utils.widgets import Explorer, FigureImage, figure_png


def _check(inputs, truth, forecasts):
    inputs, truth = np.asarray(inputs, dtype=float), np.asarray(truth, dtype=float)
    if inputs.ndim != 2 or truth.ndim != 2 or len(inputs) != len(truth):
        raise ValueError(
            "inputs must be (windows, past days) and truth (windows, horizon) with as many "
            f"windows, got shapes {inputs.shape} and {truth.shape}."
        )
    if not isinstance(forecasts, dict) or not forecasts:
        raise TypeError(
            "forecasts must be a non-empty dict {model name: (windows, horizon) array}."
        )
    forecasts = {name: np.asarray(f, dtype=float) for name, f in forecasts.items()}
    for name, f in forecasts.items():
        if f.shape != truth.shape:
            raise ValueError(f"forecast {name!r} has shape {f.shape}, expected {truth.shape}.")
    return inputs, truth, forecasts


def forecast_figure(inputs, truth, forecasts, index, *, past=21, unit="°C", ax=None, legend=True):
    """Plot window ``index``: its last ``past`` input days, the true next days, each forecast.

    ``inputs`` is (windows, past days), ``truth`` (windows, horizon), ``forecasts`` a dict of
    (windows, horizon) arrays, all in the same unit. Draws on ``ax`` if given, else on a new
    figure; returns the figure. The legend sits to the right of the plot, never over the data;
    ``legend=False`` leaves it out (for panels that share one legend).
    """
    inputs, truth, forecasts = _check(inputs, truth, forecasts)
    if not 0 <= index < len(truth):
        raise ValueError(f"index must be in [0, {len(truth) - 1}], got {index}.")
    past = min(past, inputs.shape[1])
    horizon = truth.shape[1]
    if ax is None:
        ax = figures.new(figsize=(8.6, 3.6), layout="constrained").subplots()
    days_before = np.arange(-past + 1, 1)
    days_after = np.arange(1, horizon + 1)
    ax.plot(days_before, inputs[index, -past:], "k.-", label="past (input)")
    ax.plot(days_after, truth[index], "ko-", label="truth")
    for name, f in forecasts.items():
        ax.plot(days_after, f[index], "x--", label=name)
    ax.axvline(0.5, color="grey", lw=0.8)
    ax.set(xlabel="day (0 = last input day)", ylabel=unit, title=f"test window {index}")
    if legend:
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5))
    return ax.figure


class ForecastExplorer(Explorer):
    """A slider over the test windows; each position redraws :func:`forecast_figure`."""

    def __init__(self, inputs, truth, forecasts, *, past=21, unit="°C", index=0):
        inputs, truth, forecasts = _check(inputs, truth, forecasts)
        self._data = dict(inputs=inputs, truth=truth, forecasts=forecasts, past=past, unit=unit)
        self.slider = ipywidgets.IntSlider(
            value=index, min=0, max=len(truth) - 1, description="window", continuous_update=False
        )
        self.image = FigureImage()
        self.slider.observe(lambda change: self._draw(), names="value")
        super().__init__([self.slider, self.image])
        self._draw()

    def _figure(self):
        d = self._data
        return forecast_figure(
            d["inputs"],
            d["truth"],
            d["forecasts"],
            self.slider.value,
            past=d["past"],
            unit=d["unit"],
        )

    def _draw(self):
        self.image.show(figure_png(self._figure()))

    def snapshot(self):
        return {
            "text/plain": f"Forecasts for test window {self.slider.value} of {len(self._data['truth'])}",
            "image/png": figure_png(self._figure()),
        }
