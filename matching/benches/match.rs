//! Benchmarks of `Snapshot::build` and `Snapshot::match_profile` on generated registries of
//! 1,000, 10,000 and 100,000 open protocols, with a median and p99 of single matches.
//!
//! Run: `cargo bench -p dccc-matching --bench match -- --warm-up-time 1 --measurement-time 3`

use cpu_time::ThreadTime;
use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion};
use dccc_matching::Eligibility;
use dccc_matching::{
    Biomarker, BiomarkerStatus, Home, IcdPatternList, MatchSite, PatientProfile, ProtocolCriteria,
    Region, Setting, Sex, SexEligibility, SiteStatus, Snapshot, Stage,
};
use std::hint::black_box;
use std::time::{Duration, Instant};

const SIZES: [usize; 3] = [1_000, 10_000, 100_000];

/// Categories with many trials (breast, colorectal, lung, prostate, ...), drawn more often.
const COMMON: [u8; 14] = [50, 18, 19, 20, 34, 61, 64, 67, 25, 16, 71, 90, 91, 92];
const MARKERS: [&str; 8] = [
    "HER2",
    "ER",
    "PR",
    "EGFR",
    "ALK",
    "BRAF-V600E",
    "MSI-H",
    "PD-L1",
];

/// xorshift64*: deterministic and dependency-free, good enough to spread test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

/// The real departments of seed/sites.csv.
fn sites() -> Vec<MatchSite> {
    include_str!("../../seed/sites.csv")
        .lines()
        .skip(1)
        .filter_map(|line| {
            let fields: Vec<&str> = line.split(',').collect();
            Some(MatchSite {
                code: fields.first()?.to_string(),
                region: Region::from_code(fields.get(3)?.parse().ok()?)?,
                lat: fields.get(6)?.parse().ok()?,
                lon: fields.get(7)?.parse().ok()?,
            })
        })
        .collect()
}

/// A category number 0–97, the common ones drawn more often.
fn category(rng: &mut Rng) -> u8 {
    if rng.chance(50) {
        rng.pick(&COMMON)
    } else {
        rng.below(98) as u8
    }
}

fn diagnoses(rng: &mut Rng) -> (IcdPatternList, u8) {
    let main = category(rng);
    let text = match rng.below(100) {
        0..=1 => String::new(),
        2..=4 => {
            let from = main.min(60);
            format!("C{from:02}-C{:02}", from + 10 + rng.below(30) as u8)
        }
        5..=24 => format!("C{main:02} C{:02} C{:02}", category(rng), category(rng)),
        25..=50 => format!("C{main:02}{}", rng.below(10)),
        _ => format!("C{main:02}"),
    };
    (text.parse().unwrap_or_default(), main)
}

fn biomarkers(rng: &mut Rng, percent: usize, max: usize) -> Vec<Biomarker> {
    if !rng.chance(percent) {
        return Vec::new();
    }
    (0..1 + rng.below(max))
        .filter_map(|_| {
            let status = rng.pick(&BiomarkerStatus::ALL);
            Biomarker::new(rng.pick(&MARKERS), status).ok()
        })
        .collect()
}

/// `n` open protocols, each with at least one open site, spread like a national registry.
fn protocols(n: usize, site_count: usize) -> Vec<ProtocolCriteria> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    (0..n)
        .map(|key| {
            let (diagnoses, main) = diagnoses(&mut rng);
            let (age_min, age_max) = match rng.below(100) {
                0..=9 => (Some(0), Some(17)),
                10..=14 => (Some(50), None),
                15..=55 => (Some(18), None),
                _ => (Some(18), Some(70 + rng.below(16) as u8)),
            };
            let sex = match main {
                50 if rng.chance(90) => SexEligibility::Female,
                61 => SexEligibility::Male,
                _ => SexEligibility::All,
            };
            let mut settings = Vec::new();
            if rng.chance(70) {
                settings = (0..1 + rng.below(3))
                    .map(|_| rng.pick(&Setting::ALL))
                    .collect();
            }
            let mut stages = Vec::new();
            if rng.chance(40) {
                stages = (0..1 + rng.below(2))
                    .map(|_| rng.pick(&Stage::ALL))
                    .collect();
            }
            let mut sites: Vec<(usize, SiteStatus)> = Vec::new();
            for index in 0..1 + rng.below(6) {
                let site = rng.below(site_count);
                let status = if index == 0 || rng.chance(80) {
                    SiteStatus::Open
                } else {
                    rng.pick(&[SiteStatus::Planned, SiteStatus::Closed])
                };
                sites.push((site, status));
            }
            ProtocolCriteria {
                sites,
                eligibility: Eligibility {
                    age_min,
                    age_max,
                    sex,
                    diagnoses,
                    exclude_diagnoses: if rng.chance(5) {
                        format!("C{main:02}{}", rng.below(10))
                            .parse()
                            .unwrap_or_default()
                    } else {
                        IcdPatternList::default()
                    },
                    settings,
                    stages,
                    prior_lines_min: rng.chance(10).then_some(1),
                    prior_lines_max: rng.chance(20).then(|| rng.below(4) as u8),
                    ecog_max: rng.chance(60).then(|| 1 + rng.below(2) as u8),
                    biomarkers_required: biomarkers(&mut rng, 40, 2),
                    biomarkers_excluded: biomarkers(&mut rng, 10, 1),
                },
                ..ProtocolCriteria::open(key, format!("PROT-{key:06}"))
            }
        })
        .collect()
}

