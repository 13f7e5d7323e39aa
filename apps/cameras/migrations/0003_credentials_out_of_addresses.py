"""M-1.1a: before the services split them out, the edit form, the API and the import stored
``user:password@`` inside stream URIs and ONVIF hosts in clear. Move them into the encrypted
credential fields (credentials already stored there win) and keep the addresses without them."""

from django.db import migrations
from django.db.models import Q

ADDRESS_FIELDS = ("rtsp_main_uri", "rtsp_sub_uri", "onvif_host")


def credentials_out_of_addresses(apps, schema_editor):
    from apps.cameras.probe.targets import split_userinfo

    Camera = apps.get_model("cameras", "Camera")
    with_at = Q()
    for name in ADDRESS_FIELDS:
        with_at |= Q(**{f"{name}__contains": "@"})
    for camera in Camera.objects.filter(with_at).iterator():
        changed = []
        for name in ADDRESS_FIELDS:
            value = getattr(camera, name) or ""
            if "@" not in value:
                continue
            plain, user, password = split_userinfo(value)
            if plain == value:
                continue
            setattr(camera, name, plain)
            changed.append(name)
            if user and not camera.credential_username:
                camera.credential_username = user
                changed.append("credential_username")
            if password and not camera.credential_password:
                camera.credential_password = password
                changed.append("credential_password")
        if changed:
            camera.save(update_fields=sorted(set(changed)))


class Migration(migrations.Migration):
    dependencies = [("cameras", "0002_random_image_paths")]

    operations = [
        migrations.RunPython(credentials_out_of_addresses, migrations.RunPython.noop, elidable=True)
    ]
