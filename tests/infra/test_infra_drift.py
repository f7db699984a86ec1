"""infra/ deploys what the code expects: shared/topology.py, routing.yaml, settings."""

from __future__ import annotations

import shutil

import pytest

from shared import topology
from shared.app import handlers
from shared.domain.routing import load_routing
from shared.settings import (
    DEFAULT_REMIND_SCHEDULE,
    DEFAULT_SWEEP_SCHEDULE,
    SERVICE_BUS_CONNECTION,
    SHIPPED_ROUTING_FILE,
    Settings,
    load_settings,
)
from tests.infra.bicep_facts import INFRA_DIR, KEY_VAULT_URI_STAND_IN, bicep_facts

ROLE_IDS = {
    "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",  # Storage Blob Data Owner
    "ba92f5b4-2d11-453d-a403-e96b0029c9fe",  # Storage Blob Data Contributor (the documents container)
    "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39",  # Azure Service Bus Data Sender
    "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0",  # Azure Service Bus Data Receiver
    "3913510d-42f4-4e42-8a64-420c390055eb",  # Monitoring Metrics Publisher
    "00000000-0000-0000-0000-000000000002",  # Cosmos DB Built-in Data Contributor
    "4633458b-17de-408a-b874-0445c86b69e6",  # Key Vault Secrets User
}

# Values that exist only once Azure has created the resources, with stand-ins
# of the same shape for load_settings().
DEPLOYMENT_TIME_SETTINGS = {
    "AzureWebJobsStorage__accountName": "stexample",
    "APPLICATIONINSIGHTS_CONNECTION_STRING": "InstrumentationKey=00000000-0000-0000-0000-000000000000",
    f"{SERVICE_BUS_CONNECTION}__fullyQualifiedNamespace": "sb-example.servicebus.windows.net",
    "COSMOS_ENDPOINT": "https://cosmos-example.documents.azure.com:443/",
    "FTA_PUBLIC_URL": "https://func-example.azurewebsites.net",
    "DocumentStorage__blobServiceUri": "https://stexample.blob.core.windows.net/",
    "FTA_REPLY_KEY": "a-key-the-platform-resolves-from-key-vault",
}


@pytest.fixture(scope="module")
def lead_group_ids() -> list[str]:
    return load_routing(SHIPPED_ROUTING_FILE.read_text()).group_ids


def test_topic_is_the_code_topic_with_duplicate_detection(facts):
    assert facts["topic"] == {
        "name": topology.TOPIC,
        "requires_duplicate_detection": True,
        "duplicate_detection_window_seconds": topology.DUPLICATE_DETECTION_WINDOW_SECONDS,
    }


def test_lead_group_ids_default_to_the_shipped_routing_groups(facts, lead_group_ids):
    assert facts["lead_group_ids"] == lead_group_ids


def test_subscriptions_and_sql_filters_match_the_topology(facts, lead_group_ids):
    expected = {s.name: s.sql_filter for s in handlers.subscriptions(lead_group_ids)}
    deployed = {name: sub["sql_filter"] for name, sub in facts["subscriptions"].items()}
    assert deployed == expected


def test_the_teams_subscription_takes_routed_reminder_and_escalated_events(facts):
    assert facts["subscriptions"][topology.TEAMS]["sql_filter"] == (
        "sys.Label IN ('request.routed', 'request.reminder', 'request.escalated')")


def channel_settings(routing_text: str) -> dict[str, str]:
    return {g.id: g.teams_webhook_setting for g in load_routing(routing_text).lead_groups if g.teams_webhook_setting}


def check_teams_webhooks(facts, routing_text: str) -> None:
    """Each group with a teamsWebhookSetting in the routing file has its entry in teamsWebhooks, and back;
    each entry's setting is an app setting holding a Key Vault reference to its secret."""
    named = channel_settings(routing_text)
    deployed = {w["group"]: w["setting"] for w in facts["teams_webhooks"]}
    assert deployed == named
    assert facts["key_vault_references"] == {
        **{w["setting"]: f"@Microsoft.KeyVault(SecretUri={KEY_VAULT_URI_STAND_IN}secrets/{w['secretName']})"
           for w in facts["teams_webhooks"]},
        "FTA_REPLY_KEY": f"@Microsoft.KeyVault(SecretUri={KEY_VAULT_URI_STAND_IN}secrets/fta-reply-key)",
    }


