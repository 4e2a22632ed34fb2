"""Synthetic Quick, Draw! doodles: the offline default of the sketch loaders.

The offline default of :mod:`course_utils.sketches.data`: :func:`generate` draws doodles of
:data:`SYNTHETIC_CLASSES`, real QuickDraw classes in groups that look alike
(:data:`SYNTHETIC_GROUPS`), the way people draw them: points spaced along each stroke as in a
simplified drawing (straight lines sparser than curves), wobble and jitter, rotation, shear and
stretch, parts a little off their place, strokes in any order and direction, the pen lifted part
way through a stroke or at every corner, drawings stopped before their details, and a few
scribbles that look like no class. The spacing of their points (:data:`STEP_PIXELS`,
:data:`STEP_SPREAD`) is chosen so that their lengths follow those of the real tutorial TFRecords,
as read off the textbook's histogram of them (Géron, *Hands-On Machine Learning*, 3rd ed.,
chapter 15, exercise 9's solution notebook; cited, not measured here), with
the book's batches of 32 simulated on it. Lengths in the tutorial format (one point fewer):

=============================================  ==================  ==============
                                               ``generate(8000)``  real (≈)
=============================================  ==================  ==============
median points                                  38                  38
most common length (5-point bins)              27                  25
at most 100 points                             95%                 96%
under 21 points                                16%                 15%
over 200 points                                0.2%                0.3%
a crop at 100 cuts: sketches / points          5% / 3%             3% / 2%
padding in the book's batches of 32            55%                 56%
=============================================  ==================  ==============

Their median is 3 strokes a sketch; the longest of 8,000 has 297 points.

Generating 10,000 doodles takes a few seconds.

The sketches are int16 stroke-3 arrays ``(Δx, Δy, pen_lifted)`` in pixel units, the format of
the sketch-rnn ``.npz`` files; :mod:`course_utils.sketches.data` writes them in both real formats.
"""

import numpy as np

from course_utils.validation import positive_int

# The synthetic classes, in groups of classes that look alike (all are real QuickDraw classes).
SYNTHETIC_GROUPS = (
    ("circle", "smiley face", "sun", "donut", "clock", "wheel"),
    ("square", "envelope", "house", "television", "door"),
    ("triangle", "mountain", "star", "diamond"),
    ("hexagon", "octagon"),
    ("zigzag", "lightning", "squiggle"),
)
SYNTHETIC_CLASSES = tuple(c for group in SYNTHETIC_GROUPS for c in group)
STEP_PIXELS = 19  # the median spacing of the synthetic points along a curve, in pixels
STEP_SPREAD = 0.45  # the spread (log-normal sigma) of that spacing from drawing to drawing
SPLIT_SHARE = 0.4  # the share of strokes drawn in two (the pen lifted part way)
CORNER_LIFTS = 0.2  # the share of drawings whose straight lines are drawn one side a stroke
SCRIBBLES = 0.04  # the share of drawings that are scribbles, whatever their label
VERSION = 6  # bump when the generator changes, so that cached synthetic files are rebuilt


def _arc(cx, cy, rx, ry, start=0.0, turn=2 * np.pi):
    """A dense elliptic arc (64 points a full turn): a curve, resampled later."""
    t = start + np.linspace(0, turn, max(8, int(64 * abs(turn) / (2 * np.pi))))
    return np.column_stack([cx + rx * np.cos(t), cy + ry * np.sin(t)])


def _poly(*vertices, closed=False):
    """A polyline whose corners are kept when it is resampled."""
    v = np.asarray(vertices, float)
    return (np.vstack([v, v[:1]]) if closed else v), True


def _curve(points):
    return points, False


def _ngon(k, rx=1.0, ry=1.0, start=np.pi / 2):
    angle = start + np.arange(k) * 2 * np.pi / k
    return _poly(*np.column_stack([rx * np.cos(angle), ry * np.sin(angle)]), closed=True)


