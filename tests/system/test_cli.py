"""The ``accountlink`` command as a user runs it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from accountlink.kit.notify import outbox

ACCOUNTLINK = [sys.executable, "-m", "accountlink.cli"]


def run(*args: str, language: str = "C") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LANGUAGE": language, "LC_ALL": "C.UTF-8"}
    return subprocess.run([*ACCOUNTLINK, *args], capture_output=True, text=True, timeout=60, check=False, env=env)


def test_up_refuses_a_busy_port_in_one_line(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run("up", "--data-dir", str(tmp_path), "--consumer-port", str(port), "--business-port", "0")
    assert result.returncode == 1
    assert result.stderr.strip() == f"accountlink: port {port} is already in use; choose another with --consumer-port"
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("language", ["ja", "es"])
def test_cli_errors_speak_the_terminal_language(tmp_path: Path, language: str) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run("up", "--data-dir", str(tmp_path), "--business-port", str(port), language=language)
    assert result.returncode == 1
    assert str(port) in result.stderr and "--business-port" in result.stderr
    assert "already in use" not in result.stderr
    empty = run("outbox", "--data-dir", str(tmp_path), language=language)
    assert empty.stdout.strip() and empty.stdout.strip() != "No messages."


def test_up_refuses_the_same_port_twice(tmp_path: Path) -> None:
    result = run("up", "--data-dir", str(tmp_path), "--consumer-port", "8123", "--business-port", "8123")
    assert result.returncode == 1 and result.stderr.startswith("accountlink: ")
    assert len(result.stderr.strip().splitlines()) == 1


def test_up_refuses_a_port_out_of_range(tmp_path: Path) -> None:
    result = run("up", "--data-dir", str(tmp_path), "--consumer-port", "70000")
    assert result.returncode == 1 and "between 1 and 65535" in result.stderr


def test_up_needs_at_least_one_web_worker(tmp_path: Path) -> None:
    result = run("up", "--data-dir", str(tmp_path), "--web-workers", "0")
    assert result.returncode == 1 and result.stderr.strip() == "accountlink: --web-workers must be at least 1"


def test_up_rejects_a_non_numeric_port(tmp_path: Path) -> None:
    result = run("up", "--consumer-port", "eighty")
    assert result.returncode == 2 and "invalid int value" in result.stderr


def test_help_screenshots_refuses_an_unknown_language_in_one_line() -> None:
    result = run("help-screenshots", "--language", "fr")
    assert result.returncode == 1 and result.stderr.strip() == "accountlink: unknown language fr"


def test_help_screenshots_says_where_it_looked_for_the_browser(tmp_path: Path) -> None:
    result = run("help-screenshots", "--chromium", str(tmp_path / "no-chromium"), "--out", str(tmp_path / "shots"))
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"accountlink: no browser at {tmp_path / 'no-chromium'}; install chromium or pass --chromium"
    )
    assert not (tmp_path / "shots").exists()  # nothing was started or written


def write_messages(data_dir: Path) -> None:
    box = data_dir / "outbox"
    outbox.write(box, outbox.new_message("consumer", "email", "sakura@example.com", "Welcome", "Hello"))
    outbox.write(box, outbox.new_message("business", "sms", "+819012345678", "", "123456 is your code"))
    outbox.write(box, outbox.new_message("business", "email", "sakura.biz@example.com", "Code", "654321"))


def test_outbox_lists_messages_as_json(tmp_path: Path) -> None:
    write_messages(tmp_path)
    result = run("outbox", "--data-dir", str(tmp_path), "--json")
    messages = json.loads(result.stdout)
    assert [m["to"] for m in messages] == ["sakura@example.com", "+819012345678", "sakura.biz@example.com"]
    assert set(messages[0]) == {"platform", "channel", "to", "subject", "body", "sent_at"}


def test_outbox_filters_by_platform_recipient_and_last(tmp_path: Path) -> None:
    write_messages(tmp_path)
    business = json.loads(run("outbox", "--data-dir", str(tmp_path), "--platform", "business", "--json").stdout)
    assert {m["platform"] for m in business} == {"business"}
    last = json.loads(run("outbox", "--data-dir", str(tmp_path), "--to", "+81 90 1234 5678", "--last", "--json").stdout)
    assert last["body"] == "123456 is your code" and last["channel"] == "sms"
    text = run("outbox", "--data-dir", str(tmp_path), "--to", "sakura@example.com").stdout
    assert "Subject: Welcome" in text and "Hello" in text


def test_outbox_says_clearly_when_there_is_nothing(tmp_path: Path) -> None:
    assert run("outbox", "--data-dir", str(tmp_path)).stdout.strip() == "No messages."
    assert json.loads(run("outbox", "--data-dir", str(tmp_path), "--json").stdout) == []
    result = run("outbox", "--data-dir", str(tmp_path), "--to", "x@example.com", "--last")
    assert result.returncode == 1 and result.stderr.strip() == "accountlink: no messages found for x@example.com"


def test_outbox_rejects_an_unknown_platform(tmp_path: Path) -> None:
    result = run("outbox", "--data-dir", str(tmp_path), "--platform", "both")
    assert result.returncode == 2 and "invalid choice" in result.stderr


def register(data_dir: Path, *extra: str, language: str = "C") -> subprocess.CompletedProcess[str]:
    return run(
        "register-client",
        "--data-dir",
        str(data_dir),
        "--name",
        "Partner App",
        "--redirect-uri",
        "https://partner.example/oauth/callback",
        "--webhook-url",
        "https://partner.example/webhooks/loop",
        *extra,
        language=language,
    )


def test_register_client_prints_a_key_and_secret_and_keeps_them(tmp_path: Path) -> None:
    first = register(tmp_path, "--json")
    assert first.returncode == 0, first.stderr
    created = json.loads(first.stdout)
    assert created["created"] is True
    assert created["redirect_uris"] == ["https://partner.example/oauth/callback"]
    assert created["scopes"] == ["user.info.basic", "user.info.profile"]
    assert len(created["client_secret"]) >= 43

    again = json.loads(register(tmp_path, "--json").stdout)
    assert again["created"] is False
    assert (again["client_key"], again["client_secret"]) == (created["client_key"], created["client_secret"])

    rotated = json.loads(register(tmp_path, "--json", "--rotate-secret").stdout)
    assert rotated["client_key"] == created["client_key"]
    assert rotated["client_secret"] != created["client_secret"]


def test_register_client_stores_the_secret_sealed_not_in_plain_text(tmp_path: Path) -> None:
    created = json.loads(register(tmp_path, "--json").stdout)
    database = (tmp_path / "consumer.sqlite3").read_bytes()
    assert created["client_key"].encode() in database
    assert created["client_secret"].encode() not in database


def test_register_client_prints_a_readable_summary(tmp_path: Path) -> None:
    result = register(tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("Registered: Partner App")
    assert "client_secret:" in result.stdout


@pytest.mark.parametrize(
    ("argument", "message"),
    [
        (("--redirect-uri", "not-a-url"), "accountlink: not a valid redirect URI: not-a-url"),
        (("--redirect-uri", "https://partner.example/cb#frag"), "accountlink: a redirect URI cannot have a fragment"),
        (("--scopes", "user.info.basic,video.upload"), "accountlink: unknown scopes: video.upload"),
    ],
)
def test_register_client_refuses_bad_input_in_one_line(tmp_path: Path, argument: tuple[str, str], message: str) -> None:
    result = register(tmp_path, *argument)
    assert result.returncode == 1
    assert result.stderr.strip().startswith(message)
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_every_preparation_step_of_up_is_told_the_addresses_it_was_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A step that reaches the other platform (a revocation queued while making demo links) must reach
    the system on the ports ``up`` was given, never the defaults 8001 and 8002."""
    from accountlink.devtools import processes, system

    seen: list[tuple[str, dict[str, str]]] = []

    def fake_run(command: list[str], **options: object) -> subprocess.CompletedProcess[str]:
        env = options["env"]
        assert isinstance(env, dict)
        seen.append((command[5], env))
        output = {"register_client": '{"client_key": "k", "client_secret": "s"}', "load_demo_links": '["maria"]'}
        return subprocess.CompletedProcess(command, 0, stdout=output.get(command[5], "[]"), stderr="")

    monkeypatch.setattr(processes.subprocess, "run", fake_run)
    urls = {"consumer": "http://127.0.0.1:8151", "business": "http://127.0.0.1:8152"}

    system.prepare_system(tmp_path, urls, quiet=True)

    steps = [step for step, _env in seen]
    assert steps.count("migrate") == 2 and "demo_grants" in steps and steps.count("load_demo_links") == 2
    for step, env in seen:
        assert env["ACCOUNTLINK_CONSUMER_URL"] == urls["consumer"], step
        assert env["ACCOUNTLINK_BUSINESS_URL"] == urls["business"], step
