"""Probe reasons and diagnosis findings in the page's language (issue 14 §1, M-2.1, M-2.3).

``{% load reasons %}``, then ``{{ check|reason_text }}`` for a patrol check's reason and
``{{ finding|finding_text }}`` for one stored finding.
"""

from django import template

from apps.cameras import labels

register = template.Library()


@register.filter
def reason_text(check):
    return labels.check_reason_text(check)


@register.filter
def finding_text(finding):
    return labels.finding_text(finding)
