"""Routing policy version 1: the default from the measures (M-3.3; frozen here, so a later
change of DEFAULT_RULES does not rewrite history)."""

from django.db import migrations

RULES = {
    "routes": {
        "internal": [
            {
                "role": "department_head",
                "kind": "approval",
                "scope": "department"
            },
            {
                "role": "security_chief",
                "kind": "approval",
                "scope": ""
            }
        ],
        "student": [
            {
                "role": "security_chief",
                "kind": "approval",
                "scope": ""
            }
        ],
        "law_enforcement": [
            {
                "role": "security_staff",
                "kind": "document_check",
                "scope": ""
            },
            {
                "role": "leader_in_charge",
                "kind": "approval",
                "scope": ""
            }
        ],
        "external": [
            {
                "role": "security_staff",
                "kind": "document_check",
                "scope": ""
            },
            {
                "role": "principal_leader",
                "kind": "approval",
                "scope": ""
            }
        ]
    },
    "extra": [
        {
            "when": {
                "special": True
            },
            "types": [
                "internal"
            ],
            "steps": [
                {
                    "role": "leader_in_charge",
                    "kind": "approval",
                    "scope": ""
                }
            ]
        },
        {
            "when": {
                "mode": "copy"
            },
            "steps": [
                {
                    "role": "leader_in_charge",
                    "kind": "approval",
                    "scope": ""
                },
                {
                    "role": "principal_leader",
                    "kind": "approval",
                    "scope": ""
                }
            ]
        }
    ]
}


def create_default(apps, schema_editor):
    RoutingPolicy = apps.get_model("footage_requests", "RoutingPolicy")
    RoutingPolicy.objects.get_or_create(
        version=1, defaults={"rules": RULES, "note": "Default policy from the measures (M-3.3)"}
    )


class Migration(migrations.Migration):
    dependencies = [("footage_requests", "0001_initial")]

    operations = [migrations.RunPython(create_default, migrations.RunPython.noop)]
