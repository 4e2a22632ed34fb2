"""Notebook 09, SketchRNN classification: QuickDraw sketches (``data``), the input pipelines
(``pipeline``), their drawings (``figures``) and the sketch explorer (``widget``)."""