def test_teams_webhook_settings_match_the_routing_file_as_key_vault_references(facts):
    check_teams_webhooks(facts, SHIPPED_ROUTING_FILE.read_text())


def test_the_vault_authorizes_with_azure_rbac_only(facts):
    assert facts["key_vault"] == {"enable_rbac_authorization": True, "access_policies": [], "enable_soft_delete": True}


def test_each_filter_replaces_the_catch_all_default_rule(facts):
    assert {sub["rule_name"] for sub in facts["subscriptions"].values()} == {"$Default"}


def test_subscriptions_retry_and_dead_letter_as_the_code_expects(facts):
    for name, sub in facts["subscriptions"].items():
        assert sub["max_delivery_count"] == topology.MAX_DELIVERY_COUNT, name
        assert sub["lock_duration_seconds"] == topology.LOCK_DURATION_SECONDS, name


def test_subscriptions_expire_messages_as_the_topology_declares(facts, lead_group_ids):
    """The app's subscriptions dead-letter what expires; the lead feeds drop it, sooner."""
    declared = {s.name: s for s in handlers.subscriptions(lead_group_ids)}
    for name, sub in facts["subscriptions"].items():
        assert sub["dead_lettering_on_message_expiration"] is declared[name].dead_letter_on_expiry, name
        assert sub["default_ttl_seconds"] == declared[name].default_ttl_seconds, name
    assert {n for n, s in facts["subscriptions"].items() if not s["dead_lettering_on_message_expiration"]} == {
        f"{topology.LEADS_PREFIX}{gid}" for gid in lead_group_ids
    }
    assert facts["subscriptions"][topology.NOTIFY]["dead_lettering_on_message_expiration"] is True


def test_containers_match_the_topology(facts):
    from shared.adapters.store.cosmos import indexing_policy

    expected = {
        c.name: {"partition_key": c.partition_key, "default_ttl": c.default_ttl_seconds,
                 "indexing_policy": indexing_policy()}
        for c in topology.CONTAINERS
    }
    assert facts["containers"] == expected


def test_the_bindings_the_host_reads_match_the_infrastructure(facts):
    """function_app's own metadata against the Bicep: topic, subscriptions, connection, schedules."""
    import json

    from tests.harness import FUNCTIONS

    for function in FUNCTIONS.values():
        binding = json.loads(function.get_function_json())["bindings"][0]
        if binding["type"] == "serviceBusTrigger":
            assert binding["topicName"] == facts["topic"]["name"]
            assert binding["subscriptionName"] in facts["subscriptions"]
            assert binding["connection"] == facts["service_bus_connection"]
        if binding["type"] == "timerTrigger":
            setting = binding["schedule"].strip("%")
            assert setting in facts["app_settings"], setting


def test_database_is_the_one_the_app_reads(facts):
    assert facts["cosmos_database"] == Settings().cosmos_database
    assert facts["app_settings"]["COSMOS_DATABASE"] == facts["cosmos_database"]


def test_service_bus_connection_is_identity_based_under_the_triggers_connection_name(facts):
    assert facts["service_bus_connection"] == SERVICE_BUS_CONNECTION
    assert SERVICE_BUS_CONNECTION not in facts["app_settings"], "no connection string: managed identity only"


def test_timer_schedules_are_app_settings_with_the_code_defaults(facts):
    settings = facts["app_settings"]
    assert settings["FTA_REMIND_SCHEDULE"] == DEFAULT_REMIND_SCHEDULE
    assert settings["FTA_SWEEP_SCHEDULE"] == DEFAULT_SWEEP_SCHEDULE


