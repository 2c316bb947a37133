"""Reports and figures: the self-contained HTML case report (``pariah.report.html``) and
publication figures (``pariah.report.figures``).

>>> from pariah import report
>>> from pariah.ledger import Ledger
>>> ledger = Ledger("sqlite://")
>>> case = ledger.case("taliban-2021")
>>> report.case_report(case, ledger.acts(case.id), "taliban.html")   # doctest: +SKIP
"""
from pariah.present.sources import link_sources
from pariah.report.html import case_report, status_report

__all__ = ["case_report", "link_sources", "status_report"]
