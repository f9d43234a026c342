"""Ledger workbooks (台账): the evidence as an Excel/WPS workbook, generated from the evidence model, and back."""