def test_app_settings_start_the_app_on_azure_backends(facts):
    settings = facts["app_settings"]
    unknown_now = {name for name, value in settings.items() if value is None}
    assert unknown_now == set(DEPLOYMENT_TIME_SETTINGS), "give each new deployment-time setting a stand-in"
    environment = {**settings, **DEPLOYMENT_TIME_SETTINGS}
    loaded = load_settings(environment)
    assert (loaded.store, loaded.bus, loaded.email) == ("cosmos", "servicebus", "outbox")
    assert loaded.servicebus_namespace == DEPLOYMENT_TIME_SETTINGS[f"{SERVICE_BUS_CONNECTION}__fullyQualifiedNamespace"]
    assert loaded.servicebus_connection.get_secret_value() == ""
    assert loaded.cosmos_key.get_secret_value() == ""
    assert loaded.remind_schedule == DEFAULT_REMIND_SCHEDULE
    assert loaded.sweep_schedule == DEFAULT_SWEEP_SCHEDULE
    assert loaded.assign_sla_business_hours == Settings().assign_sla_business_hours
    assert loaded.reminders_before_escalation == Settings().reminders_before_escalation


def test_smtp_settings_start_the_app_once_a_relay_is_named(facts):
    relay = {"FTA_EMAIL": "smtp", "SMTP_HOST": "smtp.example.net"}
    environment = {**facts["app_settings"], **DEPLOYMENT_TIME_SETTINGS, **relay}
    loaded = load_settings(environment)
    assert (loaded.email, loaded.smtp_port, loaded.smtp_starttls) == ("smtp", 587, True)


def test_graph_settings_start_the_app_once_a_mailbox_is_named(facts):
    graph = {"FTA_EMAIL": "graph", "FTA_MAIL_SENDER": "fta-requests@contoso.com"}
    loaded = load_settings({**facts["app_settings"], **DEPLOYMENT_TIME_SETTINGS, **graph})
    assert (loaded.email, loaded.mail_sender, loaded.graph_url) == ("graph", "fta-requests@contoso.com",
                                                                    "https://graph.microsoft.com/v1.0")
    assert loaded.reply_key.get_secret_value() == DEPLOYMENT_TIME_SETTINGS["FTA_REPLY_KEY"]


def test_host_and_telemetry_use_the_managed_identity(facts):
    settings = facts["app_settings"]
    assert settings["AzureWebJobsStorage__credential"] == "managedidentity"
    assert "AzureWebJobsStorage" not in settings
    assert settings["APPLICATIONINSIGHTS_AUTHENTICATION_STRING"] == "Authorization=AAD"


def test_no_setting_flex_consumption_rejects_or_a_devhost_stand_in(facts):
    forbidden = {
        "FUNCTIONS_WORKER_RUNTIME", "FUNCTIONS_EXTENSION_VERSION", "WEBSITE_RUN_FROM_PACKAGE",
        "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING", "WEBSITE_CONTENTSHARE",
        "FTA_DEV_USER", "FTA_DEV_ROLES", "COSMOS_KEY", "COSMOS_VERIFY_TLS",
    }
    assert forbidden.isdisjoint(facts["app_settings"])


def test_function_app_is_flex_consumption_python_311_with_its_own_identity(facts):
    app = facts["function_app"]
    assert (app["plan_sku"], app["kind"]) == ("FC1", "functionapp,linux")
    assert (app["runtime"], app["runtime_version"]) == ("python", "3.11")
    assert app["identity"] == "SystemAssigned"
    assert app["deployment_storage_authentication"] == "SystemAssignedIdentity"
    assert (app["https_only"], app["min_tls_version"], app["ftps_state"]) == (True, "1.2", "Disabled")
    assert app["cors_allowed_origins"] == [], "no cross-origin caller unless formOrigin is given"


def test_every_api_but_health_and_the_document_requires_an_entra_id_sign_in(facts):
    from pathlib import Path

    assets = sorted(p.name for p in Path("functions/web/static").iterdir() if p.name != "index.html")
    assert facts["auth"] == {
        "enabled": True,
        "require_authentication": True,
        "unauthenticated_client_action": "Return401",
        "excluded_paths": ["/api/health", "/api/openapi.json", "/api/asyncapi.json", "/", "/queue", "/assigned",
                           "/reports", "/architects", "/requests/*", *[f"/static/{a}" for a in assets]],
        "provider_enabled": True,
    }
    assert not [p for p in facts["auth"]["excluded_paths"] if p.startswith("/api/requests") or p == "/api/me"]
    assert "/api/health/details" not in facts["auth"]["excluded_paths"], "the health details are for FTA.Admin"


