"""Notebook 12, Bach chorales: the chorales (``data``), turning them into scores and sound
(``music``), and the chorale explorer (``widget``)."""
