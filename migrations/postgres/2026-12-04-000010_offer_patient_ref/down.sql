DROP INDEX offers_patient_ref;
