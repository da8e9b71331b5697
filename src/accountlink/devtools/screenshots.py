"""``accountlink help-screenshots``: the tour walked on a fresh system of its own, in each language,
saving each step's illustration where the help center finds it."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from .processes import free_ports, wait_for_port
from .terminal import CliError, _
from .tour import walk_all
from .walker import CHROMIUM_ARGS, Site, WalkError

# Languages whose pictures need a font that Latin-only systems lack: without one, Chromium draws
# every character as an empty box ("tofu") and the pictures would show nothing readable.
FONT_LANGUAGES = {"ja": "fonts-noto-cjk"}


def has_font_for(language: str) -> bool:
    """Whether Chromium (through fontconfig) can draw ``language``: ``fc-list :lang=ja`` lists a font,
    or, where fc-list is missing, the font package is installed."""
    if language not in FONT_LANGUAGES:
        return True
    fc_list = shutil.which("fc-list")
    if fc_list:
        found = subprocess.run([fc_list, f":lang={language}", "family"], capture_output=True, text=True, check=False)
        return bool(found.stdout.strip())
    dpkg = shutil.which("dpkg")
    if dpkg is None:
        return False
    status = subprocess.run([dpkg, "-s", FONT_LANGUAGES[language]], capture_output=True, text=True, check=False)
    return "Status: install ok installed" in status.stdout


def check_fonts(languages: list[str]) -> None:
    """Refuse, before starting anything, to bake empty boxes into a language's pictures."""
    for language in languages:
        if not has_font_for(language):
            raise CliError(
                _(
                    "no font for %(language)s: the pictures would show empty boxes; install %(package)s "
                    "(scripts/ensure-system-packages.sh chromium)"
                )
                % {"language": language, "package": FONT_LANGUAGES[language]}
            )


def take_screenshots(languages: list[str], out: Path, chromium: str) -> int:
    """Walk every help article in each of ``languages`` and replace their screenshots under ``out``.

    Returns how many were taken. A walk that stops (an article and the pages disagree) says where,
    and the old pictures stay."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="accountlink-help-") as temporary:
        staging = Path(temporary) / "shots"
        with running_system(Path(temporary) / "data") as site, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS, headless=True)
            try:
                for language in languages:
                    try:
                        walked = walk_all(browser, site, language, shots=staging)
                    except WalkError as error:
                        raise CliError(
                            _("the %(language)s walk stopped: %(problem)s") % {"language": language, "problem": error}
                        ) from error
                    print(
                        _("%(language)s: %(count)s sections walked") % {"language": language, "count": len(walked)},
                        flush=True,
                    )
            finally:
                browser.close()
        for language in languages:  # replace each language's set whole, so no stale picture stays
            shutil.rmtree(out / language, ignore_errors=True)
            shutil.copytree(staging / language, out / language)
        return sum(1 for _file in staging.rglob("*.jpg"))


@contextlib.contextmanager
def running_system(data_dir: Path) -> Iterator[Site]:
    """``accountlink up`` on two free loopback ports with a fresh data directory, stopped afterwards."""
    ports = free_ports(2)
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    command = [sys.executable, "-m", "accountlink.cli", "up", "--data-dir", str(data_dir)]
    command += [f"--consumer-port={ports[0]}", f"--business-port={ports[1]}"]
    log = data_dir.parent / "up.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 180
        for port in ports:
            if not wait_for_port(port, deadline) or process.poll() is not None:
                sys.stderr.write(log.read_text(errors="replace")[-3000:])
                raise CliError(_("the system did not start"))
        yield Site(f"http://127.0.0.1:{ports[0]}", f"http://127.0.0.1:{ports[1]}", data_dir)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
