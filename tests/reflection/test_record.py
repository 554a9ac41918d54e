from datetime import datetime, timedelta, timezone

from bot.reflection.record import latest_completed, save_reflection
from bot.store import Clinician, Database, Infusion, Patient, Reflection

NOW = datetime(2026, 11, 20, 18, 0, tzinfo=timezone.utc)


def _db(tmp_path) -> Database:
    db = Database(f"sqlite:///{tmp_path / 'app.db'}")
    db.create_schema()
    return db


def test_record_grows_pauses_resumes_and_completes(tmp_path):
    db = _db(tmp_path)
    rid = save_reflection(
        db,
        "c1",
        {"hours_since_infusion": 24, "mood_before": 4, "requested_slot": "x"},
        None,
        "in_progress",
        NOW,
    )
    assert save_reflection(db, "c1", {"mood_before": 4}, rid, "paused", NOW) == rid
    save_reflection(db, "c1", {"mood_before": 4}, rid, "in_progress", NOW)
    save_reflection(
        db, "c1", {"mood_before": 4, "mood_after": 6}, rid, "completed", NOW
    )
    with db.session() as session:
        record = session.get(Reflection, rid)
        assert record.status == "completed"
        assert (record.pause_count, record.resume_count) == (1, 1)
        assert record.answers == {"mood_before": 4, "mood_after": 6}
        assert "requested_slot" not in record.answers
        assert record.completed_at is not None
    assert latest_completed(db, "c1") == {"mood_before": 4, "mood_after": 6}
    assert latest_completed(db, "someone-else") is None


def test_record_links_patient_and_infusion(tmp_path):
    db = _db(tmp_path)
    with db.session() as session:
        therapist = Clinician(email="t@x", name="T", password_hash="h")
        patient = Patient(display_name="P", therapist=therapist, conversation_id="pt-1")
        session.add_all([therapist, patient])
        session.flush()
        session.add_all(
            [
                Infusion(
                    patient_id=patient.id,
                    number=1,
                    administered_at=NOW - timedelta(days=9),
                ),
                Infusion(
                    patient_id=patient.id,
                    number=2,
                    administered_at=NOW - timedelta(hours=20),
                ),
            ]
        )
    rid = save_reflection(db, "pt-1", {"hours_since_infusion": 20.0}, now=NOW)
    with db.session() as session:
        record = session.get(Reflection, rid)
        assert record.patient_id is not None
        assert record.infusion_number == 2
        assert record.hours_since_infusion == 20.0


def test_unknown_reflection_id_starts_a_new_record(tmp_path):
    db = _db(tmp_path)
    first = save_reflection(db, "a", {"mood_before": 1})
    assert save_reflection(db, "b", {"mood_before": 2}, first) != first
