"""The county ledger (台账): import from spreadsheets, viewing and editing, the three lists."""
