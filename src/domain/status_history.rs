//! A protocol's recruitment status over time: the protocol's own status and each department's,
//! kept as dated intervals so that "open at some time in a period" is exact for past periods.
//!
//! Three sources, in the order they are used for one protocol's past:
//! - [`Source::Dates`]: before the registry knew the protocol (its creation), from its opening
//!   and closing dates: the protocol and every department not still planned at the first known
//!   state are taken as open from the opening date until the expected closing date, or until the
//!   registry's first record where it was open then. Nothing is assumed without an opening date.
//! - [`Source::History`]: rebuilt once from the change history, for protocols that existed
//!   before intervals were kept.
//! - [`Source::Recorded`]: written in the same transaction as the change itself.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime};

use crate::domain::change::Change;

/// The key of the protocol's own status among its departments' codes.
pub const PROTOCOL_KEY: &str = "";

/// How an interval is known (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Recorded,
    History,
    Dates,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Recorded => "recorded",
            Self::History => "history",
            Self::Dates => "dates",
        }
    }
}

/// The statuses of one protocol at one moment: its own and each department's, by code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatusState {
    pub protocol: String,
    pub sites: BTreeMap<String, String>,
}

impl StatusState {
    /// Every (key, status) of the state, the protocol's own under [`PROTOCOL_KEY`].
    pub fn entries(&self) -> impl Iterator<Item = (&str, &str)> {
        std::iter::once((PROTOCOL_KEY, self.protocol.as_str()))
            .chain(self.sites.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }

    /// Turns this state into the one before `changes` (a history entry's fields, as
    /// the change history writes them): `recruitment_status`,
    /// `sites.CODE.status`, and `sites.CODE` for a department added or removed.
    pub fn undo(&mut self, changes: &[Change]) {
        for c in changes {
            if c.field == "recruitment_status" {
                if let Some(old) = &c.old {
                    self.protocol.clone_from(old);
                }
                continue;
            }
            let Some(rest) = c.field.strip_prefix("sites.") else {
                continue;
            };
            if let Some(code) = rest.strip_suffix(".status") {
                match &c.old {
                    Some(old) => self.sites.insert(code.to_owned(), old.clone()),
                    None => self.sites.remove(code),
                };
            } else if !rest.contains('.') {
                // A department added (old is None) or removed (old is its row as JSON).
                let old_status = c.old.as_deref().and_then(|json| {
                    serde_json::from_str::<serde_json::Value>(json)
                        .ok()?
                        .get("status")?
                        .as_str()
                        .map(str::to_owned)
                });
                match old_status {
                    Some(status) => self.sites.insert(rest.to_owned(), status),
                    None => self.sites.remove(rest),
                };
            }
        }
    }
}

/// One status over a span of time; `to` is `None` while it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interval {
    pub key: String,
    pub status: String,
    pub from: NaiveDateTime,
    pub to: Option<NaiveDateTime>,
    pub source: Source,
}

/// What a protocol's record says about its dates, for the time before the registry knew it.
#[derive(Debug, Clone, Copy, Default)]
pub struct Dates {
    pub opened_on: Option<NaiveDate>,
    pub closes_on: Option<NaiveDate>,
}

fn midnight(d: NaiveDate) -> NaiveDateTime {
    d.and_time(chrono::NaiveTime::MIN)
}

/// The intervals before `created`, from the dates (see the module documentation).
fn before_the_registry(first: &StatusState, created: NaiveDateTime, dates: Dates) -> Vec<Interval> {
    let Some(start) = dates.opened_on.map(midnight) else {
        return Vec::new();
    };
    let end = match first.protocol.as_str() {
        "open" => Some(created),
        "temporarily-closed" | "closed" | "completed" => dates
            .closes_on
            .and_then(|d| d.succ_opt())
            .map(|d| midnight(d).min(created)),
        _ => None,
    };
    let Some(end) = end.filter(|end| *end > start) else {
        return Vec::new();
    };
    first
        .entries()
        .filter(|(_, status)| *status != "planned")
        .map(|(key, _)| Interval {
            key: key.to_owned(),
            status: "open".into(),
            from: start,
            to: Some(end),
            source: Source::Dates,
        })
        .collect()
}

