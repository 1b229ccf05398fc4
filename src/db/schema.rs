//! Diesel table definitions shared by the SQLite and PostgreSQL migrations.
//!
//! Written by hand (the two backends' migrations differ only in column types that map to the
//! same diesel types); flags are `SmallInt` because `MultiConnection` has no shared `Bool`.

diesel::table! {
    regions (code) {
        code -> Integer,
        name_da -> Text,
        name_en -> Text,
    }
}

diesel::table! {
    municipalities (code) {
        code -> Text,
        name -> Text,
        region_code -> Integer,
    }
}

diesel::table! {
    postcodes (postcode) {
        postcode -> Text,
        place -> Text,
        region_code -> Integer,
        municipality -> Nullable<Text>,
        lat -> Double,
        lon -> Double,
    }
}

diesel::table! {
    dmcgs (acronym) {
        acronym -> Text,
        name_da -> Text,
        area_da -> Text,
        area_en -> Text,
        icd10 -> Text,
        umbrella -> Nullable<Text>,
        scope -> Text,
        offer_standard_pct -> Nullable<Integer>,
    }
}

diesel::table! {
    sites (code) {
        code -> Text,
        hospital -> Text,
        department -> Text,
        region_code -> Integer,
        postcode -> Text,
        city -> Text,
        lat -> Double,
        lon -> Double,
        paediatric -> SmallInt,
        early_phase -> SmallInt,
        research_unit -> Nullable<Text>,
        research_email -> Nullable<Text>,
        research_phone -> Nullable<Text>,
    }
}

diesel::table! {
    pathways (code) {
        code -> Text,
        kind -> Text,
        name_da -> Text,
        name_en -> Text,
        site_code -> Nullable<Text>,
        age_min -> Nullable<Integer>,
        age_max -> Nullable<Integer>,
        settings -> Text,
        icd10 -> Text,
        requires_exhausted -> SmallInt,
        only_without_eligible -> SmallInt,
    }
}

