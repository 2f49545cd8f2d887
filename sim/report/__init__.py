"""Results to files, tables and figures (the I/O boundary out)."""
