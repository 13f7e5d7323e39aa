"""Readable names for what the chain records (M-4.2: an auditor reads the evidence).

The chain stores codes — ``accounts.login``, ``patrol.patrolcheck`` — and keeps them: they are
hashed and they are what a filter or a script matches. The register shows a translated label
beside each code. Each app declares the labels of the actions its services record in its own
``audit_labels.py`` (found by ``labels_autodiscover`` when the audit app starts), so the audit
app imports no domain app. A target type that is a model reads as its ``verbose_name``; other
kinds (``url``, ``file``) are declared like actions. A code nobody declared reads as itself.
"""

from collections.abc import Mapping

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import autodiscover_modules

_ACTIONS: dict[str, object] = {}
_TARGET_KINDS: dict[str, object] = {}


def _register(registry: dict, labels: Mapping[str, object], what: str) -> None:
    for code, label in labels.items():
        known = registry.get(code)
        if known is not None and str(known) != str(label):
            raise ImproperlyConfigured(f"audit {what} {code!r} is labelled twice")
        registry[code] = label


def action_labels_register(labels: Mapping[str, object]) -> None:
    """Declare ``{action code: lazy translated label}``; a code declared twice differently
    is a configuration error (two apps would show one event two ways)."""
    _register(_ACTIONS, labels, "action")


def target_kinds_register(labels: Mapping[str, object]) -> None:
    """Declare labels of target types that are not models (``url``, ``file``)."""
    _register(_TARGET_KINDS, labels, "target type")


def labels_autodiscover() -> None:
    autodiscover_modules("audit_labels")


def action_label(code: str) -> str:
    """The action in the current language; an undeclared code reads as itself."""
    label = _ACTIONS.get(code)
    return str(label) if label is not None else code


def _model_label(code: str) -> str | None:
    if code.count(".") != 1:
        return None
    try:
        model = apps.get_model(code)
    except LookupError:
        return None
    return str(model._meta.verbose_name)


def target_type_label(code: str) -> str:
    """A model's verbose_name (``patrol.patrolcheck`` → patrol check), a declared kind's
    label, or the code itself."""
    if not code:
        return ""
    label = _model_label(code)
    if label is None:
        declared = _TARGET_KINDS.get(code)
        label = str(declared) if declared is not None else code
    return label


def _matching(text: str, labels: Mapping[str, str]) -> list[str]:
    wanted = text.casefold()
    return [code for code, label in labels.items() if wanted in label.casefold()]


def actions_matching(text: str) -> list[str]:
    """Codes whose label, in the current language, contains ``text`` (the filter finds
    登录 as well as accounts.login)."""
    return _matching(text, {code: action_label(code) for code in _ACTIONS})


def target_types_matching(text: str) -> list[str]:
    """Target type codes (models and declared kinds) whose label contains ``text``."""
    labels = {model._meta.label_lower: str(model._meta.verbose_name) for model in apps.get_models()}
    labels.update({code: str(label) for code, label in _TARGET_KINDS.items()})
    return _matching(text, labels)


def actor_name(event) -> str:
    """Who acted, as a person: their full name now (the username if they have none); "" for
    no signed-in user. The username recorded at the time stays in ``actor_label``."""
    return str(event.actor) if event.actor_id else ""
