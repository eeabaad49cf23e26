"""The file boundary on the way out: forms, summaries and annotated copies. Imports only the model."""
