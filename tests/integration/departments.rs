//! `/afdelinger` and `/afdelinger/{code}`: a department's open protocols are those the
//! list gives for `site=`, and the referral list names the nearest department that runs each
//! national protocol missing here.

use crate::helpers::{acronyms, attrs, spawn_app, texts, Data};

#[tokio::test]
async fn a_department_page_lists_what_the_site_filter_lists_and_where_to_refer() {
    let app = spawn_app(Data::Demo).await;
    let (status, list) = app.get_html("/afdelinger").await;
    assert_eq!(status, 200);
    let codes = attrs(&list, "tr[data-site]", "data-site");
    assert!(codes.len() > 20, "{}", codes.len());
    for code in ["AUH-ONK", "RH-ONK", "AAUH-ONK", "OUH-ONK"] {
        let (_, api) = app
            .get_json(&format!("/api/v1/protocols?site={code}&per_page=100"))
            .await;
        let mut expected = acronyms(&api);
        expected.sort();
        let (status, page) = app.get_html(&format!("/afdelinger/{code}")).await;
        assert_eq!(status, 200);
        let mut shown = texts(&page, "#open a.acronym");
        shown.sort();
        assert_eq!(shown, expected, "{code}");
        let count = texts(
            &list,
            &format!("tr[data-site='{code}'] td[data-count=open]"),
        );
        assert_eq!(count, [expected.len().to_string()], "{code} in the list");
        // No protocol in the referral list is open here.
        for site in attrs(&page, "#referral td.nearest .site", "data-site") {
            assert_ne!(site, code);
        }
    }
    let (status, _) = app.get_html("/afdelinger/NO-SUCH").await;
    assert_eq!(status, 404);
}
