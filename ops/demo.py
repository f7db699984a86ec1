"""``python -m ops demo``: a realistic month of requests in an empty local store.

Every step goes through the app's use cases (submit, route, upload, ask for
information, answer, assign, decline, cancel, complete, the reminders timer)
with the clock set to that step's moment, and the embedded bus is drained
through the app's consumers after each step; so the requests, their
timelines, the mails in the outbox and the reports' read model agree, as if
a month had passed on ``make run``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone
from typing import Any, Callable

from shared import bootstrap
from shared.adapters.bus.local import LocalBus
from shared.app import documents, handlers, intake, lead_actions, reminders, workflow
from shared.app.commands import (
    AddComment, AssignArchitect, CancelRequest, CompleteRequest, DeclineRequest, RequestInfo, SubmitRequest,
    UploadDocument,
)
from shared.app.ports import RequestFilter
from shared.domain.model import RequestForm
from shared.settings import Settings

from devhost.people import Person, people
from ops.errors import OpsError

DAYS = 30
SEED = 2026
EMBEDDED = {"store": "sqlite", "bus": "local", "email": "outbox", "documents": "local"}

CUSTOMERS = [
    ("Northwind Traders", "northwindtraders"), ("Fabrikam Inc", "fabrikam"), ("Adventure Works", "adventureworks"),
    ("Tailspin Toys", "tailspintoys"), ("Wide World Importers", "wideworldimporters"),
    ("Woodgrove Bank", "woodgrovebank"), ("Litware Inc", "litware"), ("Proseware Inc", "proseware"),
    ("Alpine Ski House", "alpineskihouse"), ("Coho Winery", "cohowinery"), ("Fourth Coffee", "fourthcoffee"),
    ("Lamna Healthcare", "lamnahealthcare"), ("Relecloud", "relecloud"), ("Trey Research", "treyresearch"),
    ("VanArsdel Ltd", "vanarsdel"), ("Wingtip Toys", "wingtiptoys"), ("Margie's Travel", "margiestravel"),
    ("Humongous Insurance", "humongousinsurance"), ("Blue Yonder Airlines", "blueyonderairlines"),
    ("Lucerne Publishing", "lucernepublishing"), ("Southridge Video", "southridgevideo"),
    ("A. Datum Corporation", "adatum"), ("Consolidated Messenger", "consolidatedmessenger"),
    ("Graphic Design Institute", "graphicdesigninstitute"), ("Bellows College", "bellowscollege"),
    ("First Up Consultants", "firstupconsultants"), ("Nod Publishers", "nodpublishers"),
    ("School of Fine Art", "schooloffineart"), ("Munson's Pickles", "munsonspickles"),
    ("Contoso Pharmaceuticals", "contosopharma"), ("Wingtip Energy", "wingtipenergy"),
    ("Tailwind Logistics", "tailwindlogistics"), ("Datum Health", "datumhealth"), ("Fabrikam Residences", "fabrikamres"),
]
PARTNERS = ["Fabrikam Partners", "Lamna Consulting", "Trey Research Services", None, "Proseware Advisory", None]
ACCOUNT_TEAM = [("alex.morgan@contoso.com", "Alex Morgan"), ("priya.natarajan@contoso.com", "Priya Natarajan"),
                ("tomas.berg@contoso.com", "Tomas Berg")]
EVENTS = ["Microsoft 365 E5 renewal signed for FY27", "Exchange 2016 end of support", "Merger: two tenants become one",
          "Teams Phone roll-out to 12,000 seats", "Copilot pilot approved by the board", "Data centre exit in Q3"]
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
CSV = b"Task,Owner,Days\nDiscovery,Partner,5\nPilot,Partner,10\nMigration,Partner,20\n"

# What happens to each request after it is routed; the newest requests are still waiting.
STORIES = ["completed", "assigned", "declined", "completed", "needs-info", "answered", "completed", "assigned",
           "cancelled", "completed", "answered", "declined", "assigned", "completed"]


class DemoClock:
    """The use cases' clock, set to each step's moment."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass(order=True)
