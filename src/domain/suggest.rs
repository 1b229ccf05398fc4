//! Eligibility criteria suggested from a trial's free text, by rules a reader can follow:
//! each suggestion carries the sentence it was read from, and a sentence under the exclusion
//! heading never yields a requirement. Used when a ClinicalTrials.gov record is imported; the
//! editor confirms or drops each suggestion.

use serde::Serialize;

/// One suggested value of an interchange field, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    /// The interchange field (`eligibility.ecog_max`, `eligibility.biomarkers_required`, ...).
    pub field: &'static str,
    /// The value as the interchange format writes it (`1`, `metastatic`, `HER2 negative`).
    pub value: String,
    /// The sentence of the criteria text it comes from, as written there.
    pub sentence: String,
}

/// Which part of the criteria text a sentence sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Inclusion,
    Exclusion,
}

/// The sentences of a criteria text with the section each sits under: bullets and lines are
/// sentences; a line naming "exclusion criteria" starts the exclusion part.
pub fn sentences(text: &str) -> Vec<(Section, String)> {
    let mut section = Section::Inclusion;
    let mut out = Vec::new();
    for raw in text.lines() {
        let line = raw
            .trim()
            .trim_start_matches(['*', '-', '•', '·'])
            .trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ')')
            .trim();
        if line.is_empty() {
            continue;
        }
        let lower = line.to_lowercase();
        if lower.starts_with("exclusion criteria") || lower.starts_with("exclusion:") {
            section = Section::Exclusion;
            continue;
        }
        if lower.starts_with("inclusion criteria") || lower.starts_with("inclusion:") {
            section = Section::Inclusion;
            continue;
        }
        out.push((section, line.to_owned()));
    }
    out
}

/// Every suggestion the rules find in a criteria text, in the text's order, each field and
/// value once (the first sentence that gave it).
pub fn suggest(text: &str) -> Vec<Suggestion> {
    let mut found: Vec<Suggestion> = Vec::new();
    for (section, sentence) in sentences(text) {
        for s in suggest_sentence(section, &sentence) {
            if !found
                .iter()
                .any(|f| f.field == s.field && f.value == s.value)
            {
                found.push(s);
            }
        }
    }
    found
}

/// The suggestions of one sentence in its section.
pub fn suggest_sentence(section: Section, sentence: &str) -> Vec<Suggestion> {
    let text = normalise(sentence);
    let mut out = Vec::new();
    let mut push = |field: &'static str, value: String| {
        out.push(Suggestion {
            field,
            value,
            sentence: sentence.to_owned(),
        });
    };
    // "No patients with …", "Patients must not have …": an exclusion written among the
    // inclusion criteria.
    let negated = text.starts_with("no ")
        || text.starts_with("not ")
        || text.starts_with("without ")
        || text.contains("must not")
        || text.contains("should not")
        || text.contains("have not")
        || text.contains("has not")
        || text.starts_with("patients with no ");
    let section = if negated { Section::Exclusion } else { section };
    match section {
        Section::Inclusion => {
            if let Some(ecog) = ecog_max(&text) {
                push("eligibility.ecog_max", ecog.to_string());
            }
            for stage in stages(&text) {
                push("eligibility.stages", stage.to_owned());
            }
            for setting in settings(&text) {
                push("eligibility.settings", setting.to_owned());
            }
            for marker in biomarkers(&text) {
                push("eligibility.biomarkers_required", marker);
            }
            if let Some((field, n)) = prior_lines(&text) {
                push(field, n.to_string());
            }
        }
        Section::Exclusion => {
            // "Known EGFR mutation" under exclusion: a patient with it is excluded. Not so
            // "prior therapy for HER2-positive disease": that excludes a treatment.
            let about_treatment = [
                "prior",
                "previous",
                "received",
                "therapy for",
                "treatment for",
            ]
            .iter()
            .any(|w| text.contains(w));
            if !about_treatment {
                for marker in biomarkers(&text) {
                    push("eligibility.biomarkers_excluded", marker);
                }
            }
        }
    }
    out
}

