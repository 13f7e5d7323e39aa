"""The apps depend downward only (style.md §1, issue 14 §3): the import-linter contracts of
pyproject.toml hold for the code, and each one fails on the import it forbids (tried on a
copy of the apps with one import added). scripts/test.sh runs ``lint-imports`` too."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from apps.patrol import services, tasks
from campuscctv.celery import app as celery_app
from tests.factories import CameraFactory

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(root / "pyproject.toml")],
        cwd=root,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_code_keeps_every_contract():
    run = lint_imports(ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "4 kept, 0 broken" in run.stdout


@pytest.fixture
def copy(tmp_path) -> Path:
    """The apps and the contracts, to break on purpose."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    shutil.copytree(ROOT / "apps", tmp_path / "apps", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def add_import(root: Path, module: str, line: str) -> None:
    path = root / module
    path.write_text(path.read_text() + f"\n\n{line}\n")


FORBIDDEN = [
    # (module, added import, the contract it breaks, the chain the report shows)
    (  # cameras below patrol
        "apps/cameras/selectors.py",
        "from apps.patrol.models import PatrolRun  # noqa",
        "Apps depend downward only",
        "apps.cameras.selectors -> apps.patrol.models",
    ),
    (  # accounts below cameras
        "apps/accounts/models.py",
        "import apps.cameras.models  # noqa",
        "Apps depend downward only",
        "apps.accounts.models -> apps.cameras.models",
    ),
    (  # core knows no domain
        "apps/core/registers.py",
        "from apps.audit.models import AuditEvent  # noqa",
        "Apps depend downward only",
        "apps.core.registers -> apps.audit.models",
    ),
    (
        "apps/audit/services.py",
        "from apps.accounts.models import User  # noqa",
        "The audit app imports no domain app",
        "apps.audit.services -> apps.accounts.models",
    ),
    (  # the probe must stay plain Python, even through a helper
        "apps/cameras/probe/tcp.py",
        "from apps.cameras import models  # noqa",
        "The probe package",
        "apps.cameras.probe.tcp -> apps.cameras.models",
    ),
    (  # a lazy import inside a function is still an import
        "apps/patrol/services.py",
        "def _queue():\n    from apps.patrol import tasks  # noqa",
        "No import cycle",
        ".services -> .tasks",
    ),
]


@pytest.mark.slow  # builds the import graph of a copy: ~5 s
def test_each_contract_fails_on_the_import_it_forbids(copy):
    """One copy, one forbidden import per contract: all four break, each naming its import."""
    for module, line, _, _ in FORBIDDEN:
        add_import(copy, module, line)
    run = lint_imports(copy)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "0 kept, 4 broken" in run.stdout
    broken = [row for row in run.stdout.splitlines() if row.endswith("BROKEN")]
    for _, _, contract, shown in FORBIDDEN:
        assert any(row.startswith(contract) for row in broken), contract
        assert shown in run.stdout, shown


@pytest.mark.slow
def test_a_future_app_is_placed_already(copy):
    """compliance (not built yet) sits on top: it may import maintenance, which may not
    import it."""
    (copy / "apps/compliance").mkdir()
    (copy / "apps/compliance/__init__.py").write_text("")
    (copy / "apps/compliance/services.py").write_text(
        "from apps.maintenance import models  # noqa\n"
    )
    assert lint_imports(copy).returncode == 0
    add_import(copy, "apps/maintenance/selectors.py", "import apps.compliance.services  # noqa")
    run = lint_imports(copy)
    assert run.returncode == 1
    assert "apps.maintenance.selectors -> apps.compliance.services" in run.stdout


@pytest.mark.django_db
def test_a_started_run_queues_its_execution_by_the_tasks_name(django_capture_on_commit_callbacks):
    """The patrol services name the task instead of importing it (no cycle); the name must
    be the one Celery registered, with the run's id (M-2.1)."""
    CameraFactory()
    with django_capture_on_commit_callbacks() as queued:
        run = services.patrol_run_start(by=None, trigger="command")
    (callback,) = [c for c in queued if getattr(c, "func", None).__name__ == "send_task"]
    assert callback.args == (tasks.patrol_run_execute.name,)
    assert callback.keywords == {"args": (run.pk,)}
    assert services.RUN_EXECUTE_TASK in celery_app.tasks  # what a worker looks up
