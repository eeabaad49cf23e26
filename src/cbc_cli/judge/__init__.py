"""Located raw values -> typed values and findings: one file at a time, never printing."""
