"""Pages of the weekly function test (M-2.1)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.exceptions import RuleViolation

from . import weekly_test
from .forms import FunctionTestSignForm


@login_required
def function_test_list_view(request: HttpRequest) -> HttpResponse:
    if not weekly_test.may_view(request.user):
        raise PermissionDenied
    return render(
        request,
        "maintenance/function_test_list.html",
        {"weeks": weekly_test.weeks(), "may_write": weekly_test.may_write(request.user)},
    )


@login_required
@require_POST
def function_test_start_view(request: HttpRequest) -> HttpResponse:
    if not weekly_test.may_write(request.user):
        raise PermissionDenied
    try:
        test = weekly_test.function_test_start(by=request.user)
    except RuleViolation as exc:
        messages.error(request, exc.message)
        return redirect("maintenance_function_tests")
    return redirect(test)


@login_required
def function_test_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not weekly_test.may_view(request.user):
        raise PermissionDenied
    test = weekly_test.function_test_get(user=request.user, pk=pk)
    return render(
        request,
        "maintenance/function_test_detail.html",
        {
            "test": test,
            "form": FunctionTestSignForm(),
            "may_sign": weekly_test.may_write(request.user) and test.signed_at is None,
        },
    )


@login_required
@require_POST
def function_test_sign_view(request: HttpRequest, pk: int) -> HttpResponse:
    if not weekly_test.may_write(request.user):
        raise PermissionDenied  # before any lookup
    test = weekly_test.function_test_get(user=request.user, pk=pk)
    form = FunctionTestSignForm(request.POST)
    if form.is_valid():
        try:
            weekly_test.function_test_sign(by=request.user, test=test, **form.cleaned_data)
        except RuleViolation as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Weekly function test signed."))
            return redirect(test)
    return render(
        request,
        "maintenance/function_test_detail.html",
        {"test": test, "form": form, "may_sign": True},
        status=400,
    )