def _rect(x0, y0, x1, y1):
    return _poly((x0, y0), (x0, y1), (x1, y1), (x1, y0), closed=True)


def _rays(rng, inner, outer, k):
    angle = rng.uniform(0, 2 * np.pi) + np.arange(k) * 2 * np.pi / k
    unit = np.column_stack([np.cos(angle), np.sin(angle)])
    return [_poly(inner * u, outer * u) for u in unit]


def _face(rng, cx=0.0, cy=0.0, r=1.0):
    """Two eyes (dots or rings) and a smile inside a circle of radius ``r``."""
    eyes = []
    for x in (-0.35, 0.35):
        if rng.uniform() < 0.5:
            eyes.append(_curve(_arc(cx + x * r, cy + 0.3 * r, 0.1 * r, 0.12 * r)))
        else:
            eyes.append(_poly((cx + x * r, cy + 0.35 * r), (cx + x * r, cy + 0.2 * r)))
    smile = _arc(cx, cy, 0.55 * r, 0.45 * r, np.pi * 1.15, np.pi * 0.7)
    return [*eyes, _curve(smile)]


def _circle(rng):
    """One loop that overlaps itself a little, or two halves."""
    u = rng.uniform
    if u() < 0.2:  # two halves
        start = u(0, 6.3)
        return [
            _curve(_arc(0, 0, 1, 1, start, np.pi * u(1, 1.1))) for start in (start, start + np.pi)
        ]
    return [_curve(_arc(0, 0, 1, u(0.85, 1.1), u(0, 6.3), 2 * np.pi * u(1.0, 1.2)))]


def _smiley_face(rng):
    """A circle around two eyes and a smile, sometimes a nose."""
    u = rng.uniform
    strokes = [_curve(_arc(0, 0, 1, 1, u(0, 6.3), 2 * np.pi * u(1.0, 1.1))), *_face(rng)]
    if u() < 0.3:
        strokes.append(_poly((0, 0.15), (-0.05, -0.05), (0.08, -0.05)))  # a nose
    return strokes


def _sun(rng):
    """A disc and its rays (straight, or one zigzag around it), sometimes a face."""
    u = rng.uniform
    r = u(0.35, 0.6)
    strokes = [_curve(_arc(0, 0, r, r, u(0, 6.3), 2 * np.pi * u(1.0, 1.1)))]
    k = int(rng.integers(6, 14))
    if u() < 0.25:  # the rays as one zigzag around the disc
        angle = u(0, 6.3) + np.linspace(0, 2 * np.pi, 2 * k + 1)
        radius = np.where(np.arange(2 * k + 1) % 2, 1.0, r + 0.08)
        strokes.append(_poly(*np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])))
    else:
        strokes += _rays(rng, r + 0.1, u(0.8, 1.0), k)
    if u() < 0.25:
        strokes += _face(rng, r=r)
    return strokes


def _donut(rng):
    """Two rings, sometimes sprinkles between them."""
    u = rng.uniform
    strokes = [_curve(_arc(0, 0, 1, 1, u(0, 6.3), 2 * np.pi * u(1, 1.1)))]
    strokes.append(_curve(_arc(0, 0, u(0.25, 0.45), u(0.25, 0.45), u(0, 6.3), 2 * np.pi)))
    for _ in range(int(rng.integers(0, 9)) if u() < 0.5 else 0):  # sprinkles
        a, d = u(0, 6.3), u(0.55, 0.8)
        c = d * np.array([np.cos(a), np.sin(a)])
        strokes.append(_poly(c, c + 0.12 * np.array([np.cos(a * 3), np.sin(a * 3)])))
    return strokes


def _clock(rng):
    """A circle and two hands, often the hour marks."""
    u = rng.uniform
    strokes = [_curve(_arc(0, 0, 1, 1, u(0, 6.3), 2 * np.pi * u(1, 1.1)))]
    a, b = u(0, 6.3), u(0, 6.3)
    strokes.append(
        _poly((0.45 * np.cos(a), 0.45 * np.sin(a)), (0, 0), (0.75 * np.cos(b), 0.75 * np.sin(b)))
    )
    if u() < 0.6:
        strokes += _rays(rng, 0.78, 0.92, 12 if u() < 0.5 else 4)
    return strokes