/// Lower case, one space between words, dashes and the "≤" family as plain text.
fn normalise(sentence: &str) -> String {
    let mut s = sentence
        .to_lowercase()
        .replace(['–', '—', '‐', '−'], "-")
        .replace('≤', "<=")
        .replace('≥', ">=");
    s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    s
}

/// Words of a sentence (letters, digits, `-` and `+` kept inside words).
fn words(text: &str) -> Vec<&str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '+'))
        .filter(|w| !w.is_empty())
        .collect()
}

/// "ECOG performance status 0-1", "ECOG PS of 0 or 1", "ECOG ≤ 2", "ECOG 0, 1 or 2": the
/// highest grade allowed.
fn ecog_max(text: &str) -> Option<u8> {
    let at = text.find("ecog").or_else(|| {
        text.find("performance status")
            .filter(|_| !text.contains("karnofsky") && !text.contains("lansky"))
    })?;
    let rest = &text[at..];
    // "ECOG < 2" (also written "\< 2") allows up to 1.
    let strict = rest
        .split("karnofsky")
        .next()
        .is_some_and(|r| r.contains('<') && !r.contains("<="));
    if strict {
        let after = &rest[rest.find('<').unwrap_or(0) + 1..];
        if let Some(n) = words(after).first().and_then(|w| w.parse::<u8>().ok()) {
            if (1..=5).contains(&n) {
                return Some(n - 1);
            }
        }
    }
    // Read up to the first letter-word that is not part of the phrase.
    let mut digits = Vec::new();
    for (i, w) in words(rest).iter().enumerate() {
        if i > 12 {
            break;
        }
        for part in w.split('-') {
            if let Ok(n) = part.parse::<u8>() {
                if n <= 4 {
                    digits.push(n);
                } else {
                    // "ECOG ... >= 70" is a Karnofsky score; stop.
                    return digits.iter().copied().max();
                }
            }
        }
        if w.starts_with("karnofsky") {
            break;
        }
    }
    digits.iter().copied().max()
}

/// "Stage II or III", "stage IIIB-IV", "stages I–III": the stages named, as I–IV.
fn stages(text: &str) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    let ws = words(text);
    for (i, w) in ws.iter().enumerate() {
        if *w != "stage" && *w != "stages" {
            continue;
        }
        let mut numerals: Vec<u8> = Vec::new();
        let mut range = false;
        for next in ws.iter().skip(i + 1).take(6) {
            match *next {
                "or" | "and" | "to" | "through" => {
                    if *next == "to" || *next == "through" {
                        range = true;
                    }
                    continue;
                }
                _ => {}
            }
            // "FIGO stage (67) III or IV": a reference number in between.
            if next.len() >= 2 && next.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            let parts: Vec<&str> = next.split('-').collect();
            let mut any = false;
            for (k, part) in parts.iter().enumerate() {
                if let Some(n) = roman(part) {
                    numerals.push(n);
                    any = true;
                    if k > 0 {
                        range = true;
                    }
                }
            }
            if !any {
                break;
            }
        }
        if numerals.is_empty() {
            continue;
        }
        let (lo, hi) = (
            *numerals.iter().min().unwrap_or(&1),
            *numerals.iter().max().unwrap_or(&4),
        );
        let list: Vec<u8> = if range { (lo..=hi).collect() } else { numerals };
        for n in list {
            let s = ["I", "II", "III", "IV"][usize::from(n - 1)];
            if !out.contains(&s) {
                out.push(s);
            }
        }
    }
    out
}

/// A stage numeral with its letter sub-stage ("iiib" → 3).
fn roman(word: &str) -> Option<u8> {
    let core = word.trim_end_matches(['a', 'b', 'c']);
    match core {
        "i" | "1" => Some(1),
        "ii" | "2" => Some(2),
        "iii" | "3" => Some(3),
        "iv" | "4" => Some(4),
        _ => None,
    }
}