class Step:
    at: datetime
    order: int
    run: Callable[[], Any] = field(compare=False)


@dataclass
class Story:
    index: int
    kind: str
    form: RequestForm
    requestor: Person
    created: datetime
    request_id: str = ""
    architect: str = ""


def check_embedded(settings: Settings) -> None:
    wrong = [f"FTA_{name.upper()}={getattr(settings, name)}" for name, value in EMBEDDED.items()
             if str(getattr(settings, name)) != value]
    if wrong:
        raise OpsError("demo fills only the embedded local store (FTA_STORE=sqlite, FTA_BUS=local, FTA_EMAIL=outbox,"
                       f" FTA_DOCUMENTS=local); set here: {', '.join(wrong)}")


def business_moments(calendar: Any, start: datetime, end: datetime) -> list[datetime]:
    """The opening hour of every working day from ``start`` to ``end``."""
    moments, day = [], start.date()
    while day <= end.date():
        opening = datetime.combine(day, time(0, 0), timezone.utc)
        moment = calendar.add_business_hours(opening, 1 / 60) - timedelta(minutes=1)
        if moment.date() == day and start <= moment <= end:
            moments.append(moment)
        day += timedelta(days=1)
    return moments


class Demo:
    def __init__(self, ctx: bootstrap.Runtime, now: datetime, seed: int = SEED):
        self.ctx = ctx
        self.now = now
        self.clock = DemoClock(now)
        ctx.clock = self.clock  # the use cases' clock; the store and the bus keep real time
        self.random = random.Random(seed)
        self.cast = people(ctx.routing, ctx.settings.dev_user)
        self.team = [Person(email, name) for email, name in ACCOUNT_TEAM]
        dev = next((p for p in self.cast if p.part == "requestor"), None)
        if dev is not None:
            self.team.insert(0, dev)
        self.admin = next(p for p in self.cast if p.part == "admin")
        self.steps: list[Step] = []
        self.counts: dict[str, int] = {}

    # -- the bus ------------------------------------------------------------------

    def pump(self) -> None:
        bus = self.ctx.bus
        if not isinstance(bus, LocalBus):
            raise OpsError("demo needs the embedded bus")
        names = [consumer.subscription for consumer in handlers.EVENT_HANDLERS]
        for _ in range(100):
            handled = 0
            for name in names:
                for message in bus.receive(name, max_messages=50):
                    handlers.handle_message(self.ctx, name, message.body, message_id=message.message_id,
                                            subject=message.subject, correlation_id=message.correlation_id,
                                            locked_until=message.locked_until)
                    bus.complete(message)
                    handled += 1
            if not handled:
                return

    # -- the people ---------------------------------------------------------------

    def lead_of(self, story: Story) -> Person:
        group = self.ctx.routing.pick_lead_group(story.form)
        return next(p for p in self.cast if p.email == group.members[0])

    def architect(self, story: Story) -> Person:
        return next(p for p in self.cast if p.email == story.architect)

    # -- the month ----------------------------------------------------------------

    def form(self, index: int) -> RequestForm:
        name, domain = CUSTOMERS[index % len(CUSTOMERS)]
        region = self.ctx.routing.regions[index % len(self.ctx.routing.regions)]
        request_type = "sow-ecif" if index % 4 == 1 else "migration-exception" if index % 7 == 3 else "non-ecif"
        body: dict[str, Any] = {
            "tpid": str(7_100_000 + index * 137), "tenant": f"{domain}.onmicrosoft.com", "customerName": name,
            "partner": PARTNERS[index % len(PARTNERS)], "totalUsers": self.random.choice([450, 1200, 3800, 9500, 24000]),
            "segment": "enterprise" if index % 3 else "smc-c",
            "entitlements": ["microsoft-365"] if index % 2 else ["office-365", "ems"],
            "salesStagePercent": self.random.choice([50, 60, 75, 90]), "compellingEvent": EVENTS[index % len(EVENTS)],
            "requestType": request_type, "region": region,
            "instructions": f"{name}: workshop on identity, mail flow and Teams with the partner's project team.",
        }
        if request_type == "sow-ecif":
            body["fundingAmountUsd"] = self.random.choice([40_000, 85_000, 120_000, 250_000])
        if request_type == "migration-exception":
            body["migration"] = {"mailboxCount": self.random.choice([300, 800, 2400]),
                                 "sourceEnvironment": "Exchange 2013 on-premises",
                                 "justification": "Legacy journaling archive the FastTrack tooling cannot move."}
        return RequestForm.model_validate(body)

    def plan(self, count: int) -> list[Story]:
        cal = self.ctx.calendar
        start = self.now - timedelta(days=DAYS)
        days = business_moments(cal, start, self.now)
        stories = []
        for index in range(count):
            opening = days[min(len(days) - 1, index * len(days) // count)]
            created = opening + timedelta(minutes=self.random.randint(20, 6 * 60))
            if created >= self.now:
                created = self.now - timedelta(minutes=30 + index)
            age = cal.business_hours_between(created, self.now)
            if index >= count - 3 or age < 6:
                kind = "routed"
            elif index in (count - 8, count - 7):
                kind = "overdue"
            else:
                kind = STORIES[index % len(STORIES)]
            team = self.team[index % len(self.team)]
            stories.append(Story(index, kind, self.form(index), team, created))
        return stories

    def at(self, start: datetime, business_hours: float) -> datetime:
        return min(self.ctx.calendar.add_business_hours(start, business_hours), self.now - timedelta(minutes=5))

    def schedule(self, story: Story) -> None:
        add = self.steps.append
        order = len(self.steps)
        t = story.created
        add(Step(t, order, lambda: self.submit(story)))
        sow = story.form.request_type.value == "sow-ecif"
        if sow:
            kinds = ["sow", "wbs"] if story.kind in ("needs-info", "answered") else ["sow", "wbs", "cost-breakdown"]
            for n, kind in enumerate(kinds):
                add(Step(t + timedelta(minutes=4 + n), order + 1 + n, lambda k=kind: self.upload(story, k)))
        r = self.random
        if story.kind in ("routed", "overdue"):
            return
        lead = self.lead_of(story)
        act = self.at(t, r.uniform(1, 6))
        if story.kind == "declined":
            reason = r.choice(["duplicate", "out-of-scope", "not-eligible"])
            add(Step(act, order + 5, lambda: self.act(lead, workflow.decline_request, DeclineRequest(
                story.request_id, reason, "Already covered by the customer's current FastTrack engagement."))))
            return
        if story.kind == "cancelled":
            add(Step(act, order + 5, lambda: self.act(story.requestor, lead_actions.cancel_request, CancelRequest(
                story.request_id, "The customer postponed the project to next quarter."))))
            return
        if story.kind in ("needs-info", "answered"):
            missing = ("cost-breakdown",) if sow else ()
            question = ("Please add the cost breakdown of the partner's offer." if sow
                        else "Which workloads are in scope, and who is the customer's project lead?")
            add(Step(act, order + 5, lambda: self.act(lead, workflow.request_info, RequestInfo(
                story.request_id, question, missing))))
            if story.kind == "needs-info":
                return
            act = self.at(act, r.uniform(2, 8))
            if sow:
                add(Step(act, order + 6, lambda: self.upload(story, "cost-breakdown")))
            else:
                add(Step(act, order + 6, lambda: self.act(story.requestor, workflow.add_comment, AddComment(
                    story.request_id, "Exchange, Teams and Intune; the customer's lead is Dana Whitfield."))))
            act = self.at(act, r.uniform(1, 4))
        auto = story.index % 2 == 0
        add(Step(act, order + 7, lambda: self.assign(story, lead, auto)))
        if story.kind == "completed":
            done = self.at(act, r.uniform(8, 40))
            add(Step(done, order + 8, lambda: self.complete(story)))

    # -- the use cases --------------------------------------------------------------

    def count(self, what: str) -> None:
        self.counts[what] = self.counts.get(what, 0) + 1

    def submit(self, story: Story) -> None:
        submitted = intake.submit_request(self.ctx, story.requestor.principal, SubmitRequest(story.form))
        story.request_id = submitted.request.id
        self.count("submitted")

    def upload(self, story: Story, kind: str) -> None:
        content, suffix = (PDF, "pdf") if kind == "sow" else (CSV, "csv")
        name = story.form.customer_name.replace(" ", "-").replace("'", "").replace(".", "")
        documents.upload_document(self.ctx, story.requestor.principal, UploadDocument(
            story.request_id, kind, f"{name}-{kind}.{suffix}", content))
        self.count("documents")

    def act(self, person: Person, use_case: Callable[..., Any], command: Any) -> None:
        use_case(self.ctx, person.principal, command)
        self.count(use_case.__name__)

    def assign(self, story: Story, lead: Person, auto: bool) -> None:
        group = self.ctx.routing.pick_lead_group(story.form)
        chosen = "auto" if auto else group.architects[story.index % len(group.architects)].email
        request, _ = lead_actions.assign_architect(self.ctx, lead.principal, AssignArchitect(story.request_id, chosen))
        story.architect = request.architect or ""
        self.count("assign_architect")

    def complete(self, story: Story) -> None:
        kind = story.form.request_type.value
        notes = "Workshop delivered; the partner runs the migration waves with FastTrack's guidance."
        outcome: dict[str, Any] = {"notes": notes}
        if kind == "sow-ecif":
            outcome.update(recommendation="approve" if story.index % 3 else "decline",
                           category="cat-2a" if story.index % 3 else "cat-4")
        elif kind == "migration-exception":
            outcome.update(decision="approved")
        self.act(self.architect(story), lead_actions.complete_request, CompleteRequest(story.request_id, outcome))

    def remind(self) -> None:
        outcome = reminders.send_reminders(self.ctx)
        for key, value in outcome.detail.items():
            self.counts[key] = self.counts.get(key, 0) + value

    def run(self, count: int) -> dict[str, Any]:
        if self.ctx.requests.count(RequestFilter()):
            raise OpsError(f"the store in {self.ctx.settings.data_dir} already holds requests; demo fills an empty"
                           " store only (make clean, or another FTA_DATA_DIR)")
        stories = self.plan(count)
        for story in stories:
            self.schedule(story)
        start = self.now - timedelta(days=DAYS)
        for n, moment in enumerate(business_moments(self.ctx.calendar, start, self.now)):
            self.steps.append(Step(moment + timedelta(hours=1), 10_000 + n, self.remind))
        self.steps.sort()
        for step in self.steps:
            self.clock.now = step.at
            step.run()
            self.pump()
        self.clock.now = self.now
        return {"requests": len(stories), "dataDir": str(self.ctx.settings.data_dir),
                "statuses": {k: sum(1 for s in stories if s.kind == k) for k in sorted({s.kind for s in stories})},
                "steps": self.counts}


def fill(settings: Settings, *, count: int = 40, now: datetime | None = None) -> dict[str, Any]:
    """Fill the store ``settings`` name with ``count`` requests over the month ending ``now``."""
    check_embedded(settings)
    ctx = bootstrap.build(settings)
    previous = bootstrap.install(ctx)
    try:
        moment = (now or datetime.now(timezone.utc)).replace(microsecond=0)
        return Demo(ctx, moment).run(count)
    finally:
        bootstrap.install(previous)
        ctx.close()
