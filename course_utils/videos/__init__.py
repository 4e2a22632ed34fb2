"""Notebook 08, video classification: clips (``data``), their drawings (``figures``), the clip explorer (``widget``)."""
