//! Benchmark support (BENCHMARKS.md): `generate` fills a database with deterministic,
//! realistic published protocols, and `snapshot` times rebuilding the in-memory snapshot.

use std::time::{Duration, Instant};

use chrono::{Duration as Days, NaiveDate, Utc};
use clap::Subcommand;
use diesel::prelude::*;
use serde_json::json;

use dccc_registry::catalogue::Catalogue;
use dccc_registry::db::reference::{DmcgRow, SiteRow};
use dccc_registry::db::{self, protocols::PUBLISHED, schema::protocols as p, DbConnection};
use dccc_registry::domain::{ProtocolDoc, ReferenceCodes};
use dccc_registry::services::interchange;

/// Generated acronyms are numbered with six digits (`DBCG GEN-000123`).
const MAX_GENERATED: u64 = 1_000_000;

/// The marker in every generated acronym, between the DMCG and the number.
const GENERATED_MARK: &str = " GEN-";

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Serve the bare page the ratio benchmark measures the registry against (`GET
    /// /fortunes`: actix-web, askama and diesel on SQLite, nothing else); needs no
    /// `DATABASE_URL`.
    Bare {
        /// The SQLite file for the fortune table (created or refilled).
        #[arg(long, default_value = "/tmp/dccc-bare.db")]
        database: String,
        #[arg(long, default_value = "127.0.0.1:18090")]
        bind: std::net::SocketAddr,
        /// Worker threads (the registry's server runs one per core).
        #[arg(long, default_value_t = 2)]
        workers: usize,
    },
    /// Insert N generated published protocols into the database (deterministic for a seed).
    Generate {
        /// How many protocols to insert.
        #[arg(long)]
        protocols: u64,
        /// Seed of the generator; the same seed gives the same records.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Add to a database that already holds protocols (numbering continues after the
        /// highest generated one).
        #[arg(long)]
        append: bool,
        /// Records per transaction.
        #[arg(long, default_value_t = 1000)]
        batch: u64,
    },
    /// Time rebuilding the in-memory snapshot of the published registry from the database.
    Snapshot {
        /// How many times to load it.
        #[arg(long, default_value_t = 3)]
        runs: u32,
    },
    /// Insert N generated offer-register decisions spread over the last years.
    Offers {
        #[arg(long)]
        entries: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Spread the decisions over this many years up to today.
        #[arg(long, default_value_t = 5)]
        years: u32,
    },
    /// Time the whole transparency report in process (the tables, the status history, the
    /// distance map, the funnel and the trends) for the public and for DCCC staff.
    Report {
        /// How many times each report is built (after one warm-up build).
        #[arg(long, default_value_t = 10)]
        rounds: u32,
    },
    /// Time the indicator (every grouping, three periods) and the report's registry tables.
    Indicator {
        #[arg(long, default_value_t = 20)]
        rounds: u32,
    },
    /// Time converting one ClinicalTrials.gov record, and importing records as drafts.
    Ctgov {
        /// The record to convert (a large one: hundreds of locations).
        #[arg(long, default_value = "tests/fixtures/ctgov/NCT04267848.json")]
        record: std::path::PathBuf,
        /// How many times to convert it.
        #[arg(long, default_value_t = 21)]
        runs: u32,
        /// Folder of study records to import in turn.
        #[arg(long, default_value = "tests/fixtures/ctgov")]
        dir: std::path::PathBuf,
        /// How many drafts to import.
        #[arg(long, default_value_t = 1000)]
        imports: u32,
    },
    /// Time building the search index, updating one record, and queries of each kind.
    Search {
        /// How many times each query runs (after one warm-up run).
        #[arg(long, default_value_t = 50)]
        rounds: u32,
        /// Keep the index in memory instead of in a folder on disk.
        #[arg(long)]
        in_ram: bool,
        /// Folder for the index (emptied first; default: a new folder in the system's temp
        /// directory, removed afterwards).
        #[arg(long)]
        dir: Option<std::path::PathBuf>,
    },
    /// Time an MDT conference's case list in process: matching the cases and writing the
    /// answer, whole and with the best `--limit` per case.
    Batch {
        #[arg(long, default_value = "benches/batch/cases50.json")]
        cases: std::path::PathBuf,
        #[arg(long, default_value_t = 20)]
        rounds: u32,
        #[arg(long, default_value_t = 10)]
        limit: usize,
    },
    /// Time, end to end, how long a protocol published in the database takes to reach a
    /// running server's feed and search (the server at `--url`, on the same database).
    Propagation {
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        url: String,
        #[arg(long, default_value_t = 20)]
        rounds: u32,
    },
}