/// The disease settings a sentence names plainly.
fn settings(text: &str) -> Vec<&'static str> {
    let mut out = Vec::new();
    let has = |p: &str| text.contains(p);
    // "received adjuvant therapy", "prior neoadjuvant chemotherapy": treatment history, not
    // the setting of this trial.
    let history = has("prior ") || has("received") || has("previous") || has("history of");
    if has("metastatic") || has("metastases") || has("stage iv") {
        out.push("metastatic");
    }
    if has("locally advanced") || has("unresectable") {
        out.push("locally-advanced");
    }
    if has("relapsed") || has("recurrent") || has("recurrence") || has("relapse") {
        out.push("relapsed");
    }
    if has("refractory") {
        out.push("refractory");
    }
    if !history {
        if has("neoadjuvant") || has("neo-adjuvant") || has("preoperative") {
            out.push("neoadjuvant");
        } else if has("adjuvant") {
            out.push("adjuvant");
        }
    }
    if has("newly diagnosed") || has("previously untreated") || has("treatment-naive") {
        out.push("newly-diagnosed");
    }
    if has("maintenance") {
        out.push("maintenance");
    }
    out
}

/// Biomarker statuses a sentence states, as `MARKER status`.
fn biomarkers(text: &str) -> Vec<String> {
    // Therapy against a marker is not the marker's status ("prior HER2-directed therapy").
    let directed = |m: &str| {
        text.contains(&format!("{m}-directed"))
            || text.contains(&format!("{m}-targeted"))
            || text.contains(&format!("anti-{m}"))
            || text.contains(&format!("{m} inhibitor"))
            || text.contains(&format!("{m} tyrosine kinase inhibitor"))
    };
    if text.contains("unknown") {
        return Vec::new();
    }
    let mut out = Vec::new();
    if text.contains("triple negative") || text.contains("triple-negative") {
        add(&mut out, "ER", "negative");
        add(&mut out, "PR", "negative");
        add(&mut out, "HER2", "negative");
    }
    if text.contains("hormone receptor positive")
        || text.contains("hormone receptor-positive")
        || text.contains("hr-positive")
        || text.contains("hr+")
    {
        add(&mut out, "ER", "positive");
    }
    let state = |m: &str| -> Option<&'static str> {
        let pos = [
            format!("{m}-positive"),
            format!("{m} positive"),
            format!("{m}-positivity"),
            format!("{m} positivity"),
            format!("{m}+"),
            format!("{m} overexpression"),
            format!("{m}-overexpressing"),
            format!("{m} amplification"),
            format!("{m}-amplified"),
            format!("{m} mutation"),
            format!("{m}-mutant"),
            format!("{m}-mutated"),
            format!("{m} mutated"),
            format!("{m} rearrangement"),
            format!("{m}-rearranged"),
            format!("{m} fusion"),
        ];
        let neg = [
            format!("{m}-negative"),
            format!("{m} negative"),
            format!("{m}-"),
            format!("{m} wild-type"),
            format!("{m} wild type"),
            format!("{m}-wild-type"),
            format!("{m} wildtype"),
        ];
        let denied = [
            format!("no {m} "),
            format!("no {m}-"),
            format!("without {m} "),
            format!("negative for {m}"),
            format!("absence of {m}"),
            format!("no known {m}"),
            format!("no activating {m}"),
            format!("no sensitizing {m}"),
        ];
        // "EGFR mutations were negative or not detected".
        let said_negative = (text.contains(" negative") || text.contains("not detected"))
            && !text.contains("positive");
        if neg.iter().any(|p| contains_term(text, p))
            || denied.iter().any(|p| text.contains(p.as_str()))
            || (said_negative && contains_term(text, m))
        {
            Some("negative")
        } else if pos.iter().any(|p| contains_term(text, p)) {
            Some("positive")
        } else {
            None
        }
    };
    for (word, marker) in [
        ("her2", "HER2"),
        ("egfr", "EGFR"),
        ("alk", "ALK"),
        ("ros1", "ROS1"),
        ("brca1", "BRCA1"),
        ("brca2", "BRCA2"),
        ("ntrk", "NTRK"),
        ("er", "ER"),
        ("pr", "PR"),
        ("kras", "KRAS"),
        ("pik3ca", "PIK3CA"),
    ] {
        if directed(word) {
            continue;
        }
        if let Some(status) = state(word) {
            add(&mut out, marker, status);
        }
    }
    // Specific mutations and states with a marker code of their own.
    if text.contains("v600e") || text.contains("v600") {
        add(&mut out, "BRAF-V600E", "positive");
    }
    if text.contains("g12c") {
        add(&mut out, "KRAS-G12C", "positive");
    }
    let egfr_named =
        text.contains("l858") || text.contains("exon 19 deletion") || text.contains("exon 19 del");
    if egfr_named && !out.iter().any(|v| v.starts_with("EGFR ")) {
        add(&mut out, "EGFR", "positive");
    }
    if text.contains("msi-h")
        || text.contains("microsatellite instability-high")
        || text.contains("microsatellite instability high")
        || text.contains("dmmr")
        || text.contains("mismatch repair deficient")
        || text.contains("mismatch repair-deficient")
    {
        add(&mut out, "MSI-H", "positive");
    }
    if (text.contains("pd-l1")
        && (text.contains(">=") || text.contains("positive") || text.contains("tps")))
        && !text.contains("pd-l1 negative")
    {
        add(&mut out, "PD-L1", "positive");
    }
    out
}

