DROP TRIGGER users_key_kept_for_offers ON users;
DROP TRIGGER users_kept_for_offers ON users;
DROP TRIGGER regions_key_kept_for_offers ON regions;
DROP TRIGGER regions_kept_for_offers ON regions;
DROP TRIGGER dmcgs_key_kept_for_offers ON dmcgs;
DROP TRIGGER dmcgs_kept_for_offers ON dmcgs;
DROP TRIGGER sites_key_kept_for_offers ON sites;
DROP TRIGGER sites_kept_for_offers ON sites;
DROP FUNCTION offers_referenced_row_kept();
DROP TRIGGER history_references_on_update ON history;
DROP TRIGGER history_references_on_insert ON history;
DROP FUNCTION history_check_references();
DROP TRIGGER offers_references_on_update ON offers;
DROP TRIGGER offers_references_on_insert ON offers;
DROP FUNCTION offers_check_references();
ALTER TABLE history ADD CONSTRAINT history_actor_id_fkey FOREIGN KEY (actor_id) REFERENCES users(id);
ALTER TABLE offers
    ADD CONSTRAINT offers_site_code_fkey FOREIGN KEY (site_code) REFERENCES sites(code),
    ADD CONSTRAINT offers_dmcg_fkey FOREIGN KEY (dmcg) REFERENCES dmcgs(acronym),
    ADD CONSTRAINT offers_residence_region_fkey FOREIGN KEY (residence_region) REFERENCES regions(code),
    ADD CONSTRAINT offers_created_by_fkey FOREIGN KEY (created_by) REFERENCES users(id);
