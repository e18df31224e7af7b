"""JSON logs: the formatter the ini file's logging configuration may name."""

import json
import logging
import logging.config

from shopcms.operations.logs import JSONFormatter

CONFIG = """
[loggers]
keys = root

[handlers]
keys = file

[formatters]
keys = json

[logger_root]
level = INFO
handlers = file

[handler_file]
class = FileHandler
args = ({path!r},)
formatter = json

[formatter_json]
class = shopcms.operations.logs.JSONFormatter
"""


def test_an_ini_logging_configuration_writes_one_json_object_a_line(tmp_path):
    log_file = tmp_path / "shop.log"
    ini = tmp_path / "logging.ini"
    ini.write_text(CONFIG.format(path=str(log_file)))
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        logging.config.fileConfig(ini, disable_existing_loggers=False)
        log = logging.getLogger("shopcms.test")
        log.warning("an order of %s euro\nwith a second line", "20.45", extra={"order": "2026-1"})
        try:
            raise RuntimeError("the statistics database\nis gone")
        except RuntimeError:
            log.exception("could not flush")
        for handler in root.handlers:
            handler.flush()
    finally:
        for handler in root.handlers:
            handler.close()
        root.handlers[:], root.level = saved
    lines = log_file.read_text().splitlines()
    assert len(lines) == 2
    first, second = map(json.loads, lines)
    assert first["message"] == "an order of 20.45 euro\nwith a second line"
    assert first["level"] == "WARNING" and first["logger"] == "shopcms.test"
    assert first["order"] == "2026-1" and first["time"].endswith("+00:00")
    assert (
        second["level"] == "ERROR"
        and "RuntimeError: the statistics database" in second["exception"]
    )


def test_values_json_cannot_write_are_written_as_their_repr():
    record = logging.LogRecord("x", logging.INFO, "f", 1, "m", (), None)
    record.thing = object()
    assert json.loads(JSONFormatter().format(record))["thing"].startswith("<object object")