/// Runs a bench command on a prepared (migrated, reference-seeded) database; returns the exit
/// code (0 success, 2 invalid input).
pub fn run(conn: &mut DbConnection, command: BenchCommand) -> anyhow::Result<i32> {
    match command {
        BenchCommand::Bare { .. } => anyhow::bail!("`bare` is served before a database is opened"),
        BenchCommand::Generate {
            protocols,
            seed,
            append,
            batch,
        } => generate(conn, protocols, seed, append, batch),
        BenchCommand::Snapshot { runs } => snapshot(conn, runs),
        BenchCommand::Offers {
            entries,
            seed,
            years,
        } => crate::offers::generate(conn, entries, seed, years),
        BenchCommand::Indicator { rounds } => crate::offers::indicator_bench(conn, rounds),
        BenchCommand::Report { rounds } => crate::offers::report_bench(conn, rounds),
        BenchCommand::Search {
            rounds,
            in_ram,
            dir,
        } => crate::search::run(conn, rounds, in_ram, dir),
        BenchCommand::Ctgov {
            record,
            runs,
            dir,
            imports,
        } => crate::ctgov::run(conn, &record, runs, &dir, imports),
        BenchCommand::Propagation { url, rounds } => crate::propagation::run(conn, &url, rounds),
        BenchCommand::Batch {
            cases,
            rounds,
            limit,
        } => crate::batch::run(conn, &cases, rounds, limit),
    }
}

/// splitmix64: tiny, fast and good enough to spread generated records; not for secrets.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    /// A generator for record `index`, so a record does not depend on batching or appending.
    fn for_record(seed: u64, index: u64) -> Self {
        let mut rng = Self(seed ^ index.wrapping_mul(0xD1B5_4A32_D192_ED03));
        rng.next_u64();
        rng
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0; the modulo bias is irrelevant here).
    fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }

    /// A number in `lo..=hi`.
    fn between(&mut self, lo: i64, hi: i64) -> i64 {
        let span = (hi - lo + 1).max(1) as u64;
        lo + (self.next_u64() % span) as i64
    }

    /// True with `percent` % probability.
    fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// One value by weight.
    fn weighted<T: Copy>(&mut self, items: &[(T, u64)]) -> T {
        let total: u64 = items.iter().map(|(_, w)| w).sum();
        let mut roll = self.next_u64() % total.max(1);
        for &(item, weight) in items {
            if roll < weight {
                return item;
            }
            roll -= weight;
        }
        items[items.len() - 1].0
    }

    /// Up to `k` distinct items, in their original order.
    fn choose<'a, T>(&mut self, items: &'a [T], k: usize) -> Vec<&'a T> {
        let mut indexes: Vec<usize> = (0..items.len()).collect();
        let k = k.min(items.len());
        for i in 0..k {
            let j = i + self.below(indexes.len() - i);
            indexes.swap(i, j);
        }
        let mut chosen = indexes[..k].to_vec();
        chosen.sort_unstable();
        chosen.into_iter().map(|i| &items[i]).collect()
    }
}

const PHASES: [(&str, u64); 8] = [
    ("n-a", 10),
    ("early-phase-1", 2),
    ("phase-1", 8),
    ("phase-1-phase-2", 8),
    ("phase-2", 25),
    ("phase-2-phase-3", 7),
    ("phase-3", 30),
    ("phase-4", 10),
];

const STATUSES: [(&str, u64); 6] = [
    ("open", 45),
    ("planned", 8),
    ("temporarily-closed", 5),
    ("closed", 20),
    ("completed", 18),
    ("withdrawn", 4),
];

const OPEN_TRIAL_SITE_STATUSES: [(&str, u64); 4] = [
    ("open", 80),
    ("planned", 8),
    ("temporarily-closed", 5),
    ("closed", 7),
];

const DESIGNS: [(&str, &str); 5] = [
    ("Et nationalt randomiseret", "A national randomised"),
    ("Et randomiseret", "A randomised"),
    ("Et multicenter", "A multicentre"),
    ("Et enkeltarmet", "A single-arm"),
    ("Et registerbaseret", "A registry-based"),
];