/// Adds `MARKER status` once.
fn add(out: &mut Vec<String>, marker: &str, status: &str) {
    let v = format!("{marker} {status}");
    if !out.contains(&v) {
        out.push(v);
    }
}

/// `term` in `text` not inside a longer word ("er-positive" but not "her-positive", "pr"
/// but not "prior").
fn contains_term(text: &str, term: &str) -> bool {
    let mut start = 0;
    while let Some(i) = text[start..].find(term) {
        let at = start + i;
        let before = text[..at].chars().next_back();
        let after = text[at + term.len()..].chars().next();
        let open = before.is_none_or(|c| !c.is_alphanumeric());
        // A term ending in `-` or `+` must not run into more letters ("er-" of "er-positive").
        let last = term.chars().next_back();
        let closed = match last {
            Some('-') => after.is_none_or(|c| !c.is_alphabetic()),
            Some('+') => true,
            _ => after.is_none_or(|c| !c.is_alphanumeric()),
        };
        if open && closed {
            return true;
        }
        start = at + term.len();
    }
    false
}

/// "At least one prior line of systemic therapy" → minimum 1; "no more than 2 prior
/// regimens" → maximum 2; "no prior systemic therapy" / "treatment-naive" → maximum 0.
fn prior_lines(text: &str) -> Option<(&'static str, u8)> {
    let about_lines = [
        "line of",
        "lines of",
        "therapy lines",
        "treatment lines",
        "prior line",
        "prior regimen",
        "prior therap",
        "prior treatment",
        "prior chemotherapy",
        "prior systemic",
        "prior standard",
        "previous line",
        "previous regimen",
        "previous systemic",
    ];
    if !about_lines.iter().any(|p| text.contains(p)) && !text.contains("treatment-naive") {
        return None;
    }
    if text.contains("no prior systemic")
        || text.contains("no previous systemic")
        || text.contains("treatment-naive")
        || text.contains("no prior treatment")
    {
        return Some(("eligibility.prior_lines_max", 0));
    }
    let number = |s: &str| -> Option<u8> {
        let w = s.split_whitespace().next()?;
        match w {
            "one" | "1" => Some(1),
            "two" | "2" => Some(2),
            "three" | "3" => Some(3),
            "four" | "4" => Some(4),
            "five" | "5" => Some(5),
            _ => None,
        }
    };
    for (phrase, field) in [
        ("at least ", "eligibility.prior_lines_min"),
        (">= ", "eligibility.prior_lines_min"),
        ("minimum of ", "eligibility.prior_lines_min"),
        ("no more than ", "eligibility.prior_lines_max"),
        ("not more than ", "eligibility.prior_lines_max"),
        ("at most ", "eligibility.prior_lines_max"),
        ("maximum of ", "eligibility.prior_lines_max"),
        ("up to ", "eligibility.prior_lines_max"),
        ("<= ", "eligibility.prior_lines_max"),
    ] {
        if let Some(i) = text.find(phrase) {
            if let Some(n) = number(&text[i + phrase.len()..]) {
                return Some((field, n));
            }
        }
    }
    None
}

#[cfg(test)]
#[path = "suggest_tests.rs"]
mod tests;
