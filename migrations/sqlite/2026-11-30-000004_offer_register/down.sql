ALTER TABLE dmcgs DROP COLUMN offer_standard_pct;
DROP TABLE offer_register_state;
DROP TABLE offer_monthly;
DROP TABLE offers;
