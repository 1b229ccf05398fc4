use super::*;

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[test]
fn wilson_intervals_match_figures_computed_by_hand() {
    // (k, n, lower, upper) to three decimals, from the Wilson formula with z = 1.96.
    let cases = [
        (3, 10, 0.108, 0.603),
        (0, 20, 0.0, 0.161),
        (45, 60, 0.628, 0.842),
        (30, 100, 0.219, 0.396),
        (60, 60, 0.940, 1.0),
        (7, 9, 0.453, 0.937),
    ];
    for (k, n, lo, hi) in cases {
        let (l, h) = wilson(k, n, Z95).expect("n > 0");
        assert_eq!((round3(l), round3(h)), (lo, hi), "{k}/{n}");
        assert!(
            (0.0..=1.0).contains(&l) && (0.0..=1.0).contains(&h),
            "{k}/{n}"
        );
    }
    assert_eq!(wilson(0, 0, Z95), None);
}

#[test]
fn shares_are_percent_with_one_decimal() {
    let share = Share::of(45, 60).expect("valid");
    assert_eq!(share.pct, 75.0);
    assert_eq!(share.ci, (62.8, 84.2));
}

fn group(name: &str, patients: u64, offered: u64, included: u64) -> GroupTally {
    GroupTally {
        group: name.into(),
        name: name.into(),
        tally: Tally {
            patients,
            offered,
            included,
            reasons: [patients - offered, 0, 0, 0, 0, 0],
        },
        standard_pct: Some(50),
    }
}

fn national(groups: &[GroupTally]) -> GroupTally {
    let mut t = Tally::default();
    for g in groups {
        t.merge(&g.tally);
    }
    GroupTally {
        group: "national".into(),
        name: "Danmark".into(),
        tally: t,
        standard_pct: None,
    }
}

#[test]
fn exact_tables_hide_nothing() {
    let groups = [group("A", 3, 1, 0), group("B", 40, 30, 12)];
    let table = publish(Grouping::Dmcg, &national(&groups), &groups, true);
    assert!(table.rows.iter().all(|r| !r.suppressed));
    assert_eq!(table.rows[0].patients, Some(3));
    assert_eq!(table.national.patients, Some(43));
}

#[test]
fn a_row_with_a_count_of_one_to_four_is_suppressed() {
    for (patients, offered, included) in [(3, 0, 0), (50, 4, 0), (50, 20, 1)] {
        let groups = [
            group("A", patients, offered, included),
            group("B", 40, 30, 12),
            group("C", 60, 20, 10),
        ];
        let table = publish(Grouping::Dmcg, &national(&groups), &groups, false);
        let a = &table.rows[0];
        assert!(a.suppressed, "{patients}/{offered}/{included}");
        assert_eq!((a.patients, a.offered, a.included), (None, None, None));
        assert_eq!((a.offered_share, a.standard_met), (None, None));
    }
}

#[test]
fn zero_counts_are_not_small_cells() {
    let groups = [group("A", 20, 0, 0), group("B", 40, 30, 12)];
    let table = publish(Grouping::Dmcg, &national(&groups), &groups, false);
    assert!(table.rows.iter().all(|r| !r.suppressed));
}

/// Whatever is shown, national minus the rows shown must not single out one hidden row.
fn assert_not_recoverable(table: &IndicatorTable) {
    let hidden = table.rows.iter().filter(|r| r.suppressed).count();
    if table.national.suppressed {
        return;
    }
    assert_ne!(
        hidden, 1,
        "a lone hidden row is national minus the rest: {table:#?}"
    );
}

#[test]
fn a_lone_suppressed_row_takes_the_next_smallest_with_it() {
    let groups = [
        group("A", 3, 1, 0),
        group("B", 40, 30, 12),
        group("C", 12, 6, 5),
        group("D", 60, 20, 10),
    ];
    let table = publish(Grouping::Dmcg, &national(&groups), &groups, false);
    assert_not_recoverable(&table);
    let hidden: Vec<&str> = table
        .rows
        .iter()
        .filter(|r| r.suppressed)
        .map(|r| r.group.as_str())
        .collect();
    assert_eq!(hidden, ["A", "C"]);
    assert_eq!(table.national.patients, Some(115));
}

#[test]
fn a_single_group_that_is_suppressed_hides_the_national_row_too() {
    let groups = [group("A", 30, 3, 0)];
    let table = publish(Grouping::Dmcg, &national(&groups), &groups, false);
    assert!(table.rows[0].suppressed);
    assert!(table.national.suppressed);
}

#[test]
fn two_suppressed_rows_need_no_partner() {
    let groups = [
        group("A", 3, 1, 0),
        group("B", 2, 2, 1),
        group("C", 40, 30, 12),
    ];
    let table = publish(Grouping::Dmcg, &national(&groups), &groups, false);
    assert_not_recoverable(&table);
    assert!(!table.rows[2].suppressed);
}

#[test]
fn a_lone_small_reason_is_hidden_with_a_partner() {
    let mut g = group("A", 40, 20, 10);
    g.tally.reasons = [12, 3, 5, 0, 0, 0];
    let groups = [g, group("B", 40, 30, 12)];
    let table = publish(Grouping::Dmcg, &national(&groups), &groups, false);
    let reasons: Vec<Option<u64>> = table.rows[0].reasons.iter().map(|(_, n)| *n).collect();
    assert_eq!(reasons, [Some(12), None, None, Some(0), Some(0), Some(0)]);
}

#[test]
fn the_standard_is_met_when_the_share_offered_reaches_it() {
    let groups = [group("A", 40, 20, 10), group("B", 40, 19, 12)];
    let table = publish(Grouping::Dmcg, &national(&groups), &groups, false);
    assert_eq!(table.rows[0].standard_met, Some(true));
    assert_eq!(table.rows[1].standard_met, Some(false));
    assert_eq!(table.national.standard_met, None);
}
