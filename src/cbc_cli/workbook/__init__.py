"""The file boundary: guarding, reading and writing workbooks. Nothing else touches files."""
