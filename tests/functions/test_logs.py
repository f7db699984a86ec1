"""What a full journey writes to the logs: the request id on every record of
the app's loggers, and no customer data anywhere."""

import logging

from shared import telemetry
from shared.settings import load_settings
from tests.factories import LEAD, REQUESTOR, form

SECRET_VALUES = ("987654321", "secret-tenant.onmicrosoft.com", "Very Secret Customer", "Top secret instructions")


def test_a_journey_logs_request_ids_and_no_customer_data(app, caplog):
    caplog.set_level(logging.DEBUG)
    body = form(tpid=SECRET_VALUES[0], tenant=SECRET_VALUES[1], customerName=SECRET_VALUES[2], instructions=SECRET_VALUES[3])
    created = app.submit(body, REQUESTOR).body
    app.pump()
    app.act("assign", created["id"], LEAD, ("FTA.Lead",), {"architect": "auto"})
    app.pump()
    app.submit(form(tpid=SECRET_VALUES[0], salesStagePercent=1), REQUESTOR)  # ineligible
    app.submit(b"{broken", REQUESTOR)

    everything = "\n".join(f"{r.name} {r.getMessage()} {r.__dict__}" for r in caplog.records)
    for value in SECRET_VALUES:
        assert value not in everything
    app_records = [r for r in caplog.records if r.name.startswith("fta.")]
    assert {r.getMessage().split(":")[0] for r in app_records} >= {"request submitted", "request routed", "notified"}
    journey = [r for r in app_records if "request" in r.getMessage()]
    assert journey and all(r.requestId == created["id"] for r in journey)


def test_telemetry_is_off_without_a_connection_string_and_settings_hide_secrets():
    assert telemetry.configure(load_settings({}).appinsights_connection_string.get_secret_value()) is False
    settings = load_settings({"APPLICATIONINSIGHTS_CONNECTION_STRING": "InstrumentationKey=00000000-0000-0000-0000-000000000000",
                              "SMTP_PASSWORD": "pa55word"})
    assert "pa55word" not in repr(settings) and "InstrumentationKey" not in repr(settings)
