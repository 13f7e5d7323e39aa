import math
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import services
from .forms import TokenForm


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change.html"
    success_url = "/"

    def form_valid(self, form):
        services.user_password_set(
            by=self.request.user, user=form.user, password=form.cleaned_data["new_password1"]
        )
        update_session_auth_hash(self.request, form.user)  # this session stays signed in
        messages.success(
            self.request, _("Your password was changed. Your API tokens were revoked.")
        )
        return HttpResponseRedirect(self.get_success_url())


def _next_url(request: HttpRequest) -> str:
    target = request.GET.get("next") or request.POST.get("next") or "/"
    ok = url_has_allowed_host_and_scheme(target, {request.get_host()})
    return target if ok else "/"


def _throttle_wait(devices) -> int:
    """Seconds until a code may be tried again (django-otp holds every device back 1, 2, 4 …
    seconds after successive wrong codes, and refuses even the right code meanwhile); 0 when
    some device may be tried now."""
    waits = []
    for device in devices:
        allowed, state = device.verify_is_allowed()
        if allowed:
            return 0
        until = (state or {}).get("locked_until")
        waits.append(math.ceil((until - timezone.now()).total_seconds()) if until else 1)
    return max(1, min(waits)) if waits else 0


def _wait_message(seconds: int) -> str:
    return ngettext(
        "Wait %(seconds)d second before entering a code again.",
        "Wait %(seconds)d seconds before entering a code again.",
        seconds,
    ) % {"seconds": seconds}


def _token_check(form: TokenForm, devices, verify) -> object | None:
    """Check the code unless the devices are held back; say how long to wait (M-1.1a)."""
    wait = _throttle_wait(devices)
    if wait:
        held_back = _("Too soon after a wrong code: it was not checked.")
        form.add_error("token", f"{held_back} {_wait_message(wait)}")
        return None
    device = verify()
    if device is None:
        message = _("The code is wrong or has expired.")
        wait = _throttle_wait([type(d).objects.get(pk=d.pk) for d in devices])
        form.add_error("token", f"{message} {_wait_message(wait)}" if wait else message)
    return device


@login_required
def otp_verify_view(request: HttpRequest) -> HttpResponse:
    """Second factor at login (M-1.1a); users without a device are sent to set one up."""
    if not TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect(f"/accounts/otp/setup/?next={_next_url(request)}")
    form = TokenForm(request.POST or None)
    if form.is_valid():
        devices = list(TOTPDevice.objects.filter(user=request.user, confirmed=True))
        device = _token_check(
            form, devices, lambda: match_token(request.user, form.cleaned_data["token"])
        )
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next_url(request)})


@login_required
def otp_setup_view(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator: the first one after the password, a replacement only after
    passing the current one (else the password alone would replace the second factor).

    GET only explains; a POST makes the key (no write on a plain GET, which a link or a
    prefetch can trigger), and a POST with the code confirms it."""
    has_device = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
    if has_device and not request.user.is_verified():
        return redirect(f"/accounts/otp/?next={_next_url(request)}")
    context = {"next": _next_url(request), "has_device": has_device}
    if request.method != "POST":
        return render(request, "accounts/otp_setup.html", context)
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    form = TokenForm()
    if "token" not in request.POST or device is None:
        device = services.otp_device_start(user=request.user)
    else:
        form = TokenForm(request.POST)
        if form.is_valid():
            token = form.cleaned_data["token"]
            if _token_check(form, [device], lambda: device if device.verify_token(token) else None):
                services.otp_device_confirm(user=request.user, device=device)
                otp_login(request, device)
                messages.success(request, _("Two-factor authentication is on."))
                return redirect(_next_url(request))
    svg = BytesIO()
    qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage).save(svg)
    secret = device.config_url.split("secret=")[1].split("&")[0]
    context.update({"form": form, "qr_svg": svg.getvalue().decode(), "secret": secret})
    return render(request, "accounts/otp_setup.html", context)
