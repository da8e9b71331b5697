"""Keep one-time tokens out of the request log (DESIGN §8).

Django logs the path of every 4xx answer ("Gone: /support/recover/<token>/"). A recovery link that
is refused is used, expired or made up, but its token still has no place in a log.
"""

from __future__ import annotations

import logging
import re

TOKEN_IN_PATH = re.compile(r"(/support/recover/)[^/\s]+")


class RedactTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = TOKEN_IN_PATH.sub(r"\1[redacted]", message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True
