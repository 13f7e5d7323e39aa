"""Bulk import of cameras from CSV or XLSX: every row checked first, then all or nothing."""

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.accounts.models import User
from apps.audit.services import event_append
from apps.core.exceptions import RuleViolation

from .inputs import camera_channel_check, camera_input_clean, text_check
from .models import FORBIDDEN_AREA_KINDS, Camera, Location, Recorder, Site
from .services import camera_create, location_get_or_create

COLUMNS = (
    "code",
    "name",
    "site_code",
    "building",
    "floor",
    "area",
    "area_kind",
    "recorder_code",
    "channel",
    "onvif_host",
    "onvif_port",
    "rtsp_main_uri",
    "rtsp_sub_uri",
    "username",
    "password",
    "commissioned_on",
    "filed_on",
)
REQUIRED = ("code", "name", "site_code", "building", "area_kind")
MAX_ROWS = 5000


@dataclass
class ImportReport:
    created: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row number, message)

    @property
    def ok(self) -> bool:
        return not self.errors


def _rows_from_file(name: str, content: bytes) -> list[dict[str, str]]:
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise RuleViolation(_("The XLSX file cannot be read: %(e)s") % {"e": exc}) from exc
        values = list(sheet.iter_rows(values_only=True))
        if not values:
            return []
        header = [str(h or "").strip() for h in values[0]]
        return [
            {
                h: ("" if v is None else (v.isoformat()[:10] if isinstance(v, date) else str(v)))
                for h, v in zip(header, row, strict=False)
            }
            for row in values[1:]
            if any(v not in (None, "") for v in row)
        ]
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("gb18030")  # Excel on Chinese Windows saves CSV as GBK
        except UnicodeDecodeError as exc:
            raise RuleViolation(_("The CSV file is neither UTF-8 nor GBK text.")) from exc
    reader = csv.DictReader(io.StringIO(text))
    try:
        return [
            {k.strip(): _cell(v) for k, v in row.items() if k and isinstance(k, str)}
            for row in reader
        ]
    except csv.Error as exc:  # e.g. a field over the csv module's 131,072-character limit
        raise RuleViolation(
            _("The CSV file cannot be read after line %(n)d: a field is too long or malformed.")
            % {"n": reader.line_num}
        ) from exc


def _cell(value) -> str:
    # DictReader puts surplus cells of a row into a list under the key None (skipped above).
    return value.strip() if isinstance(value, str) else ""


