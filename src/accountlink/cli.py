"""The ``accountlink`` command: ``up`` runs the whole system, ``outbox`` reads the development outbox,
``manage`` runs a Django management command on one platform.
"""

from __future__ import annotations

import argparse
import contextlib
import gettext
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from accountlink.demo import DEMO_PASSWORD
from accountlink.status import add_status_parser
from accountlink.supervisor import CrashLoop, Supervisor, dying_with

PLATFORMS = {"consumer": "accountlink.settings.consumer", "business": "accountlink.settings.business"}
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
BRAND = os.environ.get("ACCOUNTLINK_BRAND", "Loop")

# The command speaks the language of the terminal (LANGUAGE, LC_ALL, LC_MESSAGES or LANG), with the
# same catalogs as the web pages.
_ = gettext.translation("django", localedir=LOCALE_DIR, fallback=True).gettext

DEMO_LOGINS = [
    ("consumer", "@sakura", "Sakura Tanaka, +819012345678"),
    ("consumer", "@maria", "María García"),
    ("consumer", "@kenji", _("account type: business")),
    ("consumer", "@aiko", ""),
    ("consumer", "@ren", ""),
    ("consumer", "@yuki", _("suspended")),
    ("consumer", "@taro", _("under 18")),
    ("consumer", "support@example.com", _("support agent")),
    ("business", "sakura.biz@example.com", _("with phone +819012345678")),
    ("business", "maria.biz@example.com", ""),
    ("business", "aiko.biz@example.com", ""),
    ("business", "hana.biz@example.com", ""),
    ("business", "managed@example.com", _("managed by manager@example.com")),
    ("business", "manager@example.com", _("account manager")),
    ("business", "support@example.com", _("support agent")),
]


class CliError(Exception):
    """A problem to report in one line, without a traceback."""


