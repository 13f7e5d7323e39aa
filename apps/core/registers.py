"""One register view for every register: filters, pages, htmx partial reload, CSV export.

A register subclasses RegisterListView with a selector (user → queryset), a FilterSet (the API
uses the same one) and the columns to show.

The current search is one canonical query string (``query``): each filter once, as the form
reads it, without page, format or htmx parameters. Pagination links, the CSV export link and
the address htmx pushes into the history are all built from it, so the export always carries
the filters on screen and repeated searches do not pile parameters up.

Pages at campus scale (issue 15): registers and API lists page with ``CappedPaginator``, which
counts at most ``PAGE_ROWS_CAP`` rows and lets no page start past them, so neither the count nor
the OFFSET grows with a table of millions; the page says "more than N" when the cap was hit.

Large exports (issue 15): a register with a ``register_name`` is listed in ``REGISTERS``, so a
worker can rebuild its rows with no request: ``register_for(name, user=, query=)`` gives the
register as that user sees it with that saved search, and ``filtered_rows()`` and
``csv_lines()`` are the very code the page's own CSV download runs. A CSV of more than
``EXPORT_SYNC_MAX_ROWS`` rows is not streamed by the web thread: GET offers a background export,
POST starts it through the hook a higher app (apps.exports) sets with ``export_starter_set``.
"""

import csv
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from importlib import import_module

import django_filters
from django import forms
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    QueryDict,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.functional import cached_property


def local_day_start(day: date) -> datetime:
    """Midnight of a local date as an aware time: ``occurred_at >= start AND < next start``
    is what ``__date`` means, without the time-zone cast that no index can serve."""
    return timezone.make_aware(datetime.combine(day, time.min))


class LocalDateFilter(django_filters.DateFilter):
    """A from/to date (inclusive, local) as a range over a timestamp column the index serves:
    ``upto=False`` keeps rows from the day's local midnight, ``upto=True`` rows before the
    next day's."""

    def __init__(self, *args, upto: bool = False, **kwargs):
        self.upto = upto
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in (None, ""):
            return qs
        if self.upto:
            bound = {f"{self.field_name}__lt": local_day_start(value + timedelta(days=1))}
        else:
            bound = {f"{self.field_name}__gte": local_day_start(value)}
        return self.get_method(qs)(**bound)


class _Echo:
    def write(self, value):
        return value


