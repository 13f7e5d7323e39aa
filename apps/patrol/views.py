from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from apps.cameras.labels import FINDING_LABELS, LAYER_LABELS
from apps.cameras.selectors import camera_get
from apps.core.exceptions import RuleViolation
from apps.core.media import image_response
from apps.core.registers import RegisterListView

from . import selectors, services
from .filters import FaultRecordFilterSet, PatrolRunFilterSet
from .forms import CheckReviewForm, PatrolStartForm, RunSignForm
from .models import PatrolCheck, PatrolRun


class PatrolRunRegisterView(RegisterListView):
    register_name = "patrol.runs"  # background exports (issue 15)
    selector = staticmethod(selectors.run_list)
    filterset_class = PatrolRunFilterSet
    title = gettext_lazy("Patrol runs")
    template_name = "patrol/run_list.html"
    allowed_roles = selectors.VIEW_ROLES
    csv_filename = "patrol-runs.csv"

    all_columns = (
        "id",
        "kind",
        "started_at",
        "trigger",
        "state",
        "active_cameras",
        "finished_at",
        "signed_by",
    )

    @property
    def columns(self) -> tuple[str, ...]:
        # A run's active-camera figure counts every company's cameras: not for a vendor
        # engineer, who sees their own cameras' figures on the run page (M-1.3).
        if self.request.user.is_vendor_engineer and not self.request.user.is_superuser:
            return tuple(c for c in self.all_columns if c != "active_cameras")
        return self.all_columns

    def get_queryset(self):
        # The page without a query shows what the filters show by default: daily runs.
        queryset = super().get_queryset()
        return queryset if self.request.GET else PatrolRunFilterSet({}, queryset=queryset).qs

    def extra_context(self) -> dict:
        return {
            "start_form": PatrolStartForm(),
            "may_start": selectors.patrol_may_start(user=self.request.user),
        }


@login_required
@require_POST
def patrol_start_view(request: HttpRequest) -> HttpResponse:
    form = PatrolStartForm(request.POST)
    camera = None
    if request.POST.get("camera"):
        camera_id = request.POST["camera"]
        # Not a camera id (letters, or too long for a 64-bit key): no such camera.
        if not (camera_id.isascii() and camera_id.isdigit()) or len(camera_id) > 18:
            raise Http404
        camera = camera_get(user=request.user, pk=int(camera_id))
    if not selectors.patrol_may_start(user=request.user, camera=camera):
        raise PermissionDenied  # M-2.1: a refusal, not a message after the fact
    if not form.is_valid():
        messages.error(request, _("Choose a valid site."))
        return redirect("patrol_runs")
    try:
        run = services.patrol_run_start(
            by=request.user,
            trigger=PatrolRun.Trigger.MANUAL,
            site=form.cleaned_data["site"],
            camera=camera,
        )
    except RuleViolation as exc:
        messages.error(request, exc.message)
        return redirect(camera or "patrol_runs")
    messages.success(request, _("Patrol started."))
    return redirect(run)


FLAGGED_PER_PAGE = 25
NOT_CHECKED_SHOWN = 25  # as many as a page of flagged results


class FlaggedFilterForm(forms.Form):
    """The run page's filters over its flagged results (issue 15 §1)."""

    verdict = forms.ChoiceField(
        label=gettext_lazy("verdict"),
        required=False,
        choices=[("", gettext_lazy("any verdict")), *PatrolCheck.Verdict.choices],
    )
    review = forms.ChoiceField(
        label=gettext_lazy("review"),
        required=False,
        choices=[
            ("", gettext_lazy("any review state")),
            ("awaiting", gettext_lazy("awaiting review")),
            (PatrolCheck.Review.CONFIRMED_FAULT, PatrolCheck.Review.CONFIRMED_FAULT.label),
            (PatrolCheck.Review.FALSE_ALARM, PatrolCheck.Review.FALSE_ALARM.label),
        ],
    )


def _flagged_filters(request: HttpRequest) -> FlaggedFilterForm:
    form = FlaggedFilterForm(request.GET)
    if not form.is_valid():
        raise BadRequest(_("Unknown verdict or review state."))
    return form


def _run_query(form: FlaggedFilterForm, page: str | None = None) -> str:
    """The page's filters (and page) as a query string: pagination links and the review
    forms carry it, so a review brings the operator back to the page they were on."""
    query = QueryDict(mutable=True)
    for name, value in form.cleaned_data.items():
        if value:
            query[name] = value
    if page:
        query["page"] = page
    return query.urlencode()