def _wheel(rng):
    """A rim, often a hub, and spokes through the centre."""
    u = rng.uniform
    strokes = [_curve(_arc(0, 0, 1, 1, u(0, 6.3), 2 * np.pi * u(1, 1.1)))]
    if u() < 0.6:
        strokes.append(_curve(_arc(0, 0, 0.15, 0.15)))
    angle = u(0, np.pi) + np.arange(int(rng.integers(2, 5))) * np.pi / 4
    for a in angle:  # spokes through the centre
        c = np.array([np.cos(a), np.sin(a)])
        strokes.append(_poly(-c, c))
    return strokes


def _square(rng):
    """One closed square, or its four sides one by one."""
    u = rng.uniform
    v = [(-1, -1), (-1, 1), (1, 1), (1, -1)]
    if u() < 0.3:
        return [_poly(v[i], v[(i + 1) % 4]) for i in range(4)]
    return [_poly(*v, closed=True)]


def _envelope(rng):
    """A rectangle and its flap, sometimes the bottom folds."""
    u = rng.uniform
    strokes = [_rect(-1, -0.65, 1, 0.65), _poly((-1, 0.65), (0, u(-0.3, 0.1)), (1, 0.65))]
    if u() < 0.3:
        strokes += [_poly((-1, -0.65), (-0.25, 0)), _poly((1, -0.65), (0.25, 0))]
    return strokes


def _house(rng):
    """Walls and a roof, often a door, sometimes windows and a chimney."""
    u = rng.uniform
    strokes = [_rect(-0.8, -1, 0.8, 0.2), _poly((-0.95, 0.15), (0, u(0.8, 1.1)), (0.95, 0.15))]
    if u() < 0.7:
        x = u(-0.5, 0.2)
        strokes.append(_poly((x, -1), (x, -0.35), (x + 0.35, -0.35), (x + 0.35, -1)))
    for _ in range(int(rng.integers(0, 3))):
        x, y = u(-0.7, 0.4), u(-0.6, -0.15)
        strokes.append(_rect(x, y, x + 0.3, y + 0.3))
    if u() < 0.3:
        strokes.append(_poly((0.45, 0.5), (0.45, 0.85), (0.65, 0.85), (0.65, 0.35)))
    return strokes


def _television(rng):
    """A case, often a screen and an antenna, sometimes knobs."""
    u = rng.uniform
    strokes = [_rect(-1, -0.75, 1, 0.6)]
    if u() < 0.8:
        strokes.append(_rect(-0.8, -0.55, 0.45, 0.4))
    if u() < 0.6:
        strokes.append(_poly((-0.4, 1.1), (0, 0.6), (0.45, 1.1)))
    for _ in range(int(rng.integers(0, 3))):
        strokes.append(_curve(_arc(0.72, u(-0.4, 0.3), 0.08, 0.08)))
    return strokes


def _door(rng):
    """A tall rectangle and its knob, sometimes two panels."""
    u = rng.uniform
    strokes = [_rect(-0.5, -1, 0.5, 1)]
    strokes.append(
        _curve(_arc(0.3, 0, 0.06, 0.06)) if u() < 0.6 else _poly((0.3, 0.05), (0.3, -0.05))
    )
    if u() < 0.3:
        strokes += [_rect(-0.35, 0.2, 0.35, 0.8), _rect(-0.35, -0.85, 0.35, -0.2)]
    return strokes


def _triangle(rng):
    """One closed triangle, or its three sides one by one."""
    u = rng.uniform
    v = [(-1, -0.8), (0, 1), (1, -0.8)]
    if u() < 0.3:
        return [_poly(v[i], v[(i + 1) % 3]) for i in range(3)]
    return [_poly(*v, closed=True)]


