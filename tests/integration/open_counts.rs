//! One meaning of "open" (recruiting, with at least one open department) everywhere: the home
//! page, the protocol list, `GET /api/v1/protocols` and the transparency report give the same
//! open counts per DMCG and per region for the same registry.

use std::collections::BTreeMap;

use crate::helpers::{attrs, spawn_app, texts, Data};

#[tokio::test]
async fn home_list_api_and_report_give_the_same_open_counts_per_dmcg_and_region() {
    let app = spawn_app(Data::Demo).await;
    let (_, api) = app.get_json("/api/v1/protocols?per_page=1").await;
    let facet = |name: &str| -> BTreeMap<String, u64> {
        api["facets"][name]
            .as_object()
            .expect("facet")
            .iter()
            .map(|(k, v)| (k.clone(), v.as_u64().expect("count")))
            .collect()
    };
    let (api_dmcg, api_region) = (facet("dmcg"), facet("region"));
    let (_, dmcgs) = app.get_json("/api/v1/reference/dmcgs").await;
    let dmcgs: Vec<String> = dmcgs
        .as_array()
        .expect("dmcgs")
        .iter()
        .map(|d| d["acronym"].as_str().expect("acronym").to_owned())
        .collect();
    let (_, home) = app.get_html("/").await;
    let (_, report) = app.get_html("/gennemsigtighed").await;
    let number = |cells: Vec<String>, what: &str| -> u64 {
        cells
            .first()
            .unwrap_or_else(|| panic!("{what}: no cell"))
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("{what}: {cells:?}"))
    };
    let home_counts = |table: &str| -> Vec<u64> {
        texts(&home, &format!("#{table} tbody tr td.count"))
            .iter()
            .map(|c| c.trim().parse().expect("count"))
            .collect()
    };
    let home_dmcg = home_counts("by-dmcg");
    let home_region = home_counts("by-region");
    let mut open_somewhere = 0;
    let mut differs_in_period = 0;
    for (i, dmcg) in dmcgs.iter().enumerate() {
        let expected = api_dmcg.get(dmcg).copied().unwrap_or(0);
        assert_eq!(home_dmcg[i], expected, "{dmcg}: home page against the API");
        let (_, list) = app.get_html(&format!("/protokoller?dmcg={dmcg}")).await;
        assert_eq!(
            number(texts(&list, "#total"), dmcg),
            expected,
            "{dmcg}: list"
        );
        let row = format!("#protocols-dmcg tr[data-group='{dmcg}']");
        let now = number(
            texts(&report, &format!("{row} td[data-count=open_now]")),
            dmcg,
        );
        assert_eq!(now, expected, "{dmcg}: report against the API");
        let period = number(
            texts(&report, &format!("{row} td[data-count=open_in_period]")),
            dmcg,
        );
        if period != now {
            differs_in_period += 1;
        }
        open_somewhere += expected;
    }
    assert!(open_somewhere > 10, "the demo registry has open protocols");
    assert!(
        differs_in_period > 0,
        "a temporarily closed protocol counts in the period, not now"
    );
    let regions = attrs(&report, "#protocols-region tbody tr", "data-group");
    assert_eq!(regions, ["1081", "1082", "1083", "1084", "1085"]);
    for (i, region) in regions.iter().enumerate() {
        let expected = api_region.get(region).copied().unwrap_or(0);
        assert_eq!(
            home_region[i], expected,
            "{region}: home page against the API"
        );
        let (_, list) = app.get_html(&format!("/protokoller?region={region}")).await;
        assert_eq!(
            number(texts(&list, "#total"), region),
            expected,
            "{region}: list"
        );
        let row = format!("#protocols-region tr[data-group='{region}']");
        let now = number(
            texts(&report, &format!("{row} td[data-count=open_now]")),
            region,
        );
        assert_eq!(now, expected, "{region}: report against the API");
    }
}
