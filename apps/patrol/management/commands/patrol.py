import time

from django.core.management.base import BaseCommand, CommandError

from apps.cameras.models import Camera, Site
from apps.core.exceptions import RuleViolation
from apps.patrol import execution, selectors, services
from apps.patrol.models import PatrolRun


class Command(BaseCommand):
    help = "Patrol every active camera now (M-2.1), or one site or one camera."

    def add_arguments(self, parser):
        parser.add_argument("--site", help="site code")
        parser.add_argument("--camera", help="camera code")
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="hand the checks to the Celery workers instead of running here",
        )

    def handle(self, *args, site=None, camera=None, enqueue=False, **options):
        try:
            site_obj = Site.objects.get(code=site) if site else None
            camera_obj = Camera.objects.get(code=camera) if camera else None
        except (Site.DoesNotExist, Camera.DoesNotExist) as exc:
            raise CommandError(f"unknown site or camera: {site or camera}") from exc
        try:
            run = services.patrol_run_start(
                by=None,
                trigger=PatrolRun.Trigger.COMMAND,
                site=site_obj,
                camera=camera_obj,
                enqueue=enqueue,
            )
        except RuleViolation as exc:
            raise CommandError(exc.message) from exc
        if enqueue:
            self.stdout.write(f"patrol run #{run.pk} queued: {run.active_cameras} cameras")
            return
        started = time.monotonic()
        execution.run_pending_checks(run.pk)
        run.refresh_from_db()
        progress = selectors.run_progress(run=run, user=None)
        self.stdout.write(
            f"patrol run #{run.pk}: {progress['checked']}/{progress['active_cameras']} checked "
            f"in {time.monotonic() - started:.1f} s; ok {progress['ok']}, degraded "
            f"{progress['degraded']}, fault {progress['faults']}, unknown {progress['unknown']}, "
            f"not checked {progress['not_checked']}, scene changed {progress['scene_changed']}"
        )
        for check in selectors.checks_flagged(run=run, user=None):
            self.stdout.write(f"  {check.camera.code}: {check.verdict} {check.reason}")