diesel::table! {
    protocols (id) {
        id -> Integer,
        slug -> Text,
        acronym -> Text,
        title_da -> Nullable<Text>,
        title_en -> Nullable<Text>,
        summary_da -> Nullable<Text>,
        summary_en -> Nullable<Text>,
        dmcg -> Text,
        phase -> Text,
        recruitment_status -> Text,
        evidence_generating -> SmallInt,
        initiator -> Nullable<Text>,
        sponsor -> Nullable<Text>,
        contact_name -> Nullable<Text>,
        contact_email -> Nullable<Text>,
        contact_phone -> Nullable<Text>,
        opened_on -> Nullable<Date>,
        closes_on -> Nullable<Date>,
        target_enrolment -> Nullable<Integer>,
        interventions -> Text,
        keywords -> Text,
        review_status -> Text,
        is_demo -> SmallInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        last_confirmed_at -> Nullable<Timestamp>,
        last_reminded_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    protocol_other_dmcgs (protocol_id, dmcg) {
        protocol_id -> Integer,
        dmcg -> Text,
    }
}

diesel::table! {
    protocol_identifiers (protocol_id, scheme) {
        protocol_id -> Integer,
        scheme -> Text,
        value -> Text,
    }
}

diesel::table! {
    protocol_eligibility (protocol_id) {
        protocol_id -> Integer,
        age_min -> Nullable<Integer>,
        age_max -> Nullable<Integer>,
        sex -> Text,
        diagnoses -> Text,
        exclude_diagnoses -> Text,
        settings -> Text,
        stages -> Text,
        prior_lines_min -> Nullable<Integer>,
        prior_lines_max -> Nullable<Integer>,
        ecog_max -> Nullable<Integer>,
        criteria_text_da -> Nullable<Text>,
        criteria_text_en -> Nullable<Text>,
    }
}

diesel::table! {
    protocol_biomarkers (protocol_id, marker, excluded) {
        protocol_id -> Integer,
        marker -> Text,
        status -> Text,
        excluded -> SmallInt,
    }
}

diesel::table! {
    protocol_sites (protocol_id, site_code) {
        protocol_id -> Integer,
        site_code -> Text,
        status -> Text,
        position -> Integer,
        contact_name -> Nullable<Text>,
        contact_email -> Nullable<Text>,
        contact_phone -> Nullable<Text>,
    }
}

diesel::table! {
    registry_state (id) {
        id -> Integer,
        version -> BigInt,
    }
}

diesel::table! {
    /// A protocol's (`site_code` '') or department's recruitment status over time.
    status_intervals (id) {
        id -> Integer,
        protocol_id -> Integer,
        site_code -> Text,
        status -> Text,
        valid_from -> Timestamp,
        valid_to -> Nullable<Timestamp>,
        source -> Text,
    }
}

diesel::joinable!(status_intervals -> protocols (protocol_id));
diesel::joinable!(protocol_sites -> protocols (protocol_id));
diesel::joinable!(protocol_sites -> sites (site_code));
diesel::joinable!(protocol_eligibility -> protocols (protocol_id));
diesel::joinable!(protocols -> dmcgs (dmcg));
diesel::joinable!(sites -> regions (region_code));

diesel::allow_tables_to_appear_in_same_query!(
    regions,
    municipalities,
    postcodes,
    dmcgs,
    sites,
    pathways,
    protocols,
    protocol_other_dmcgs,
    protocol_identifiers,
    protocol_eligibility,
    protocol_biomarkers,
    protocol_sites,
    status_intervals,
    registry_state,
    users,
    user_dmcgs,
    user_sites,
    protocol_drafts,
    draft_notes,
    source_differences,
    history,
    offers,
    offer_monthly,
    offer_register_state,
);

diesel::joinable!(protocol_identifiers -> protocols (protocol_id));
diesel::joinable!(protocol_biomarkers -> protocols (protocol_id));
diesel::joinable!(protocol_other_dmcgs -> protocols (protocol_id));

diesel::table! {
    users (id) {
        id -> Integer,
        email -> Text,
        display_name -> Text,
        password_hash -> Text,
        role -> Text,
        active -> SmallInt,
        session_epoch -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    user_dmcgs (user_id, dmcg) {
        user_id -> Integer,
        dmcg -> Text,
    }
}

diesel::table! {
    user_sites (user_id, site_code) {
        user_id -> Integer,
        site_code -> Text,
    }
}

diesel::table! {
    protocol_drafts (id) {
        id -> Integer,
        protocol_id -> Nullable<Integer>,
        dmcg -> Text,
        acronym -> Text,
        doc -> Text,
        state -> Text,
        review_comment -> Nullable<Text>,
        created_by -> Nullable<Integer>,
        submitted_by -> Nullable<Integer>,
        reviewed_by -> Nullable<Integer>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    source_differences (protocol_id) {
        protocol_id -> Integer,
        nct -> Text,
        differences -> Text,
        checked_at -> Timestamp,
    }
}

diesel::table! {
    draft_notes (id) {
        id -> Integer,
        draft_id -> Integer,
        kind -> Text,
        field -> Text,
        value -> Text,
        source -> Text,
    }
}

diesel::table! {
    history (id) {
        id -> Integer,
        entity -> Text,
        entity_key -> Text,
        action -> Text,
        actor_id -> Nullable<Integer>,
        actor_label -> Text,
        at -> Timestamp,
        changes -> Text,
        public -> SmallInt,
    }
}

diesel::joinable!(user_dmcgs -> users (user_id));
diesel::joinable!(user_sites -> users (user_id));

diesel::table! {
    offers (id) {
        id -> Integer,
        decision_date -> Date,
        site_code -> Text,
        dmcg -> Text,
        patient_ref -> Text,
        age_band -> Text,
        sex -> Text,
        residence_region -> Integer,
        mdt_level -> Text,
        offered -> SmallInt,
        protocol_slug -> Nullable<Text>,
        protocol_acronym -> Nullable<Text>,
        not_offered_reason -> Nullable<Text>,
        reason_text -> Nullable<Text>,
        outcome -> Nullable<Text>,
        outcome_date -> Nullable<Date>,
        annulled -> SmallInt,
        annul_reason -> Nullable<Text>,
        is_demo -> SmallInt,
        created_by -> Nullable<Integer>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    offer_monthly (month_start, site_code, dmcg, residence_region) {
        month_start -> Date,
        site_code -> Text,
        dmcg -> Text,
        residence_region -> Integer,
        patients -> Integer,
        offered -> Integer,
        included -> Integer,
        no_relevant_protocol -> Integer,
        not_eligible -> Integer,
        patient_condition -> Integer,
        patient_declined_consideration -> Integer,
        capacity -> Integer,
        other_reason -> Integer,
    }
}

diesel::table! {
    offer_register_state (id) {
        id -> Integer,
        version -> BigInt,
    }
}

diesel::table! {
    /// Outgoing email; a row is marked sent only after the mail server accepted it.
    mail_outbox (id) {
        id -> Integer,
        recipient -> Text,
        subject -> Text,
        body_text -> Text,
        body_html -> Text,
        kind -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        last_error -> Nullable<Text>,
        sent_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        list_unsubscribe -> Nullable<Text>,
    }
}

diesel::table! {
    alert_subscriptions (id) {
        id -> Integer,
        email -> Text,
        lang -> Text,
        dmcg -> Nullable<Text>,
        region -> Nullable<Integer>,
        lay_group -> Nullable<Text>,
        phase -> Nullable<Text>,
        audience -> Nullable<Text>,
        confirm_token_hash -> Text,
        created_at -> Timestamp,
        confirmed_at -> Nullable<Timestamp>,
        last_sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Server-side sessions; the cookie holds the token whose SHA-256 is the key.
    sessions (token_hash) {
        token_hash -> Text,
        user_id -> Integer,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Recent failed logins by hashed account or client address.
    login_throttle (key) {
        key -> Text,
        failures -> Integer,
        last_failure_at -> Timestamp,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(sessions, users);
