from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.exceptions import RuleViolation
from apps.core.media import image_response
from apps.core.providers import provided
from apps.core.registers import RegisterListView

from . import selectors, services
from .filters import CameraFilterSet
from .forms import (
    CameraForm,
    CameraImportForm,
    CameraOnboardForm,
    CredentialsForm,
    LocationForm,
    RecorderForm,
    SiteForm,
)
from .imports import COLUMNS, cameras_import
from .models import Site
from .onboarding import camera_onboard


class CameraRegisterView(RegisterListView):
    """The campus overview: counts per health and every camera with its thumbnail."""

    register_name = "cameras.cameras"  # background exports (issue 15)
    selector = staticmethod(selectors.camera_list)
    filterset_class = CameraFilterSet
    columns = ("code", "name", "location", "health", "status", "last_checked_at", "down_since")
    title = gettext_lazy("Cameras")
    template_name = "cameras/camera_list.html"
    row_template = "cameras/_camera_rows.html"
    allowed_roles = selectors.VIEW_ROLES
    csv_filename = "cameras.csv"
    paginate_by = 48

    def extra_context(self) -> dict:
        return {
            "counts": selectors.camera_status_counts(user=self.request.user),
            "may_register": selectors.camera_may_register(user=self.request.user),
        }


@login_required
def camera_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    camera = selectors.camera_get(user=request.user, pk=pk)
    return render(
        request,
        "cameras/camera_detail.html",
        {
            "camera": camera,
            "actions": selectors.camera_actions(user=request.user, camera=camera),
            # What higher apps know about the camera (a preservation hold, M-1.5).
            "notices": provided("camera_notices", user=request.user, camera=camera),
        },
    )


@login_required
def camera_image_view(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """Reference, last snapshot or thumbnail of a camera in the user's scope (404 otherwise)."""
    return image_response(request, selectors.camera_image_get(user=request.user, pk=pk, kind=kind))


@login_required
def camera_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    camera = selectors.camera_get(user=request.user, pk=pk)
    if "change" not in selectors.camera_actions(user=request.user, camera=camera):
        raise PermissionDenied  # M-1.3: only vendor engineers change settings
    form = CameraForm(request.POST or None, instance=camera, user=request.user)
    if form.is_valid():
        changes = {
            name: form.cleaned_data[name] for name in form.changed_data if name != "work_order"
        }
        camera.refresh_from_db()  # the form changed the instance; the service compares
        try:
            services.camera_update(
                camera=camera,
                by=request.user,
                work_order=form.cleaned_data["work_order"],
                **changes,
            )
        except RuleViolation as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Camera settings changed; the change is recorded."))
            return redirect(camera)
    return render(request, "cameras/camera_form.html", {"form": form, "camera": camera})


@login_required
def camera_credentials_view(request: HttpRequest, pk: int) -> HttpResponse:
    camera = selectors.camera_get(user=request.user, pk=pk)
    if "credentials" not in selectors.camera_actions(user=request.user, camera=camera):
        raise PermissionDenied
    form = CredentialsForm(request.POST or None)
    if form.is_valid():
        try:
            services.camera_credentials_replace(camera=camera, by=request.user, **form.cleaned_data)
        except RuleViolation as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Credentials replaced."))
            return redirect(camera)
    return render(
        request,
        "cameras/camera_form.html",
        {"form": form, "camera": camera, "title": _("Replace credentials")},
    )


@login_required
def camera_onboard_view(request: HttpRequest) -> HttpResponse:
    if not selectors.camera_may_register(user=request.user):
        raise PermissionDenied
    form = CameraOnboardForm(request.POST or None, user=request.user)
    if form.is_valid():
        try:
            camera = camera_onboard(by=request.user, **form.cleaned_data)
        except RuleViolation as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Camera %(code)s registered.") % {"code": camera.code})
            return redirect(camera)
    return render(
        request, "cameras/camera_form.html", {"form": form, "title": _("Register a camera")}
    )


@login_required
def camera_import_view(request: HttpRequest) -> HttpResponse:
    if not selectors.camera_may_register(user=request.user):
        raise PermissionDenied
    form = CameraImportForm(request.POST or None, request.FILES or None)
    report = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = cameras_import(
                by=request.user,
                name=upload.name,
                content=upload.read(),
                work_order=form.cleaned_data["work_order"],
            )
        except RuleViolation as exc:
            form.add_error("file", exc.message)
        else:
            if report.ok:
                messages.success(request, _("%(n)d cameras imported.") % {"n": report.created})
                return redirect("camera_list")
    return render(
        request,
        "cameras/camera_import.html",
        {"form": form, "report": report, "columns": COLUMNS},
        status=400 if request.method == "POST" else 200,  # a file that imported redirected
    )


PLACE_FORMS = {
    "site": (SiteForm, services.site_create),
    "location": (LocationForm, services.location_create),
    "recorder": (RecorderForm, services.recorder_create),
}


PLACES_PER_PAGE = 50


class PlacesFilterForm(forms.Form):
    """The places page's filters: one site, words to look for (issue 15 §3)."""

    site = forms.ModelChoiceField(
        label=gettext_lazy("site"),
        queryset=Site.objects.none(),
        required=False,
        empty_label=gettext_lazy("All sites"),
    )
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=100)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = selectors.site_list(user=user)


