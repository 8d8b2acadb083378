"""One module per sub-command of the `orgmetrics` CLI (see `orgmetrics.cli`)."""