const INTERVENTIONS: [(&str, &str); 12] = [
    ("adjuverende strålebehandling", "adjuvant radiotherapy"),
    (
        "stereotaktisk strålebehandling",
        "stereotactic radiotherapy",
    ),
    (
        "immunterapi med PD-1-hæmmer",
        "PD-1 inhibitor immunotherapy",
    ),
    ("kemoterapi før operation", "neoadjuvant chemotherapy"),
    ("målrettet behandling", "targeted therapy"),
    ("antistof-lægemiddelkonjugat", "an antibody-drug conjugate"),
    (
        "PARP-hæmmer som vedligeholdelse",
        "PARP inhibitor maintenance",
    ),
    ("robotassisteret kirurgi", "robot-assisted surgery"),
    (
        "fysisk træning under behandlingen",
        "exercise during treatment",
    ),
    ("nedtrappet opfølgning", "de-escalated follow-up"),
    ("kortere behandlingsforløb", "a shorter course of treatment"),
    ("tillæg af hormonbehandling", "added endocrine therapy"),
];

const MARKERS: [&str; 14] = [
    "HER2",
    "ER",
    "PR",
    "EGFR",
    "ALK",
    "ROS1",
    "BRAF-V600E",
    "KRAS-G12C",
    "MSI-H",
    "PD-L1",
    "BRCA1",
    "BRCA2",
    "NTRK",
    "HRD",
];

const SETTINGS: [&str; 8] = [
    "newly-diagnosed",
    "neoadjuvant",
    "adjuvant",
    "locally-advanced",
    "metastatic",
    "relapsed",
    "refractory",
    "maintenance",
];

const STAGES: [&str; 4] = ["I", "II", "III", "IV"];

const FIRST_NAMES: [&str; 16] = [
    "Anne",
    "Mette",
    "Lars",
    "Henrik",
    "Charlotte",
    "Søren",
    "Louise",
    "Peter",
    "Camilla",
    "Jens",
    "Maria",
    "Niels",
    "Karen",
    "Mads",
    "Sofie",
    "Thomas",
];

const LAST_NAMES: [&str; 14] = [
    "Jensen",
    "Nielsen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Madsen",
    "Kristensen",
    "Olsen",
    "Thomsen",
];

const SPONSORS: [&str; 6] = [
    "Novartis",
    "Roche",
    "AstraZeneca",
    "Merck Sharp & Dohme",
    "Bristol Myers Squibb",
    "Novo Nordisk Fonden",
];

/// Phase words for titles, Danish and English (with the trailing hyphen or space).
fn phase_words(phase: &str) -> (&'static str, &'static str) {
    match phase {
        "early-phase-1" => ("tidligt fase 1-", "early phase 1 "),
        "phase-1" => ("fase 1-", "phase 1 "),
        "phase-1-phase-2" => ("fase 1/2-", "phase 1/2 "),
        "phase-2" => ("fase 2-", "phase 2 "),
        "phase-2-phase-3" => ("fase 2/3-", "phase 2/3 "),
        "phase-3" => ("fase 3-", "phase 3 "),
        "phase-4" => ("fase 4-", "phase 4 "),
        _ => ("", ""),
    }
}

/// `Akut leukæmi og MDS` → `akut leukæmi og MDS`: lower case inside a sentence, acronyms kept.
fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_lowercase().chain(chars).collect()
    })
}

/// What the generator draws from: the reference data of the database.
struct Reference {
    dmcgs: Vec<DmcgRow>,
    adult_sites: Vec<SiteRow>,
    child_sites: Vec<SiteRow>,
    codes: ReferenceCodes,
}

fn person(rng: &mut Rng) -> String {
    format!("{} {}", rng.pick(&FIRST_NAMES), rng.pick(&LAST_NAMES))
}

fn phone(rng: &mut Rng) -> String {
    format!(
        "+45 {:02} {:02} {:02} {:02}",
        rng.between(20, 99),
        rng.between(0, 99),
        rng.between(0, 99),
        rng.between(0, 99)
    )
}

