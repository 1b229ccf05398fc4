-- Finds an entry by its patient reference: the register's search for one patient, and an
-- import's check for rows that repeat an entry (same reference, department, DMCG and date).
CREATE INDEX offers_patient_ref ON offers(patient_ref, site_code, dmcg, decision_date);
