"""The built-in demo organisation: a deterministic synthetic org and a fake GitHub serving it."""
