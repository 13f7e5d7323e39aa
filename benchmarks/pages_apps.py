"""The newer apps' data for benchmarks/pages.py (issue 15: "the new apps' pages join the
benchmark as they land"): maintenance contracts and fault tickets, footage requests with their
approvals and the access register, the duty roster, the monitoring-center entry register and
notifications.

Loaded with the ORM's ``bulk_create`` (each model's own columns and defaults: these apps still
grow) inside the loader's transaction, after the patrol data. An app the code under test does
not have yet (an older commit measured with ``--at``) is skipped, and so are its pages.

Volumes scale with the cameras (SMALL one tenth of BIG): one ticket per confirmed patrol fault
record (M-2.3), one footage request per two cameras (M-3.5) of which ~70 % approved and
retrieved (the register, M-3.4), ten entries a day to the monitoring center per thousand
cameras (M-4.1a), one notification per two cameras to the duty operator who reads the pages.
The roster is the office's own (three 8-hour shifts, two operators each, M-1.2) for every day.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from datetime import time as dtime
from zoneinfo import ZoneInfo

BATCH = 5_000


def installed(label: str) -> bool:
    from django.apps import apps

    return apps.is_installed(f"apps.{label}")


def load(loader, tz: ZoneInfo) -> dict:
    """Everything below, returning the figures the page table needs (ids to open)."""
    info: dict = {}
    if installed("maintenance"):
        info.update(_maintenance(loader, tz))
    if installed("requests"):
        info.update(_requests(loader, tz))
    if installed("duty"):
        info.update(_duty(loader, tz))
    info.update(_notifications(loader, tz))
    return info


def _maintenance(loader, tz: ZoneInfo) -> dict:
    from apps.maintenance.models import FaultTicket, ServiceContract, TicketEvent
    from apps.patrol.models import FaultRecord

    rng = random.Random(16)
    today = datetime.now(tz).date()
    staff = loader.users["staff"]
    contracts = {}
    for i, vendor in enumerate(loader.vendors, start=1):
        contracts[vendor.pk] = ServiceContract.objects.create(
            vendor=vendor,
            number=f"HT-{today.year}-{i:03d}",
            starts_on=today - timedelta(days=330),
            ends_on=today + timedelta(days=35 if i == 1 else 400),
            contacts=f"{vendor.name} duty desk 0571-8888{i:04d}",
            document=f"maintenance/contracts/bench-{i}.pdf",
            document_type="application/pdf",
            created_by=staff,
        )
    cameras = dict(loader.camera_vendor.items())
    locations = {c: (c - 1) % loader.n_loc + 1 for c in loader.camera_ids}
    states = FaultTicket.State
    tickets, events = [], []
    records = FaultRecord.objects.order_by("pk").values_list(
        "pk",
        "camera_id",
        "first_check_id",
        "occurred_at",
        "confirmed_at",
        "confirmed_by_id",
        "symptom",
        "cleared_at",
    )
    for pk, camera, check, occurred, reported, by, symptom, cleared in records.iterator():
        vendor = cameras.get(camera)
        major = rng.random() < 0.1
        hours = 24 if major else 6
        if cleared is not None:
            done = min(cleared, reported + timedelta(hours=hours * rng.uniform(0.2, 1.3)))
            state, ack, site, clr, verified = (
                states.CLOSED,
                reported + timedelta(minutes=20),
                reported + timedelta(hours=1),
                done,
                done + timedelta(minutes=30),
            )
        else:
            state = rng.choice([states.REPORTED, states.ACKNOWLEDGED, states.ON_SITE])
            ack = reported + timedelta(minutes=20) if state != states.REPORTED else None
            site = reported + timedelta(hours=1) if state == states.ON_SITE else None
            clr = verified = None
        tickets.append(
            FaultTicket(
                id=pk,
                number=f"WX{reported.astimezone(tz):%Y%m%d}-{pk:05d}",
                camera_id=camera,
                location_id=locations[camera],
                vendor_id=vendor,
                contract=contracts.get(vendor),
                fault_record_id=pk,
                patrol_check_id=check,
                severity="major" if major else "general",
                allowance_hours=hours,
                symptom=symptom,
                state=state,
                occurred_at=occurred,
                reported_at=reported,
                reported_by_id=by,
                acknowledged_at=ack,
                on_site_at=site,
                cleared_at=clr,
                verified_at=verified,
                closed_at=verified,
                deadline_at=reported + timedelta(hours=hours),
                clock_stopped_at=clr,
            )
        )
        events.append(
            TicketEvent(
                ticket_id=pk,
                kind=TicketEvent.Kind.REPORTED,
                at=reported,
                by_id=by,
                to_state=states.REPORTED,
            )
        )
        if len(tickets) >= BATCH:
            FaultTicket.objects.bulk_create(tickets)
            TicketEvent.objects.bulk_create(events)
            tickets, events = [], []
    FaultTicket.objects.bulk_create(tickets)
    TicketEvent.objects.bulk_create(events)
    loader.extra_models += [FaultTicket, TicketEvent, ServiceContract]
    count = FaultTicket.objects.count()
    print(f"  {count} fault tickets", flush=True)
    middle = FaultTicket.objects.order_by("pk").values_list("pk", flat=True)[count // 2]
    return {"tickets": count, "ticket": middle}


def _requests(loader, tz: ZoneInfo) -> dict:
    from apps.requests import selectors
    from apps.requests.models import FootageRequest, RequestStep, Retrieval

    rng = random.Random(17)
    policy = selectors.policy_current()
    n = max(1, len(loader.camera_ids) // 2)
    now = datetime.now(tz)
    staff = loader.users["staff"]
    custodian = loader.users.get("custodian", staff)
    kinds = FootageRequest.RequesterType
    requests, steps, retrievals = [], [], []
    through = FootageRequest.cameras.through
    links, retrieved_links = [], []
    rthrough = Retrieval.cameras.through
    number_per_year: dict[int, int] = {}
    for pk in range(1, n + 1):
        created = now - timedelta(days=300 * (n - pk) / n, minutes=rng.randint(0, 600))
        year = created.year
        number_per_year[year] = number_per_year.get(year, 0) + 1
        span_to = created - timedelta(hours=rng.randint(2, 96))
        roll = rng.random()
        state = (
            FootageRequest.State.APPROVED
            if roll < 0.7
            else FootageRequest.State.REJECTED
            if roll < 0.8
            else FootageRequest.State.IN_APPROVAL
        )
        kind = rng.choice(list(kinds))
        requests.append(
            FootageRequest(
                id=pk,
                number=f"调阅-{year}-{number_per_year[year]:06d}",
                application_date=created.date(),
                applying_unit=f"Unit {pk % 40}",
                handler_name=f"Handler {pk}",
                handler_id_type="other",
                handler_id_number=f"DOC{pk:08d}",
                mode=rng.choice(["view", "copy"]),
                place_detail=f"Building {pk % 30}",
                span_from=span_to - timedelta(hours=1),
                span_to=span_to,
                reason="Lost property report" if pk % 3 else "Traffic accident on campus",
                requester_type=kind,
                state=state,
                filed_by=staff,
                policy=policy,
                submitted_at=created,
                decided_at=created + timedelta(hours=5) if state != "in_approval" else None,
            )
        )
        final = "approved" if state == "approved" else "rejected"
        steps.append(
            RequestStep(
                request_id=pk,
                order=1,
                kind=RequestStep.Kind.APPROVAL,
                role="security_chief",
                state="pending" if state == "in_approval" else final,
                decided_by=None if state == "in_approval" else staff,
                decided_at=None if state == "in_approval" else created + timedelta(hours=5),
            )
        )
        camera = loader.camera_ids[(pk * 7) % len(loader.camera_ids)]
        links.append(through(footagerequest_id=pk, camera_id=camera))
        if state == "approved":
            retrievals.append(
                Retrieval(
                    id=pk,
                    request_id=pk,
                    custodian=custodian,
                    span_from=span_to - timedelta(hours=1),
                    span_to=span_to,
                    backup_location="Archive NAS /footage",
                )
            )
            retrieved_links.append(rthrough(retrieval_id=pk, camera_id=camera))
    for batch in range(0, len(requests), BATCH):
        FootageRequest.objects.bulk_create(requests[batch : batch + BATCH])
    through.objects.bulk_create(links, batch_size=BATCH)
    RequestStep.objects.bulk_create(steps, batch_size=BATCH)
    Retrieval.objects.bulk_create(retrievals, batch_size=BATCH)
    rthrough.objects.bulk_create(retrieved_links, batch_size=BATCH)
    # recorded_at is auto_now_add: the register's order follows the requests' dates.
    for retrieval in retrievals:
        retrieval.recorded_at = requests[retrieval.request_id - 1].decided_at + timedelta(hours=2)
    Retrieval.objects.bulk_update(retrievals, ["recorded_at"], batch_size=BATCH)
    for r in requests:
        r.created_at = r.submitted_at
    FootageRequest.objects.bulk_update(requests, ["created_at"], batch_size=BATCH)
    loader.extra_models += [FootageRequest, RequestStep, Retrieval]
    print(f"  {n} footage requests, {len(retrievals)} retrievals", flush=True)
    return {"requests": n, "retrievals": len(retrievals), "request": n // 2}


def _duty(loader, tz: ZoneInfo) -> dict:
    from apps.duty.models import CenterEntry, RosterAssignment, ShiftTemplate

    rng = random.Random(18)
    staff = loader.users["staff"]
    operators = [loader.users[f"op{i:02d}"] for i in range(1, 21)]
    shifts = [
        ShiftTemplate.objects.get_or_create(
            name=name, defaults={"start_time": dtime(hour), "length_hours": 8}
        )[0]
        for name, hour in (("Bench morning", 0), ("Bench day", 8), ("Bench evening", 16))
    ]
    assignments = []
    for day in loader.days:
        for index, shift in enumerate(shifts):
            starts = datetime.combine(day, shift.start_time, tz)
            for k in range(2):
                person = operators[(day.toordinal() * 6 + index * 2 + k) % len(operators)]
                assignments.append(
                    RosterAssignment(
                        operator=person,
                        template=shift,
                        date=day,
                        starts_at=starts,
                        ends_at=starts + timedelta(hours=8),
                        assigned_by=staff,
                        checked_in_at=starts + timedelta(minutes=rng.randint(-10, 5)),
                        checked_out_at=starts + timedelta(hours=8, minutes=rng.randint(0, 10)),
                    )
                )
    RosterAssignment.objects.bulk_create(assignments, batch_size=BATCH)
    per_day = max(1, len(loader.camera_ids) // 100)
    entries = []
    for day in loader.days:
        for k in range(per_day):
            entered = datetime.combine(day, dtime(8), tz) + timedelta(minutes=rng.randint(0, 720))
            person = operators[(k + day.toordinal()) % len(operators)]
            entries.append(
                CenterEntry(
                    person=person,
                    purpose="Duty shift" if k % 4 else "Maintenance visit",
                    authorised=True,
                    entered_at=entered,
                    left_at=entered + timedelta(minutes=rng.randint(10, 240)),
                    recorded_by=person,
                )
            )
    CenterEntry.objects.bulk_create(entries, batch_size=BATCH)
    loader.extra_models += [ShiftTemplate, RosterAssignment, CenterEntry]
    print(f"  {len(assignments)} roster assignments, {len(entries)} entries", flush=True)
    return {"assignments": len(assignments), "entries": len(entries)}


def _notifications(loader, tz: ZoneInfo) -> dict:
    from apps.core.models import Notification

    ops = loader.users["ops"]
    n = max(1, len(loader.camera_ids) // 2)
    now = datetime.now(tz)
    rows = [
        Notification(
            recipient=ops,
            kind="bench",
            title=f"Fault ticket WX-{i:05d} at 80 % of its allowance",
            body="Clear it within the contract's hours (M-2.4).",
            url="/maintenance/tickets/",
            created_at=now - timedelta(minutes=30 * (n - i)),
            read_at=None if i > n - 20 else now,
        )
        for i in range(1, n + 1)
    ]
    Notification.objects.bulk_create(rows, batch_size=BATCH)
    loader.extra_models += [Notification]
    print(f"  {n} notifications", flush=True)
    return {"notifications": n}
