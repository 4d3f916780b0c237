"""Monthly (月报) and quarterly (季报) progress reports: figures, filing and locking, files."""