# OWASP "CSV injection": a spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """A text cell a spreadsheet would read as a formula gets a leading single quote, shown
    as text and not run (a failed login's user name, a camera name). Every CSV/XLSX export
    writes its cells through this. Numbers stay numbers; anything else (a related record, a
    translated label) is judged by the text the file will hold."""
    if value is None or isinstance(value, (int, float, Decimal)):
        return value
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def register_cell(obj, column: str):
    """A column's value as the table and the CSV show it: choices by their label, times in
    local time."""
    value = obj
    for part in column.split("__"):
        display = getattr(value, f"get_{part}_display", None)
        value = display() if callable(display) else getattr(value, part, "")
        if value is None:
            return ""
    if hasattr(value, "isoformat"):
        value = timezone.localtime(value) if getattr(value, "tzinfo", None) else value
        return value.strftime("%Y-%m-%d %H:%M:%S") if hasattr(value, "hour") else str(value)
    return value


def register_query(data: QueryDict, filterset) -> QueryDict:
    """The search as the filter form reads it: one value per filter (the last, as
    ``QueryDict.get`` gives it; every distinct value for a multiple choice), empty fields
    dropped, and nothing that is not a filter (page, format, htmx's cache-buster)."""
    query = QueryDict(mutable=True)
    if filterset is None:
        return query
    for name, field in filterset.form.fields.items():
        widget = field.widget
        keys = (
            [name + suffix for suffix in widget.widgets_names]
            if isinstance(widget, forms.MultiWidget)
            else [name]
        )
        for key in keys:
            values = [value for value in data.getlist(key) if value != ""]
            if not values:
                continue
            if getattr(widget, "allow_multiple_selected", False):
                query.setlist(key, list(dict.fromkeys(values)))
            else:
                query[key] = values[-1]
    return query


# Rows a list counts and pages through; past them the user narrows the search (a date, a run)
# or exports. 10,000: one daily run of the largest campus fits.
PAGE_ROWS_CAP = 10_000


class CappedPaginator(Paginator):
    """A Paginator whose count stops at ``PAGE_ROWS_CAP`` + 1 rows (``SELECT COUNT(*) FROM
    (… LIMIT cap+1)``, unordered) and whose last page ends at the cap, so a request reads at
    most cap + one page of rows whatever the table holds. ``capped`` says the count is "more
    than ``cap``"; the pages then cover the first ``cap`` rows in the list's order."""

    cap = PAGE_ROWS_CAP

    @cached_property
    def count(self) -> int:
        rows = self.object_list
        if isinstance(rows, QuerySet):
            # Only the ids, unordered: the count needs no join and no sort.
            rows = rows if rows.query.distinct else rows.order_by().values("pk")
            return rows[: self.cap + 1].count()
        return min(len(rows), self.cap + 1)

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @cached_property
    def num_pages(self) -> int:
        if self.capped:
            return max(1, self.cap // self.per_page)
        return super().num_pages

    def page(self, number):
        """Past the first page, the page's ids first (the ordering's index alone), then its
        rows by id with their joins: PostgreSQL would otherwise join every skipped row of an
        OFFSET of thousands to its camera, place and people (issue 15, a "deferred join")."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = self.object_list
        if bottom == 0 or not isinstance(rows, QuerySet) or rows.query.distinct:
            return super().page(number)
        ids = list(rows.values_list("pk", flat=True)[bottom : bottom + self.per_page])
        by_id = {obj.pk: obj for obj in rows.filter(pk__in=ids).order_by()}
        return self._get_page([by_id[pk] for pk in ids if pk in by_id], number, self)


# register_name → RegisterListView subclass, filled as the views modules are imported.
REGISTERS: dict[str, type["RegisterListView"]] = {}
# (request, register_name, query) → the response to a started background export (its job
# page); set by the exports app in its ready() (core imports no higher app).
_EXPORT_STARTER: list[Callable[..., str]] = []


def export_starter_set(starter: Callable[..., str]) -> None:
    _EXPORT_STARTER[:] = [starter]


def register_get(name: str) -> type["RegisterListView"]:
    """The register class called ``name``; every URLconf is loaded first, so a worker that
    never served a page knows every register. KeyError for an unknown name."""
    if name not in REGISTERS:
        import_module(settings.ROOT_URLCONF)
    return REGISTERS[name]


def registers_all() -> dict[str, type["RegisterListView"]]:
    import_module(settings.ROOT_URLCONF)
    return dict(REGISTERS)


class RegisterRequest:
    """What a register reads of a request, for one built without one (a background export):
    the user, the saved search and the register's path."""

    method = "GET"

    def __init__(self, *, user, query: str, path: str = "") -> None:
        self.user = user
        self.GET = QueryDict(query)
        self.path = path
        self.headers: dict[str, str] = {}


def register_for(name: str, *, user, query: str, path: str = "") -> "RegisterListView":
    """The register ``name`` as ``user`` sees it with the search ``query`` (as the page's own
    CSV link carries it), ready for ``filtered_rows()`` and ``csv_lines()``."""
    view = register_get(name)()
    view.request = RegisterRequest(user=user, query=query, path=path)
    return view


def export_sync_max_rows() -> int:
    return getattr(settings, "EXPORT_SYNC_MAX_ROWS", 100)


class RegisterListView:
    selector: Callable[..., QuerySet]
    # "app.register" (e.g. "cameras.cameras"): the name a background export rebuilds it by.
    register_name = ""
    filterset_class = None
    columns: tuple[str, ...] = ()
    title = ""
    template_name = "core/register.html"
    row_template = "core/register_rows.html"
    paginate_by = 50
    csv_filename = "register.csv"
    allowed_roles: tuple[str, ...] | None = None  # None: every signed-in user

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("register_name"):
            REGISTERS[cls.register_name] = cls

    @classmethod
    def may_view(cls, user) -> bool:
        return cls.allowed_roles is None or user.has_any_role(*cls.allowed_roles)

    @classmethod
    def as_view(cls):
        def view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            self = cls()
            self.request = request
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not cls.may_view(request.user):
                raise PermissionDenied
            if request.method == "POST":
                return self.post(request, *args, **kwargs)
            if request.method not in ("GET", "HEAD"):
                return HttpResponseNotAllowed(["GET", "POST"])
            return self.get(request, *args, **kwargs)

        return view

    def column_headers(self) -> list[str]:
        model = self.get_queryset().model
        headers = []
        for column in self.columns:
            field = model._meta.get_field(column.split("__")[0])
            headers.append(getattr(field, "verbose_name", column))
        return headers

    def get_queryset(self) -> QuerySet:
        return type(self).selector(user=self.request.user)

    def extra_context(self) -> dict:
        """What a register's page shows besides the table (forms, counts)."""
        return {}

    def rows(self, objects: Iterable) -> list[tuple]:
        return [(obj, [register_cell(obj, c) for c in self.columns]) for obj in objects]

    def csv_headers(self) -> list:
        """The export's header row; a register whose file says more than its table (codes
        beside labels) overrides this and csv_row together."""
        return self.column_headers()

    def csv_row(self, obj) -> list:
        return [register_cell(obj, c) for c in self.columns]

    def filtered(self) -> tuple[QuerySet, object]:
        """The rows the search of ``self.request`` selects, and its bound filterset (or
        None): a search the form refuses selects nothing."""
        request = self.request
        queryset = self.get_queryset()
        filterset = None
        if self.filterset_class is not None:
            filterset = self.filterset_class(
                request.GET or None, queryset=queryset, request=request
            )
            queryset = (
                filterset.qs
                if filterset.is_bound and filterset.is_valid()
                else (queryset if not filterset.is_bound else queryset.none())
            )
        return queryset, filterset

    def filtered_rows(self) -> QuerySet:
        return self.filtered()[0]

    def export_is_large(self, queryset: QuerySet) -> bool:
        """More rows than a web thread should stream (EXPORT_SYNC_MAX_ROWS), counted with the
        capped count; only a named register can export in the background."""
        if not self.register_name or not _EXPORT_STARTER:
            return False
        return CappedPaginator(queryset, 1).count > export_sync_max_rows()

    def post(self, request: HttpRequest) -> HttpResponse:
        """Start a background export of the search in the address (issue 15): POST, as a
        write; the exports app records, audits and runs it, and shows its progress."""
        if request.GET.get("format") != "csv" or not self.register_name or not _EXPORT_STARTER:
            return HttpResponseNotAllowed(["GET"])
        _, filterset = self.filtered()
        query = register_query(request.GET, filterset).urlencode()
        return _EXPORT_STARTER[0](request, self.register_name, query)

    def get(self, request: HttpRequest) -> HttpResponse:
        queryset, filterset = self.filtered()
        query = register_query(request.GET, filterset).urlencode()
        export_query = f"{query}&format=csv" if query else "format=csv"
        if request.GET.get("format") == "csv":
            if self.export_is_large(queryset):
                # Too many rows for the web thread: offer the background export (a POST).
                return render(
                    request,
                    "core/register_export_large.html",
                    {
                        "title": self.title,
                        "export_url": f"{request.path}?{export_query}",
                        "register_path": request.path,
                        "query": query,
                        "sync_max": export_sync_max_rows(),
                    },
                )
            return self.csv_response(queryset)
        page = CappedPaginator(queryset, self.paginate_by).get_page(request.GET.get("page"))
        context = {
            "title": self.title,
            "filterset": filterset,
            "page": page,
            "rows": self.rows(page.object_list),
            "headers": self.column_headers(),
            "query": query,
            "register_path": request.path,
            "export_url": f"{request.path}?{export_query}",
            # The page counted its rows already: a large set's button starts a background job.
            "export_background": bool(
                self.register_name
                and _EXPORT_STARTER
                and page.paginator.count > export_sync_max_rows()
            ),
            "row_template": self.row_template,
            **self.extra_context(),
        }
        # A history restore (back button after the cache dropped the page) needs the page.
        partial = request.headers.get("HX-Request") and not request.headers.get(
            "HX-History-Restore-Request"
        )
        if not partial:
            response = render(request, self.template_name, context)
        else:
            response = render(request, self.row_template, context)
            # The export link sits outside the swapped rows: send it along out of band.
            response.content += render_to_string(
                "core/register_export.html", {**context, "oob": True}, request=request
            ).encode()
            # The address to push is the canonical search, not htmx's request URL.
            response["HX-Push-Url"] = f"{request.path}?{query}" if query else request.path
        # The rows and the page share a URL: a cache must not answer one with the other.
        patch_vary_headers(response, ["HX-Request"])
        return response

    def csv_lines(self, queryset: QuerySet) -> Iterable[str]:
        """The CSV file line by line: a BOM, the header, then one line per row (cells made
        spreadsheet-safe). The page's download and the background export both write this."""
        writer = csv.writer(_Echo())
        yield "\ufeff"  # BOM: Excel opens the Chinese text as UTF-8
        yield writer.writerow([spreadsheet_safe(str(h)) for h in self.csv_headers()])
        for obj in queryset.iterator(chunk_size=1000):
            yield writer.writerow([spreadsheet_safe(cell) for cell in self.csv_row(obj)])

    def csv_response(self, queryset: QuerySet) -> StreamingHttpResponse:
        response = StreamingHttpResponse(
            self.csv_lines(queryset), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{self.csv_filename}"'
        return response
