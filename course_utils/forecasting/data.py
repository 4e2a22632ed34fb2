"""Daily univariate time series: a real one shipped offline, a generated one, chronological splits.

- :func:`seattle_max_temperature`: the daily maximum temperature in Seattle, 2012-01-01 to
  2015-12-31 (1,461 days, °C), read from the copy of ``seattle-weather.csv`` that the installed
  ``vega_datasets`` package ships. The real dataset is inside the package, so nothing is
  downloaded and the loader works offline in every profile.
- :func:`generated_daily_series`: a deterministic series with a trend, weekly and yearly
  seasonality and noise, whose parts are known exactly (for controlled experiments).
- :func:`split_by_date`: consecutive train / validation / test blocks cut at two dates (never
  shuffled: a forecaster must be tested on days that come after everything it was trained on).
"""

from dataclasses import dataclass

import numpy as np

from course_utils.datasets import DatasetUnavailable
from course_utils.validation import integer, positive_number

SEATTLE_DAYS = 1461
SEATTLE_START = np.datetime64("2012-01-01")


@dataclass(frozen=True)
class DailySeries:
    """A daily series: ``dates`` (``datetime64[D]``, consecutive) and ``values`` (float32)."""

    name: str
    unit: str
    dates: np.ndarray
    values: np.ndarray

    def __len__(self):
        return len(self.values)

    def __repr__(self):
        return (
            f"DailySeries({self.name!r}, {len(self)} days from {self.dates[0]} to "
            f"{self.dates[-1]}, unit {self.unit!r})"
        )


def _check_daily(dates, values, name):
    if len(dates) != len(values) or len(values) == 0:
        raise DatasetUnavailable(f"{name}: {len(dates)} dates but {len(values)} values.")
    if np.any(np.diff(dates) != np.timedelta64(1, "D")):
        raise DatasetUnavailable(f"{name}: the dates are not consecutive days.")
    if not np.all(np.isfinite(values)):
        raise DatasetUnavailable(f"{name}: some values are missing.")


def seattle_max_temperature():
    """Seattle's daily maximum temperature (°C), 2012–2015, from the ``vega_datasets`` package.

    Raises :class:`DatasetUnavailable` if the package or its file is missing or not as expected.
    """
    try:
        from vega_datasets import local_data

        frame = local_data.seattle_weather()
    except (ImportError, OSError, ValueError) as exc:
        raise DatasetUnavailable(
            "The Seattle weather data ships with the `vega_datasets` package, which could not be "
            f"read ({exc}). Reinstall the course's dependencies (`make lab` does it)."
        ) from None
    dates = frame["date"].to_numpy().astype("datetime64[D]")
    values = frame["temp_max"].to_numpy(dtype=np.float32)
    _check_daily(dates, values, "seattle-weather.csv")
    if len(values) != SEATTLE_DAYS or dates[0] != SEATTLE_START:
        raise DatasetUnavailable(
            f"seattle-weather.csv should hold {SEATTLE_DAYS} days from {SEATTLE_START}, "
            f"found {len(values)} from {dates[0]}."
        )
    return DailySeries("Seattle daily maximum temperature", "°C", dates, values)


def generated_daily_series(
    n_days=SEATTLE_DAYS,
    *,
    level=10.0,
    trend=1.0,
    weekly=2.0,
    yearly=8.0,
    noise=1.0,
    seed=0,
    start="2012-01-01",
):
    """A deterministic daily series: ``level + trend·years + weekly + yearly + noise``.

    ``trend`` is the rise per year, ``weekly`` and ``yearly`` the amplitudes of a weekly
    pattern (higher on weekends) and of a yearly sine wave, ``noise`` the standard deviation of
    Gaussian noise drawn from ``seed``. The same arguments always give the same series.
    """
    integer("n_days", n_days, 14)
    for label, value in (("trend", trend), ("weekly", weekly), ("yearly", yearly)):
        if not np.isfinite(value):
            raise ValueError(f"{label} must be a finite number, got {value!r}.")
    noise = positive_number("noise", noise, allow_zero=True)  # a standard deviation
    day = np.arange(n_days)
    week_pattern = np.array([-0.5, -0.5, -0.5, -0.5, 0.0, 1.0, 1.0])  # Monday ... Sunday
    dates = np.datetime64(start, "D") + day
    weekday = (dates.astype("datetime64[D]").view("int64") - 4) % 7  # 1970-01-01 was a Thursday
    rng = np.random.default_rng(seed)
    values = (
        level
        + trend * day / 365.25
        + weekly * week_pattern[weekday]
        + yearly * np.sin(2 * np.pi * (day - 80) / 365.25)
        + rng.normal(0.0, noise, n_days)
    )
    return DailySeries("generated daily series", "units", dates, values.astype(np.float32))


def split_by_date(series, valid_start, test_start):
    """Split a :class:`DailySeries` into train (before ``valid_start``), validation (up to the day
    before ``test_start``) and test (from ``test_start``), e.g. by calendar year."""
    if not isinstance(series, DailySeries):
        raise TypeError(f"series must be a DailySeries, got {type(series).__name__}.")
    try:
        valid_start, test_start = np.datetime64(valid_start, "D"), np.datetime64(test_start, "D")
    except ValueError:
        raise ValueError(
            f"valid_start and test_start must be dates such as '2014-01-01', got "
            f"{valid_start!r} and {test_start!r}."
        ) from None
    if not series.dates[0] < valid_start < test_start <= series.dates[-1]:
        raise ValueError(
            f"need {series.dates[0]} < valid_start < test_start <= {series.dates[-1]}, got "
            f"{valid_start} and {test_start}."
        )
    cut1, cut2 = np.searchsorted(series.dates, [valid_start, test_start])
    bounds = ((0, cut1), (cut1, cut2), (cut2, len(series)))
    return tuple(
        DailySeries(series.name, series.unit, series.dates[a:b], series.values[a:b])
        for a, b in bounds
    )
