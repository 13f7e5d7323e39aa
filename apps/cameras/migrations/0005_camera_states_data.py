"""M-2.1, M-2.3: "down" split into offline and picture fault, "unknown" is now "unchecked".

A camera that was down is a picture fault when its latest check failed at the diagnosis (it
streamed, the picture was unusable) and offline otherwise — also when no check tells (a camera
marked down by hand or before checks were kept). Its open fault episode gets the same kind, its
latest failing check, and "normal" as the state a false alarm would restore (the state before
it was not kept)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def split_down(apps, schema_editor):
    Camera = apps.get_model("cameras", "Camera")
    DownEpisode = apps.get_model("cameras", "DownEpisode")
    PatrolCheck = apps.get_model("patrol", "PatrolCheck")
    Camera.objects.filter(health="unknown").update(health="unchecked")
    latest = PatrolCheck.objects.filter(
        camera=OuterRef("pk"), state="done", verdict__in=["ok", "degraded", "fault"]
    ).order_by("-checked_at", "-pk")
    down = Camera.objects.filter(health="down").annotate(
        layer=Subquery(latest.values("failing_layer")[:1]),
        verdict=Subquery(latest.values("verdict")[:1]),
    )
    for camera in down.iterator():
        kind = (
            "picture_fault"
            if camera.verdict == "fault" and camera.layer == "diagnosis"
            else "offline"
        )
        Camera.objects.filter(pk=camera.pk).update(health=kind)
        DownEpisode.objects.filter(camera_id=camera.pk, ended_at=None).update(
            kind=kind, health_before="ok"
        )
    for episode in DownEpisode.objects.filter(last_fault_at=None).iterator():
        last = (
            PatrolCheck.objects.filter(
                camera_id=episode.camera_id,
                state="done",
                verdict="fault",
                checked_at__gte=episode.started_at,
                **({"checked_at__lte": episode.ended_at} if episode.ended_at else {}),
            )
            .order_by("-checked_at")
            .values_list("checked_at", flat=True)
            .first()
        )
        DownEpisode.objects.filter(pk=episode.pk).update(last_fault_at=last or episode.started_at)


def join_down(apps, schema_editor):
    Camera = apps.get_model("cameras", "Camera")
    Camera.objects.filter(health__in=["offline", "picture_fault"]).update(health="down")
    Camera.objects.filter(health="unchecked").update(health="unknown")


class Migration(migrations.Migration):
    dependencies = [
        ("cameras", "0004_camera_states"),
        ("patrol", "0003_random_image_paths"),
    ]

    operations = [migrations.RunPython(split_down, join_down)]
