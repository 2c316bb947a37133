"""The command line: parse, call the library, format. No SQL and no statistics here.

``common`` holds what every command shares (the app, ``--db``, the output formats, the error
handling); each other module holds the commands of one topic and adds them to ``common.app``.
"""
# Imported in the order their commands appear in --help; each adds its commands to ``common.app``.
from pariah.cli import ledger, measure, brief, forecast, leverage, demo, web, events  # noqa: F401,I001
from pariah.cli.common import app, main

__all__ = ["app", "main"]
