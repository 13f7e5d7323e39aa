"""The admin app, with the security chief's site, readable in the user's language (issue 14 §1).

Beat's own admin shows crontab strings (``0 6 * * * (m/h/dM/MY/d) Asia/Shanghai``), English
descriptions and the stored names of periodic tasks; here they read as words in the page's
language. Apps name their schedules and tasks with ``schedule_labels_register``: core knows
no domain."""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.urls import reverse
from django.utils.dates import WEEKDAYS
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy, gettext_noop, pgettext
from django.utils.translation import gettext as _

# Strings of Django 5.2's admin and auth that its zh_Hans catalogue lacks (screen-reader
# headings of the app list, the user add page), and beat's fuzzy ones: listed here so that
# makemessages keeps them in ours, which LOCALE_PATHS puts first.
ADMIN_MSGIDS = (
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
    gettext_noop("Schedule"),
    gettext_noop("Arguments"),
    gettext_noop("Execution Options"),
)

# A periodic task's stored name or a task's dotted path → its label (lazy translation).
SCHEDULE_LABELS: dict[str, str] = {}


def schedule_labels_register(labels: dict[str, str]) -> None:
    SCHEDULE_LABELS.update(labels)


def schedule_label(name: str) -> str:
    """The label of a stored name or task path; a name the chief typed reads as typed."""
    label = SCHEDULE_LABELS.get(name)
    return str(label) if label is not None else name


def crontab_expression(crontab) -> str:
    return " ".join(
        (
            crontab.minute,
            crontab.hour,
            crontab.day_of_month,
            crontab.month_of_year,
            crontab.day_of_week,
        )
    )


def _number(field: str) -> int | None:
    return int(field) if field.isdigit() else None


def _weekdays(field: str) -> list[str] | None:
    """Beat's day_of_week (0 or 7 = Sunday) as translated names, or None when not a list."""
    days = []
    for part in field.split(","):
        if not part.isdigit() or int(part) > 7:
            return None
        days.append(str(WEEKDAYS[(int(part) - 1) % 7]))  # WEEKDAYS: 0 = Monday
    return days


def crontab_describe(crontab) -> str:
    """A crontab in words in the active language: "每天 06:00", "Every day at 06:00"."""
    minute, hour = _number(crontab.minute), _number(crontab.hour)
    dom, month, dow = crontab.day_of_month, crontab.month_of_year, crontab.day_of_week
    text = None
    if minute is not None and hour is not None and month == "*":
        time = f"{hour:02d}:{minute:02d}"
        if dom == "*" and dow == "*":
            text = _("Every day at %(time)s") % {"time": time}
        elif dom == "*" and (days := _weekdays(dow)):
            joined = pgettext("list of weekdays", ", ").join(days)
            text = _("Every %(days)s at %(time)s") % {"days": joined, "time": time}
        elif _number(dom) is not None and dow == "*":
            text = _("Every month on day %(day)s at %(time)s") % {"day": dom, "time": time}
    elif minute is not None and crontab.hour == "*" and dom == month == dow == "*":
        text = _("Every hour at minute %(minute)s") % {"minute": minute}
    if text is None:
        text = _cron_descriptor(crontab_expression(crontab))
    zone = str(crontab.timezone)
    return text if zone == settings.TIME_ZONE else f"{text} ({zone})"


def _cron_descriptor(expression: str) -> str:
    """Any other expression: cron-descriptor's sentence in Chinese or English."""
    from cron_descriptor import ExpressionDescriptor, Options

    options = Options()
    options.use_24hour_time_format = True
    options.locale_code = "zh_CN" if (get_language() or "").startswith("zh") else "en_US"
    try:
        return ExpressionDescriptor(expression, options).get_description()
    except Exception:  # cron-descriptor raises its own types for odd fields; show the field
        return expression


class CampusAdminConfig(AdminConfig):
    default_site = "apps.accounts.admin_site.SecurityChiefAdminSite"

    def ready(self) -> None:
        super().ready()  # autodiscover: beat registers its admin on our site
        from django_celery_beat.models import CrontabSchedule, PeriodicTask

        task_admin, crontab_admin = _beat_admins()
        for model, model_admin in ((PeriodicTask, task_admin), (CrontabSchedule, crontab_admin)):
            if admin.site.is_registered(model):
                admin.site.unregister(model)
            admin.site.register(model, model_admin)


