"""A fresh machine has only what scripts/install.sh installs (issue 13 §1; the M-2.1 test
cameras): every GStreamer element the camera peers, the demo cameras and the benchmark use
must come from a Debian package in its APT list or a dependency of one. Recommended packages
do not count: install.sh passes --no-install-recommends (gstreamer1.0-x, with the overlays,
is only recommended, and without it every peer mount answered 503).

element --gst-inspect-1.0--> plugin file --dpkg -S--> package, which must be in
apt-cache depends --recurse --no-recommends ... of the APT list.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from tests.peers.fixtures import PEERS, SYSTEM_PYTHON

ROOT = PEERS.parent.parent
INSTALL_SH = ROOT / "scripts" / "install.sh"
# Only rtsp_server.py builds pipelines, so its --elements is the whole list; this catches a
# pipeline started anywhere else without being listed there.
GST_USE = re.compile(r"gi\.repository|parse_launch|set_launch|gst-launch|ElementFactory")


def apt_packages(script: str) -> list[str]:
    """The names in install.sh's APT_PACKAGES=( ... ) block, comments left out."""
    block = re.search(r"^APT_PACKAGES=\((.*?)^\)", script, re.S | re.M)
    assert block, "scripts/install.sh has no APT_PACKAGES=( ... ) block"
    return [w for line in block.group(1).splitlines() for w in line.split("#")[0].split()]


def dependency_closure(packages: list[str]) -> set[str]:
    """The packages and everything they depend on (Depends and Pre-Depends), recursively."""
    out = subprocess.run(
        ["apt-cache", "depends", "--recurse", "--no-recommends", "--no-suggests"]
        + ["--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances", *packages],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    # Unindented lines are the packages visited; "<name>" are virtual packages.
    visited = {line.split(":")[0] for line in out.stdout.splitlines() if line[:1].isalnum()}
    unknown = sorted(set(packages) - visited)  # apt-cache skips them without a word
    assert not unknown, f"apt knows no package named {unknown}"
    return visited


def peer_elements() -> list[str]:
    out = subprocess.run(
        [SYSTEM_PYTHON, str(PEERS / "rtsp_server.py"), "--elements"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


def plugin_file(element: str) -> str | None:
    """The plugin file gst-inspect-1.0 names for ``element``; None if no plugin has it."""
    inspect = subprocess.run(
        ["gst-inspect-1.0", element], capture_output=True, text=True, check=False
    )
    filename = re.search(r"^\s*Filename\s+(\S+)", inspect.stdout, re.M)
    return filename.group(1) if inspect.returncode == 0 and filename else None


def file_packages(paths: set[str]) -> dict[str, str]:
    """path -> the Debian package that installed it (one dpkg -S for all of them)."""
    # Debian 12 merged /usr: GStreamer says /lib/..., dpkg may have recorded /usr/lib/...
    bare = {p.removeprefix("/usr") for p in paths}
    out = subprocess.run(
        ["dpkg", "-S", *sorted(bare | {f"/usr{p}" for p in bare})], capture_output=True, text=True
    )
    owners = {}
    for line in out.stdout.splitlines():  # "pkg[:arch][, pkg2...]: /path"
        names, _, path = line.rpartition(": ")
        owners[path.removeprefix("/usr")] = names.split(",")[0].split(":")[0]
    return {p: owners[p.removeprefix("/usr")] for p in paths if p.removeprefix("/usr") in owners}


def elements_not_brought(elements: list[str], packages: list[str]) -> list[str]:
    closure = dependency_closure(packages)
    files = {element: plugin_file(element) for element in elements}
    owners = file_packages({f for f in files.values() if f})
    problems = []
    for element, path in files.items():
        if path is None:
            problems.append(f"{element}: no installed GStreamer plugin has it")
        elif path not in owners:
            problems.append(f"{element}: no Debian package owns its plugin {path}")
        elif owners[path] not in closure:
            problems.append(f"{element}: from {owners[path]}, which install.sh does not bring")
    return problems


def test_every_element_of_the_peers_comes_from_a_package_install_sh_brings():
    elements = peer_elements()
    assert {"x264enc", "clockoverlay", "rtpbin"} <= set(elements)  # the listing is real
    assert elements_not_brought(elements, apt_packages(INSTALL_SH.read_text())) == []


def test_an_element_from_a_package_left_out_is_named_with_its_package():
    """The check above can fail: the list without gstreamer1.0-x misses the overlays."""
    packages = [p for p in apt_packages(INSTALL_SH.read_text()) if p != "gstreamer1.0-x"]
    problems = elements_not_brought(["clockoverlay", "x264enc"], packages)
    assert problems == ["clockoverlay: from gstreamer1.0-x, which install.sh does not bring"]


def test_a_misspelt_package_in_the_list_is_reported():
    with pytest.raises(AssertionError, match="gstreamer1.0-plugins-goood"):
        dependency_closure(["gstreamer1.0-tools", "gstreamer1.0-plugins-goood"])


def test_an_element_no_plugin_has_is_reported():
    assert elements_not_brought(["nosuchoverlay"], ["gstreamer1.0-tools"]) == [
        "nosuchoverlay: no installed GStreamer plugin has it"
    ]


def test_only_the_rtsp_peer_builds_gstreamer_pipelines():
    sources = [*PEERS.glob("*.py"), *(ROOT / "benchmarks").glob("**/*.py")]
    sources += [ROOT / "Procfile", ROOT / "Procfile.with-redis", *(ROOT / "scripts").glob("*.sh")]
    skip = {PEERS / "rtsp_server.py", Path(__file__).resolve()}
    users = [
        str(p.relative_to(ROOT)) for p in sources if p not in skip and GST_USE.search(p.read_text())
    ]
    assert users == [], "list their elements in rtsp_server.py --elements"
