"""M-1.2, M-1.3: every page, endpoint and write, tried by every role.

One table, ``ROWS``: each row is a request (method, path, data), the roles it is allowed for,
the roles for whom its object lies outside their scope, and — for a write — the audit event an
allowed write must leave (action and clause). Then, per role:

* a read: allowed → 200; out of scope → 404; any other role → 403 or 404;
* a write: allowed → success and the audit event; any other role → 403 or 404 and nothing
  written (every table of the domain apps unchanged, no audit event but the refusal's own
  ``core.permission_denied``);
* nobody, ever, a server error.

Later apps keep their rows in ``tests/<app>/matrix_rows.py`` (see ``tests/core/matrix.py``);
paths name objects of the world fixture as ``{key}``. A row whose allowed write needs a real
camera (onboarding probes it) is marked ``peer=True``: the quick test checks its refusals, the
slow test its success.
"""

import importlib
from collections.abc import Callable

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.models import Role, User
from apps.audit.models import AuditEvent
from apps.cameras.forms import CameraForm
from apps.cameras.models import Camera
from apps.cameras.services import camera_reference_set
from apps.core.notifications import notify
from apps.patrol.models import PatrolRun
from apps.patrol.services import patrol_check_record, patrol_run_finish, patrol_run_start
from tests.core.matrix import (
    EVERYONE,
    JPEG,
    MATRIX_APPS,
    NO_CAMERA_ACCESS,
    OFFICE_VIEWERS,
    PATROLLERS,
    REVIEWERS,
    SIGNERS,
    TWO_FACTOR,
    VENDOR,
    VIEWERS,
    WRITES,
    Row,
    _get,
)
from tests.factories import (
    CameraFactory,
    LocationFactory,
    SiteFactory,
    UserFactory,
    VendorFactory,
)
from tests.patrol.helpers import finished_run, outcome

pytestmark = pytest.mark.django_db


def _camera_form(key: str, **changes) -> Callable[[dict], dict]:
    """Every field of the camera's edit form as it stands, plus ``changes``."""

    def data(world: dict) -> dict:
        # Field values only: the recorder choices do not matter here.
        form = CameraForm(instance=Camera.objects.get(pk=world[key]), user=User(is_superuser=True))
        values = {name: form[name].value() for name in form.fields}
        return {k: "" if v is None else v for k, v in {**values, **changes}.items()}

    return data


def _import_file(world: dict) -> dict:
    content = (
        "code,name,site_code,building,area_kind,rtsp_main_uri\n"
        "MX-IMP,Imported,MX,Import hall,teaching,rtsp://127.0.0.1:9/imported\n"
    )
    return {
        "file": SimpleUploadedFile("cams.csv", content.encode(), "text/csv"),
        "work_order": "WO-M4",
    }


CREDENTIALS = {"username": "matrix", "password": "M@trix-secret-1", "work_order": "WO-M2"}

