"""The daily time series: the real Seattle data shipped offline, the generated series, the splits."""

import numpy as np
import pytest

from course_utils.datasets import DatasetUnavailable
from course_utils.forecasting import data as timeseries


@pytest.fixture(scope="module")
def seattle():
    return timeseries.seattle_max_temperature()


def test_seattle_is_four_full_years_of_daily_maxima(seattle):
    assert len(seattle) == 1461
    assert str(seattle.dates[0]) == "2012-01-01" and str(seattle.dates[-1]) == "2015-12-31"
    assert np.all(np.diff(seattle.dates) == np.timedelta64(1, "D"))
    assert seattle.values.dtype == np.float32 and np.all(np.isfinite(seattle.values))
    # The first rows of the published file, and a plausible range for Seattle maxima.
    np.testing.assert_allclose(seattle.values[:3], [12.8, 10.6, 11.7], rtol=1e-6)
    assert -5 < seattle.values.min() < 5 and 30 < seattle.values.max() < 40


def test_seattle_reports_a_broken_package_clearly(monkeypatch):
    from vega_datasets import local_data

    def broken():
        raise OSError("file not found")

    monkeypatch.setattr(local_data, "seattle_weather", broken)
    with pytest.raises(DatasetUnavailable, match="vega_datasets"):
        timeseries.seattle_max_temperature()


def test_split_by_date_gives_calendar_years_in_order(seattle):
    train, valid, test = timeseries.split_by_date(seattle, "2014-01-01", "2015-01-01")
    assert [len(p) for p in (train, valid, test)] == [731, 365, 365]
    assert str(train.dates[-1]) == "2013-12-31" and str(valid.dates[0]) == "2014-01-01"
    assert str(test.dates[0]) == "2015-01-01"
    np.testing.assert_array_equal(
        np.concatenate([train.values, valid.values, test.values]), seattle.values
    )


@pytest.mark.parametrize(
    "valid_start, test_start",
    [("2015-01-01", "2014-01-01"), ("2011-01-01", "2014-01-01"), ("2014-01-01", "2016-06-01")],
)
def test_split_by_date_refuses_dates_out_of_order_or_range(seattle, valid_start, test_start):
    with pytest.raises(ValueError, match="valid_start < test_start"):
        timeseries.split_by_date(seattle, valid_start, test_start)


def test_split_by_date_explains_bad_input(seattle):
    with pytest.raises(TypeError, match="DailySeries"):
        timeseries.split_by_date(seattle.values, "2014-01-01", "2015-01-01")
    with pytest.raises(ValueError, match="dates such as"):
        timeseries.split_by_date(seattle, "next year", "2015-01-01")


def test_generated_series_is_deterministic_and_has_its_parts():
    a = timeseries.generated_daily_series(seed=3)
    b = timeseries.generated_daily_series(seed=3)
    np.testing.assert_array_equal(a.values, b.values)
    assert len(a) == 1461 and a.values.dtype == np.float32
    assert not np.array_equal(a.values, timeseries.generated_daily_series(seed=4).values)


def test_generated_series_components_are_where_they_should_be():
    weekly = timeseries.generated_daily_series(
        700, trend=0.0, weekly=2.0, yearly=0.0, noise=0.0, level=0.0
    )
    weekdays = (weekly.dates.view("int64") - 4) % 7  # Monday = 0
    assert np.allclose(weekly.values[weekdays == 6], 2.0)  # Sundays are high
    assert np.allclose(weekly.values[weekdays == 0], -1.0)  # Mondays are low
    assert str(weekly.dates[0]) == "2012-01-01" and weekdays[0] == 6  # a Sunday
    trend = timeseries.generated_daily_series(
        731, trend=3.0, weekly=0.0, yearly=0.0, noise=0.0, level=0.0
    )
    assert trend.values[-1] == pytest.approx(3.0 * 730 / 365.25, rel=1e-5)
    yearly = timeseries.generated_daily_series(
        1461, trend=0.0, weekly=0.0, yearly=8.0, noise=0.0, level=10.0
    )
    assert yearly.values.max() == pytest.approx(18.0, abs=0.01)
    assert 150 < np.argmax(yearly.values[:366]) < 190  # warmest in summer


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"n_days": 5}, "n_days"),
        ({"n_days": 100.0}, "n_days"),
        ({"noise": -1.0}, "noise"),
        ({"yearly": float("nan")}, "yearly"),
    ],
)
def test_generated_series_explains_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        timeseries.generated_daily_series(**kwargs)


def test_forecast_figure_and_explorer():
    from course_utils import figures
    from course_utils.forecasting.widget import ForecastExplorer, forecast_figure

    inputs = np.arange(30.0).reshape(3, 10)
    truth = np.ones((3, 7))
    forecasts = {"naive": np.zeros((3, 7)), "model": np.ones((3, 7))}
    fig = forecast_figure(inputs, truth, forecasts, 2, past=5)
    assert isinstance(fig, figures.Figure)
    ax = fig.axes[0]
    assert ax.get_title() == "test window 2" and ax.get_xlabel() and ax.get_ylabel() == "°C"
    assert len(ax.lines) == 2 + len(forecasts) + 1  # past, truth, forecasts, the divider
    np.testing.assert_array_equal(ax.lines[0].get_ydata(), inputs[2, -5:])
    explorer = ForecastExplorer(inputs, truth, forecasts)
    assert explorer.snapshot()["text/plain"] == "Forecasts for test window 0 of 3"
    explorer.slider.value = 1
    assert explorer.snapshot()["text/plain"] == "Forecasts for test window 1 of 3"
    with pytest.raises(ValueError, match="index"):
        forecast_figure(inputs, truth, forecasts, 3)
    with pytest.raises(ValueError, match="shape"):
        forecast_figure(inputs, truth, {"bad": np.zeros((3, 6))}, 0)
    with pytest.raises(TypeError, match="dict"):
        forecast_figure(inputs, truth, [], 0)
    with pytest.raises(ValueError, match="windows"):
        forecast_figure(inputs[:2], truth, forecasts, 0)
