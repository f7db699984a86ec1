import json

import pytest

from shared.adapters.faults import FaultPlan, parse_faults
from shared.settings import SettingsError, load_settings


def test_parse_and_refuse():
    assert parse_faults("store.write=0.1, mail.send=1") == {"store.write": 0.1, "mail.send": 1.0}
    with pytest.raises(SettingsError) as info:
        load_settings({"FTA_FAULTS": "disk.melt=0.5"})
    assert info.value.name == "FTA_FAULTS"
    with pytest.raises(SettingsError):
        load_settings({"FTA_FAULTS": "store.write=2"})


def test_a_plan_strikes_its_share_and_logs_each_fault(tmp_path):
    plan = FaultPlan({"bus.publish": 0.25}, tmp_path / "faults.log", seed=7)
    hits = sum(plan.strikes("bus.publish") for _ in range(2000))
    assert 400 < hits < 600
    assert not plan.strikes("mail.send")
    lines = (tmp_path / "faults.log").read_text().splitlines()
    assert len(lines) == hits and json.loads(lines[0]) == {"fault": "bus.publish"}