ROWS: list[Row] = [
    # core, accounts, audit
    _get("/", EVERYONE),
    _get("/accounts/password/", EVERYONE),
    _get("/audit/", {Role.AUDITOR}),
    _get("/audit/?format=csv", {Role.AUDITOR}),
    _get("/audit/{event}/", {Role.AUDITOR}),
    _get("/admin/", {Role.SECURITY_CHIEF}, follow=True),
    _get("/api/", set()),  # the router's index: default-deny
    _get("/api/{nowhere}/", set(), not_found=EVERYONE),  # an address naming no endpoint
    _get("/api/me/", EVERYONE),
    _get("/api/departments/", EVERYONE),
    _get("/api/departments/{department}/", EVERYONE),
    _get("/api/schema/", EVERYONE),
    _get("/api/users/", {Role.SECURITY_CHIEF}),
    _get("/api/users/{user}/", {Role.SECURITY_CHIEF}),
    _get("/api/audit/events/", {Role.AUDITOR}),
    _get("/api/audit/events/{event}/", {Role.AUDITOR}),
    # notifications (issue 16): everyone their own; marking read is no evidence (no audit)
    _get("/notifications/", EVERYONE),
    Row("POST", "/notifications/read/", EVERYONE),
    Row("POST", "/notifications/{colleague_notification}/read/", frozenset(), not_found=EVERYONE),
    # cameras: pages and API
    _get("/cameras/", VIEWERS),
    _get("/cameras/?format=csv", VIEWERS),
    _get("/cameras/new/", VENDOR),
    _get("/cameras/import/", VENDOR),
    _get("/cameras/places/", VIEWERS),
    _get("/cameras/{camera}/", VIEWERS),
    _get("/cameras/{camera}/edit/", VENDOR),
    _get("/cameras/{camera}/credentials/", VENDOR),
    _get("/api/cameras/", VIEWERS),
    _get("/api/cameras/{camera}/", VIEWERS),
    # cameras: another company's camera is not found by a vendor engineer (M-1.3)
    _get("/cameras/{other_camera}/", OFFICE_VIEWERS, not_found=VENDOR),
    _get("/cameras/{other_camera}/edit/", set(), not_found=VENDOR),
    _get("/cameras/{other_camera}/credentials/", set(), not_found=VENDOR),
    _get("/api/cameras/{other_camera}/", OFFICE_VIEWERS, not_found=VENDOR),
    # cameras: pictures only through the scoped views (M-3.1); nobody else finds them
    *(
        _get(f"/cameras/{{camera}}/images/{kind}/", VIEWERS, not_found=NO_CAMERA_ACCESS)
        for kind in ("reference", "snapshot", "thumbnail")
    ),
    *(
        _get(
            f"/cameras/{{other_camera}}/images/{kind}/",
            OFFICE_VIEWERS,
            not_found=VENDOR | NO_CAMERA_ACCESS,
        )
        for kind in ("reference", "snapshot", "thumbnail")
    ),
    _get("/media/{snapshot_name}", set(), not_found=EVERYONE, label="GET /media/<stored file>"),
    # cameras: writes (M-1.3, M-1.1a)
    Row(
        "POST",
        "/cameras/{camera}/edit/",
        VENDOR,
        _camera_form("camera", name="Renamed by the matrix", work_order="WO-M1"),
        ("cameras.camera_update", "M-1.3"),
    ),
    Row(
        "POST",
        "/cameras/{camera}/credentials/",
        VENDOR,
        CREDENTIALS,
        ("cameras.credentials_replace", "M-1.1a"),
    ),
    Row(
        "POST",
        "/cameras/new/",
        VENDOR,
        lambda w: {
            "code": "MX-NEW",
            "name": "Onboarded",
            "location": w["location"],
            "rtsp_uri": w.get("rtsp_uri", "rtsp://127.0.0.1:9/normal"),
            "work_order": "WO-M3",
        },
        ("cameras.camera_create", "M-1.3"),
        peer=True,
    ),
    Row("POST", "/cameras/import/", VENDOR, _import_file, ("cameras.import", "M-1.3")),
    Row(
        "POST",
        "/cameras/places/",
        VENDOR,
        {"kind": "site", "site-code": "MX-S", "site-name": "New site"},
        ("cameras.site_create", "M-1.3"),
        label="POST /cameras/places/ site",
    ),
    Row(
        "POST",
        "/cameras/places/",
        VENDOR,
        lambda w: {
            "kind": "location",
            "location-site": w["site"],
            "location-building": "Matrix hall",
            "location-floor": "2F",
            "location-area": "Corridor",
            "location-area_kind": "teaching",
        },
        ("cameras.location_create", "M-1.3"),
        label="POST /cameras/places/ location",
    ),
    Row(
        "POST",
        "/cameras/places/",
        VENDOR,
        lambda w: {
            "kind": "recorder",
            "recorder-code": "MX-NVR",
            "recorder-name": "Matrix NVR",
            "recorder-site": w["site"],
            "recorder-channels": 16,
        },
        ("cameras.recorder_create", "M-1.3"),
        label="POST /cameras/places/ recorder",
    ),
    Row(
        "POST",
        "/api/cameras/",
        VENDOR,
        lambda w: {
            "code": "MX-API",
            "name": "API camera",
            "location": w["location"],
            "rtsp_main_uri": "rtsp://127.0.0.1:9/api",
            "work_order": "WO-M5",
        },
        ("cameras.camera_create", "M-1.3"),
        json=True,
    ),
    Row(
        "PATCH",
        "/api/cameras/{camera}/",
        VENDOR,
        {"name": "Patched by the matrix", "work_order": "WO-M6"},
        ("cameras.camera_update", "M-1.3"),
        json=True,
    ),
    Row(
        "POST",
        "/api/cameras/{camera}/credentials/",
        VENDOR,
        CREDENTIALS,
        ("cameras.credentials_replace", "M-1.1a"),
        json=True,
    ),
    # cameras: writes on another company's camera (M-1.3)
    Row(
        "POST",
        "/cameras/{other_camera}/edit/",
        frozenset(),
        _camera_form("other_camera", name="Not yours", work_order="WO-X1"),
        not_found=VENDOR,
    ),
    Row("POST", "/cameras/{other_camera}/credentials/", frozenset(), CREDENTIALS, not_found=VENDOR),
    Row(
        "PATCH",
        "/api/cameras/{other_camera}/",
        frozenset(),
        {"name": "Not yours", "work_order": "WO-X2"},
        not_found=VENDOR,
        json=True,
    ),
    Row(
        "POST",
        "/api/cameras/{other_camera}/credentials/",
        frozenset(),
        CREDENTIALS,
        not_found=VENDOR,
        json=True,
    ),
    # patrol: pages and API (M-2.1)
    _get("/patrol/", VIEWERS),
    _get("/patrol/?format=csv", VIEWERS),
    _get("/patrol/{run}/", VIEWERS),
    _get("/patrol/{run}/progress/", VIEWERS),
    _get("/patrol/cameras/{camera}/history/", VIEWERS),
    _get("/patrol/faults/", VIEWERS),
    _get("/patrol/faults/?format=csv", VIEWERS),
    _get("/api/patrol/runs/", VIEWERS),
    _get("/api/patrol/runs/{run}/", VIEWERS),
    _get("/api/patrol/checks/", VIEWERS),
    _get("/api/patrol/checks/{check}/", VIEWERS),
    *(
        _get(f"/patrol/checks/{{check}}/images/{kind}/", VIEWERS, not_found=NO_CAMERA_ACCESS)
        for kind in ("snapshot", "thumbnail")
    ),
    # patrol: a run with none of the vendor's cameras, another company's check (M-1.3)
    _get("/patrol/{other_run}/", OFFICE_VIEWERS, not_found=VENDOR),
    _get("/patrol/{other_run}/progress/", OFFICE_VIEWERS, not_found=VENDOR),
    _get("/api/patrol/runs/{other_run}/", OFFICE_VIEWERS, not_found=VENDOR),
    _get("/api/patrol/checks/{other_check}/", OFFICE_VIEWERS, not_found=VENDOR),
    _get("/patrol/cameras/{other_camera}/history/", OFFICE_VIEWERS, not_found=VENDOR),
    *(
        _get(
            f"/patrol/checks/{{other_check}}/images/{kind}/",
            OFFICE_VIEWERS,
            not_found=VENDOR | NO_CAMERA_ACCESS,
        )
        for kind in ("snapshot", "thumbnail")
    ),
    # patrol: writes (M-2.1 start and re-check, M-1.4 review, M-2.2 countersign)
    Row(
        "POST",
        "/patrol/start/",
        PATROLLERS,
        {"site": ""},
        ("patrol.run_start", "M-2.1"),
        label="POST /patrol/start/ every camera",
    ),
    Row(
        "POST",
        "/patrol/start/",
        PATROLLERS | VENDOR,
        lambda w: {"camera": w["camera"]},
        ("patrol.run_start", "M-2.1"),
        label="POST /patrol/start/ re-check own camera",
    ),
    Row(
        "POST",
        "/patrol/start/",
        PATROLLERS,
        lambda w: {"camera": w["other_camera"]},
        ("patrol.run_start", "M-2.1"),
        not_found=VENDOR,
        label="POST /patrol/start/ re-check another company's camera",
    ),
    Row(
        "POST",
        "/api/patrol/runs/",
        PATROLLERS | VENDOR,
        lambda w: {"camera": w["camera2"]},
        ("patrol.run_start", "M-2.1"),
        json=True,
    ),
    Row(
        "POST",
        "/patrol/checks/{check}/review/",
        REVIEWERS,
        {"outcome": "confirmed_fault", "note": ""},
        ("patrol.check_review", "M-1.4"),
    ),
    Row(
        "POST",
        "/api/patrol/checks/{check2}/review/",
        REVIEWERS,
        {"outcome": "false_alarm", "note": "lens cleaned"},
        ("patrol.check_review", "M-1.4"),
        json=True,
    ),
    Row(
        "POST",
        "/patrol/{sign_run}/sign/",
        SIGNERS,
        {"note": "countersigned by the matrix"},
        ("patrol.run_sign", "M-2.2"),
    ),
    Row(
        "POST",
        "/api/patrol/runs/{sign_run_api}/sign/",
        SIGNERS,
        {"note": "countersigned over the API"},
        ("patrol.run_sign", "M-2.2"),
        json=True,
    ),
]


