"""Enterprise import from Excel (.xlsx) and CSV: pure parsers, header table, reader, validator,
writers (a per-record audited path for small files, a bulk path for large ones) and the service.
"""