def platform_env(platform: str, data_dir: Path, base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a process working on one platform of the demo data directory ``data_dir``.

    Demo mode is on unless the environment says ``ACCOUNTLINK_DEMO_MODE=0``: the settings default to
    off, and only the commands that work on a data directory of ``accountlink up`` turn it on.
    """
    env = dict(os.environ if base is None else base)
    env["DJANGO_SETTINGS_MODULE"] = PLATFORMS[platform]
    env["ACCOUNTLINK_DATA_DIR"] = str(data_dir)
    env.setdefault("ACCOUNTLINK_DEMO_MODE", "1")
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def system_env(platform: str, data_dir: Path, urls: dict[str, str] | None) -> dict[str, str]:
    """:func:`platform_env`, plus the addresses of the system being prepared: a step that reaches the
    other platform (a revocation queued while making demo links) reaches that system, no other."""
    env = platform_env(platform, data_dir)
    if urls is not None:
        env["ACCOUNTLINK_SITE_URL"] = urls[platform]
        env["ACCOUNTLINK_CONSUMER_URL"] = urls["consumer"]
        env["ACCOUNTLINK_BUSINESS_URL"] = urls["business"]
    return env


def run_manage(platform: str, data_dir: Path, *args: str, urls: dict[str, str] | None = None) -> None:
    command = [sys.executable, "-m", "accountlink.cli", "manage", platform, *args]
    result = subprocess.run(
        command, env=system_env(platform, data_dir, urls), check=False, preexec_fn=dying_with(os.getpid())
    )
    if result.returncode != 0:
        raise CliError(
            _("“%(command)s” failed on the %(platform)s platform (exit code %(code)s)")
            % {"command": " ".join(args), "platform": platform, "code": result.returncode}
        )


def run_manage_output(
    platform: str, data_dir: Path, *args: str, stdin: str | None = None, urls: dict[str, str] | None = None
) -> str:
    """Run a management command and return what it printed (errors go to the terminal)."""
    command = [sys.executable, "-m", "accountlink.cli", "manage", platform, *args]
    result = subprocess.run(
        command,
        env=system_env(platform, data_dir, urls),
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=dying_with(os.getpid()),
    )
    if result.returncode != 0:
        last_line = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else ""
        if last_line.startswith("CommandError: "):  # a refusal the command explained: say just that
            raise CliError(last_line.removeprefix("CommandError: "))
        sys.stderr.write(result.stderr)
        raise CliError(
            _("“%(command)s” failed on the %(platform)s platform (exit code %(code)s)")
            % {"command": args[0], "platform": platform, "code": result.returncode}
        )
    return result.stdout


def register_client(
    data_dir: Path,
    *,
    name: str,
    redirect_uris: list[str],
    webhook_url: str,
    scopes: str,
    rotate_secret: bool = False,
    urls: dict[str, str] | None = None,
) -> dict[str, Any]:
    args = ["register_client", "--name", name, "--webhook-url", webhook_url, "--scopes", scopes]
    for uri in redirect_uris:
        args += ["--redirect-uri", uri]
    if rotate_secret:
        args.append("--rotate-secret")
    registered: dict[str, Any] = json.loads(run_manage_output("consumer", data_dir, *args, urls=urls))
    return registered


def register_business_platform(data_dir: Path, urls: dict[str, str]) -> dict[str, Any]:
    """Register Loop for Business as a client of Loop, at the addresses it runs on."""
    return register_client(
        data_dir,
        name=_("%(brand)s for Business") % {"brand": BRAND},
        redirect_uris=[f"{urls['business']}/oauth/loop/callback/"],
        webhook_url=f"{urls['business']}/webhooks/loop/",
        scopes="user.info.basic,user.info.profile",
        urls=urls,
    )


def load_demo_links(data_dir: Path, client_key: str, urls: dict[str, str], *, quiet: bool = False) -> None:
    """The demo links of DESIGN §12: Loop grants access through its endpoints, the business side stores it.

    Each is made once: a link someone ended stays ended, and one that cannot be made (the Loop account
    is linked elsewhere now) is reported in one line while start-up goes on."""
    missing = json.loads(run_manage_output("business", data_dir, "load_demo_links", "--missing", urls=urls))
    if not missing:
        return
    grants = run_manage_output(
        # ``--name=value``: a random client key may start with "-", which argparse would take for an option.
        "consumer",
        data_dir,
        "demo_grants",
        f"--client-key={client_key}",
        f"--site-url={urls['consumer']}",
        *missing,
        urls=urls,
    )
    created = run_manage_output("business", data_dir, "load_demo_links", stdin=grants, urls=urls).strip()
    if not quiet:
        print(created, flush=True)


def prepare_system(data_dir: Path, urls: dict[str, str], *, quiet: bool = False) -> dict[str, Any]:
    """Everything before the processes start: both databases migrated with demo data, the business
    platform registered at Loop (its key and secret are returned) and the demo links made.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    for platform in PLATFORMS:
        if not quiet:
            print(
                _("accountlink: preparing the %(platform)s database in %(dir)s")
                % {"platform": platform, "dir": data_dir},
                flush=True,
            )
        run_manage(platform, data_dir, "migrate", "--noinput", "--verbosity", "0", urls=urls)
        run_manage(platform, data_dir, "load_demo", urls=urls)
    client = register_business_platform(data_dir, urls)
    load_demo_links(data_dir, client["client_key"], urls, quiet=quiet)
    return client


def child_env(
    platform: str, data_dir: Path, urls: dict[str, str], client: dict[str, Any], base: dict[str, str] | None = None
) -> dict[str, str]:
    """The environment of one platform's processes: its data, both addresses, and (business) the client key."""
    env = platform_env(platform, data_dir, base)
    env["ACCOUNTLINK_SITE_URL"] = urls[platform]
    env["ACCOUNTLINK_CONSUMER_URL"] = urls["consumer"]
    env["ACCOUNTLINK_BUSINESS_URL"] = urls["business"]
    if platform == "business":
        env["ACCOUNTLINK_LOOP_CLIENT_KEY"] = client["client_key"]
        env["ACCOUNTLINK_LOOP_CLIENT_SECRET"] = client["client_secret"]
    return env


def child_commands(platform: str, port: int, web_workers: int) -> dict[str, list[str]]:
    """The processes of one platform: its web server, its task worker and its periodic-task scheduler."""
    manage = [sys.executable, "-m", "accountlink.cli", "manage", platform]
    return {
        "web": [
            sys.executable,
            "-m",
            "gunicorn",
            f"accountlink.{platform}.wsgi:application",
            "--config",
            "python:accountlink.gunicorn_conf",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(web_workers),
            "--threads",
            "4",
            "--graceful-timeout",
            "5",
            "--log-level",
            "warning",
        ],
        "worker": [
            *manage,
            "task_worker",
            "--queue-name",
            "*",
            "--interval",
            "0.1",
            "--no-startup-delay",
            "--no-reload",
            "--verbosity",
            "0",
        ],
        # Sweeps (webhook and revocation retries) and reconciliation, run by the worker above.
        "periodic": [*manage, "run_periodic", "--verbosity", "0"],
    }


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def wait_for_port(port: int, deadline: float) -> bool:
    while time.monotonic() < deadline:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.settimeout(0.5)
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.1)
    return False


