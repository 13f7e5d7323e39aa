"""Demo cameras for the embedded demo: they point at the local GStreamer test server that
scripts/run-demo.sh starts (tests/peers/rtsp_server.py on DEMO_RTSP_PORT)."""

import os

from apps.accounts.models import Department

from . import services
from .models import Camera, Location, Site

DEMO_RTSP_PORT = int(os.environ.get("DEMO_RTSP_PORT", "8554"))
# code, name, building, floor, area, area kind, mount (None: nothing listens = offline)
DEMO_CAMERAS = [
    ("C001", "南大门入口", "南大门", "", "入口", Location.AreaKind.ENTRANCE, "normal"),
    ("C002", "图书馆大厅", "图书馆", "1F", "大厅", Location.AreaKind.LIBRARY, "normal"),
    ("C003", "实验楼走廊", "实验楼", "2F", "走廊", Location.AreaKind.LAB, "black"),
    ("C004", "食堂门口", "第一食堂", "1F", "门口", Location.AreaKind.CANTEEN, "snow"),
    ("C005", "停车场东", "停车场", "", "东区", Location.AreaKind.PARKING, "frozen"),
    ("C006", "操场看台", "田径场", "", "看台", Location.AreaKind.SPORTS, "white"),
    ("C007", "行政楼门厅", "行政楼", "1F", "门厅", Location.AreaKind.OFFICE, "moved"),
    ("C008", "宿舍区道路", "学生宿舍区", "", "主干道", Location.AreaKind.DORMITORY_PUBLIC, None),
    # A camera that can be broken and repaired (black until data/rtsp-switch/repair-1 says
    # normal; docs/maintenance.md "Trying it in the demo").
    ("C009", "维修演示点", "实验楼", "1F", "门厅", Location.AreaKind.LAB, "switch/repair-1"),
]


def demo_cameras_create() -> list[str]:
    vendor = Department.objects.filter(kind=Department.Kind.MAINTENANCE_VENDOR).first()
    site = Site.objects.filter(code="MAIN").first() or services.site_create(
        by=None, code="MAIN", name="主校区", address=""
    )
    created = 0
    for code, name, building, floor, area, kind, mount in DEMO_CAMERAS:
        if Camera.objects.filter(code=code).exists():
            continue
        location = Location.objects.filter(
            site=site, building=building, floor=floor, area=area
        ).first() or services.location_create(
            by=None, site=site, building=building, floor=floor, area=area, area_kind=kind
        )
        port = DEMO_RTSP_PORT if mount else DEMO_RTSP_PORT + 1  # +1: a closed port (offline)
        services.camera_create(
            by=None,
            code=code,
            name=name,
            location=location,
            vendor=vendor,
            rtsp_main_uri=f"rtsp://127.0.0.1:{port}/{mount or 'normal'}",
        )
        created += 1
    total = Camera.objects.count()
    return [
        f"Demo cameras: {created} created, {total} registered "
        f"(test streams on rtsp://127.0.0.1:{DEMO_RTSP_PORT}/)"
    ]