/// A protocol's intervals, from its state now and its history's changes (newest first, each
/// with its time): the state before each change is found by undoing it, so the walk needs no
/// record of the first state. `created` is when the registry first held the protocol.
pub fn rebuild(
    now: &StatusState,
    changes_newest_first: &[(NaiveDateTime, Vec<Change>)],
    created: NaiveDateTime,
    dates: Dates,
    source: Source,
) -> Vec<Interval> {
    let mut states = vec![];
    let mut state = now.clone();
    for (at, changes) in changes_newest_first {
        let before = {
            let mut s = state.clone();
            s.undo(changes);
            s
        };
        if before != state {
            states.push((*at, state));
        }
        state = before;
    }
    states.push((created, state));
    states.reverse();
    let mut out = before_the_registry(&states[0].1, created, dates);
    let mut open: BTreeMap<String, usize> = BTreeMap::new();
    for (at, state) in &states {
        let at = (*at).max(created);
        let current: BTreeMap<&str, &str> = state.entries().collect();
        // Close what changed or went away.
        open.retain(|key, &mut i| {
            let same = current.get(key.as_str()) == Some(&out[i].status.as_str());
            if !same {
                out[i].to = Some(at);
            }
            same
        });
        for (key, status) in current {
            if !open.contains_key(key) {
                open.insert(key.to_owned(), out.len());
                out.push(Interval {
                    key: key.to_owned(),
                    status: status.to_owned(),
                    from: at,
                    to: None,
                    source,
                });
            }
        }
    }
    out
}

/// The keys whose current interval must end, and the (key, status) intervals to begin, to move
/// from the `current` statuses (key → status of each interval still open) to `desired`.
pub fn changes_to(
    current: &BTreeMap<String, String>,
    desired: &StatusState,
) -> (Vec<String>, Vec<(String, String)>) {
    let wanted: BTreeMap<&str, &str> = desired.entries().collect();
    let close: Vec<String> = current
        .iter()
        .filter(|(k, v)| wanted.get(k.as_str()) != Some(&v.as_str()))
        .map(|(k, _)| k.clone())
        .collect();
    let begin = wanted
        .into_iter()
        .filter(|(k, v)| current.get(*k).map(String::as_str) != Some(*v))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    (close, begin)
}

/// The spans in which a protocol was open for recruitment with an open department.
#[derive(Debug, Clone, Default)]
pub struct OpenSpans {
    /// When the protocol's own status was `open`.
    pub protocol: Vec<(NaiveDateTime, Option<NaiveDateTime>)>,
    /// When each department's status was `open`.
    pub sites: Vec<(String, NaiveDateTime, Option<NaiveDateTime>)>,
}

impl OpenSpans {
    /// Adds one interval in which `key` (a department's code, or [`PROTOCOL_KEY`]) was open.
    pub fn add(&mut self, key: String, from: NaiveDateTime, to: Option<NaiveDateTime>) {
        if key == PROTOCOL_KEY {
            self.protocol.push((from, to));
        } else {
            self.sites.push((key, from, to));
        }
    }

    /// The open spans among a protocol's intervals.
    pub fn of(intervals: &[Interval]) -> Self {
        let mut out = Self::default();
        for i in intervals.iter().filter(|i| i.status == "open") {
            out.add(i.key.clone(), i.from, i.to);
        }
        out
    }

