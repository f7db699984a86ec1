from pathlib import Path

import pytest

from shared.domain.model import RequestForm
from shared.domain.routing import RoutingError, load_routing
from shared.settings import SHIPPED_ROUTING_FILE
from tests.factories import form, migration_form, sow_form

SHIPPED = load_routing(SHIPPED_ROUTING_FILE.read_text())


def pick(body, routing=SHIPPED) -> str:
    return routing.pick_lead_group(RequestForm.model_validate(body)).id


@pytest.mark.parametrize("region, group", [
    ("americas", "americas-leads"), ("emea", "emea-leads"), ("asia-pacific", "asia-pacific-leads"),
])
def test_non_ecif_requests_go_to_their_regions_leads(region, group):
    assert pick(form(region=region)) == group


@pytest.mark.parametrize("region", ["americas", "emea", "asia-pacific"])
def test_sow_and_migration_exceptions_go_to_fta_alignment_first_match_wins(region):
    assert pick(sow_form(region=region)) == "fta-alignment"
    assert pick(migration_form(region=region)) == "fta-alignment"


BASE = """
regions: [americas, emea]
leadGroups:
  - {id: fta-alignment, name: FTA Alignment, members: [a@contoso.com]}
  - {id: big, name: Big, members: [b@contoso.com]}
rules:
  - when: {totalUsers: {min: 10000}, segment: [enterprise]}
    leadGroup: big
default: fta-alignment
escalateTo: fta-alignment
"""


def test_segment_and_user_range_rules_and_the_default():
    routing = load_routing(BASE)
    assert pick(form(region="emea", totalUsers=20000), routing) == "big"
    assert pick(form(region="emea", totalUsers=9999), routing) == "fta-alignment"
    assert pick(form(region="emea", totalUsers=20000, segment="smc-c"), routing) == "fta-alignment"


@pytest.mark.parametrize("text, message", [
    ("regions: [a\n  - b", "not valid YAML"),
    ("[1, 2]", "expected a mapping"),
    (BASE.replace("default: fta-alignment", "default: nobody"), "default: unknown lead group 'nobody'"),
    (BASE.replace("leadGroup: big", "leadGroup: huge"), "rules[1].leadGroup: unknown lead group 'huge'"),
    (BASE.replace("segment: [enterprise]", "region: [mars]"), "unknown region 'mars'"),
    (BASE.replace("escalateTo: fta-alignment", ""), "escalateTo"),
    (BASE.replace("members: [b@contoso.com]", "members: [not-an-email]"), "members"),
])
def test_a_bad_routing_file_is_refused_with_a_clear_message(text, message):
    with pytest.raises(RoutingError) as info:
        load_routing(text, source="routing.yaml")
    assert message in str(info.value)
    assert str(info.value).startswith("routing.yaml: ")
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("text, message", [
    (BASE + "\ndefault: emea-leads\n", "key 'default' at line"),
    (BASE.replace("leadGroups:", "leadGroups:", 1) + "\nfundingReview: {ftaReviewMinimumUsd: 1}\nfundingReview: {}\n",
     "key 'fundingReview' at line"),
    ("regions: [emea]\neligibility: {segments: [enterprise], segments: [smb]}\n", "key 'segments' at line 2"),
])
def test_a_key_written_twice_stops_start_up_naming_the_key_and_both_lines(text, message):
    with pytest.raises(RoutingError) as info:
        load_routing(text, source="routing.yaml")
    assert message in str(info.value) and "is already given at line" in str(info.value)
    assert "\n" not in str(info.value)


def test_the_shipped_routing_file_writes_each_key_once():
    from shared.settings import SHIPPED_ROUTING_FILE

    load_routing(SHIPPED_ROUTING_FILE.read_text(), source="shipped")
