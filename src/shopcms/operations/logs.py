"""JSON logs, one object a line, for a log collector (journald, Loki, Elasticsearch).

A formatter for the ini file's logging configuration (development.ini and production.ini
show it commented out)::

    [formatters]
    keys = generic, json

    [formatter_json]
    class = shopcms.operations.logs.JSONFormatter

    [handler_console]
    ...
    formatter = json

Each record becomes ``{"time": ISO 8601 in UTC, "level", "logger", "message", "thread",
"process"}``, with ``"exception"`` (the traceback as text) when there is one, and any
``extra={...}`` values given to the logging call that JSON can write.  A record is always
one line: newlines in a message or a traceback are escaped by JSON.
"""

import json
import logging
from datetime import UTC, datetime

#: The attributes every LogRecord has: not "extra" values.
STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "taskName",
}


class JSONFormatter(logging.Formatter):
    """A record as one line of JSON (see the module)."""

    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "thread": record.threadName,
            "process": record.process,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        for key, value in vars(record).items():
            if key not in STANDARD and key not in entry:
                try:
                    json.dumps(value)
                except (TypeError, ValueError):
                    value = repr(value)
                entry[key] = value
        return json.dumps(entry, ensure_ascii=False)
