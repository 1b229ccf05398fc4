ALTER TABLE sites DROP COLUMN research_phone;
ALTER TABLE sites DROP COLUMN research_email;
ALTER TABLE sites DROP COLUMN research_unit;
