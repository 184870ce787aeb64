"""Uses a Python client generated from Goldthread's OpenAPI document (by
openapi-python-client) the way a developer would: creates a person and a
plan with typed models, then reads both back. Run by the integration test
`contract::a_generated_client_creates_and_reads_back`.

    python3 use_generated_client.py PACKAGE_PARENT BASE_URL TOKEN
"""

import datetime
import sys

sys.path.insert(0, sys.argv[1])

from goldthread_client import AuthenticatedClient  # noqa: E402
from goldthread_client.api.people import create_person, get_person  # noqa: E402
from goldthread_client.api.plans import create_plan, get_plan  # noqa: E402
from goldthread_client.models import NewPlan, NewPlanPlanType, Person, PersonInput, Plan, PlanStatus  # noqa: E402

client = AuthenticatedClient(base_url=sys.argv[2], token=sys.argv[3], raise_on_unexpected_status=True)

with client as client:
    created = create_person.sync(
        client=client,
        body=PersonInput(
            given_name="Noor",
            family_name="Haddad",
            known_as="Noor",
            date_of_birth=datetime.date(2012, 5, 9),
            setting="Riverside Academy",
        ),
    )
    assert isinstance(created, Person), created
    person = get_person.sync(client=client, id=created.id)
    assert isinstance(person, Person), person
    assert (person.given_name, person.family_name) == ("Noor", "Haddad"), person
    assert person.date_of_birth == datetime.date(2012, 5, 9), person.date_of_birth

    started = create_plan.sync(
        client=client,
        body=NewPlan(
            person_id=person.id,
            plan_type=NewPlanPlanType.YP,
            start_date=datetime.date(2026, 9, 1),
            review_interval_weeks=12,
        ),
    )
    assert isinstance(started, Plan), started
    plan = get_plan.sync(client=client, id=started.id)
    assert isinstance(plan, Plan), plan
    assert plan.person_id == person.id
    assert plan.plan_type == "YP"
    assert plan.status == PlanStatus.DRAFT
    assert plan.start_date == datetime.date(2026, 9, 1), plan.start_date
    assert plan.review_interval_weeks == 12
    assert isinstance(plan.created_at, datetime.datetime)
    print(f"created and read back person {person.id} and plan {plan.id}: {plan.title}")