def _run_context(request: HttpRequest, run: PatrolRun) -> dict:
    """Page and htmx fragment alike show only the checks of cameras in the user's scope; the
    flagged results come a page at a time with their filters (M-1.4, issue 15 §1)."""
    user = request.user
    filters = _flagged_filters(request)
    page = Paginator(
        selectors.checks_flagged_for_page(run=run, user=user, **filters.cleaned_data),
        FLAGGED_PER_PAGE,
    ).get_page(request.GET.get("page"))
    flagged = list(page.object_list)
    for check in flagged:
        check.run = run  # the page's run: check_actions reads its state without a query
        check.actions = selectors.check_actions(user=user, check=check)
    progress = selectors.run_progress(run=run, user=user)
    return {
        "run": run,
        "progress": progress,
        "flagged": flagged,
        "page": page,
        "filters": filters,
        "query": _run_query(filters),
        "page_query": _run_query(filters, str(page.number)),
        "not_checked": list(
            selectors.checks_not_checked(run=run, user=user).order_by("camera__code", "pk")[
                :NOT_CHECKED_SHOWN
            ]
        ),
        "run_actions": selectors.run_actions(user=user, run=run),
        "reviewed_by_me": user.pk in selectors.run_reviewers(run=run),
        "review_form": CheckReviewForm(),
        "sign_form": RunSignForm(),
        "finding_labels": FINDING_LABELS,
        "layer_labels": LAYER_LABELS,
    }


@login_required
def patrol_run_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.run_get(user=request.user, pk=pk)
    return render(request, "patrol/run_detail.html", _run_context(request, run))


@login_required
def patrol_run_progress_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Polled by htmx every 2 s while the run goes: only the progress numbers (a few KB, not
    the flagged list). Once the run has finished, the whole live part with the first page of
    flagged results replaces the page's, and the polling stops (issue 15 §1)."""
    run = selectors.run_get(user=request.user, pk=pk)
    if run.state == PatrolRun.State.RUNNING:
        filters = _flagged_filters(request)
        page = request.GET.get("page", "")
        context = {
            "run": run,
            "progress": selectors.run_progress(run=run, user=request.user),
            # The next poll, and the reload when the run finishes, keep the page's filters.
            "page_query": _run_query(filters, page if page.isascii() and page.isdigit() else None),
        }
        return render(request, "patrol/_run_progress.html", context)
    response = render(request, "patrol/_run_live.html", _run_context(request, run))
    response["HX-Retarget"] = "#run-live"
    response["HX-Reswap"] = "innerHTML"
    return response


@login_required
def patrol_check_image_view(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """A patrol check's snapshot or thumbnail, if its camera is in the user's scope (else 404)."""
    return image_response(request, selectors.check_image_get(user=request.user, pk=pk, kind=kind))


@login_required
@require_POST
def patrol_check_review_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_any_role(*selectors.REVIEW_ROLES):
        raise PermissionDenied  # M-1.4: the duty operators and security staff review
    check = selectors.check_get(user=request.user, pk=pk)
    form = CheckReviewForm(request.POST)
    if form.is_valid():
        try:
            services.patrol_check_review(check=check, by=request.user, **form.cleaned_data)
        except RuleViolation as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, _("Review recorded for %(camera)s.") % {"camera": check.camera.code}
            )
    else:
        messages.error(request, _("Choose confirmed fault or false alarm."))
    # Back to the page and filters the operator reviewed from (the form's query string).
    back = check.run.get_absolute_url()
    filters = FlaggedFilterForm(request.GET)
    if filters.is_valid():
        page = request.GET.get("page", "")
        query = _run_query(filters, page if page.isascii() and page.isdigit() else None)
        back = f"{back}?{query}" if query else back
    return redirect(back)


@login_required
@require_POST
def patrol_run_sign_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not request.user.has_any_role(*selectors.SIGN_ROLES):
        raise PermissionDenied  # M-2.2: security-office staff countersign
    run = selectors.run_get(user=request.user, pk=pk)
    form = RunSignForm(request.POST)
    if form.is_valid():
        try:
            services.patrol_run_sign(run=run, by=request.user, **form.cleaned_data)
        except RuleViolation as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Patrol run countersigned."))
    return redirect(run)


@login_required
def camera_history_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Verdict history, 30-day availability and down episodes for the camera page."""
    if not request.user.has_any_role(*selectors.VIEW_ROLES):
        raise PermissionDenied
    camera = camera_get(user=request.user, pk=pk)
    return render(
        request,
        "patrol/_camera_history.html",
        {"camera": camera, **selectors.camera_history(camera=camera)},
    )


class FaultRecordRegisterView(RegisterListView):
    """The fault log (M-2.3): when it happened, where, the symptom, who reported it, when
    it was cleared; the cameras in the user's scope only (M-1.3)."""

    register_name = "patrol.faults"  # background exports (issue 15)
    selector = staticmethod(selectors.fault_record_list)
    filterset_class = FaultRecordFilterSet
    title = gettext_lazy("Fault records")
    allowed_roles = selectors.VIEW_ROLES
    csv_filename = "fault-records.csv"
    columns = (
        "camera",
        "occurred_at",
        "symptom",
        "confirmed_by",
        "confirmed_at",
        "cleared_at",
    )
