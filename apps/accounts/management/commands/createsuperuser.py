"""``manage.py createsuperuser`` through the accounts service (M-1.1): the account, its first
password and the audit event in one transaction. Replaces django.contrib.auth's command, whose
prompts and checks are kept; only the creation itself goes through ``user_superuser_create``."""

from django.contrib.auth.management.commands import createsuperuser

from apps.accounts.services import user_superuser_create


class _AuditedManager:
    """The user manager as the command uses it, creating through the service."""

    def __init__(self, manager, using=None):
        self._manager, self._using = manager, using

    def db_manager(self, using=None, *args, **kwargs):
        return _AuditedManager(self._manager.db_manager(using, *args, **kwargs), using)

    def create_superuser(self, username=None, email=None, password=None, **fields):
        return user_superuser_create(
            using=self._using or "default",
            username=username,
            email=email or "",
            password=password,
            **fields,
        )

    def __getattr__(self, name):  # get_by_natural_key, filter, … as they are
        return getattr(self._manager, name)


class _AuditedUserModel:
    def __init__(self, model):
        self._model = model

    @property
    def _default_manager(self):
        return _AuditedManager(self._model._default_manager)

    def __call__(self, *args, **kwargs):  # an unsaved user for the password validators
        return self._model(*args, **kwargs)

    def __getattr__(self, name):  # _meta, USERNAME_FIELD, REQUIRED_FIELDS, … as they are
        return getattr(self._model, name)


class Command(createsuperuser.Command):
    help = "Create a superuser (audited: accounts.superuser_create, M-1.1)."

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.UserModel = _AuditedUserModel(self.UserModel)
