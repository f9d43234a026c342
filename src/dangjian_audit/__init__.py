"""dangjian-audit: compliance-as-code for school Party-building inspections."""

__version__ = "0.1.0"
