"""Batch scoring: many evidence files -> one small row per file -> a county summary.

Nothing is lost and nothing stops the batch: every input file ends up either as a scored
:class:`~dangjian_audit.models.county.SchoolRow` or as an
:class:`~dangjian_audit.models.county.InvalidRow` with its diagnostics. Each school is scored
by :func:`dangjian_audit.report.audit_file`, exactly as ``check`` scores it alone.

The jobs live in their own modules: :mod:`.discover` (which files), :mod:`.run` (the pool
and the per-school reports), :mod:`.aggregate` (the county summary, rows spilled to disk)
and :mod:`.names` (safe report names). Where output goes, the progress bar and exit codes
belong to the CLI.
"""

from dangjian_audit.batch.aggregate import CountyAggregator, Ranking, RowStore, RowView
from dangjian_audit.batch.discover import EXTENSIONS, discover
from dangjian_audit.batch.names import MAX_STEM, ReportNamer, report_path, safe_stem
from dangjian_audit.batch.run import (
    MAX_FILE_BYTES,
    PARALLEL_MIN_FILES,
    PARTIAL_PREFIX,
    BatchOptions,
    chunksize,
    default_jobs,
    init_worker,
    iter_rows,
    run_batch,
    score_file,
)

__all__ = [
    "EXTENSIONS", "MAX_FILE_BYTES", "MAX_STEM", "PARALLEL_MIN_FILES", "PARTIAL_PREFIX", "BatchOptions",
    "CountyAggregator", "Ranking", "ReportNamer", "RowStore", "RowView", "chunksize", "default_jobs", "discover",
    "init_worker", "iter_rows", "report_path", "run_batch", "safe_stem", "score_file",
]