def _mountain(rng):
    """One to three peaks, sometimes the ground, snow or the sun."""
    u = rng.uniform
    peaks = int(rng.integers(1, 4))
    x = np.linspace(-1, 1, 2 * peaks + 1)
    y = np.where(np.arange(len(x)) % 2, u(0.4, 1.0, len(x)), u(-0.9, -0.4, len(x)))
    y[[0, -1]] = -1
    strokes = [_poly(*np.column_stack([x, y]))]
    if u() < 0.4:
        strokes.append(_poly((-1, -1), (1, -1)))
    if u() < 0.4:  # snow on the highest peak
        top = int(np.argmax(y))
        a, b = (x[top - 1] + 2 * x[top]) / 3, (x[top + 1] + 2 * x[top]) / 3
        h = (y[top - 1] + 2 * y[top]) / 3
        strokes.append(_poly((a, h), ((a + x[top]) / 2, h - 0.1), (x[top], h), (b, h)))
    if u() < 0.3:
        strokes.append(_curve(_arc(u(-0.8, 0.8), 1.3, 0.2, 0.2)))  # the sun
    return strokes


def _star(rng):
    """A five-pointed star in one stroke, or its outline; sometimes sparkles."""
    u = rng.uniform
    angle = np.pi / 2 + np.arange(5) * 4 * np.pi / 5
    if u() < 0.3:  # the outline, ten corners
        angle = np.pi / 2 + np.arange(10) * np.pi / 5
        r = np.where(np.arange(10) % 2, 0.4, 1.0)
        return [_poly(*np.column_stack([r * np.cos(angle), r * np.sin(angle)]), closed=True)]
    strokes = [_poly(*np.column_stack([np.cos(angle), np.sin(angle)]), closed=True)]
    if u() < 0.2:  # sparkles
        strokes += _rays(rng, 1.15, 1.35, int(rng.integers(2, 6)))
    return strokes


def _diamond(rng):
    """A rhombus, or a gem with a flat top."""
    u = rng.uniform
    if u() < 0.35:  # a gem: a flat top, then a point
        return [
            _poly((-0.5, 0.8), (0.5, 0.8), (1, 0.3), (0, -1), (-1, 0.3), closed=True),
            _poly((-1, 0.3), (1, 0.3)),
        ]
    return [_ngon(4, 0.75, 1.0)]


def _hexagon(rng):
    """A regular hexagon, turned at random."""
    u = rng.uniform
    return [_ngon(6, start=u(0, np.pi / 3))]


def _octagon(rng):
    """A regular octagon, turned at random."""
    u = rng.uniform
    return [_ngon(8, start=u(0, np.pi / 4))]


def _zigzag(rng):
    """Three to eight teeth."""
    u = rng.uniform
    teeth = int(rng.integers(3, 9))
    x = np.linspace(-1, 1, 2 * teeth + 1)
    y = np.where(np.arange(len(x)) % 2, 0.5, -0.5) * u(0.3, 1.2)
    return [_poly(*np.column_stack([x, y]))]


def _lightning(rng):
    """A bolt: its outline, or one zigzag stroke."""
    u = rng.uniform
    if u() < 0.5:  # the outline of a bolt
        return [
            _poly(
                (0.2, 1),
                (-0.5, -0.05),
                (0, 0),
                (-0.3, -1),
                (0.5, 0.15),
                (0, 0.1),
                (0.5, 1),
                closed=True,
            )
        ]
    return [_poly((0.4, 1), (-0.4, 0.1), (0.3, -0.05), (-0.3, -1))]


def _squiggle(rng):
    """One to three waves, one under the other."""
    u = rng.uniform
    lines = []
    for y in np.linspace(0, -0.8, int(rng.integers(1, 4))):
        t = np.linspace(0, 2 * np.pi * u(1.5, 4), 120)
        wave = u(0.15, 0.45) * np.sin(t) * np.exp(u(-0.4, 0.4) * t / t[-1])
        lines.append(_curve(np.column_stack([np.linspace(-1, 1, len(t)), y + wave])))
    return lines


