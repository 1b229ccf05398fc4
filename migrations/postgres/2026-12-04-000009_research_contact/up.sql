-- A department's research unit and how to reach it (reference data, edited by DCCC);
-- unknown until an administrator fills it in.
ALTER TABLE sites ADD COLUMN research_unit TEXT;
ALTER TABLE sites ADD COLUMN research_email TEXT;
ALTER TABLE sites ADD COLUMN research_phone TEXT;
