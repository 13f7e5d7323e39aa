"""Small template helpers shared by every app's pages."""

from django import template

register = template.Library()


@register.filter
def bootstrap(field):
    """Render a form field with Bootstrap's class for its widget type."""
    widget = field.field.widget
    input_type = getattr(widget, "input_type", "")
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