def test_the_submission_limit_and_the_form_origin_reach_the_app(facts):
    settings = facts["app_settings"]
    assert settings["FTA_SUBMISSIONS_PER_HOUR"] == str(Settings().submissions_per_hour)
    assert settings["FTA_ALLOWED_ORIGINS"] == "", "formOrigin, empty unless given"
    assert topology.SUBMISSION_COUNTS in facts["containers"]


def test_backends_accept_only_entra_id_over_tls_12(facts):
    assert facts["storage"] == {
        "allow_shared_key_access": False,
        "allow_blob_public_access": False,
        "minimum_tls_version": "TLS1_2",
        "https_only": True,
    }
    assert facts["service_bus"] == {"sku": "Standard", "disable_local_auth": True, "minimum_tls_version": "1.2"}
    assert facts["cosmos"] == {
        "capabilities": ["EnableServerless"],
        "disable_local_auth": True,
        "minimal_tls_version": "Tls12",
    }
    assert facts["app_insights"] == {
        "disable_local_auth": True,
        "workspace": "Microsoft.OperationalInsights/workspaces",
    }


def test_app_identity_gets_exactly_the_data_roles_it_uses(facts):
    assert set(facts["role_definition_ids"]) == ROLE_IDS
    assert len(facts["role_definition_ids"]) == len(ROLE_IDS)


@pytest.fixture
def infra_copy(tmp_path):
    shutil.copytree(INFRA_DIR, tmp_path / "infra")
    return tmp_path / "infra"


def test_facts_follow_a_changed_lead_group_list(infra_copy):
    main = infra_copy / "main.bicep"
    last_group = "  'asia-pacific-leads'\n"
    main.write_text(main.read_text().replace(last_group, last_group + "  'latam-leads'\n", 1))
    facts = bicep_facts(main)
    assert facts["lead_group_ids"][-1] == "latam-leads"
    assert facts["subscriptions"]["leads-latam-leads"]["sql_filter"] == (
        "sys.Label = 'request.routed' AND leadGroup = 'latam-leads'"
    )


def test_facts_follow_a_changed_filter_and_setting(infra_copy):
    servicebus = infra_copy / "modules" / "servicebus.bicep"
    servicebus.write_text(servicebus.read_text().replace("sqlFilter: '1=1'", "sqlFilter: 'sys.Label = \\'x\\''"))
    app = infra_copy / "modules" / "functionapp.bicep"
    setting = "'ServiceBusConnection__fullyQualifiedNamespace'"
    app.write_text(app.read_text().replace(setting, "'Bus__fullyQualifiedNamespace'"))
    facts = bicep_facts(infra_copy / "main.bicep")
    assert facts["subscriptions"]["notify"]["sql_filter"] == "sys.Label = 'x'"
    assert facts["service_bus_connection"] == "Bus"


def test_the_webhook_check_follows_a_group_given_a_channel(infra_copy):
    main = infra_copy / "main.bicep"
    main.write_text(main.read_text().replace(
        "param teamsWebhooks array = []",
        "param teamsWebhooks array = [\n  {\n    group: 'emea-leads'\n    setting: 'FTA_TEAMS_EMEA'\n"
        "    secretName: 'teams-emea-leads'\n  }\n]", 1))
    facts = bicep_facts(main)
    routing = SHIPPED_ROUTING_FILE.read_text()
    with_channel = routing.replace("    name: EMEA Leads\n", "    name: EMEA Leads\n    teamsWebhookSetting: FTA_TEAMS_EMEA\n", 1)
    assert channel_settings(with_channel) == {"emea-leads": "FTA_TEAMS_EMEA"}
    check_teams_webhooks(facts, with_channel)
    assert facts["key_vault_references"]["FTA_TEAMS_EMEA"] == (
        "@Microsoft.KeyVault(SecretUri=https://kv-example.vault.azure.net/secrets/teams-emea-leads)")
    with pytest.raises(AssertionError):
        check_teams_webhooks(facts, routing)
    assert facts["app_settings"]["FTA_TEAMS_EMEA"] is None, "known once the vault exists"
