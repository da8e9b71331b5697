"""``accountlink status``: is each platform of a running ``accountlink up`` ready, and what is waiting to be
sent to the other platform.

Readiness comes from each platform's ``/readyz`` over HTTP; the backlog from ``outbound_backlog`` run on
the data directory. Exit code 0 when both platforms are ready, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import requests

from accountlink.devtools.terminal import BRAND, _, business_brand

READYZ_TIMEOUT_SECONDS = 5.0  # /readyz itself waits up to 2 s for the other platform


def add_status_parser(subparsers: Any) -> argparse.ArgumentParser:
    """``status`` and its options, as a subcommand of ``accountlink``."""
    status: argparse.ArgumentParser = subparsers.add_parser(
        "status", help=_("show whether both platforms are ready, and the calls waiting to reach the other platform")
    )
    status.add_argument("--data-dir", default="var", help=_("the data directory of `accountlink up` (default ./var)"))
    status.add_argument(
        "--consumer-port",
        type=int,
        default=8001,
        help=_("the port `accountlink up` runs %(brand)s on") % {"brand": BRAND},
    )
    status.add_argument(
        "--business-port",
        type=int,
        default=8002,
        help=_("the port `accountlink up` runs %(brand)s for Business on") % {"brand": BRAND},
    )
    status.add_argument("--json", action="store_true", help=_("print JSON"))
    status.set_defaults(handler=command_status)
    return status


def platform_label(platform: str) -> str:
    return BRAND if platform == "consumer" else business_brand()


def readiness(url: str) -> dict[str, Any] | None:
    """What ``/readyz`` said (``status`` and ``checks``), or ``None`` when nothing answers there."""
    try:
        response = requests.get(f"{url}/readyz", timeout=READYZ_TIMEOUT_SECONDS, allow_redirects=False)
    except requests.ConnectionError:
        return None
    except requests.Timeout:
        return {"status": "not_ready", "checks": {}, "problem": "timeout"}
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict) or "checks" not in body:
        return {"status": "not_ready", "checks": {}, "problem": f"http_{response.status_code}"}
    return body


def backlog(platform: str, data_dir: Path) -> list[dict[str, Any]] | None:
    """``outbound_backlog --json`` on the platform's data, or ``None`` when it cannot be read."""
    if not data_dir.is_dir():
        return None
    command = [sys.executable, "-m", "accountlink.cli", "manage", "--data-dir", str(data_dir), platform]
    result = subprocess.run(
        [*command, "outbound_backlog", "--json"], capture_output=True, text=True, timeout=120, check=False
    )
    if result.returncode != 0:
        return None
    try:
        rows: list[dict[str, Any]] = json.loads(result.stdout)
    except ValueError:
        return None
    return rows


CHECK_NAMES = {"database": _("database"), "cache": _("cache"), "other_platform": _("other platform")}


def check_line(name: str, check: dict[str, Any]) -> str:
    label = CHECK_NAMES.get(name, name)
    if check.get("status") == "ok":
        return _("%(check)s: ok") % {"check": label}
    if check.get("status") == "skipped":
        return _("%(check)s: not asked") % {"check": label}
    return _("%(check)s: down (%(reason)s)") % {"check": label, "reason": check.get("reason", "?")}


def backlog_line(row: dict[str, Any]) -> str:
    if row.get("oldest_seconds") is None:
        return _("backlog %(kind)s: %(count)s waiting") % {"kind": row["kind"], "count": row["pending"]}
    return _("backlog %(kind)s: %(count)s waiting, the oldest for %(seconds)s s") % {
        "kind": row["kind"],
        "count": row["pending"],
        "seconds": round(row["oldest_seconds"]),
    }


def report(platform: str, url: str, ready: dict[str, Any] | None, rows: list[dict[str, Any]] | None) -> list[str]:
    label = platform_label(platform)
    if ready is None:
        return [_("%(platform)s (%(url)s): not running") % {"platform": label, "url": url}]
    state = _("ready") if ready.get("status") == "ready" else _("not ready")
    lines = [f"{label} ({url}): {state}"]
    if ready.get("problem"):
        lines.append("  " + _("/readyz did not answer properly (%(problem)s)") % {"problem": ready["problem"]})
    lines += ["  " + check_line(name, check) for name, check in ready.get("checks", {}).items()]
    if rows is None:
        lines.append("  " + _("backlog: unknown (the data directory could not be read)"))
    lines += ["  " + backlog_line(row) for row in rows or []]
    return lines


def command_status(args: argparse.Namespace) -> int:
    data_dir = Path(args.data_dir).resolve()
    urls = {"consumer": f"http://127.0.0.1:{args.consumer_port}", "business": f"http://127.0.0.1:{args.business_port}"}
    ready = {platform: readiness(url) for platform, url in urls.items()}
    if all(answer is None for answer in ready.values()):
        message = _(
            "accountlink: nothing answers on ports %(consumer)s and %(business)s; start it with `accountlink up`"
        )
        print(message % {"consumer": args.consumer_port, "business": args.business_port}, file=sys.stderr)
        return 1
    rows = {platform: backlog(platform, data_dir) for platform in urls}
    if args.json:
        answer = {
            platform: {
                "url": urls[platform],
                **(ready[platform] or {"status": "not_running", "checks": {}}),
                "backlog": rows[platform],
            }
            for platform in urls
        }
        print(json.dumps(answer, ensure_ascii=False, indent=2))
    else:
        for platform, url in urls.items():
            print("\n".join(report(platform, url, ready[platform], rows[platform])))
    all_ready = all(answer is not None and answer.get("status") == "ready" for answer in ready.values())
    return 0 if all_ready else 1


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m accountlink.status``: the same as ``accountlink status``."""
    parser = argparse.ArgumentParser(prog="accountlink")
    add_status_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["status", *(sys.argv[1:] if argv is None else argv)])
    try:
        result: int = args.handler(args)
    except KeyboardInterrupt:
        return 130
    return result


if __name__ == "__main__":
    sys.exit(main())
