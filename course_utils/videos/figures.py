"""Drawings for video clips: a strip of frames, and a model's class probabilities frame by frame."""

import numpy as np

from course_utils import figures


def _check_clip(clip):
    clip = np.asarray(clip)
    if clip.ndim == 4 and clip.shape[-1] in (1, 3):
        clip = clip[..., 0] if clip.shape[-1] == 1 else clip
    if clip.ndim not in (3, 4):
        raise ValueError(
            f"clip must have shape (frames, height, width[, channels]), got {np.shape(clip)}."
        )
    return clip


def frame_strip(clips, *, row_labels=None, title="Frames of a clip"):
    """One row of frames per clip (``clips``: one clip or a list of clips of equal length)."""
    if not isinstance(clips, (list, tuple)):
        clips = [clips]
    clips = [_check_clip(c) for c in clips]
    frames = len(clips[0])
    if any(len(c) != frames for c in clips):
        raise ValueError("all clips in a strip must have the same number of frames.")
    # Frames as large as fit in the notebook's width, with room for the row labels on the left.
    side = min(0.9, (figures.WIDTH - (1.6 if row_labels is not None else 0.3)) / frames)
    width = side * frames + (1.6 if row_labels is not None else 0.3)
    fig = figures.new(figsize=(width, (0.8 * side + 0.2) * len(clips) + 0.9))
    axes = fig.subplots(len(clips), frames, squeeze=False)
    for row, clip in enumerate(clips):
        for t, ax in enumerate(axes[row]):
            ax.imshow(clip[t], cmap="gray", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
            if row == len(clips) - 1:
                ax.set_xlabel(str(t))
        if row_labels is not None:
            axes[row, 0].set_ylabel(row_labels[row], rotation=0, ha="right", va="center")
    fig.suptitle(title)
    fig.supxlabel("frame t (time →)")
    fig.tight_layout(h_pad=0.8)
    return fig


def prefix_view(clip, probabilities, seen, class_names, *, true_label=None, title=None):
    """The frames seen so far (the rest dimmed) above the class probabilities after each frame."""
    clip = _check_clip(clip)
    probabilities = np.asarray(probabilities)
    frames = len(clip)
    if probabilities.shape != (frames, len(class_names)):
        raise ValueError(
            f"probabilities must have shape (frames, classes) = {(frames, len(class_names))}, "
            f"got {probabilities.shape}."
        )
    if not 1 <= seen <= frames:
        raise ValueError(f"seen must be between 1 and {frames}, got {seen!r}.")
    fig = figures.new(figsize=(min(0.75 * frames + 1, 9.6), 5), layout="constrained")
    grid = fig.add_gridspec(2, frames, height_ratios=(1, 2.6))
    for t in range(frames):
        ax = fig.add_subplot(grid[0, t])
        ax.imshow(clip[t], cmap="gray", vmin=0, vmax=1, alpha=1.0 if t < seen else 0.15)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(str(t + 1))
    ax = fig.add_subplot(grid[1, :])
    steps = np.arange(1, frames + 1)
    for k, name in enumerate(class_names):
        style = "-" if k == true_label else "--"
        ax.plot(steps[:seen], probabilities[:seen, k], style, marker="o", ms=3, label=name)
    ax.axvline(seen, color="gray", lw=0.8)
    ax.set(
        xlim=(0.5, frames + 0.5),
        ylim=(-0.03, 1.03),
        xlabel="frames seen",
        ylabel="predicted probability",
    )
    fig.legend(loc="outside lower center", ncol=len(class_names) if len(class_names) <= 4 else 3)
    fig.suptitle(title or f"Class probabilities after {seen} of {frames} frames")
    return fig
