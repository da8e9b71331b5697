"""Loop's machine endpoints against a stock django-oauth-toolkit project (issue 18, "Lean token endpoints").

Measures requests per second of

  - ``GET /v2/user/info/`` with a bearer token,
  - ``POST /v2/oauth/introspect/`` (RFC 7662, the business platform's check of a token),
  - ``POST /v2/oauth/token/`` with ``grant_type=refresh_token`` (a new token pair each time),

on Loop as ``accountlink up`` runs it (gunicorn, 2 workers x 4 threads, the embedded SQLite), and the
same three on a reference project served by the same gunicorn settings on the same SQLite options
(``bench/reference``: ``startproject``'s settings, django-oauth-toolkit's ``ProtectedResourceView``,
its introspection and token views), plus a bare Django view in that project. The load comes from
``wrk`` in a second process (8 connections, 2 threads); each figure is the median of ``--runs`` runs.
Every refresh presents a refresh token never presented before; no request may fail.

Targets: user info ≥ 3x DOT and ≥ 0.5x the bare view; introspection and refresh ≥ 3x DOT.

For context it also times user info and introspection inside each project's Django alone, with no
server (``bench/inprocess.py``): through a server, each request also pays the server's own work, the
same for both sides, which pulls the ratios toward 1.

    .venv/bin/python bench/tokens.py [--seconds 8] [--runs 3] [--only refresh]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import inprocess  # noqa: E402
from tests.e2e.cluster import Cluster, answers_http, free_ports  # noqa: E402

CONNECTIONS = 8
WRK_THREADS = 2
# Refresh tokens minted per run and server: more than a run can present.
REFRESH_TOKENS_PER_RUN = 25_000
ACCESS_TOKENS = 500
FIGURES = ("user info", "introspection", "refresh")
USER_INFO_FIELDS = "open_id,union_id,avatar_url,display_name"

# Each wrk thread walks its own share of a file of tokens, so no value is presented twice.
LUA = """
local values, next_index, step = {}, 0, 1
function setup(thread)
  thread:set("offset", counter or 0)
  counter = (counter or 0) + 1
