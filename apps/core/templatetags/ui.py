"""Small template helpers shared by every app's pages."""

from django import template
from django.forms.widgets import ChoiceWidget
from django.template.base import render_value_in_context
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def bootstrap(field):
    """Render a form field with Bootstrap's class for its widget type."""
    widget = field.field.widget
    input_type = getattr(widget, "input_type", "")
    if isinstance(widget, ChoiceWidget) and input_type in ("checkbox", "radio"):
        return _check_list(field)
    if input_type in ("checkbox", "radio"):
        css = "form-check-input"
    elif widget.__class__.__name__.endswith("Select") or input_type == "select":
        css = "form-select form-select-sm"
    else:
        css = "form-control form-control-sm"
    attrs = {"class": css}
    if "date" in field.html_name and input_type in ("text", "date"):
        attrs["type"] = "date"
    return field.as_widget(attrs=attrs)


@register.filter
def lookup(mapping, key):
    return mapping.get(key, key) if mapping else key


def _check_list(field):
    """A radio or checkbox list as Bootstrap's form-check items. Given the input class, Django
    puts it on the list's wrapper too: a 1 em box its options overflowed, so the next field
    lay over them and took their clicks."""
    items = []
    for option in field.subwidgets:
        option.data["attrs"] = {**option.data["attrs"], "class": "form-check-input"}
        items.append(
            format_html(
                '<div class="form-check form-check-inline">{}'
                '<label class="form-check-label" for="{}">{}</label></div>',
                option.tag(),
                option.id_for_label,
                option.choice_label,
            )
        )
    return format_html('<div id="{}">{}</div>', field.auto_id, mark_safe("".join(items)))


@register.simple_tag(takes_context=True)
def register_cells(context, obj, cells) -> str:
    """A register row's cells, the first linked to the object's page: what
    ``{% for cell in cells %}<td>{{ cell }}</td>{% endfor %}`` renders (local time, localised,
    escaped), built in one call — the template loop's nodes were a third of a 50-row page's
    CPU (issue 15)."""
    url_of = getattr(obj, "get_absolute_url", None)
    parts = []
    for index, cell in enumerate(cells):
        text = conditional_escape(render_value_in_context(cell, context))
        if index == 0 and url_of is not None and (url := url_of()):
            text = format_html('<a href="{}">{}</a>', url, text)
        parts.append(f"<td>{text}</td>")
    return mark_safe("".join(parts))  # each part escaped above
