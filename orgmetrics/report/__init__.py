"""The versioned audit report: escaping, tables, figures, sections, render engines, manifest."""