/// The interchange document of generated record `index`.
fn generate_doc(reference: &Reference, seed: u64, index: u64) -> serde_json::Value {
    let mut rng = Rng::for_record(seed, index);
    let dmcg = rng.pick(&reference.dmcgs);
    let acronym = format!("{}{GENERATED_MARK}{index:06}", dmcg.acronym);
    let phase = rng.weighted(&PHASES);
    let status = rng.weighted(&STATUSES);
    let children = dmcg.acronym == "DAPHO";
    let (phase_da, phase_en) = phase_words(phase);
    let (design_da, design_en) = *rng.pick(&DESIGNS);
    let how_many = 1 + rng.below(2);
    let interventions = rng.choose(&INTERVENTIONS, how_many);
    let (main_da, main_en) = *interventions[0];
    let area_da = lower_first(&dmcg.area_da);
    let title_da = format!("{acronym}. {design_da} {phase_da}forsøg med {main_da} ved {area_da}");
    let title_en = format!(
        "{acronym}. {design_en} {phase_en}trial of {main_en}: {}",
        dmcg.area_en
    );
    let summary_da = format!(
        "Forsøget undersøger, om {main_da} kan forbedre behandlingen af {area_da}. \
         Deltagerne følges med skanninger og spørgeskemaer, og vi måler bivirkninger og \
         livskvalitet undervejs."
    );
    let summary_en = format!(
        "This trial tests whether {main_en} improves treatment ({}). Participants are \
         followed with scans and questionnaires, and side effects and quality of life are \
         measured throughout.",
        dmcg.area_en
    );

    // Diagnoses: one to three of the DMCG's ICD-10 patterns.
    let patterns: Vec<&str> = dmcg.icd10.split_whitespace().collect();
    let how_many = 1 + rng.below(3);
    let diagnoses: Vec<&str> = rng
        .choose(&patterns, how_many)
        .into_iter()
        .copied()
        .collect();

    let (age_min, age_max) = if children {
        (json!(0), json!(17))
    } else {
        let min = if rng.chance(90) {
            json!(18)
        } else {
            json!(null)
        };
        let max = if rng.chance(20) {
            json!(*rng.pick(&[70, 75, 80, 85]))
        } else {
            json!(null)
        };
        (min, max)
    };
    let sex = match dmcg.acronym.as_str() {
        "DGCG" => "female",
        "DBCG" if rng.chance(95) => "female",
        "DaProCa" | "DaTeCa" | "DaPeCa" => "male",
        _ => "all",
    };
    let how_many = rng.below(3);
    let settings: Vec<&str> = rng
        .choose(&SETTINGS, how_many)
        .into_iter()
        .copied()
        .collect();
    let how_many = rng.below(4);
    let stages: Vec<&str> = rng.choose(&STAGES, how_many).into_iter().copied().collect();
    let metastatic = settings
        .iter()
        .any(|s| matches!(*s, "metastatic" | "relapsed"));
    let (prior_min, prior_max) = if metastatic && rng.chance(60) {
        let lo = rng.between(0, 2);
        (json!(lo), json!(lo + rng.between(0, 3)))
    } else {
        (json!(null), json!(null))
    };
    let ecog_max = if rng.chance(80) {
        json!(rng.between(1, 2))
    } else {
        json!(null)
    };
    let mut required = Vec::new();
    let mut excluded = Vec::new();
    if rng.chance(30) {
        let how_many = 1 + rng.below(2);
        let markers = rng.choose(&MARKERS, how_many);
        for (i, marker) in markers.into_iter().enumerate() {
            let result = if rng.chance(60) {
                "positive"
            } else {
                "negative"
            };
            let entry = json!({ "marker": marker, "status": result });
            // The last of several markers is an exclusion now and then.
            if i > 0 && rng.chance(40) {
                excluded.push(entry);
            } else {
                required.push(entry);
            }
        }
    }

    // Departments: 1-6 (children's cancers at the paediatric departments).
    let pool = if children {
        &reference.child_sites
    } else {
        &reference.adult_sites
    };
    let count = 1 + rng.below(6);
    let sites: Vec<serde_json::Value> = rng
        .choose(pool, count)
        .into_iter()
        .map(|site| {
            let site_status = match status {
                "open" => rng.weighted(&OPEN_TRIAL_SITE_STATUSES),
                "planned" => "planned",
                "temporarily-closed" if rng.chance(80) => "temporarily-closed",
                "temporarily-closed" => "open",
                _ => "closed",
            };
            let contact = if rng.chance(40) {
                json!({
                    "name": person(&mut rng),
                    "email": format!("{}@example.dk", site.code.to_lowercase()),
                    "phone": phone(&mut rng),
                })
            } else {
                json!(null)
            };
            json!({ "site": site.code, "status": site_status, "contact": contact })
        })
        .collect();

    // Dates: opened between 2015 and mid-2026; closed trials have an end date.
    let epoch = NaiveDate::from_ymd_opt(2015, 1, 1).unwrap_or_default();
    let opened = epoch + Days::days(rng.between(0, 4200));
    let closes = match status {
        "closed" | "completed" | "withdrawn" => Some(opened + Days::days(rng.between(180, 2200))),
        _ if rng.chance(50) => Some(opened + Days::days(rng.between(700, 3000))),
        _ => None,
    };

    let industry = rng.chance(30);
    let sponsor = if industry {
        (*rng.pick(&SPONSORS)).to_owned()
    } else {
        dmcg.name_da.clone()
    };
    let eu_ct = rng.chance(35).then(|| {
        format!(
            "{}-5{:05}-{:02}-00",
            2022 + index / 10_000_000,
            index % 100_000,
            (index / 100_000) % 100
        )
    });
    let other_dmcgs: Vec<&str> = if rng.chance(5) {
        let other = rng.pick(&reference.dmcgs);
        if other.acronym == dmcg.acronym {
            Vec::new()
        } else {
            vec![other.acronym.as_str()]
        }
    } else {
        Vec::new()
    };
    let dmcg_lower = dmcg.acronym.to_lowercase();
    let interventions: Vec<&str> = interventions.iter().map(|(da, _)| *da).collect();
    json!({
        "acronym": acronym,
        "title_da": title_da,
        "title_en": title_en,
        "summary_da": summary_da,
        "summary_en": summary_en,
        "dmcg": dmcg.acronym,
        "other_dmcgs": other_dmcgs,
        "phase": phase,
        "recruitment_status": status,
        "evidence_generating": rng.chance(85),
        "initiator": if industry { "industry" } else { "investigator" },
        "sponsor": sponsor,
        "identifiers": {
            "nct": format!("NCT1{:07}", index),
            "eudract": null,
            "eu_ct": eu_ct,
        },
        "contact": {
            "name": person(&mut rng),
            "email": format!("forsoeg.{dmcg_lower}@example.dk"),
            "phone": phone(&mut rng),
        },
        "opened_on": opened.to_string(),
        "closes_on": closes.map(|d| d.to_string()),
        "target_enrolment": rng.between(20, 2000),
        "interventions": interventions,
        "keywords": [area_da, main_en, dmcg_lower],
        "eligibility": {
            "age_min": age_min,
            "age_max": age_max,
            "sex": sex,
            "diagnoses": diagnoses,
            "exclude_diagnoses": [],
            "settings": settings,
            "stages": stages,
            "prior_lines_min": prior_min,
            "prior_lines_max": prior_max,
            "ecog_max": ecog_max,
            "biomarkers_required": required,
            "biomarkers_excluded": excluded,
            "criteria_text_da": format!(
                "Patienter med {area_da}, der kan tåle behandlingen. Se protokollen for alle kriterier."
            ),
            "criteria_text_en": format!(
                "Patients ({}) fit for treatment. See the protocol for all criteria.",
                dmcg.area_en
            ),
        },
        "sites": sites,
    })
}

