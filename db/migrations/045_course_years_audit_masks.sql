-- 技工院校学生: the course length (学制, in years) is entered with the record, so the family
-- grant (3000元/生/年) is bounded by it when no leave date is known. Old rows keep NULL: the
-- subsidy page names them and counts no year that neither a leave date nor a 学制 bounds.
ALTER TABLE school_students ADD COLUMN course_years INTEGER
    CHECK (course_years IS NULL OR course_years BETWEEN 1 AND 6);

-- The audit log keeps ID numbers and phones masked (as portal/audit.py writes them from now
-- on): region and last four of an ID number, first three and last four of a phone. Rows
-- already masked (containing '*') are left alone.
UPDATE audit_log SET before_json = json_set(before_json, '$.id_number',
    substr(json_extract(before_json, '$.id_number'), 1, 6)
    || substr('********************', 1, length(json_extract(before_json, '$.id_number')) - 10)
    || substr(json_extract(before_json, '$.id_number'), -4))
WHERE json_valid(before_json) AND json_type(before_json, '$.id_number') = 'text'
  AND instr(json_extract(before_json, '$.id_number'), '*') = 0
  AND length(json_extract(before_json, '$.id_number')) >= 10;

UPDATE audit_log SET after_json = json_set(after_json, '$.id_number',
    substr(json_extract(after_json, '$.id_number'), 1, 6)
    || substr('********************', 1, length(json_extract(after_json, '$.id_number')) - 10)
    || substr(json_extract(after_json, '$.id_number'), -4))
WHERE json_valid(after_json) AND json_type(after_json, '$.id_number') = 'text'
  AND instr(json_extract(after_json, '$.id_number'), '*') = 0
  AND length(json_extract(after_json, '$.id_number')) >= 10;

UPDATE audit_log SET before_json = json_set(before_json, '$.phone',
    substr(json_extract(before_json, '$.phone'), 1, 3)
    || substr('********************', 1, length(json_extract(before_json, '$.phone')) - 7)
    || substr(json_extract(before_json, '$.phone'), -4))
WHERE json_valid(before_json) AND json_type(before_json, '$.phone') = 'text'
  AND instr(json_extract(before_json, '$.phone'), '*') = 0
  AND length(json_extract(before_json, '$.phone')) >= 8;

UPDATE audit_log SET after_json = json_set(after_json, '$.phone',
    substr(json_extract(after_json, '$.phone'), 1, 3)
    || substr('********************', 1, length(json_extract(after_json, '$.phone')) - 7)
    || substr(json_extract(after_json, '$.phone'), -4))
WHERE json_valid(after_json) AND json_type(after_json, '$.phone') = 'text'
  AND instr(json_extract(after_json, '$.phone'), '*') = 0
  AND length(json_extract(after_json, '$.phone')) >= 8;

UPDATE audit_log SET before_json = json_set(before_json, '$.contact_phone',
    substr(json_extract(before_json, '$.contact_phone'), 1, 3)
    || substr('********************', 1, length(json_extract(before_json, '$.contact_phone')) - 7)
    || substr(json_extract(before_json, '$.contact_phone'), -4))
WHERE json_valid(before_json) AND json_type(before_json, '$.contact_phone') = 'text'
  AND instr(json_extract(before_json, '$.contact_phone'), '*') = 0
  AND length(json_extract(before_json, '$.contact_phone')) >= 8;

UPDATE audit_log SET after_json = json_set(after_json, '$.contact_phone',
    substr(json_extract(after_json, '$.contact_phone'), 1, 3)
    || substr('********************', 1, length(json_extract(after_json, '$.contact_phone')) - 7)
    || substr(json_extract(after_json, '$.contact_phone'), -4))
WHERE json_valid(after_json) AND json_type(after_json, '$.contact_phone') = 'text'
  AND instr(json_extract(after_json, '$.contact_phone'), '*') = 0
  AND length(json_extract(after_json, '$.contact_phone')) >= 8;
