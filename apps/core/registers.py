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
"""

import csv
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import django_filters
from django import forms
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
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


class RegisterListView:
    selector: Callable[..., QuerySet]
    filterset_class = None
    columns: tuple[str, ...] = ()
    title = ""
    template_name = "core/register.html"
    row_template = "core/register_rows.html"
    paginate_by = 50
    csv_filename = "register.csv"
    allowed_roles: tuple[str, ...] | None = None  # None: every signed-in user

    @classmethod
    def as_view(cls):
        def view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            self = cls()
            self.request = request
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if cls.allowed_roles is not None and not request.user.has_any_role(*cls.allowed_roles):
                raise PermissionDenied
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

    def get(self, request: HttpRequest) -> HttpResponse:
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
        if request.GET.get("format") == "csv":
            return self.csv_response(queryset)
        page = CappedPaginator(queryset, self.paginate_by).get_page(request.GET.get("page"))
        query = register_query(request.GET, filterset).urlencode()
        export_query = f"{query}&format=csv" if query else "format=csv"
        context = {
            "title": self.title,
            "filterset": filterset,
            "page": page,
            "rows": self.rows(page.object_list),
            "headers": self.column_headers(),
            "query": query,
            "register_path": request.path,
            "export_url": f"{request.path}?{export_query}",
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

    def csv_response(self, queryset: QuerySet) -> StreamingHttpResponse:
        writer = csv.writer(_Echo())

        def lines():
            yield "\ufeff"  # BOM: Excel opens the Chinese text as UTF-8
            yield writer.writerow([spreadsheet_safe(str(h)) for h in self.csv_headers()])
            for obj in queryset.iterator(chunk_size=1000):
                yield writer.writerow([spreadsheet_safe(cell) for cell in self.csv_row(obj)])

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.csv_filename}"'
        return response