/// The first number after the highest generated acronym already stored (0 when none).
fn next_generated_number(conn: &mut DbConnection) -> diesel::QueryResult<u64> {
    let acronyms: Vec<String> = p::table
        .filter(p::acronym.like(format!("%{GENERATED_MARK}%")))
        .select(p::acronym)
        .load(conn)?;
    Ok(acronyms
        .iter()
        .filter_map(|a| a.rsplit_once(GENERATED_MARK))
        .filter_map(|(_, n)| n.parse::<u64>().ok())
        .max()
        .map_or(0, |n| n + 1))
}

fn seconds(d: Duration) -> f64 {
    d.as_secs_f64()
}

fn generate(
    conn: &mut DbConnection,
    protocols: u64,
    seed: u64,
    append: bool,
    batch: u64,
) -> anyhow::Result<i32> {
    if protocols == 0 || batch == 0 {
        eprintln!("error: --protocols and --batch must be at least 1");
        return Ok(2);
    }
    let existing = db::protocols::count_protocols(conn)?;
    if existing > 0 && !append {
        eprintln!(
            "error: the database already holds {existing} protocol(s); generate into an empty \
             database, or pass --append to add to it"
        );
        return Ok(2);
    }
    let start = next_generated_number(conn)?;
    if start + protocols > MAX_GENERATED {
        eprintln!(
            "error: generated protocols are numbered 000000-999999; {start} exist, so at most \
             {} more can be added",
            MAX_GENERATED - start
        );
        return Ok(2);
    }
    let sites = db::reference::list_sites(conn)?;
    let (child_sites, adult_sites): (Vec<SiteRow>, Vec<SiteRow>) =
        sites.into_iter().partition(|s| s.paediatric == 1);
    let reference = Reference {
        dmcgs: db::reference::list_dmcgs(conn)?,
        adult_sites,
        child_sites,
        codes: interchange::reference_codes(conn)?,
    };
    if reference.dmcgs.is_empty() || reference.adult_sites.is_empty() {
        anyhow::bail!("the database has no DMCGs or departments; reference data is missing");
    }
    let end = start + protocols;
    let now = Utc::now().naive_utc();
    let began = Instant::now();
    let mut first_slug = None;
    let mut batch_start = start;
    while batch_start < end {
        let batch_end = (batch_start + batch).min(end);
        let slug = conn.transaction(|conn| -> anyhow::Result<Option<String>> {
            let mut slug = None;
            for index in batch_start..batch_end {
                let value = generate_doc(&reference, seed, index);
                let doc: ProtocolDoc = serde_json::from_value(value)
                    .map_err(|e| anyhow::anyhow!("generated record {index} is malformed: {e}"))?;
                let protocol = doc.validate(&reference.codes).map_err(|errors| {
                    let text: Vec<String> = errors.iter().map(ToString::to_string).collect();
                    anyhow::anyhow!("generated record {index} is invalid: {}", text.join("; "))
                })?;
                slug.get_or_insert_with(|| protocol.slug());
                db::protocols::save_protocol(conn, &protocol, PUBLISHED, now)?;
            }
            Ok(slug)
        })?;
        if first_slug.is_none() {
            first_slug = slug;
        }
        println!(
            "{}/{} protocols ({:.1} s)",
            batch_end - start,
            protocols,
            seconds(began.elapsed())
        );
        batch_start = batch_end;
    }
    let took = began.elapsed();
    println!(
        "generated {protocols} protocol(s) in {:.1} s ({:.0} per second); seed {seed}",
        seconds(took),
        protocols as f64 / seconds(took).max(1e-9)
    );
    if let Some(slug) = first_slug {
        println!("first generated slug: {slug} (detail page /protokoller/{slug})");
    }
    Ok(0)
}

