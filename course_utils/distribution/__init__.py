"""Notebook 11, distributed training: the per-step plan of data parallelism (``parallelism``), a
two-worker cluster on one machine (``multiworker``) and the step-plan explorer (``widget``)."""