/// A 67-year-old woman from Aarhus with metastatic breast cancer.
fn typical_profile() -> PatientProfile {
    let marker = |name, status| Biomarker::new(name, status).ok();
    PatientProfile {
        sex: Some(Sex::Female),
        setting: Some(Setting::Metastatic),
        stage: Some(Stage::IV),
        prior_lines: Some(1),
        ecog: Some(1),
        biomarkers: [
            marker("HER2", BiomarkerStatus::Negative),
            marker("ER", BiomarkerStatus::Positive),
        ]
        .into_iter()
        .flatten()
        .collect(),
        home: Some(Home {
            lat: 56.1567,
            lon: 10.2108,
            region: Region::Midtjylland,
        }),
        ..PatientProfile::new(67, "DC509".parse().unwrap_or_else(|_| unreachable!()))
    }
}

/// The median and 99th percentile of sorted durations.
fn median_p99(sorted: &[Duration]) -> (Duration, Duration) {
    (sorted[sorted.len() / 2], sorted[sorted.len() * 99 / 100])
}

/// Times `runs` single matches and prints the median and 99th percentile of wall time and of
/// the thread's CPU time (wall time less the time spent waiting while other processes run).
fn print_latency(snapshot: &Snapshot, profile: &PatientProfile, runs: usize) {
    let mut wall = Vec::with_capacity(runs);
    let mut cpu = Vec::with_capacity(runs);
    // Warm caches and the allocator first, as criterion does.
    for _ in 0..runs / 10 {
        black_box(snapshot.match_profile(black_box(profile), false));
    }
    for _ in 0..runs {
        let (wall_start, cpu_start) = (Instant::now(), ThreadTime::now());
        let outcome = snapshot.match_profile(black_box(profile), false);
        cpu.push(cpu_start.elapsed());
        wall.push(wall_start.elapsed());
        // Dropping the results is the caller's work, after it has sent them.
        drop(black_box(outcome));
    }
    wall.sort_unstable();
    cpu.sort_unstable();
    let (wall_median, wall_p99) = median_p99(&wall);
    let (cpu_median, cpu_p99) = median_p99(&cpu);
    let results = snapshot.match_profile(profile, false).results.len();
    println!(
        "latency {} protocols, {results} results, {runs} matches: wall median {wall_median:?} \
         p99 {wall_p99:?}; cpu median {cpu_median:?} p99 {cpu_p99:?}",
        snapshot.len(),
    );
}

fn bench_match(c: &mut Criterion) {
    let sites = sites();
    let profile = typical_profile();
    // The latency loop is for `cargo bench`; `cargo test --benches` only checks that it runs.
    let benchmarking = std::env::args().any(|arg| arg == "--bench");
    let mut group = c.benchmark_group("match_profile");
    for n in SIZES {
        let snapshot = Snapshot::build(protocols(n, sites.len()), sites.clone(), Vec::new());
        if benchmarking {
            print_latency(&snapshot, &profile, 2_000);
        }
        group.bench_with_input(BenchmarkId::from_parameter(n), &snapshot, |b, snapshot| {
            // The caller drops the outcome after sending it; that is not the match's time.
            b.iter_with_large_drop(|| snapshot.match_profile(black_box(&profile), false));
        });
    }
    group.finish();
}

fn bench_build(c: &mut Criterion) {
    let sites = sites();
    let mut group = c.benchmark_group("build");
    group.sample_size(10);
    for n in SIZES {
        let protocols = protocols(n, sites.len());
        group.bench_with_input(
            BenchmarkId::from_parameter(n),
            &protocols,
            |b, protocols| {
                b.iter_batched(
                    || (protocols.clone(), sites.clone()),
                    |(protocols, sites)| Snapshot::build(protocols, sites, Vec::new()),
                    BatchSize::LargeInput,
                );
            },
        );
    }
    group.finish();
}

criterion_group!(benches, bench_match, bench_build);
criterion_main!(benches);
