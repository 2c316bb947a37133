"""The presentation layer, shared by the command line, the web app and the report.

- ``pariah.present.records``: library results as plain records (JSON-ready rows), with a cache per ledger;
- ``pariah.present.maps``: the world map of ladder levels (SVG) and its colours;
- ``pariah.present.pages``: the Jinja2 environment and the templates of the pages and the report;
- ``pariah.present.sources``: source texts as escaped HTML with links.

The figures live in ``pariah.report.figures`` and the report in ``pariah.report.html``.
"""