def _app_modules() -> list:
    modules = []
    for app in MATRIX_APPS:
        name = f"tests.{app}.matrix_rows"
        try:
            modules.append(importlib.import_module(name))
        except ModuleNotFoundError as exc:
            if exc.name not in (name, f"tests.{app}"):
                raise
    return modules


APP_MATRICES = _app_modules()
ROWS += [row for module in APP_MATRICES for row in module.ROWS]


def _pictured(result, code: str):
    result.snapshot_jpeg = JPEG + code.encode()
    result.thumbnail_jpeg = JPEG
    return result


def _colleague_notification(user) -> int:
    notify([user], kind="matrix.hello", title="Not yours", url="/")
    return user.notifications.get().pk


def _single_camera_run(camera) -> PatrolRun:
    run = patrol_run_start(by=None, trigger=PatrolRun.Trigger.COMMAND, camera=camera, enqueue=False)
    patrol_check_record(check=run.checks.get(), outcome=outcome("fault", "No signal."))
    patrol_run_finish(run=run)
    return run


@pytest.fixture
def world(db):
    vendor = VendorFactory(name="Matrix vendor")
    other = VendorFactory(name="Other matrix vendor")
    site = SiteFactory(code="MX", name="Matrix campus")
    camera = CameraFactory(code="MX-1", vendor=vendor, location__site=site)
    camera2 = CameraFactory(code="MX-2", vendor=vendor, location__site=site)
    other_camera = CameraFactory(code="OT-1", vendor=other)
    for cam in (camera, other_camera):
        camera_reference_set(camera=cam, by=None, jpeg=JPEG)
    run = finished_run(
        {
            camera: _pictured(outcome("fault", "Picture is black."), "MX-1"),
            camera2: outcome("fault", "Picture is frozen."),
            other_camera: _pictured(outcome("fault", "Picture is black."), "OT-1"),
        }
    )
    all_ok = {cam: outcome("ok") for cam in (camera, camera2, other_camera)}
    sign_run, sign_run_api = finished_run(all_ok), finished_run(all_ok)
    other_run = _single_camera_run(other_camera)
    camera.refresh_from_db()
    colleague = UserFactory(username="matrix-colleague")
    shared = {
        "vendor": vendor,
        "department": vendor.pk,
        "nowhere": "no-such-endpoint",
        "user": colleague.pk,
        "colleague_notification": _colleague_notification(colleague),
        "event": AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True)[0],
        "site": site.pk,
        "location": LocationFactory(site=site, building="Matrix library").pk,
        "camera": camera.pk,
        "camera2": camera2.pk,
        "other_camera": other_camera.pk,
        "run": run.pk,
        "check": run.checks.get(camera=camera).pk,
        "check2": run.checks.get(camera=camera2).pk,
        "other_check": run.checks.get(camera=other_camera).pk,
        "other_run": other_run.pk,
        "sign_run": sign_run.pk,
        "sign_run_api": sign_run_api.pk,
        "snapshot_name": camera.last_snapshot.name,
    }
    for module in APP_MATRICES:  # each later app's objects, built on the shared ones
        shared.update(module.world(shared))
    return shared


