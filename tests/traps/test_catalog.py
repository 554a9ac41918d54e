from pathlib import Path

import pytest
import yaml

from bot.traps import TRAP_NAMES, CatalogError, Trap, load_catalog
from bot.traps.catalog import DEFAULT_CATALOG_PATH, MAX_LABEL_CHARS


def test_all_twelve_traps_in_canonical_order():
    catalog = load_catalog()
    assert catalog.names == TRAP_NAMES
    assert len(catalog) == 12
    assert catalog["labeling"].name == "labeling"
    assert "labeling" in catalog and "nonsense" not in catalog


@pytest.mark.parametrize("name", TRAP_NAMES)
def test_every_trap_is_complete(name):
    trap = load_catalog()[name]
    assert isinstance(trap, Trap)
    assert 0 < len(trap.label) <= MAX_LABEL_CHARS
    assert trap.explanation and trap.example
    assert 2 <= len(trap.questions) <= 3 and all(q.strip() for q in trap.questions)
    assert 2 <= len(trap.strategies) <= 3 and all(s.strip() for s in trap.strategies)
    assert all(q.endswith("?") for q in trap.questions)


def test_labels_are_distinct():
    labels = [trap.label.lower() for trap in load_catalog()]
    assert len(set(labels)) == len(labels)


def test_catalog_is_cached():
    assert load_catalog() is load_catalog()


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "catalog.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def _valid() -> dict:
    return yaml.safe_load(DEFAULT_CATALOG_PATH.read_text(encoding="utf-8"))


def test_valid_copy_loads_from_tmp_path(tmp_path):
    assert load_catalog(_write(tmp_path, _valid())).names == TRAP_NAMES


def test_missing_field_names_trap_and_field(tmp_path):
    data = _valid()
    del data["traps"]["labeling"]["questions"]
    with pytest.raises(CatalogError) as error:
        load_catalog(_write(tmp_path, data))
    assert str(error.value) == "catalog.yml: trap 'labeling': missing field 'questions'"


def test_missing_trap(tmp_path):
    data = _valid()
    del data["traps"]["blaming"]
    with pytest.raises(CatalogError, match=r"catalog.yml: missing trap\(s\) 'blaming'"):
        load_catalog(_write(tmp_path, data))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("label", "", "trap 'mind_reading': field 'label': expected non-empty text"),
        ("label", "x" * 40, "trap 'mind_reading': field 'label' is longer than"),
        ("example", 42, "trap 'mind_reading': field 'example': expected non-empty"),
        (
            "questions",
            "Why?",
            "trap 'mind_reading': field 'questions': expected a list",
        ),
        ("questions", ["Only one?"], "field 'questions': expected a list of 2 to 3"),
        ("strategies", ["a", "b", "c", "d"], "field 'strategies': expected a list"),
        ("strategies", ["fine", ""], "field 'strategies' item 2: expected non-empty"),
    ],
)
def test_malformed_field(tmp_path, field, value, message):
    data = _valid()
    data["traps"]["mind_reading"][field] = value
    with pytest.raises(CatalogError, match="^catalog.yml: ") as error:
        load_catalog(_write(tmp_path, data))
    assert message in str(error.value)


def test_unknown_trap_and_unknown_field(tmp_path):
    data = _valid()
    data["traps"]["doom_scrolling"] = data["traps"]["labeling"]
    with pytest.raises(CatalogError, match="unknown trap\\(s\\) 'doom_scrolling'"):
        load_catalog(_write(tmp_path, data))
    data = _valid()
    data["traps"]["labeling"]["colour"] = "red"
    with pytest.raises(
        CatalogError, match="trap 'labeling': unknown field\\(s\\) 'colour'"
    ):
        load_catalog(_write(tmp_path, data))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("traps: [unclosed", "catalog.yml: invalid YAML at line"),
        (
            "- just\n- a list\n",
            "catalog.yml: expected a mapping with a 'traps' mapping",
        ),
        ("", "catalog.yml: expected a mapping"),
        ("traps:\n  labeling: hello\n", "catalog.yml: missing trap(s)"),
    ],
)
def test_broken_files(tmp_path, text, message):
    path = tmp_path / "catalog.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError) as error:
        load_catalog(path)
    assert str(error.value).startswith(message)


def test_trap_that_is_not_a_mapping(tmp_path):
    data = _valid()
    data["traps"]["labeling"] = "just text"
    with pytest.raises(CatalogError, match="trap 'labeling': expected a mapping"):
        load_catalog(_write(tmp_path, data))


def test_missing_file(tmp_path):
    with pytest.raises(CatalogError, match="^catalog.yml: cannot read file"):
        load_catalog(tmp_path / "catalog.yml")