fn snapshot(conn: &mut DbConnection, runs: u32) -> anyhow::Result<i32> {
    if runs == 0 {
        eprintln!("error: --runs must be at least 1");
        return Ok(2);
    }
    let mut times = Vec::new();
    let mut entries = 0;
    for run in 1..=runs {
        let began = Instant::now();
        let catalogue = Catalogue::load(conn)?;
        let took = began.elapsed();
        entries = catalogue.entries.len();
        // The part of it that is reading the records from the database.
        let read = Instant::now();
        let records = dccc_registry::db::protocols::load_protocols(conn, None, true)?.len();
        let read = read.elapsed();
        println!(
            "run {run}: {:.1} ms (reading the {records} records alone: {:.1} ms)",
            took.as_secs_f64() * 1000.0,
            read.as_secs_f64() * 1000.0
        );
        times.push(took);
    }
    times.sort();
    let median = times[times.len() / 2];
    println!(
        "snapshot load: median {:.1} ms over {runs} run(s); {entries} published protocol(s) in the snapshot",
        median.as_secs_f64() * 1000.0
    );
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::Rng;

    #[test]
    fn the_generator_is_deterministic_per_record() {
        let a: Vec<u64> = (0..5).map(|_| Rng::for_record(7, 42).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        assert_ne!(
            Rng::for_record(7, 42).next_u64(),
            Rng::for_record(7, 43).next_u64()
        );
    }

    #[test]
    fn choose_gives_distinct_items_in_order() {
        let mut rng = Rng::for_record(1, 1);
        let items = [1, 2, 3, 4, 5, 6];
        for k in 0..8 {
            let chosen = rng.choose(&items, k);
            assert_eq!(chosen.len(), k.min(items.len()));
            assert!(chosen.windows(2).all(|w| w[0] < w[1]));
        }
    }
}