    /// The departments open at some moment of `[from, to)` at which the protocol itself was
    /// open too (each once, in the order first found).
    pub fn sites_open_during(&self, from: NaiveDateTime, to: NaiveDateTime) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for (key, start, end) in self.recruiting() {
            if start < to && end > from && !out.contains(&key) {
                out.push(key);
            }
        }
        out
    }

    /// When each department recruited: its open spans cut to the protocol's own (the
    /// domain's "open": the protocol open with the department open), an end of
    /// [`NaiveDateTime::MAX`] for still open.
    pub fn recruiting(&self) -> Vec<(&str, NaiveDateTime, NaiveDateTime)> {
        let mut out = Vec::new();
        for (key, s_from, s_to) in &self.sites {
            for (p_from, p_to) in &self.protocol {
                let start = (*s_from).max(*p_from);
                let end = s_to
                    .unwrap_or(NaiveDateTime::MAX)
                    .min(p_to.unwrap_or(NaiveDateTime::MAX));
                if start < end {
                    out.push((key.as_str(), start, end));
                }
            }
        }
        out
    }
}

/// The span of calendar days `from..=to` as `[from 00:00, day after to 00:00)`.
pub fn day_span(from: NaiveDate, to: NaiveDate) -> (NaiveDateTime, NaiveDateTime) {
    (
        midnight(from),
        midnight(to.succ_opt().unwrap_or(NaiveDate::MAX)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(y: i32, m: u32, d: u32) -> NaiveDateTime {
        midnight(NaiveDate::from_ymd_opt(y, m, d).expect("date"))
    }

    fn state(protocol: &str, sites: &[(&str, &str)]) -> StatusState {
        StatusState {
            protocol: protocol.into(),
            sites: sites
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }

    fn change(field: &str, old: Option<&str>, new: Option<&str>) -> Change {
        Change {
            field: field.into(),
            old: old.map(str::to_owned),
            new: new.map(str::to_owned),
        }
    }

    fn spans(out: &[Interval], key: &str) -> Vec<(String, NaiveDateTime, Option<NaiveDateTime>)> {
        out.iter()
            .filter(|i| i.key == key)
            .map(|i| (i.status.clone(), i.from, i.to))
            .collect()
    }

    #[test]
    fn the_history_is_walked_back_from_the_state_now() {
        // Created 1 Feb open at A; B added on 1 March; closed temporarily on 1 April, open again
        // on 1 May with A closed.
        let now = state("open", &[("A", "closed"), ("B", "open")]);
        let history = vec![
            (
                t(2026, 5, 1),
                vec![
                    change(
                        "recruitment_status",
                        Some("temporarily-closed"),
                        Some("open"),
                    ),
                    change("sites.A.status", Some("open"), Some("closed")),
                ],
            ),
            (
                t(2026, 4, 1),
                vec![change(
                    "recruitment_status",
                    Some("open"),
                    Some("temporarily-closed"),
                )],
            ),
            (
                t(2026, 3, 1),
                vec![change("sites.B", None, Some(r#"{"status":"open"}"#))],
            ),
            // A change of another field is no change of status.
            (
                t(2026, 2, 15),
                vec![change("phase", Some("phase-2"), Some("phase-3"))],
            ),
        ];
        let out = rebuild(
            &now,
            &history,
            t(2026, 2, 1),
            Dates::default(),
            Source::History,
        );
        assert_eq!(
            spans(&out, PROTOCOL_KEY),
            [
                ("open".into(), t(2026, 2, 1), Some(t(2026, 4, 1))),
                (
                    "temporarily-closed".into(),
                    t(2026, 4, 1),
                    Some(t(2026, 5, 1))
                ),
                ("open".into(), t(2026, 5, 1), None),
            ]
        );
        assert_eq!(
            spans(&out, "A"),
            [
                ("open".into(), t(2026, 2, 1), Some(t(2026, 5, 1))),
                ("closed".into(), t(2026, 5, 1), None),
            ]
        );
        assert_eq!(spans(&out, "B"), [("open".into(), t(2026, 3, 1), None)]);
        assert!(out.iter().all(|i| i.source == Source::History));
    }

    #[test]
    fn a_removed_department_is_open_until_its_removal() {
        let now = state("open", &[]);
        let history = vec![(
            t(2026, 6, 1),
            vec![change(
                "sites.A",
                Some(r#"{"status":"open","contact":null}"#),
                None,
            )],
        )];
        let out = rebuild(
            &now,
            &history,
            t(2026, 1, 1),
            Dates::default(),
            Source::History,
        );
        assert_eq!(
            spans(&out, "A"),
            [("open".into(), t(2026, 1, 1), Some(t(2026, 6, 1)))]
        );
    }

    #[test]
    fn before_the_registry_the_dates_are_used() {
        // Imported on 1 March 2026, already closed; it ran from May 2024 to the end of 2025.
        let first = state("closed", &[("A", "closed"), ("P", "planned")]);
        let dates = Dates {
            opened_on: NaiveDate::from_ymd_opt(2024, 5, 1),
            closes_on: NaiveDate::from_ymd_opt(2025, 12, 31),
        };
        let out = rebuild(&first, &[], t(2026, 3, 1), dates, Source::Recorded);
        assert_eq!(
            spans(&out, PROTOCOL_KEY),
            [
                ("open".into(), t(2024, 5, 1), Some(t(2026, 1, 1))),
                ("closed".into(), t(2026, 3, 1), None),
            ]
        );
        assert_eq!(out[0].source, Source::Dates);
        assert_eq!(
            spans(&out, "P"),
            [("planned".into(), t(2026, 3, 1), None)],
            "a planned department was not open before"
        );
        // Open when imported: open from its opening date on, without a gap.
        let open = rebuild(
            &state("open", &[("A", "open")]),
            &[],
            t(2026, 3, 1),
            dates,
            Source::Recorded,
        );
        assert_eq!(
            spans(&open, "A"),
            [
                ("open".into(), t(2024, 5, 1), Some(t(2026, 3, 1))),
                ("open".into(), t(2026, 3, 1), None),
            ]
        );
        // No opening date, or still planned: nothing before.
        let none = rebuild(
            &first,
            &[],
            t(2026, 3, 1),
            Dates::default(),
            Source::Recorded,
        );
        assert!(none.iter().all(|i| i.from == t(2026, 3, 1)));
    }

    #[test]
    fn a_live_change_ends_and_begins_only_what_changed() {
        let current: BTreeMap<String, String> = [("", "open"), ("A", "open"), ("B", "open")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let desired = state("open", &[("A", "closed"), ("C", "planned")]);
        let (close, begin) = changes_to(&current, &desired);
        assert_eq!(close, ["A", "B"]);
        assert_eq!(
            begin,
            [
                ("A".into(), "closed".into()),
                ("C".into(), "planned".into())
            ]
        );
        assert_eq!(
            changes_to(&current, &state("open", &[("A", "open"), ("B", "open")]))
                .0
                .len(),
            0
        );
    }

    #[test]
    fn open_means_the_protocol_and_a_department_open_at_the_same_time() {
        let spans = OpenSpans {
            // Open in January and from March on.
            protocol: vec![(t(2026, 1, 1), Some(t(2026, 2, 1))), (t(2026, 3, 1), None)],
            sites: vec![
                // A open only in February, while the protocol was closed.
                ("A".into(), t(2026, 2, 1), Some(t(2026, 3, 1))),
                // B open from mid-January to mid-March.
                ("B".into(), t(2026, 1, 15), Some(t(2026, 3, 15))),
            ],
        };
        let (q1_from, q1_to) = day_span(
            NaiveDate::from_ymd_opt(2026, 1, 1).expect("date"),
            NaiveDate::from_ymd_opt(2026, 3, 31).expect("date"),
        );
        assert_eq!(spans.sites_open_during(q1_from, q1_to), ["B"]);
        // February alone: the protocol was closed the whole month.
        assert!(spans
            .sites_open_during(t(2026, 2, 1), t(2026, 3, 1))
            .is_empty());
        // A span ending where an interval begins does not overlap it.
        assert!(spans
            .sites_open_during(t(2025, 12, 1), t(2026, 1, 1))
            .is_empty());
    }
}
