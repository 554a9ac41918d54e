import yaml

from bot.__main__ import main
from bot.clinic_responses import build_domain, render_responses
from bot.config import load_config

CRISIS_RESPONSES = {
    "utter_crisis_imminent",
    "utter_crisis_high",
    "utter_crisis_moderate",
    "utter_crisis_low",
    "utter_medical_emergency",
    "utter_medical_concern",
    "utter_safe_now_no",
    "utter_resources",
    "utter_disclosure",
}


def test_every_crisis_response_in_every_locale():
    config = load_config()
    responses = render_responses(config)
    assert CRISIS_RESPONSES <= set(responses)
    for name in CRISIS_RESPONSES:
        default, spanish = responses[name]
        assert "condition" not in default
        assert spanish["condition"] == [
            {"type": "slot", "name": "language", "value": "es"}
        ]


def test_resources_come_from_configuration():
    config = load_config()
    imminent = render_responses(config)["utter_crisis_imminent"][0]["text"]
    assert "911" in imminent and "988" in imminent and config.on_call.phone in imminent
    high = render_responses(config)["utter_crisis_high"][0]["text"]
    assert "741741" in high
    medical = render_responses(config)["utter_medical_emergency"][0]["text"]
    assert "emergency room" in medical and config.on_call.phone in medical
    peer = render_responses(config)["utter_resources"][0]["text"]
    assert "Fireside" in peer  # peer line listed with help, not as crisis care


def test_changed_clinic_changes_the_responses(tmp_path):
    data = yaml.safe_load(open("config/clinic.yml"))
    data["on_call"]["phone"] = "+1 555 0199"
    path = tmp_path / "clinic.yml"
    path.write_text(yaml.safe_dump(data))
    out = build_domain(load_config(path), tmp_path / "domain")
    rendered = (out / "clinic.yml").read_text()
    assert "+1 555 0199" in rendered
    assert (out / "domain.yml").exists()


def test_cli_reports_invalid_configuration(tmp_path, capsys):
    path = tmp_path / "bad.yml"
    path.write_text("clinic: {name: x}\n")
    assert main(["check-config", "--config", str(path)]) == 2
    assert "invalid clinic configuration" in capsys.readouterr().err
    assert main(["check-config"]) == 0
