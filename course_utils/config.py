"""The course's settings, all read from the environment here and nowhere else (no TensorFlow).

| variable               | meaning                                             | default                        |
| ---------------------- | --------------------------------------------------- | ------------------------------ |
| ``COURSE_PROFILE``     | ``smoke``, ``standard`` or ``full``                  | ``full`` once ``device.setup()`` has found a GPU, else ``standard`` |
| ``COURSE_SEED``        | the seed every notebook starts from                 | ``42``                         |
| ``COURSE_DATA_DIR``    | where downloaded and generated data are cached      | ``$XDG_CACHE_HOME/sequence-course`` (``~/.cache/...``) |
| ``COURSE_OFFLINE``     | ``1``: never try to download, use cached or embedded data | ``0``                    |
| ``COURSE_MIXED_PRECISION`` | ``0``: keep float32 even on GPUs that support float16 | ``1``                      |

Profiles scale every data set and training run: ``smoke`` for tests (each notebook in well under a
minute on 2 CPU cores), ``standard`` for a laptop (minutes, offline data, models that really
learn), ``full`` for a GPU (book-scale, real downloaded data where it exists). Notebooks declare
their sizes with :func:`choose`, so that every size is visible in the lesson and none is
hard-coded to one profile.
"""

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar, overload

T = TypeVar("T")

PROFILES = ("smoke", "standard", "full")


class ConfigError(ValueError):
    """A setting in the environment has a value the course cannot use."""


@dataclass(frozen=True)
class Profile:
    name: str
    purpose: str


_PURPOSES = {
    "smoke": "tests and CI: tiny data, one short epoch, each notebook in well under a minute",
    "standard": "a laptop CPU: offline data, models that really learn, each notebook in minutes",
    "full": "a GPU: book-scale training and real downloaded datasets where they exist",
}


@overload
def _env(name: str) -> str | None: ...
@overload
def _env(name: str, default: str) -> str: ...
def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name, "").strip()
    return value if value else default


def _flag(name: str, default: bool) -> bool:
    value = _env(name)
    if value is None:
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name}={value!r} is not understood: use 1 (on) or 0 (off).")


_decided: dict[str, str] = {}  # the profile device.setup() chose, when COURSE_PROFILE does not say


def decide_profile(name: str) -> None:
    """Record the profile for when ``COURSE_PROFILE`` is not set: :func:`course_utils.device.setup`
    calls it, with ``full`` when it finds a GPU and ``standard`` otherwise."""
    if name not in PROFILES:
        raise ConfigError(f"{name!r} is not a profile. Valid profiles: {', '.join(PROFILES)}.")
    _decided["profile"] = name


def profile_name() -> str:
    """The active profile's name: ``COURSE_PROFILE``, else the one ``device.setup()`` decided.

    Read before either says, it is an error rather than a guess, so that no value chosen by the
    profile can change with the order of calls.
    """
    name = _env("COURSE_PROFILE")
    if name is None:
        if "profile" not in _decided:
            raise ConfigError(
                "no profile yet: COURSE_PROFILE is not set, and the profile is decided by "
                "device.setup() (full with a GPU, else standard), which the notebook's setup cell "
                "runs first. Run the setup cell, or set COURSE_PROFILE."
            )
        return _decided["profile"]
    name = name.lower()
    if name not in PROFILES:
        raise ConfigError(
            f"COURSE_PROFILE={name!r} is not a profile. Valid profiles: {', '.join(PROFILES)} "
            "(e.g. `export COURSE_PROFILE=smoke`)."
        )
    return name


def profile() -> Profile:
    """The active :class:`Profile`."""
    name = profile_name()
    return Profile(name, _PURPOSES[name])


def choose(*, smoke: T, standard: T, full: T | None = None) -> T:
    """Return the value for the active profile (``full`` defaults to ``standard``'s value).

    >>> EPOCHS = choose(smoke=1, standard=10, full=30)
    """
    return {"smoke": smoke, "standard": standard, "full": standard if full is None else full}[
        profile_name()
    ]


def seed() -> int:
    """The seed every notebook starts from (``COURSE_SEED``, default 42)."""
    value = _env("COURSE_SEED", "42")
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"COURSE_SEED={value!r} is not an integer.") from None


def offline() -> bool:
    """True when ``COURSE_OFFLINE=1``: loaders must not try the network."""
    return _flag("COURSE_OFFLINE", False)


def mixed_precision_allowed() -> bool:
    """False when ``COURSE_MIXED_PRECISION=0`` opts out of float16 on capable GPUs."""
    return _flag("COURSE_MIXED_PRECISION", True)


def data_dir(create: bool = True) -> Path:
    """The course data directory, created if needed; a clear error if it cannot be used."""
    default = Path(_env("XDG_CACHE_HOME", str(Path.home() / ".cache"))) / "sequence-course"
    path = Path(_env("COURSE_DATA_DIR", str(default))).expanduser()
    if path.exists() and not path.is_dir():
        raise ConfigError(
            f"The data directory {path} is a file, not a folder. Set COURSE_DATA_DIR to a folder."
        )
    if create:
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(
                f"Cannot create the data directory {path} ({exc.strerror}). "
                "Set COURSE_DATA_DIR to a folder you can write to."
            ) from None
    return path


# The work of the full profile's training against the standard one's, from the notebooks' sizes
# (config.choose: examples × epochs): 2× (04, 09) to 50× (05), 20× or more in 01, 05, 07, 08, 11.
_MISFITS = {
    "smoke": (
        "⚠ The smoke profile is for the tests: tiny data and one short epoch, so the models learn\n"
        "  next to nothing, and the numbers that the prose quotes (the standard profile's) are not\n"
        "  the ones these cells print."
    ),
    "full": (
        "⚠ The full profile is meant for a GPU, and this machine has none. Its training does 2 to\n"
        "  50 times the standard profile's work (20 times or more in notebooks 01, 05, 07, 08 and\n"
        "  11), so on a CPU a notebook takes up to a few hours instead of minutes; and it downloads\n"
        "  the real datasets (UCF101 alone is 6.5 GiB)."
    ),
}
_CHANGE = (
    "  To change the profile, stop JupyterLab (Ctrl+C in its terminal) and run `make lab` without\n"
    "  COURSE_PROFILE (standard without a GPU, full with one), or `COURSE_PROFILE=standard make lab`."
)


def misfit(gpus: int) -> str | None:
    """What to tell the learner when the active profile does not fit a machine with ``gpus`` GPUs
    (``smoke`` anywhere, ``full`` without a GPU), with how to change it; None when it fits."""
    name = profile_name()
    if name == "smoke" or (name == "full" and not gpus):
        return f"{_MISFITS[name]}\n{_CHANGE}"
    return None


def describe() -> None:
    """Print the profile and seed in one line."""
    p = profile()
    print(f"Profile: {p.name} ({p.purpose}) · seed {seed()}")