def _places_query(filters: PlacesFilterForm, **pages: str) -> str:
    """The filters and the other list's page: each list's pager keeps both."""
    query = QueryDict(mutable=True)
    if filters.cleaned_data.get("site"):
        query["site"] = str(filters.cleaned_data["site"].pk)
    if filters.cleaned_data.get("q"):
        query["q"] = filters.cleaned_data["q"]
    query.update({name: value for name, value in pages.items() if value})
    return query.urlencode()


@login_required
def places_view(request: HttpRequest) -> HttpResponse:
    """Sites, locations and recorders; vendor engineers add them (M-1.3). Locations and
    recorders come a page at a time, narrowed by site and search (issue 15 §3)."""
    if not request.user.has_any_role(*selectors.VIEW_ROLES):
        raise PermissionDenied
    filters = PlacesFilterForm(request.GET, user=request.user)
    if not filters.is_valid():
        raise BadRequest(_("Unknown site or search too long."))
    may_add = selectors.camera_may_register(user=request.user)
    kind = request.POST.get("kind") if request.method == "POST" else None
    forms_by_kind = {
        name: form_class(request.POST if name == kind else None, prefix=name)
        for name, (form_class, _service) in PLACE_FORMS.items()
    }
    if kind in PLACE_FORMS:
        if not may_add:
            raise PermissionDenied
        form = forms_by_kind[kind]
        if form.is_valid():
            try:
                PLACE_FORMS[kind][1](by=request.user, **form.cleaned_data)
            except (RuleViolation, ValidationError) as exc:
                form.add_error(None, getattr(exc, "message", None) or "; ".join(exc.messages))
            except IntegrityError:
                form.add_error(None, _("This one exists already."))
            else:
                messages.success(request, _("Saved; the change is recorded."))
                return redirect("camera_places")
    narrow = {"site": filters.cleaned_data["site"], "search": filters.cleaned_data["q"]}
    locations = Paginator(
        selectors.location_list(user=request.user, **narrow).order_by(
            "site__code", "building", "floor", "area", "pk"
        ),
        PLACES_PER_PAGE,
    ).get_page(request.GET.get("lpage"))
    recorders = Paginator(
        selectors.recorder_list(user=request.user, **narrow).order_by("code", "pk"),
        PLACES_PER_PAGE,
    ).get_page(request.GET.get("rpage"))
    return render(
        request,
        "cameras/places.html",
        {
            "sites": selectors.site_list(user=request.user),
            "locations": locations,
            "recorders": recorders,
            "filters": filters,
            "location_query": _places_query(filters, rpage=request.GET.get("rpage", "")),
            "recorder_query": _places_query(filters, lpage=request.GET.get("lpage", "")),
            "forms": forms_by_kind,
            "may_add": may_add,
        },
    )