def _login(client, world: dict, role: str):
    user = UserFactory(
        roles=[role],
        username=f"matrix-{role}",
        is_staff=True,
        **({"department": world["vendor"]} if role == Role.VENDOR_ENGINEER else {}),
    )
    client.force_login(user)
    if role in TWO_FACTOR:
        device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return user


def _domain_models() -> list:
    return [
        model
        for model in apps.get_models()
        if model._meta.app_config.name.startswith("apps.") and model._meta.app_label != "audit"
    ]


def _domain_state() -> dict:
    """Every row of the domain apps' tables: a refused write must leave them all unchanged.

    On PostgreSQL (CI) one query: per table the row count and an md5 of every row's whole text
    (every column) in primary-key order, the same rows and columns as the ORM snapshot used on
    SQLite, without its ~60 queries and their rows in Python twice per refused write (that was
    ~60 % of this test's time)."""
    models = _domain_models()
    if connection.vendor != "postgresql":
        return {model._meta.label: list(model.objects.order_by("pk").values()) for model in models}
    qn = connection.ops.quote_name
    columns = ", ".join(
        f"(SELECT ARRAY[COUNT(*)::text, md5(COALESCE(string_agg(ROW(_t.*)::text, E'\\n' "
        f"ORDER BY _t.{qn(model._meta.pk.column)}), ''))] FROM {qn(model._meta.db_table)} AS _t)"
        for model in models
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns}")
        row = cursor.fetchone()
    return {model._meta.label: state for model, state in zip(models, row, strict=True)}


