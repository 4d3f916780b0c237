-- Quarterly reports can be reopened by city staff, like monthly ones: who, when and why.
ALTER TABLE quarterly_reports ADD COLUMN reopened_at TEXT;
ALTER TABLE quarterly_reports ADD COLUMN reopened_by TEXT;
ALTER TABLE quarterly_reports ADD COLUMN reopen_reason TEXT;
