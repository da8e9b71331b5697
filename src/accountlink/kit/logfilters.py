"""Log filters and the JSON log format.

Keep one-time tokens out of the request log (DESIGN §8): Django logs the path of every 4xx answer
("Gone: /support/recover/<token>/"). A recovery link that is refused is used, expired or made up,
but its token still has no place in a log. Every record carries the request id (kit.requestid).
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

from accountlink.kit.requestid import current_request_id

TOKEN_IN_PATH = re.compile(r"(/support/recover/)[^/\s]+")


class RedactTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = TOKEN_IN_PATH.sub(r"\1[redacted]", message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


class RequestId(logging.Filter):
    """Adds ``request_id`` (the request's or the task's, ``-`` outside both) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line (``ACCOUNTLINK_LOG_FORMAT=json``): time, level, logger, message,
    request id, and the traceback when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
            "process": record.process,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
