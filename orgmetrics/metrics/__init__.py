"""Pure metric functions over pandas frames, one module per contract section."""