def _beat_admins():
    from django_celery_beat import admin as beat_admin

    class TaskFilter(admin.SimpleListFilter):
        title = gettext_lazy("task")
        parameter_name = "task"

        def lookups(self, request, model_admin):
            tasks = model_admin.get_queryset(request).values_list("task", flat=True).distinct()
            return sorted(((t, schedule_label(t)) for t in tasks), key=lambda c: c[1])

        def queryset(self, request, queryset):
            return queryset.filter(task=self.value()) if self.value() else queryset

    class TaskSelectWidget(beat_admin.TaskSelectWidget):
        def tasks_as_choices(self):
            return tuple(
                (task, f"{schedule_label(task)} ({task})" if task else "")
                for task, _label in super().tasks_as_choices()
            )

    class PeriodicTaskForm(beat_admin.PeriodicTaskForm):
        regtask = beat_admin.TaskChoiceField(
            label=gettext_lazy("Task (registered)"), required=False, widget=TaskSelectWidget
        )

    class LabelledChangeForm:
        change_form_template = "admin/campus/change_form.html"

        def object_label(self, obj) -> str:
            return str(obj)

        def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
            extra_context = extra_context or {}
            obj = self.get_object(request, object_id) if object_id else None
            if obj is not None:
                extra_context["subtitle"] = extra_context["object_label"] = self.object_label(obj)
            return super().changeform_view(request, object_id, form_url, extra_context)

    class PeriodicTaskAdmin(LabelledChangeForm, beat_admin.PeriodicTaskAdmin):
        form = PeriodicTaskForm
        change_form_template = "admin/campus/periodictask_change_form.html"
        list_display = ("label", "enabled", "schedule_text", "task_label", "last_run_at")
        list_filter = ["enabled", "one_off", TaskFilter, "last_run_at"]
        readonly_fields = ("last_run_at", "crontab_translation")

        def object_label(self, obj) -> str:
            return schedule_label(obj.name)

        @admin.display(description=gettext_lazy("name"), ordering="name")
        def label(self, obj) -> str:
            return schedule_label(obj.name)

        @admin.display(description=gettext_lazy("task"), ordering="task")
        def task_label(self, obj) -> str:
            return schedule_label(obj.task)

        @admin.display(description=gettext_lazy("Schedule"))
        def schedule_text(self, obj) -> str:
            if obj.crontab_id:
                return crontab_describe(obj.crontab)
            return str(obj.interval or obj.solar or obj.clocked or "—")

        @admin.display(description=gettext_lazy("In words"))
        def crontab_translation(self, obj) -> str:
            return crontab_describe(obj.crontab) if obj.crontab_id else "—"

        def formfield_for_foreignkey(self, db_field, request, **kwargs):
            field = super().formfield_for_foreignkey(db_field, request, **kwargs)
            if db_field.name == "crontab" and field is not None:
                field.label_from_instance = lambda c: (
                    f"{crontab_describe(c)} · {crontab_expression(c)}"
                )
            return field

        def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
            from django_celery_beat.models import CrontabSchedule

            extra_context = extra_context or {}
            response = super().changeform_view(request, object_id, form_url, extra_context)
            # beat's view has just filled readable_crontabs with English; ours in the language
            if hasattr(response, "context_data"):
                response.context_data["readable_crontabs"] = {
                    c.pk: crontab_describe(c) for c in CrontabSchedule.objects.all()
                }
            return response

    class CrontabScheduleAdmin(LabelledChangeForm, beat_admin.CrontabScheduleAdmin):
        inlines = []  # beat's inline names each task by its stored string; a list of labels
        list_display = ("described", "expression")
        fields = ("described", "minute", "hour", "day_of_month", "month_of_year")
        fields += ("day_of_week", "timezone", "tasks")
        readonly_fields = ("described", "tasks")

        @admin.display(description=gettext_lazy("Tasks on this schedule"))
        def tasks(self, obj) -> str:
            rows = [
                (reverse("admin:django_celery_beat_periodictask_change", args=[t.pk]), label)
                for t in obj.periodictask_set.order_by("name")
                for label in [schedule_label(t.name)]
            ]
            return format_html_join(mark_safe("<br>"), '<a href="{}">{}</a>', rows) or "—"

        def object_label(self, obj) -> str:
            return crontab_describe(obj)

        @admin.display(description=gettext_lazy("In words"))
        def described(self, obj) -> str:
            return crontab_describe(obj)

        @admin.display(description=gettext_lazy("crontab expression"))
        def expression(self, obj) -> str:
            return crontab_expression(obj)

    return PeriodicTaskAdmin, CrontabScheduleAdmin