def _request(client, row: Row, world: dict):
    path = row.path.format(**world)
    method = getattr(client, row.method.lower())
    data = row.data(world) if callable(row.data) else row.data
    if row.json:
        return method(path, data or {}, content_type="application/json")
    if row.method == "GET":
        return method(path, follow=row.follow)
    return method(path, data or {})


def _try(client, row: Row, world: dict, role: str) -> str | None:
    """Make the request as ``role``; a sentence saying what went wrong, or None."""
    is_write = row.method in WRITES
    before_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    before = _domain_state() if is_write and role not in row.allowed else None
    status = _request(client, row, world).status_code
    new_events = AuditEvent.objects.filter(pk__gt=before_event)
    if status >= 500:
        return f"{row}: {status}"
    if role in row.allowed:
        if not is_write:
            return None if status == 200 else f"{row}: {status}, expected 200"
        if status not in (200, 201, 204, 302):
            return f"{row}: {status}, expected success"
        if row.audit is None:
            return None  # a write that is no evidence of any clause (marking read)
        action, clause = row.audit
        if not new_events.filter(action=action, clause=clause).exists():
            left = list(new_events.values_list("action", "clause"))
            return f"{row}: no audit event {action} ({clause}); left {left}"
        return None
    expected = {404} if role in row.not_found else {403, 404}
    if status not in expected:
        return f"{row}: {status}, expected {'/'.join(map(str, sorted(expected)))}"
    if is_write:
        if _domain_state() != before:
            return f"{row}: refused with {status} but the database changed"
        written = set(new_events.values_list("action", flat=True)) - {"core.permission_denied"}
        if written:
            return f"{row}: refused with {status} but audit events {sorted(written)} written"
    return None


@pytest.mark.parametrize("role", Role.values)
def test_every_row_by_every_role(client, world, role):
    _login(client, world, role)
    failures = [
        failure
        for row in ROWS
        if not (row.peer and role in row.allowed)  # the slow test below makes these
        if (failure := _try(client, row, world, role))
    ]
    assert not failures, f"{role}:\n" + "\n".join(failures)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("row", "role"),
    [(row, role) for row in ROWS if row.peer for role in sorted(row.allowed)],
    ids=str,
)
def test_peer_rows_by_their_allowed_roles(client, world, rtsp_peer, row, role):
    world = {**world, "rtsp_uri": rtsp_peer.uri("normal")}
    _login(client, world, role)
    assert _try(client, row, world, role) is None


def test_every_url_of_the_site_has_a_row():
    """A new page or endpoint without a row here fails this test (M-1.2)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def routes(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from routes(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                yield prefix + str(entry.pattern)

    covered = {row.path.split("?")[0] for row in ROWS}
    covered_shapes = {_shape(p) for p in covered}
    # The login and two-factor pages, the admin's own pages, the language switch, the load
    # balancer's probe and the API docs: each has its own test.
    exempt = ("accounts/", "admin/", "i18n/", "healthz", "api/docs", "api/schema")
    missing = sorted(
        route
        for route in set(routes(get_resolver().url_patterns))
        if not route.startswith(exempt)
        and "(?P<format>" not in route
        and "<drf_format_suffix" not in route
        and _shape("/" + route) not in covered_shapes
    )
    assert not missing, missing


def _shape(path: str) -> str:
    """/cameras/{camera}/ and /cameras/<int:pk>/ alike become /cameras/*/."""
    import re

    path = re.sub(r"\^|\$|\\", "", path)
    path = re.sub(r"\{[^}]+\}|<[^>]+>|\(\?P<[^>]+>[^)]*\)", "*", path)
    path = re.sub(r"/(reference|snapshot|thumbnail)/", "/*/", path)
    return path if path.endswith("/") else path + "/"


def test_the_world_is_what_the_rows_expect(world):
    """Guards the table: the objects the rows name are in the states the rows assume."""
    assert PatrolRun.objects.get(pk=world["sign_run"]).state == PatrolRun.State.FINISHED
    other_run = PatrolRun.objects.get(pk=world["other_run"])
    assert not other_run.checks.filter(camera__vendor=world["vendor"]).exists()
    assert Camera.objects.get(pk=world["other_camera"]).vendor != world["vendor"]
    assert Camera.objects.get(pk=world["camera"]).last_snapshot