# How each synthetic class is drawn, from the random stream of one doodle.
_SHAPES = {
    "circle": _circle,
    "smiley face": _smiley_face,
    "sun": _sun,
    "donut": _donut,
    "clock": _clock,
    "wheel": _wheel,
    "square": _square,
    "envelope": _envelope,
    "house": _house,
    "television": _television,
    "door": _door,
    "triangle": _triangle,
    "mountain": _mountain,
    "star": _star,
    "diamond": _diamond,
    "hexagon": _hexagon,
    "octagon": _octagon,
    "zigzag": _zigzag,
    "lightning": _lightning,
    "squiggle": _squiggle,
}


def _shape(name, rng):
    """The strokes of one doodle in unit coordinates (y up), before any distortion: a list of
    ``(path, corners)``, ``corners=True`` for straight segments whose vertices are kept."""
    if name not in _SHAPES:
        raise ValueError(f"unknown synthetic class {name!r}; choose from {SYNTHETIC_CLASSES}.")
    return _SHAPES[name](rng)


def _scribble(rng):
    """One to three wandering strokes that look like no class."""
    strokes = []
    for _ in range(int(rng.integers(1, 4))):
        heading = np.cumsum(rng.normal(0, 0.6, int(rng.integers(10, 40))))
        strokes.append(_curve(np.cumsum(np.column_stack([np.cos(heading), np.sin(heading)]), 0)))
    return strokes


def _trace(rng, path, corners, step):
    """Resample a stroke at a varying spacing around ``step`` (straight segments twice as sparse,
    as a simplified real drawing); ``corners`` keeps the vertices."""
    gaps = np.diff(path, axis=0)
    run = np.concatenate([[0], np.cumsum(np.hypot(gaps[:, 0], gaps[:, 1]))])
    spacing = step * (2 if corners else 1) * rng.uniform(0.6, 1.4, int(run[-1] / step / 0.6) + 2)
    where = np.cumsum(spacing) - spacing[0]
    where = np.concatenate([where[where < run[-1]], run if corners else run[-1:]])
    where = np.unique(where)
    return np.column_stack([np.interp(where, run, path[:, 0]), np.interp(where, run, path[:, 1])])


def _stop_early(stroke, fraction):
    """The first ``fraction`` of a stroke's length (its last point interpolated)."""
    run = np.r_[0, np.cumsum(np.linalg.norm(np.diff(stroke, axis=0), axis=1))]
    target = fraction * run[-1]
    k = int(np.searchsorted(run, target))  # stroke[k] is the first point beyond the target
    if k == 0 or k >= len(stroke):
        return stroke
    w = (target - run[k - 1]) / max(run[k] - run[k - 1], 1e-12)
    return np.vstack([stroke[:k], stroke[k - 1] + w * (stroke[k] - stroke[k - 1])])


def _plan(name, rng):
    """The strokes of one doodle of ``name`` in the order drawn: ``(path, corners)`` pairs."""
    shape = _scribble(rng) if rng.uniform() < SCRIBBLES else _shape(name, rng)
    if rng.uniform() < CORNER_LIFTS:  # the pen lifted at every corner: one stroke per side
        sides = [(p[i : i + 2], True) for p, c in shape if c for i in range(len(p) - 1)]
        shape = sides + [(p, c) for p, c in shape if not c]
    if len(shape) > 1 and rng.uniform() < 0.15:  # stopped before the details
        shape = shape[: int(rng.integers(1, len(shape)))]
    if len(shape) > 1 and rng.uniform() < 0.4:  # people draw the parts in different orders
        shape = [shape[i] for i in rng.permutation(len(shape))]
    return shape


