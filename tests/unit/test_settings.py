import pytest

from shared.settings import SettingsError, load_settings


def test_defaults():
    s = load_settings({})
    assert (s.store, s.bus, s.email) == ("sqlite", "local", "outbox")
    assert s.assign_sla_business_hours == 16 and s.reminders_before_escalation == 2
    assert s.dev_user == "dev@contoso.com" and s.dev_roles == ()
    assert s.public_url == "http://127.0.0.1:7071"


def test_dev_user_can_be_turned_off_and_roles_are_a_list():
    s = load_settings({"FTA_DEV_USER": "", "FTA_DEV_ROLES": "FTA.Lead, FTA.Admin"})
    assert s.dev_user == "" and s.dev_roles == ("FTA.Lead", "FTA.Admin")


@pytest.mark.parametrize("env, name", [
    ({"FTA_STORE": "mongo"}, "FTA_STORE"),
    ({"FTA_BUS": "kafka"}, "FTA_BUS"),
    ({"FTA_EMAIL": "pigeon"}, "FTA_EMAIL"),
    ({"FTA_STORE": "cosmos"}, "COSMOS_ENDPOINT"),
    ({"FTA_STORE": "cosmos", "COSMOS_ENDPOINT": "http://127.0.0.1:8081"}, "COSMOS_ENDPOINT"),
    ({"FTA_STORE": "cosmos", "COSMOS_ENDPOINT": "https://acct.documents.azure.com:443/", "COSMOS_VERIFY_TLS": "false"}, "COSMOS_VERIFY_TLS"),
    ({"COSMOS_VERIFY_TLS": "maybe"}, "COSMOS_VERIFY_TLS"),
    ({"FTA_BUS": "servicebus"}, "ServiceBusConnection"),
    ({"ServiceBusConnection": "not a connection string"}, "ServiceBusConnection"),
    ({"FTA_EMAIL": "smtp"}, "SMTP_HOST"),
    ({"SMTP_PORT": "70000"}, "SMTP_PORT"),
    ({"FTA_EMAIL": "ses"}, "AWS_REGION"),
    ({"FTA_ALLOWED_ORIGINS": "https://forms.contoso.com,forms.contoso.com"}, "FTA_ALLOWED_ORIGINS"),
    ({"FTA_ALLOWED_ORIGINS": "https://forms.contoso.com/page"}, "FTA_ALLOWED_ORIGINS"),
    ({"FTA_ALLOWED_ORIGINS": "javascript:alert(1)"}, "FTA_ALLOWED_ORIGINS"),
    ({"FTA_SUBMISSIONS_PER_HOUR": "-1"}, "FTA_SUBMISSIONS_PER_HOUR"),
    ({"FTA_SUBMISSIONS_PER_HOUR": "many"}, "FTA_SUBMISSIONS_PER_HOUR"),
    ({"FTA_EMAIL_FROM": "nobody"}, "FTA_EMAIL_FROM"),
    ({"FTA_PUBLIC_URL": "ftp://x"}, "FTA_PUBLIC_URL"),
    ({"FTA_ROUTING_FILE": "/nonexistent/routing.yaml"}, "FTA_ROUTING_FILE"),
    ({"FTA_REMIND_SCHEDULE": "0 * * * *"}, "FTA_REMIND_SCHEDULE"),
    ({"FTA_REMIND_SCHEDULE": "0 0 99 * * *"}, "FTA_REMIND_SCHEDULE"),
    ({"FTA_ASSIGN_SLA_BUSINESS_HOURS": "soon"}, "FTA_ASSIGN_SLA_BUSINESS_HOURS"),
    ({"FTA_ASSIGN_SLA_BUSINESS_HOURS": "-1"}, "FTA_ASSIGN_SLA_BUSINESS_HOURS"),
    ({"FTA_REMINDERS_BEFORE_ESCALATION": "1.5"}, "FTA_REMINDERS_BEFORE_ESCALATION"),
])
def test_a_bad_value_names_its_setting_on_one_line(env, name):
    with pytest.raises(SettingsError) as info:
        load_settings(env)
    assert info.value.name == name
    assert str(info.value).startswith(f"setting {name}: ")
    assert "\n" not in str(info.value)


def test_loopback_cosmos_may_skip_tls_verification_and_secrets_are_not_in_repr():
    s = load_settings({
        "FTA_STORE": "cosmos", "COSMOS_ENDPOINT": "https://127.0.0.1:8081/", "COSMOS_VERIFY_TLS": "false",
        "COSMOS_KEY": "c2VjcmV0LWtleQ==", "SMTP_PASSWORD": "hunter2",
    })
    assert s.cosmos_verify_tls is False
    assert "c2VjcmV0LWtleQ==" not in repr(s) and "hunter2" not in repr(s)


def test_allowed_origins_are_origins_as_browsers_send_them():
    settings = load_settings({"FTA_ALLOWED_ORIGINS": " https://Forms.Contoso.com:443 , http://127.0.0.1:8080/ ",
                              "FTA_PUBLIC_URL": "https://fta.contoso.com/app"})
    assert settings.allowed_origins == ("https://forms.contoso.com", "http://127.0.0.1:8080")
    assert settings.trusted_origins == {"https://forms.contoso.com", "http://127.0.0.1:8080", "https://fta.contoso.com"}
    assert load_settings({}).submissions_per_hour == 60


@pytest.mark.parametrize("env, named", [
    ({"FTA_EMAIL": "graph"}, "FTA_MAIL_SENDER"),
    ({"FTA_EMAIL": "graph", "FTA_MAIL_SENDER": "not-an-address"}, "FTA_MAIL_SENDER"),
    ({"FTA_EMAIL": "graph", "FTA_MAIL_SENDER": "fta@contoso.com", "FTA_GRAPH_URL": "http://graph.example.com/v1.0"},
     "FTA_GRAPH_URL"),
    ({"FTA_INBOUND_SMTP_PORT": "70000"}, "FTA_INBOUND_SMTP_PORT"),
    ({"FTA_REPLY_ADDRESS": "replies"}, "FTA_REPLY_ADDRESS"),
])
def test_a_bad_mail_setting_is_one_line_naming_it(env, named):
    with pytest.raises(SettingsError) as refused:
        load_settings(env)
    assert refused.value.name == named and "\n" not in str(refused.value)


def test_graph_takes_a_loopback_peer_over_http():
    loaded = load_settings({"FTA_EMAIL": "graph", "FTA_MAIL_SENDER": "fta@contoso.com",
                            "FTA_GRAPH_URL": "http://127.0.0.1:8080/v1.0"})
    assert (loaded.email, loaded.graph_url) == ("graph", "http://127.0.0.1:8080/v1.0")