def _date(value: str, column: str, errors: list[str]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        errors.append(_("%(col)s must be a date like 2026-01-31") % {"col": column})
        return None


def _int(value: str, column: str, errors: list[str]) -> int | None:
    if not value:
        return None
    try:
        number = float(value)  # XLSX numbers arrive as "554.0"
        if not number.is_integer():
            raise ValueError(value)
        return int(number)
    except (ValueError, OverflowError):  # "abc", "1.5", "nan" / "inf"
        errors.append(_("%(col)s must be a whole number") % {"col": column})
        return None


def cameras_import(*, by: User, name: str, content: bytes, work_order: str) -> ImportReport:
    """Check every row; create all cameras in one transaction only if no row has an error."""
    name = name.replace("\x00", "")
    rows = _rows_from_file(name, content)
    report = ImportReport()
    if not rows:
        report.errors.append((0, _("The file has no rows.")))
        return report
    if len(rows) > MAX_ROWS:
        report.errors.append((0, _("At most %(n)d rows per file.") % {"n": MAX_ROWS}))
        return report
    missing = [c for c in REQUIRED if c not in rows[0]]
    if missing:
        report.errors.append((1, _("Missing columns: %(c)s") % {"c": ", ".join(missing)}))
        return report
    sites = {s.code: s for s in Site.objects.all()}
    recorders = {r.code: r for r in Recorder.objects.all()}
    existing = set(Camera.objects.values_list("code", flat=True))
    seen: set[str] = set()
    prepared = []
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        errors: list[str] = []
        for column in REQUIRED:
            if not row.get(column):
                errors.append(_("%(col)s is required") % {"col": column})
        code = row.get("code", "")
        if code in existing:
            errors.append(_("camera %(code)s exists already") % {"code": code})
        if code in seen:
            errors.append(_("camera %(code)s appears twice in the file") % {"code": code})
        seen.add(code)
        site = sites.get(row.get("site_code", ""))
        if row.get("site_code") and site is None:
            errors.append(_("unknown site %(s)s") % {"s": row["site_code"]})
        kind = row.get("area_kind", "")
        if kind and kind not in Location.AreaKind.values:
            errors.append(_("unknown area kind %(k)s") % {"k": kind})
        elif kind in FORBIDDEN_AREA_KINDS:
            errors.append(
                _("a camera may not be placed in a %(k)s (Decree 799, Art. 8)")
                % {"k": Location.AreaKind(kind).label}
            )
        recorder = recorders.get(row.get("recorder_code", ""))
        if row.get("recorder_code") and recorder is None:
            errors.append(_("unknown recorder %(r)s") % {"r": row["recorder_code"]})
        channel = _int(row.get("channel", ""), "channel", errors)
        port = _int(row.get("onvif_port", ""), "onvif_port", errors)
        commissioned = _date(row.get("commissioned_on", ""), "commissioned_on", errors)
        filed = _date(row.get("filed_on", ""), "filed_on", errors)
        uri = row.get("rtsp_main_uri", "") or row.get("rtsp_sub_uri", "")
        if not uri and not row.get("onvif_host"):
            errors.append(_("give rtsp_main_uri or onvif_host"))
        errors.extend(_row_input_errors(row, recorder, channel, port))
        if errors:
            report.errors.append((number, "; ".join(errors)))
            continue
        prepared.append((number, row, site, recorder, channel, port, commissioned, filed))
    if report.errors:
        return report
    try:
        with transaction.atomic():
            for number, row, site, recorder, channel, port, commissioned, filed in prepared:
                try:
                    # Every write through its service, each with its audit event (M-1.3).
                    location, _created = location_get_or_create(
                        by=by,
                        site=site,
                        building=row["building"],
                        floor=row.get("floor", ""),
                        area=row.get("area", ""),
                        area_kind=row["area_kind"],
                    )
                    camera_create(
                        by=by,
                        work_order=work_order,
                        code=row["code"],
                        name=row["name"],
                        location=location,
                        recorder=recorder,
                        channel=channel,
                        onvif_host=row.get("onvif_host", ""),
                        onvif_port=port,
                        rtsp_main_uri=row.get("rtsp_main_uri", ""),
                        rtsp_sub_uri=row.get("rtsp_sub_uri", ""),
                        credential_username=row.get("username", ""),
                        credential_password=row.get("password", ""),
                        commissioned_on=commissioned,
                        filed_on=filed,
                    )
                except (RuleViolation, ValidationError) as exc:
                    message = getattr(exc, "message", None) or "; ".join(exc.messages)
                    report.errors.append((number, message))
                    raise _RollBack from exc
                report.created += 1
            event_append(
                actor=by,
                action="cameras.import",
                target_type="file",
                target_label=name[:200],
                clause="M-1.3",
                data={"work_order": work_order, "created": report.created},
            )
    except _RollBack:
        report.created = 0  # nothing half-imported
    return report


def _row_input_errors(row: dict[str, str], recorder, channel, port) -> list[str]:
    """The camera services' own input checks, for every row before any is written, so the
    report names each bad row (no message repeats a value: a password may be in it)."""
    errors = []
    for column, value in row.items():
        if "\x00" in column or "\x00" in value:
            column = column.replace("\x00", "")
            errors.append(_("%(col)s contains a NUL character") % {"col": column})
            return errors
    try:
        text_check(
            Location,
            building=row.get("building", ""),
            floor=row.get("floor", ""),
            area=row.get("area", ""),
        )
        fields, _user, _password = camera_input_clean(
            fields={
                "code": row.get("code", ""),
                "name": row.get("name", ""),
                "channel": channel,
                "onvif_host": row.get("onvif_host", ""),
                "onvif_port": port,
                "rtsp_main_uri": row.get("rtsp_main_uri", ""),
                "rtsp_sub_uri": row.get("rtsp_sub_uri", ""),
            },
            username=row.get("username", ""),
            password=row.get("password", ""),
        )
        camera_channel_check(fields.get("channel"), recorder)
    except RuleViolation as exc:
        errors.append(exc.message)
    return errors


class _RollBack(Exception):
    pass
