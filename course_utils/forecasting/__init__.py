"""Notebook 04, the seven-day forecast: the daily series (``data``) and the forecast explorer (``widget``)."""
