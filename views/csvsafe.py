"""CSV formula injection: text cells a spreadsheet would run as a formula are written as plain text.

Registry names, operators and borough names come from files anyone can add to; a cell such as
``=HYPERLINK(...)`` or ``+cmd|...`` runs when the CSV is opened in Excel or LibreOffice. As OWASP advises,
text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading single quote, and a
line break inside a cell becomes a space (so no cell can start a row of its own).
Numeric columns are left as they are: a negative number stays a number.
"""

from __future__ import annotations

import pandas as pd

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``value`` with a leading quote when it is text a spreadsheet would read as a formula, and with its line
    breaks as spaces (pandas leaves a field holding a lone CR unquoted: the rest would start a new row)."""
    if not isinstance(value, str):
        return value
    if value.startswith(TRIGGERS):
        value = "'" + value
    return value.replace("\r\n", " ").replace("\r", " ").replace("\n", " ")


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells (and column names) cannot start a formula; numbers and dates untouched."""
    out = frame.copy()
    for col in out.columns:
        if not (pd.api.types.is_numeric_dtype(out[col]) or pd.api.types.is_datetime64_any_dtype(out[col])):
            out[col] = out[col].map(safe_cell)
    out.columns = [safe_cell(c) for c in out.columns]
    return out
