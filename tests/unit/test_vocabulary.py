"""The vocabulary's tables name every value the domain has, and the migration form's
fields per kind are the domain's own table of required facts."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from shared.domain.engagement import MilestoneKind, Understanding
from shared.domain.forms import REQUIRED_FACTS, ExceptionType, Migration
from shared.domain.vocabulary import vocabulary

TABLES = vocabulary()


@pytest.mark.parametrize(("table", "values"), [
    ("exceptionTypes", ExceptionType), ("exceptionFacts", ExceptionType),
    ("milestones", MilestoneKind), ("customerUnderstanding", Understanding),
])
def test_every_value_has_its_words(table, values):
    assert set(TABLES[table]) == {str(v) for v in values}
    assert all(label.strip() for label in TABLES[table].values())


def test_the_migration_facts_are_the_fields_of_a_migration():
    fields = {info.alias for name, info in Migration.model_fields.items() if name != "exception_type"}
    assert set(TABLES["migrationFacts"]) == fields


@pytest.mark.parametrize("kind", list(ExceptionType))
def test_the_form_asks_exactly_what_the_review_of_the_kind_needs(kind):
    named = TABLES["exceptionFacts"][kind].split()
    assert len(named) == len(REQUIRED_FACTS[kind])
    assert set(named) <= set(TABLES["migrationFacts"])
    with pytest.raises(ValidationError) as refused:
        Migration.model_validate({"exceptionType": kind})
    assert {str(e["loc"][-1]) for e in refused.value.errors()} == set(named)
