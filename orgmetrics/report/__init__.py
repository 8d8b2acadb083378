"""The versioned audit report: escaping, tables, figures, sections, render engines, manifest.

Public API: `render_report`, `verify_report`, `ReportResult`.
"""

from orgmetrics.report.render import ReportResult, render_report
from orgmetrics.report.verify import verify_report

__all__ = ["ReportResult", "render_report", "verify_report"]
