"""The layout zoo: returns laid out the many ways people type them, written by programs that are
not cbc (openpyxl, xlsxwriter, xlwt, LibreOffice), from the notice's own wording written out
here (notice.py) — never from cbc's edition, writers or tests/samples.py."""
