-- Addresses and phones of the county labour employment offices and township labour and social
-- security stations, entered by county staff in the portal (页面“联系方式”). The plan gives
-- none, so the site, the 明白卡 and the packs print only what is stored here, and say
-- "not entered yet" otherwise. One row per area (county or township); who and when is kept
-- here and, with the before and after values, in audit_log.
-- The public site's address is the settings row 'site_url' (set by city staff, audited).

CREATE TABLE office_contacts (
    area_code   TEXT PRIMARY KEY REFERENCES areas(code),
    office_name TEXT NOT NULL CHECK (length(office_name) BETWEEN 1 AND 60),
    address     TEXT CHECK (address IS NULL OR length(address) BETWEEN 1 AND 120),
    phone       TEXT CHECK (phone IS NULL OR length(phone) BETWEEN 7 AND 20),
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL
);
