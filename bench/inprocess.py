"""What a request costs inside Django alone: the WSGI handler called directly, no HTTP server.

``bench/tokens.py`` measures requests per second through gunicorn, where the server's own work on
each request (reading it, writing the answer, the event loop) is the same for Loop and for the
reference and, for a request as light as Loop's user info, is most of the total. This measures the
rest, in a platform's (or the reference's) own Django: ``code(requests)`` is Python for ``manage.py
shell -c`` that calls each request's view through ``WSGIHandler`` for every value in a file of tokens
(each value in turn), best of ``ROUNDS`` rounds, and prints one JSON object of milliseconds per request.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

ROUNDS = 5
PER_ROUND = 1000

_CODE = r"""
import io, json, sys, time
from django.core.handlers.wsgi import WSGIHandler

handler = WSGIHandler()
requests = json.loads(%(requests)r)
values = json.load(open(%(tokens)r))["access"]


def call(request, value):
    body = request["body"].replace("{value}", value).encode()
    environ = {"REQUEST_METHOD": request["method"], "PATH_INFO": request["path"], "SERVER_NAME": "127.0.0.1",
               "QUERY_STRING": request["query"], "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1",
               "REMOTE_ADDR": "127.0.0.1", "wsgi.input": io.BytesIO(body), "wsgi.url_scheme": "http",
               "wsgi.errors": sys.stderr, "CONTENT_LENGTH": str(len(body))}
    if body:
        environ["CONTENT_TYPE"] = "application/x-www-form-urlencoded"
    if request["bearer"]:
        environ["HTTP_AUTHORIZATION"] = "Bearer " + value
    status = []
    answer = handler(environ, lambda line, headers, *rest: status.append(line))
    b"".join(answer)
    answer.close()
    if not status[0].startswith("200"):
        raise SystemExit(f"{request['name']}: {status[0]}")


measured = {}
for request in requests:
    for value in values[:100]:  # warm: imports, caches, the connection
        call(request, value)
    best = float("inf")
    for _ in range(%(rounds)d):
        started = time.perf_counter()
        for number in range(%(per_round)d):
            call(request, values[number %% len(values)])
        best = min(best, (time.perf_counter() - started) / %(per_round)d * 1000)
    measured[request["name"]] = best
print(json.dumps(measured))
"""


@dataclass(frozen=True)
class Request:
    """A request to time; ``{value}`` in ``body`` is replaced by each token; ``bearer`` sends it as one."""

    name: str
    method: str
    path: str
    query: str = ""
    body: str = ""
    bearer: bool = False


def code(requests: list[Request], tokens: str) -> str:
    """Python for ``manage.py shell -c`` that prints ``{name: ms per request}``; ``tokens`` is the JSON
    file of access tokens ``bench/tokens.py`` minted (``{"access": [...]}``)."""
    listed = json.dumps([asdict(request) for request in requests])
    return _CODE % {"requests": listed, "tokens": tokens, "rounds": ROUNDS, "per_round": PER_ROUND}