def command_up(args: argparse.Namespace) -> int:
    # `up` is the embedded demo (demo data, the development outbox), whatever the shell says.
    os.environ["ACCOUNTLINK_DEMO_MODE"] = "1"
    data_dir = Path(args.data_dir).resolve()
    ports = {"consumer": args.consumer_port, "business": args.business_port}
    if args.web_workers < 1:
        raise CliError(_("--web-workers must be at least 1"))
    if ports["consumer"] == ports["business"]:
        raise CliError(_("--consumer-port and --business-port must differ"))
    for platform, port in ports.items():
        if not 0 < port < 65536:
            raise CliError(
                _("--%(platform)s-port must be between 1 and 65535, not %(port)s")
                % {"platform": platform, "port": port}
            )
        if not port_is_free(port):
            raise CliError(
                _("port %(port)s is already in use; choose another with --%(platform)s-port")
                % {"port": port, "platform": platform}
            )
    data_dir.mkdir(parents=True, exist_ok=True)
    urls = {platform: f"http://127.0.0.1:{port}" for platform, port in ports.items()}
    supervisor = Supervisor()

    def on_signal(signum: int, frame: Any) -> None:
        supervisor.stop()
        raise SystemExit(0)

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        client = prepare_system(data_dir, urls)
        for platform, port in ports.items():
            env = child_env(platform, data_dir, urls, client)
            for part, command in child_commands(platform, port, args.web_workers).items():
                supervisor.start(f"{platform} {part}", command, env)
        deadline = time.monotonic() + 60
        for platform, port in ports.items():
            if not wait_for_port(port, deadline):
                raise CliError(
                    _("the %(platform)s web server did not start on port %(port)s")
                    % {"platform": platform, "port": port}
                )
        print_banner(urls, data_dir)
        while True:
            try:
                restarted = supervisor.restart_stopped()
            except CrashLoop as loop:
                raise CliError(
                    _("the %(name)s process keeps stopping (exit code %(code)s); stopping everything")
                    % {"name": loop.child.name, "code": loop.child.process.returncode}
                ) from None
            for child, code in restarted:
                print(
                    _("accountlink: the %(name)s process stopped (exit code %(code)s); started it again")
                    % {"name": child.name, "code": code},
                    file=sys.stderr,
                    flush=True,
                )
            time.sleep(0.5)
    finally:
        supervisor.stop()


def print_banner(urls: dict[str, str], data_dir: Path) -> None:
    rows = [
        (BRAND, f"{urls['consumer']}/"),
        (_("%(brand)s for Business") % {"brand": BRAND}, f"{urls['business']}/"),
        (_("Development outboxes"), f"{urls['consumer']}/dev/outbox/  {urls['business']}/dev/outbox/"),
        (_("Data directory"), str(data_dir)),
    ]
    lines = ["", _("accountlink is running. Press Ctrl-C to stop.")]
    lines += [f"  {label}: {value}" for label, value in rows]
    lines += ["", _("Demo logins (password %(password)s for all):") % {"password": DEMO_PASSWORD}]
    for platform, login, note in DEMO_LOGINS:
        label = BRAND if platform == "consumer" else _("%(brand)s for Business") % {"brand": BRAND}
        lines.append(f"  {label:<18} {login:<26} {note}")
    print("\n".join(lines), flush=True)


def command_outbox(args: argparse.Namespace) -> int:
    from accountlink.kit.notify import outbox

    directory = Path(args.data_dir).resolve() / "outbox"
    messages = outbox.read(directory, platform=args.platform, to=args.to)
    if args.last:
        if not messages:
            raise CliError(_("no messages found for %(to)s") % {"to": args.to} if args.to else _("no messages found"))
        messages = messages[-1:]
    if args.json:
        data: Any = [message.as_json() for message in messages]
        print(json.dumps(data[0] if args.last else data, ensure_ascii=False, indent=2))
        return 0
    if not messages:
        print(_("No messages."))
    for message in messages:
        print(
            _("[%(sent_at)s] %(platform)s %(channel)s to %(to)s")
            % {"sent_at": message.sent_at, "platform": message.platform, "channel": message.channel, "to": message.to}
        )
        if message.subject:
            print(_("Subject: %(subject)s") % {"subject": message.subject})
        print(message.body)
        print()
    return 0


