import pytest
import yaml

from bot.config import DEFAULT_CONFIG_PATH, ConfigError, load_config


def _write(tmp_path, data) -> str:
    path = tmp_path / "clinic.yml"
    path.write_text(yaml.safe_dump(data) if not isinstance(data, str) else data)
    return str(path)


def _valid() -> dict:
    return yaml.safe_load(DEFAULT_CONFIG_PATH.read_text())


def test_shipped_configuration_is_valid():
    config = load_config()
    assert config.resources("en").emergency.contact == "911"
    assert config.locales[0] == "en"
    assert "automated assistant" in config.text("disclosure", "en")
    # An unknown locale falls back to the default one.
    assert config.resources("fr") == config.resources("en")


def test_missing_field_is_named(tmp_path):
    data = _valid()
    del data["crisis_resources"]["en"]["lines"][0]["contact"]
    with pytest.raises(ConfigError) as error:
        load_config(_write(tmp_path, data))
    assert "crisis_resources.en.lines.0.contact: field required" in str(error.value)


def test_unknown_key_and_bad_values_are_named(tmp_path):
    data = _valid()
    data["on_call"]["pager"] = "x"
    data["notifications"]["webhooks"] = [{"name": "x", "url": "ftp://nope"}]
    data["notifications"]["renotify_minutes"] = {"urgent": 5}
    message = ""
    with pytest.raises(ConfigError) as error:
        load_config(_write(tmp_path, data))
    message = str(error.value)
    assert "on_call.pager: extra fields not permitted" in message
    assert "notifications.webhooks.0.url" in message
    assert "unknown levels ['urgent']" in message


def test_default_locale_must_have_resources(tmp_path):
    data = _valid()
    data["clinic"]["default_locale"] = "fr"
    with pytest.raises(ConfigError, match="no entry for the default locale 'fr'"):
        load_config(_write(tmp_path, data))


def test_not_yaml_or_missing(tmp_path):
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(_write(tmp_path, "a: [unclosed"))
    with pytest.raises(ConfigError, match="expected a mapping"):
        load_config(_write(tmp_path, "- just a list"))
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.yml")
