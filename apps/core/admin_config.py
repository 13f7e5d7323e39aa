from django.contrib.admin.apps import AdminConfig


class CampusAdminConfig(AdminConfig):
    default_site = "apps.accounts.admin_site.SecurityChiefAdminSite"