def command_register_client(args: argparse.Namespace) -> int:
    data_dir = Path(args.data_dir).resolve()
    run_manage("consumer", data_dir, "migrate", "--noinput", "--verbosity", "0")
    registered = register_client(
        data_dir,
        name=args.name,
        redirect_uris=args.redirect_uris,
        webhook_url=args.webhook_url,
        scopes=args.scopes,
        rotate_secret=args.rotate_secret,
    )
    if args.json:
        print(json.dumps(registered, ensure_ascii=False, indent=2))
        return 0
    status = _("Registered") if registered["created"] else _("Updated")
    print(f"{status}: {registered['name']}")
    print(f"  client_key:    {registered['client_key']}")
    print(f"  client_secret: {registered['client_secret']}")
    print(_("  redirect URIs: %(uris)s") % {"uris": " ".join(registered["redirect_uris"])})
    print(_("  webhook URL:   %(url)s") % {"url": registered["webhook_url"] or "-"})
    print(_("  scopes:        %(scopes)s") % {"scopes": ",".join(registered["scopes"])})
    return 0


def command_reconcile(args: argparse.Namespace) -> int:
    """End the business links whose grant Loop no longer knows; says what changed (exit 1 if Loop is unreachable)."""
    data_dir = Path(args.data_dir).resolve()
    urls = {"consumer": f"http://127.0.0.1:{args.consumer_port}", "business": f"http://127.0.0.1:{args.business_port}"}
    if os.environ.get("ACCOUNTLINK_LOOP_CLIENT_KEY"):
        # Credentials from the environment (a deployment, or a test): the rest of its settings too, with
        # demo mode unless ACCOUNTLINK_DEMO_MODE=0 says otherwise, as for every --data-dir command.
        env = platform_env("business", data_dir)
    else:
        # The embedded default keeps the business platform's client key and secret only at Loop, as
        # `accountlink up` does: register (idempotently, with the same addresses) to learn them.
        for platform in PLATFORMS:
            run_manage(platform, data_dir, "migrate", "--noinput", "--verbosity", "0")
        env = child_env("business", data_dir, urls, register_business_platform(data_dir, urls))
    command = [sys.executable, "-m", "accountlink.cli", "manage", "business", "reconcile"]
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    sys.stdout.write(result.stdout)
    if result.returncode != 0:
        last_line = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else ""
        if last_line.startswith("CommandError: "):
            raise CliError(last_line.removeprefix("CommandError: "))
        sys.stderr.write(result.stderr)
        raise CliError(
            _("“%(command)s” failed on the %(platform)s platform (exit code %(code)s)")
            % {"command": "reconcile", "platform": "business", "code": result.returncode}
        )
    return 0


def command_help_screenshots(args: argparse.Namespace) -> int:
    """Walk every help article on a fresh system, in each language, saving each step's screenshot."""
    from accountlink.helpcenter.articles import SCREENSHOTS_DIR
    from accountlink.helpcenter.tour import walk_all
    from accountlink.helpcenter.walker import CHROMIUM_ARGS, LANGUAGES, WalkError

    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        raise CliError(_("help-screenshots needs Playwright (pip install playwright)")) from error
    languages = args.language or list(LANGUAGES)
    for language in languages:
        if language not in LANGUAGES:
            raise CliError(_("unknown language %(language)s") % {"language": language})
    if not Path(args.chromium).exists():
        raise CliError(_("no browser at %(path)s; install chromium or pass --chromium") % {"path": args.chromium})
    out = Path(args.out).resolve() if args.out else SCREENSHOTS_DIR
    with tempfile.TemporaryDirectory(prefix="accountlink-help-") as temporary:
        staging = Path(temporary) / "shots"
        with running_system(Path(temporary) / "data") as site, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS, headless=True)
            try:
                for language in languages:
                    try:
                        walked = walk_all(browser, site, language, shots=staging)
                    except WalkError as error:  # an article and the pages disagree: say where, keep the old pictures
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
        count = sum(1 for _file in staging.rglob("*.jpg"))
    print(_("%(count)s screenshots in %(dir)s") % {"count": count, "dir": out})
    return 0


@contextlib.contextmanager
def running_system(data_dir: Path) -> Iterator[Any]:
    """``accountlink up`` on two free loopback ports with a fresh data directory, stopped afterwards."""
    from accountlink.helpcenter.walker import Site

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


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _n in range(count)]
    try:
        for probe in sockets:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in sockets]
    finally:
        for probe in sockets:
            probe.close()