def _by_hand(strokes, extent, rng):
    """All points with wobble, jitter and each stroke a little off its place; returns them with
    each point's stroke number, some strokes cut in two (the pen lifted part way)."""
    sizes = np.array([len(s) for s in strokes])
    starts, k = np.cumsum(sizes) - sizes, len(strokes)
    stroke = np.repeat(np.arange(k), sizes)
    along = np.arange(len(stroke)) - starts[stroke]
    phase = (
        along[:, None] * rng.uniform(0.05, 0.25, (k, 1))[stroke] + rng.uniform(0, 6, (k, 2))[stroke]
    )
    wobble = rng.uniform(0.01, 0.04, (k, 1))[stroke] * np.sin(phase)
    shift = rng.normal(0, 0.03, (k, 2))[stroke] + rng.normal(0, 0.006, (len(stroke), 2))
    points = np.concatenate(strokes) + extent * (wobble + shift)
    cut = (sizes >= 8) & (rng.uniform(size=k) < SPLIT_SHARE)
    new_stroke = np.zeros(len(stroke), int)
    new_stroke[(starts + (rng.uniform(0.2, 0.8, k) * sizes).astype(int))[cut]] = 1
    return points, stroke + np.cumsum(new_stroke)


def _to_pixels(points, stroke):
    """Points fitted into 255 pixels (y pointing down, integers as in the real data) → stroke-3;
    a point that rounds onto the previous one of its stroke is dropped."""
    lower, size = points.min(axis=0), np.ptp(points, axis=0).max()
    points = np.round((points - lower) / size * 255 * np.array([1, -1]) + [0, 255])
    moved = np.any(np.diff(points, axis=0) != 0, axis=1) | (np.diff(stroke) != 0)
    keep = np.concatenate([[True], moved])
    points, stroke = points[keep], stroke[keep]
    lifted = np.concatenate([np.diff(stroke) != 0, [True]])
    return np.column_stack([np.diff(points, axis=0, prepend=np.zeros((1, 2))), lifted])


def _draw(name, rng):
    """One human-like doodle of ``name`` as a stroke-3 array in 0–255 pixel units."""
    shape = _plan(name, rng)
    extent = np.ptp(np.concatenate([p for p, _ in shape]), axis=0).max()
    step = extent / 255 * rng.lognormal(np.log(STEP_PIXELS), STEP_SPREAD)
    flips = rng.uniform(size=len(shape)) < 0.25  # strokes drawn the other way round
    strokes = [
        _trace(rng, path, corners, step)[:: -1 if flip else 1]
        for (path, corners), flip in zip(shape, flips, strict=True)
    ]
    if rng.uniform() < 0.1:  # unfinished: the last stroke stops before its end
        strokes[-1] = _stop_early(strokes[-1], rng.uniform(0.5, 0.9))
    points, stroke = _by_hand(strokes, extent, rng)
    angle = rng.uniform(-0.35, 0.35)
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    shear = np.array([[1, rng.uniform(-0.2, 0.2)], [0, 1]]) * rng.uniform(0.7, 1.3, 2)
    return _to_pixels(points @ (rotation @ shear).T, stroke)


def generate(n, *, seed=0, classes=SYNTHETIC_CLASSES):
    """``n`` synthetic doodles, balanced over ``classes``: (list of int16 stroke-3 arrays, labels).

    Deterministic: the same ``seed`` and ``classes`` give the same sketches, and a smaller ``n``
    gives the first ones of a larger ``n``.
    """
    positive_int("n", n)
    unknown = [c for c in classes if c not in SYNTHETIC_CLASSES]
    if unknown or not classes:
        raise ValueError(
            f"classes must be taken from {SYNTHETIC_CLASSES}, got {unknown or classes}."
        )
    # Labels come in shuffled blocks of one sketch per class, and sketch i is drawn from its own
    # random stream: the first sketches are the same whatever n is.
    k = len(classes)
    blocks = [np.random.default_rng([seed, b, 0]).permutation(k) for b in range(-(-n // k))]
    labels = np.concatenate(blocks)[:n]
    sketches = [
        _draw(classes[label], np.random.default_rng([seed, i, 1])).astype(np.int16)
        for i, label in enumerate(labels)
    ]
    return sketches, labels.astype(np.int64)
