"""Allow ``python -m dangjian_audit``."""

from dangjian_audit.cli import main

main()
