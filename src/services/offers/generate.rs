//! Generated registers: a few thousand fictional decisions so the reports show something on
//! first run (marked demo), and millions for the benchmarks. Deterministic for a seed.
//!
//! Each department is given a handful of DMCGs, most patients live in the department's region,
//! and the share offered differs between DMCGs, so the reports have something to compare.

use chrono::{Duration, NaiveDate, Utc};
use dccc_matching::{Region, Sex};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::catalogue::Catalogue;
use crate::db::history::Actor;
use crate::db::offers as store;
use crate::db::DbConnection;
use crate::domain::offers::{
    AgeBand, Decision, MdtLevel, NotOfferedReason, OfferOutcome, OfferRecord,
};

/// Makes decisions from the catalogue's departments, DMCGs and protocols.
pub struct Generator {
    rng: StdRng,
    sites: Vec<(String, Region, Vec<String>)>,
    /// Per DMCG: its published protocols (slug, acronym) and the share offered.
    dmcgs: std::collections::HashMap<String, (Vec<(String, String)>, f64)>,
    from: NaiveDate,
    days: i64,
    prefix: &'static str,
    count: u64,
}

impl Generator {
    /// Decisions dated `from`–`to`; patient references start with `prefix`.
    pub fn new(
        catalogue: &Catalogue,
        from: NaiveDate,
        to: NaiveDate,
        seed: u64,
        prefix: &'static str,
    ) -> Self {
        let mut rng = StdRng::seed_from_u64(seed);
        let acronyms: Vec<String> = catalogue.dmcgs.iter().map(|d| d.acronym.clone()).collect();
        let sites = catalogue
            .sites
            .iter()
            .map(|s| {
                let mut own: Vec<String> = if s.paediatric {
                    vec!["DAPHO".to_owned()]
                } else {
                    let n = rng.gen_range(3..=6);
                    (0..n)
                        .map(|_| acronyms[rng.gen_range(0..acronyms.len())].clone())
                        .collect()
                };
                own.retain(|d| acronyms.contains(d));
                if own.is_empty() {
                    own.push(acronyms[0].clone());
                }
                own.sort();
                own.dedup();
                (s.code.clone(), s.region, own)
            })
            .collect();
        let dmcgs = catalogue
            .dmcgs
            .iter()
            .map(|d| {
                let protocols = catalogue
                    .entries
                    .iter()
                    .filter(|e| e.dmcg == d.acronym)
                    .map(|e| (e.slug.clone(), e.acronym.clone()))
                    .collect();
                (d.acronym.clone(), (protocols, rng.gen_range(0.15..0.75)))
            })
            .collect();
        Self {
            rng,
            sites,
            dmcgs,
            from,
            days: (to - from).num_days().max(0) + 1,
            prefix,
            count: 0,
        }
    }

    fn pick<T: Copy>(&mut self, weighted: &[(T, u32)]) -> T {
        let total: u32 = weighted.iter().map(|(_, w)| w).sum();
        let mut x = self.rng.gen_range(0..total);
        for (value, weight) in weighted {
            if x < *weight {
                return *value;
            }
            x -= weight;
        }
        weighted[0].0
    }

    /// The next decision.
    pub fn next_record(&mut self) -> OfferRecord {
        self.count += 1;
        let (site, region, dmcgs) = self.sites[self.rng.gen_range(0..self.sites.len())].clone();
        let dmcg = dmcgs[self.rng.gen_range(0..dmcgs.len())].clone();
        let decision_date = self.from + Duration::days(self.rng.gen_range(0..self.days));
        let residence_region = if self.rng.gen_bool(0.8) {
            region
        } else {
            Region::ALL[self.rng.gen_range(0..Region::ALL.len())]
        };
        let age_band = if dmcg == "DAPHO" {
            AgeBand::Child
        } else {
            self.pick(&[
                (AgeBand::Young, 8),
                (AgeBand::Middle, 22),
                (AgeBand::Sixties, 30),
                (AgeBand::Seventies, 28),
                (AgeBand::Eighty, 12),
            ])
        };
        let sex = if self.rng.gen_bool(0.5) {
            Sex::Female
        } else {
            Sex::Male
        };
        let mdt_level = self.pick(&[
            (MdtLevel::Local, 70),
            (MdtLevel::Regional, 25),
            (MdtLevel::National, 5),
        ]);
        // Only the chosen protocol is copied: a DMCG may have thousands.
        let (count, share) = self
            .dmcgs
            .get(&dmcg)
            .map_or((0, 0.0), |(protocols, share)| (protocols.len(), *share));
        let decision = if count > 0 && self.rng.gen_bool(share) {
            let chosen = self.rng.gen_range(0..count);
            let (slug, acronym) = self.dmcgs[&dmcg].0[chosen].clone();
            let outcome = self.pick(&[
                (OfferOutcome::Included, 55),
                (OfferOutcome::Declined, 20),
                (OfferOutcome::IneligibleAtScreening, 10),
                (OfferOutcome::Pending, 15),
            ]);
            let outcome_date = (outcome != OfferOutcome::Pending)
                .then(|| decision_date + Duration::days(self.rng.gen_range(3..30)))
                .filter(|d| *d <= Utc::now().date_naive());
            Decision::Offered {
                protocol_slug: slug,
                protocol_acronym: acronym,
                outcome,
                outcome_date,
            }
        } else {
            let reason = if count == 0 {
                NotOfferedReason::NoRelevantProtocol
            } else {
                self.pick(&[
                    (NotOfferedReason::NoRelevantProtocol, 45),
                    (NotOfferedReason::NotEligible, 25),
                    (NotOfferedReason::PatientCondition, 15),
                    (NotOfferedReason::PatientDeclinedConsideration, 8),
                    (NotOfferedReason::Capacity, 4),
                    (NotOfferedReason::Other, 3),
                ])
            };
            Decision::NotOffered { reason, text: None }
        };
        OfferRecord {
            decision_date,
            site_code: site,
            dmcg,
            patient_ref: format!("{}-{:08}", self.prefix, self.count),
            age_band,
            sex,
            residence_region,
            mdt_level,
            decision,
        }
    }
}

/// How many demo decisions an empty register gets.
pub const DEMO_DECISIONS: usize = 3000;

/// Fills an empty register with demo decisions over the last two years, and gives DMCGs
/// without a standard the demo standard of 50% offered.
pub fn load_demo(conn: &mut DbConnection) -> anyhow::Result<usize> {
    let catalogue = Catalogue::load(conn)?;
    let today = Utc::now().date_naive();
    let mut generator =
        Generator::new(&catalogue, today - Duration::days(730), today, 2026, "DEMO");
    let records: Vec<OfferRecord> = (0..DEMO_DECISIONS)
        .map(|_| generator.next_record())
        .collect();
    crate::db::write_transaction(conn, |conn| -> anyhow::Result<()> {
        store::insert_offers(
            conn,
            &records,
            &Actor::system("demo data"),
            true,
            false,
            Utc::now().naive_utc(),
        )?;
        crate::db::reference::set_default_standards(conn, 50)?;
        Ok(())
    })?;
    Ok(records.len())
}
