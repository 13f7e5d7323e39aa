from django.db import migrations

ROLES = [
    "duty_operator", "footage_custodian", "security_staff", "security_chief",
    "department_head", "leader_in_charge", "principal_leader", "vendor_engineer", "auditor",
    "applicant",
]


def create_role_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_role_groups, migrations.RunPython.noop)]
