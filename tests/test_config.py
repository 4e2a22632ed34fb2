"""course_utils.config: profiles, seeds, flags and the data directory."""

import os
import subprocess
import sys

import pytest

from course_utils import config


@pytest.mark.parametrize("name", config.PROFILES)
def test_profile_from_environment(monkeypatch, name):
    monkeypatch.setenv("COURSE_PROFILE", name.upper())
    assert config.profile_name() == name
    assert config.profile().name == name


def test_unknown_profile_lists_the_valid_ones(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "quick")
    with pytest.raises(config.ConfigError) as info:
        config.profile_name()
    message = str(info.value)
    assert "'quick'" in message and all(p in message for p in config.PROFILES)


def test_without_course_profile_the_profile_is_what_setup_decided(monkeypatch):
    monkeypatch.delenv("COURSE_PROFILE")
    monkeypatch.setattr(config, "_decided", {})
    with pytest.raises(config.ConfigError, match=r"no profile yet: .* Run the setup cell"):
        config.choose(smoke=1, standard=2)  # never a silent "standard" before device.setup()
    config.decide_profile("full")
    assert config.profile_name() == "full" and config.choose(smoke=1, standard=2, full=3) == 3
    with pytest.raises(config.ConfigError, match="'huge' is not a profile"):
        config.decide_profile("huge")


def test_reading_the_settings_loads_no_tensorflow():
    code = (
        "import sys\nfrom course_utils import config\n"
        "config.describe(); config.choose(smoke=1, standard=2); config.data_dir()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras')))"
    )
    env = {**os.environ, "COURSE_PROFILE": "standard"}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert out.splitlines()[-1] == "[]"


def test_choose_follows_the_profile(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "smoke")
    assert config.choose(smoke=1, standard=10, full=30) == 1
    monkeypatch.setenv("COURSE_PROFILE", "standard")
    assert config.choose(smoke=1, standard=10, full=30) == 10
    monkeypatch.setenv("COURSE_PROFILE", "full")
    assert config.choose(smoke=1, standard=10, full=30) == 30
    assert config.choose(smoke=1, standard=10) == 10


def test_seed_must_be_an_integer(monkeypatch):
    monkeypatch.setenv("COURSE_SEED", "7")
    assert config.seed() == 7
    monkeypatch.setenv("COURSE_SEED", "seven")
    with pytest.raises(config.ConfigError, match="COURSE_SEED"):
        config.seed()


@pytest.mark.parametrize(
    "value, expected", [("1", True), ("yes", True), ("0", False), ("off", False)]
)
def test_flags(monkeypatch, value, expected):
    monkeypatch.setenv("COURSE_OFFLINE", value)
    monkeypatch.setenv("COURSE_MIXED_PRECISION", value)
    assert config.offline() is expected
    assert config.mixed_precision_allowed() is expected


def test_flag_with_a_bad_value(monkeypatch):
    monkeypatch.setenv("COURSE_OFFLINE", "maybe")
    with pytest.raises(config.ConfigError, match="COURSE_OFFLINE='maybe'"):
        config.offline()


def test_data_dir_is_created(data_dir):
    assert not data_dir.exists()
    assert config.data_dir() == data_dir
    assert data_dir.is_dir()


def test_data_dir_defaults_under_the_cache(monkeypatch, tmp_path):
    monkeypatch.delenv("COURSE_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert config.data_dir() == tmp_path / "sequence-course"


def test_data_dir_that_is_a_file(monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("COURSE_DATA_DIR", str(blocker))
    with pytest.raises(config.ConfigError, match="is a file, not a folder"):
        config.data_dir()


def test_data_dir_that_cannot_be_created(monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("COURSE_DATA_DIR", str(blocker / "data"))
    with pytest.raises(config.ConfigError, match="Cannot create the data directory"):
        config.data_dir()


def test_describe_is_one_line(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_PROFILE", "smoke")
    config.describe()
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and out.startswith("Profile: smoke")


@pytest.mark.parametrize(
    "profile, gpus, says",
    [
        ("smoke", 0, "learn\n  next to nothing"),
        ("smoke", 2, "are not\n  the ones these cells print"),
        ("full", 0, "meant for a GPU, and this machine has none"),
        ("standard", 0, None),
        ("standard", 1, None),
        ("full", 1, None),
    ],
)
def test_a_profile_that_does_not_fit_the_machine_says_why_and_how_to_change_it(
    monkeypatch, profile, gpus, says
):
    monkeypatch.setenv("COURSE_PROFILE", profile)
    warning = config.misfit(gpus)
    if says is None:
        assert warning is None
    else:
        assert warning.startswith(f"⚠ The {profile} profile") and says in warning
        assert warning.endswith("or `COURSE_PROFILE=standard make lab`.")
