"""The file boundary on the way in: checks before any parser (guard), grids of cells
(python-calamine), and where each field's value is (locate). Imports only the model."""