end
function init(args)
  for line in io.lines(args[1]) do values[#values + 1] = line end
  next_index, step = offset, tonumber(args[2])
end
function request()
  local value = values[(next_index % #values) + 1]
  next_index = next_index + step
  ACTION
end
"""
BEARER = 'return wrk.format("GET", nil, {["Authorization"] = "Bearer " .. value}, nil)'
POST = 'return wrk.format("POST", nil, {["Content-Type"] = "application/x-www-form-urlencoded"}, "%s" .. value)'

MINT_LOOP = """
import json, secrets, uuid
from datetime import timedelta
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_refresh_token_model, set_token_value
from accountlink.consumer.oauth.models import AppPermission, Client
AccessToken, RefreshToken = get_access_token_model(), get_refresh_token_model()
client = Client.objects.get(client_id=%(client_key)r)
grants = list(AppPermission.objects.filter(client=client).select_related("account"))
scope = AccessToken.objects.filter(application=client).values_list("scope", flat=True).first()
expires = timezone.now() + timedelta(hours=2)
out = {"access": [], "refresh": []}
def mint(count, kind):
    access_rows, values = [], []
    for number in range(count):
        account = grants[number %% len(grants)].account
        value = secrets.token_urlsafe(32)
        row = AccessToken(user=account, application=client, expires=expires, scope=scope)
        set_token_value(row, value)
        access_rows.append(row)
        values.append(value)
    AccessToken.objects.bulk_create(access_rows, batch_size=2000)
    if kind == "access":
        return values
    refresh_rows, values = [], []
    for row in access_rows:
        value = secrets.token_urlsafe(32)
        refresh = RefreshToken(user=row.user, application=client, access_token=row, token_family=uuid.uuid4())
        set_token_value(refresh, value)
        refresh_rows.append(refresh)
        values.append(value)
    RefreshToken.objects.bulk_create(refresh_rows, batch_size=2000)
    return values
with open(%(path)r, "w") as out_file:
    json.dump({"access": mint(%(access)d, "access"), "refresh": [mint(%(refresh)d, "refresh") for _ in range(%(runs)d)]}, out_file)
print(json.dumps(len(grants)))
"""

MINT_REFERENCE = """
import json, secrets, uuid
from datetime import timedelta
from django.contrib.auth.models import User
from django.utils import timezone
from oauth2_provider.models import AccessToken, Application, RefreshToken
users = User.objects.bulk_create([User(username=f"person{number}") for number in range(50)])
users = list(User.objects.all())
app = Application.objects.create(
    name="business", client_id=%(client_key)r, client_secret=%(client_secret)r, hash_client_secret=False,
    client_type="confidential", authorization_grant_type="authorization-code",
    redirect_uris="https://business.example/callback",
)
expires = timezone.now() + timedelta(hours=2)
def mint(count, kind):
    access_rows, values = [], []
    for number in range(count):
        value = secrets.token_urlsafe(32)
        access_rows.append(AccessToken(user=users[number %% len(users)], application=app, expires=expires,
                                       scope="read", token=value))
        values.append(value)
    AccessToken.objects.bulk_create(access_rows, batch_size=2000)
    if kind == "access":
        return values
    refresh_rows, values = [], []
    for row in access_rows:
        value = secrets.token_urlsafe(32)
        refresh_rows.append(RefreshToken(user=row.user, application=app, access_token=row, token=value,
                                         token_family=uuid.uuid4()))
        values.append(value)
    RefreshToken.objects.bulk_create(refresh_rows, batch_size=2000)
    return values
with open(%(path)r, "w") as out_file:
    json.dump({"access": mint(%(access)d, "access"), "refresh": [mint(%(refresh)d, "refresh") for _ in range(%(runs)d)]}, out_file)
"""


@dataclass
class Server:
    """A web server under test, its tokens and its client credentials."""

    name: str
    url: str
    tokens: dict[str, list]
    client_key: str
    client_secret: str


@dataclass
class Load:
    rate: float
    failed: int
    total: int


def gunicorn(application: str, port: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """The reference served exactly as ``accountlink up`` serves a platform (processes.child_commands)."""
    command = [sys.executable, "-m", "gunicorn", application, "--config", "python:accountlink.gunicorn_conf",
               "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4", "--log-level", "warning"]  # fmt: skip
    with open(log, "ab") as out:
        return subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def wrk(url: str, seconds: float, directory: Path, *, values: list[str] | None = None, action: str = "") -> Load:
    """One wrk run; ``values`` are walked by ``action`` (a Lua line using ``value``)."""
    command = ["wrk", "-t", str(WRK_THREADS), "-c", str(CONNECTIONS), "-d", f"{int(seconds)}s", "--timeout", "10s"]
    if values is not None:
        listing = directory / f"values-{secrets.token_hex(4)}.txt"
        listing.write_text("\n".join(values) + "\n")
        script = directory / f"script-{secrets.token_hex(4)}.lua"
        script.write_text(LUA.replace("ACTION", action))
        command += ["-s", str(script), url, "--", str(listing), str(WRK_THREADS)]
    else:
        command.append(url)
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    failed_match = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    failed = int(failed_match.group(1)) if failed_match else 0
    if errors:
        failed += sum(int(part) for part in errors.groups())
    return Load(rate, failed, total)


def post_body(server: Server, fields: dict[str, str], last: str) -> str:
    pairs = [f"{key}={value}" for key, value in fields.items()]
    return "&".join([*pairs, f"{last}="])


def measure(server: Server, what: str, run: int, seconds: float, directory: Path, paths: dict[str, str]) -> Load:
    url = server.url + paths[what]
    credentials = {"client_key" if server.name == "Loop" else "client_id": server.client_key,
                   "client_secret": server.client_secret}  # fmt: skip
    if what == "user info":
        return wrk(url, seconds, directory, values=server.tokens["access"], action=BEARER)
    if what == "introspection":
        body = post_body(server, credentials, "token")
        return wrk(url, seconds, directory, values=server.tokens["access"], action=POST % body)
    if what == "refresh":
        body = post_body(server, {"grant_type": "refresh_token", **credentials}, "refresh_token")
        return wrk(url, seconds, directory, values=server.tokens["refresh"][run], action=POST % body)
    return wrk(url, seconds, directory)


def measure_inside(
    cluster: Cluster, loop_tokens: Path, reference_env: dict[str, str], reference_tokens: Path, key: str, secret: str
) -> dict[str, dict[str, float]]:
    """User info and introspection inside each project's Django alone (``bench/inprocess.py``)."""
    loop = [
        inprocess.Request("user info", "GET", "/v2/user/info/", query=f"fields={USER_INFO_FIELDS}", bearer=True),
        inprocess.Request("introspection", "POST", "/v2/oauth/introspect/",
                          body=f"client_key={key}&client_secret={secret}&token={{value}}"),
    ]  # fmt: skip
    reference = [
        inprocess.Request("user info", "GET", "/userinfo/", bearer=True),
        inprocess.Request("introspection", "POST", "/o/introspect/",
                          body=f"client_id={key}&client_secret={secret}&token={{value}}"),
        inprocess.Request("bare", "GET", "/bare/"),
    ]  # fmt: skip
    print("Timing user info and introspection inside Django alone (no server) …")
    answered = subprocess.run(
        [sys.executable, "-m", "django", "shell", "-c", inprocess.code(reference, str(reference_tokens))],
        env=reference_env, cwd=ROOT, check=True, capture_output=True, text=True,
    )  # fmt: skip
    return {
        "Loop": cluster.python("consumer", inprocess.code(loop, str(loop_tokens))),
        "DOT": json.loads(answered.stdout.strip().splitlines()[-1]),
    }


def report_inside(inside: dict[str, dict[str, float]]) -> None:
    """For context (no target): the same requests inside each project's Django alone. Through a server
    each request also costs the server's own work, the same for both sides, so the ratios through the
    server are smaller than these."""
    loop, dot = inside["Loop"], inside["DOT"]
    print(f"\nInside Django alone (the WSGI handler called directly, no server; best of {inprocess.ROUNDS} "
          f"rounds of {inprocess.PER_ROUND:,}), ms per request, for context (no target):")  # fmt: skip
    print(f"  {'what':<15} {'Loop':>8} {'DOT':>8}  {'vs DOT':>7}")
    for what in ("user info", "introspection"):
        print(f"  {what:<15} {loop[what]:>8.3f} {dot[what]:>8.3f}  {dot[what] / loop[what]:>6.1f}×")
    print(f"  {'bare view':<15} {'':>8} {dot['bare']:>8.3f}")
    print("  Through the server each request also pays the server's own work (parsing, writing the answer,")
    print("  the kernel, wrk on the same cores), the same for both sides: the ratios above are smaller for it.")


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not answers_http(url):
        if time.monotonic() > deadline:
            raise SystemExit(f"{url} did not answer within {timeout} s")
        time.sleep(0.2)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=8, help="length of each wrk run (default 8)")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure; the median is printed (default 3)")
    parser.add_argument("--only", choices=FIGURES, action="append", help="measure this figure only (repeatable)")
    args = parser.parse_args()
    args.only = args.only or list(FIGURES)
    subprocess.run([str(ROOT / "scripts/ensure-system-packages.sh"), "wrk"], check=True)

    with tempfile.TemporaryDirectory(prefix="bench-tokens-") as temporary:
        directory = Path(temporary)
        loop_port, business_port, reference_port = free_ports(3)
        log = directory / "servers.log"
        cluster = Cluster(
            data_dir=directory / "data",
            ports={"consumer": loop_port, "business": business_port},
            # TikTok's per-app limit on user info (600 a minute) would refuse the load itself.
            extra_env={"ACCOUNTLINK_USER_INFO_REQUESTS_PER_MINUTE": "100000000"},
            web_workers=2,
            log=open(log, "ab"),  # noqa: SIM115 (closed with the directory)
        )
        reference_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.reference.settings",
                         "REFERENCE_DB": str(directory / "reference.sqlite3"), "PYTHONPATH": str(ROOT)}  # fmt: skip
        reference: subprocess.Popen[bytes] | None = None
        try:
            print("Preparing Loop (migrations, demo data, the business platform's client) and the reference…")
            cluster.prepare()
            key, secret = cluster.client["client_key"], cluster.client["client_secret"]
            loop_tokens = directory / "loop-tokens.json"
            cluster.python("consumer", MINT_LOOP % {"client_key": key, "path": str(loop_tokens),
                                                    "access": ACCESS_TOKENS, "refresh": REFRESH_TOKENS_PER_RUN,
                                                    "runs": args.runs})  # fmt: skip
            manage = [sys.executable, "-m", "django"]
            subprocess.run([*manage, "migrate", "-v", "0"], env=reference_env, cwd=ROOT, check=True)
            reference_tokens = directory / "reference-tokens.json"
            code = MINT_REFERENCE % {"client_key": key, "client_secret": secret, "path": str(reference_tokens),
                                     "access": ACCESS_TOKENS, "refresh": REFRESH_TOKENS_PER_RUN, "runs": args.runs}  # fmt: skip
            subprocess.run([*manage, "shell", "-c", code], env=reference_env, cwd=ROOT, check=True)
            inside = measure_inside(cluster, loop_tokens, reference_env, reference_tokens, key, secret)

            cluster.start("consumer", "web")
            reference = gunicorn("bench.reference.wsgi:application", reference_port, reference_env, log)
            reference_url = f"http://127.0.0.1:{reference_port}"
            wait_for(f"{reference_url}/bare/")

            loop = Server("Loop", cluster.consumer_url, json.loads(loop_tokens.read_text()), key, secret)
            dot = Server("DOT", reference_url, json.loads(reference_tokens.read_text()), key, secret)
            loop_paths = {"user info": f"/v2/user/info/?fields={USER_INFO_FIELDS}",
                          "introspection": "/v2/oauth/introspect/", "refresh": "/v2/oauth/token/"}  # fmt: skip
            dot_paths = {"user info": "/userinfo/", "introspection": "/o/introspect/", "refresh": "/o/token/",
                         "bare": "/bare/"}  # fmt: skip
            plan = [(loop, "user info", loop_paths), (dot, "user info", dot_paths), (dot, "bare", dot_paths),
                    (loop, "introspection", loop_paths), (dot, "introspection", dot_paths),
                    (loop, "refresh", loop_paths), (dot, "refresh", dot_paths)]  # fmt: skip
            # Warm both servers (imports, connections) before anything counts.
            for server, what, paths in plan[:3]:
                measure(server, what, 0, 1, directory, paths)
            plan = [step for step in plan if step[1] in args.only or (step[1] == "bare" and "user info" in args.only)]
            results: dict[tuple[str, str], list[Load]] = {}
            for run in range(args.runs):
                for server, what, paths in plan:
                    results.setdefault((server.name, what), []).append(
                        measure(server, what, run, args.seconds, directory, paths)
                    )
        finally:
            if reference is not None:
                os.killpg(reference.pid, 15)
                reference.wait(15)
            cluster.stop_all()
        met = report(results, args)
        report_inside(inside)
        return 0 if met else 1


def report(results: dict[tuple[str, str], list[Load]], args: argparse.Namespace) -> bool:
    """Each ratio is the median of the runs' own ratios: a run measures Loop and its reference one after
    the other, so a slow minute of the machine slows both and leaves their ratio alone."""

    def rate(name: str, what: str) -> float:
        return statistics.median(load.rate for load in results[(name, what)])

    def ratios(what: str, reference: tuple[str, str]) -> list[float]:
        pairs = zip(results[("Loop", what)], results[reference], strict=True)
        return [ours.rate / theirs.rate for ours, theirs in pairs]

    failures = {key: sum(load.failed for load in loads) for key, loads in results.items()}
    print(f"\nRequests per second, median of {args.runs} runs of {args.seconds:g} s "
          f"(wrk, {CONNECTIONS} connections, from a second process); ratios: median of the runs' own:")  # fmt: skip
    print(
        f"  {'what':<15} {'Loop':>8} {'DOT':>8} {'bare':>8}  {'vs DOT':>7} {'target':>7}  {'vs bare':>7} {'target':>7}"
    )
    all_met = True
    for what in args.only:
        each_run = ratios(what, ("DOT", what))
        versus_dot = statistics.median(each_run)
        line = f"  {what:<15} {rate('Loop', what):>8.0f} {rate('DOT', what):>8.0f} "
        met = versus_dot >= 3
        if what == "user info":
            each_run_bare = ratios(what, ("DOT", "bare"))
            versus_bare = statistics.median(each_run_bare)
            met = met and versus_bare >= 0.5
            line += f"{rate('DOT', 'bare'):>8.0f}  {versus_dot:>6.2f}× {'≥ 3×':>7}  {versus_bare:>6.2f}× {'≥ 0.5×':>7}"
        else:
            line += f"{'':>8}  {versus_dot:>6.2f}× {'≥ 3×':>7}  {'':>7} {'':>7}"
        all_met = all_met and met
        print(f"{line}  {'met' if met else 'NOT MET'}")
        print(f"  {'':<15} each run vs DOT: {', '.join(f'{ratio:.2f}×' for ratio in each_run)}")
    failed = {f"{name} {what}": count for (name, what), count in failures.items() if count}
    if failed:
        all_met = False
        print(f"  failed requests (the figures above are void): {failed}")
    else:
        print("  every request answered 200")
    print(f"tokens: {'every target met' if all_met else 'a target is NOT met'}")
    return all_met


if __name__ == "__main__":
    raise SystemExit(main())