def command_manage(args: argparse.Namespace) -> int:
    os.environ["DJANGO_SETTINGS_MODULE"] = PLATFORMS[args.platform]
    if args.data_dir:
        # --data-dir names a data directory of `accountlink up`: work on it as `up` does, in demo
        # mode (unless the environment says otherwise). Without it the environment is a deployment's.
        os.environ["ACCOUNTLINK_DATA_DIR"] = str(Path(args.data_dir).resolve())
        os.environ.setdefault("ACCOUNTLINK_DEMO_MODE", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line([f"accountlink manage {args.platform}", *args.arguments])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="accountlink", description=_("Run and inspect accountlink."))
    commands = parser.add_subparsers(dest="command", required=True)

    up = commands.add_parser("up", help=_("migrate, load demo data and run both platforms with their workers"))
    up.add_argument(
        "--consumer-port", type=int, default=8001, help=_("port of %(brand)s (default 8001)") % {"brand": BRAND}
    )
    up.add_argument(
        "--business-port",
        type=int,
        default=8002,
        help=_("port of %(brand)s for Business (default 8002)") % {"brand": BRAND},
    )
    up.add_argument("--data-dir", default="var", help=_("where databases, secrets and the outbox live (default ./var)"))
    up.add_argument("--web-workers", type=int, default=2, help=_("gunicorn worker processes per platform (default 2)"))
    up.set_defaults(handler=command_up)

    box = commands.add_parser("outbox", help=_("show the emails and SMS of the development outbox"))
    box.add_argument("--data-dir", default="var")
    box.add_argument("--platform", choices=sorted(PLATFORMS))
    box.add_argument("--to", help=_("only messages to this email address or phone number"))
    box.add_argument("--last", action="store_true", help=_("only the newest message"))
    box.add_argument("--json", action="store_true", help=_("print JSON (an object with --last, else a list)"))
    box.set_defaults(handler=command_outbox)

    register = commands.add_parser(
        "register-client", help=_("register an app as an OAuth client of %(brand)s (or update it)") % {"brand": BRAND}
    )
    register.add_argument("--name", required=True, help=_("the app's name, shown on the consent screen"))
    register.add_argument(
        "--redirect-uri",
        action="append",
        required=True,
        dest="redirect_uris",
        help=_("an exact redirect URI (repeat for more)"),
    )
    register.add_argument("--webhook-url", default="", help=_("where authorization.removed webhooks are sent"))
    register.add_argument("--scopes", default="user.info.basic,user.info.profile", help=_("comma-separated scopes"))
    register.add_argument("--rotate-secret", action="store_true", help=_("issue a new client secret"))
    register.add_argument("--data-dir", default="var")
    register.add_argument("--json", action="store_true", help=_("print JSON"))
    register.set_defaults(handler=command_register_client)

    reconcile = commands.add_parser(
        "reconcile",
        help=_("end the links whose grant %(brand)s no longer knows, and say which") % {"brand": BRAND},
    )
    reconcile.add_argument("--data-dir", default="var")
    reconcile.add_argument(
        "--consumer-port",
        type=int,
        default=8001,
        help=_("the port `accountlink up` runs %(brand)s on") % {"brand": BRAND},
    )
    reconcile.add_argument(
        "--business-port",
        type=int,
        default=8002,
        help=_("the port `accountlink up` runs %(brand)s for Business on") % {"brand": BRAND},
    )
    reconcile.set_defaults(handler=command_reconcile)

    screenshots = commands.add_parser(
        "help-screenshots",
        help=_("walk every help article on a fresh system and save each step's screenshot, per language"),
    )
    screenshots.add_argument(
        "--language", action="append", help=_("only this language (repeat for more; default: all)")
    )
    screenshots.add_argument("--out", help=_("where to save them (default: the help center's static files)"))
    screenshots.add_argument("--chromium", default="/usr/bin/chromium", help=_("the browser to drive"))
    screenshots.set_defaults(handler=command_help_screenshots)

    add_status_parser(commands)

    manage = commands.add_parser("manage", help=_("run a Django management command on one platform"))
    manage.add_argument("platform", choices=sorted(PLATFORMS))
    manage.add_argument("--data-dir", default=None)
    manage.add_argument("arguments", nargs=argparse.REMAINDER)
    manage.set_defaults(handler=command_manage)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        result: int = args.handler(args)
    except CliError as error:
        print(f"accountlink: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return result


if __name__ == "__main__":
    sys.exit(main())
