"""``python -m pariah.cases``: print the coverage tables of the bundled cases (docs/DATA.md)."""
from pariah.cases import coverage_markdown

print(coverage_markdown(), end="")
