//! `/match/konference`: an MDT conference's case list, up to 50 cases typed row by row, pasted
//! or uploaded as CSV (a template to download), matched in one post, one row per case with its
//! proposals, pathways and a button to the offer form prefilled for that case; and a printable
//! summary. Clinicians and admins only. Nothing is stored or logged: the list lives only in the
//! form posts, and a case number is a local number, never a CPR number (refused as everywhere).

pub mod results;

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::web;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use dccc_matching::Stage;

use self::results::{case_profile, field_name, match_cases, CaseResultView};
use super::mdt::require_clinician;
use crate::catalogue::matcher::{diagnosis_names, NamedDiagnosis};
use crate::domain::case_list::{read_case_list, template_rows, CaseRow, FIELDS, MAX_CASES};
use crate::domain::cpr::looks_like_cpr;
use crate::domain::csv_table::LineError;
use crate::domain::offers::MdtLevel;
use crate::domain::spreadsheet::excel_csv;
use crate::domain::{msg, FieldError, Message};
use crate::web::auth::Viewer;
use crate::web::error::PageError;
use crate::web::extract::Form;
use crate::web::forms::{error_lines, line_views, ErrorLine, FormData, LineView};
use crate::web::i18n::Lang;
use crate::web::layout::Layout;
use crate::web::pages::render_with;
use crate::web::upload::{read_upload, UploadError, UploadQuery, MAX_UPLOAD};
use crate::web::AppState;

/// A case row of the editor with its errors in the page's language.
pub struct RowView {
    pub index: usize,
    pub row: CaseRow,
    errors: Vec<(String, String)>,
}

impl RowView {
    pub fn v(&self, field: &str) -> &str {
        self.row.get(field)
    }
    pub fn is(&self, field: &str, value: &str) -> bool {
        self.row.get(field) == value
    }
    /// The errors of one of the row's fields ("" when none).
    pub fn err(&self, field: &str) -> String {
        let name = field_name(self.index, field);
        self.errors
            .iter()
            .filter(|(f, _)| *f == name)
            .map(|(_, m)| m.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// The conference's own fields: the deciding department, the date and the MDT level, given to
/// every offer form opened from the list.
#[derive(Debug, Clone, Default)]
pub struct Conference {
    pub site: String,
    pub date: String,
    pub mdt_level: String,
}

#[derive(Template)]
#[template(path = "match_/conference.html")]
pub struct ConferencePage {
    pub layout: Layout,
    pub csrf: String,
    pub conference: Conference,
    pub rows: Vec<RowView>,
    /// The pasted list shown again when it could not be read (never when it held a CPR
    /// number).
    pub list_text: String,
    pub errors: Vec<FieldError>,
    pub line_errors: Vec<LineView>,
    pub results: Vec<CaseResultView>,
    pub matched: bool,
    pub sites: Vec<(String, String)>,
    pub diagnoses: &'static [NamedDiagnosis],
    pub settings: Vec<(&'static str, &'static str)>,
    pub stages: Vec<&'static str>,
    pub levels: Vec<(&'static str, &'static str)>,
    pub max_cases: usize,
}

#[derive(Template)]
#[template(path = "match_/conference_print.html")]
pub struct ConferencePrintPage {
    pub layout: Layout,
    pub conference: Conference,
    pub site_name: String,
    pub level: &'static str,
    pub results: Vec<CaseResultView>,
}

impl ConferencePage {
    /// The errors at the top of the form, each field named by its case and label.
    pub fn summary(&self) -> Vec<ErrorLine> {
        let lang = self.layout.lang;
        error_lines(&self.errors, lang, |field| label(field, lang))
    }
    pub fn has_errors(&self, field: &str) -> bool {
        self.errors.iter().any(|e| e.field == field)
    }
}

/// A case's field named as the page names it, `cases[3].age`: the case's place and the field.
fn case_field(name: &str) -> Option<(usize, &str)> {
    let (index, field) = name.strip_prefix("cases[")?.split_once("].")?;
    Some((index.parse().ok()?, field))
}

/// A field by its case and label: "Sag 3, Alder".
fn label(field: &str, lang: Lang) -> String {
    let Some((index, name)) = case_field(field) else {
        return match field {
            "list" => lang.t("conference.paste"),
            _ => lang.t("form.form"),
        };
    };
    let case = index + 1;
    let field = match name {
        "case" => lang.t("conference.case_number"),
        "biomarkers" => lang.t("match.biomarkers"),
        other => super::mdt::label(other, lang),
    };
    format!("{} {case}, {field}", lang.t("conference.case"))
}

fn page(req: &HttpRequest, lang: Lang, viewer: &Viewer, state: &AppState) -> ConferencePage {
    let catalogue = state.catalogue.get();
    let user = viewer.user.as_ref();
    ConferencePage {
        layout: Layout::new(
            req,
            lang,
            lang.t("conference.title"),
            catalogue.has_demo(),
            "match",
        )
        .with_viewer(viewer),
        csrf: viewer.csrf(),
        conference: Conference::default(),
        rows: Vec::new(),
        list_text: String::new(),
        errors: Vec::new(),
        line_errors: Vec::new(),
        results: Vec::new(),
        matched: false,
        sites: catalogue
            .sites
            .iter()
            .filter(|s| user.is_some_and(|u| crate::services::offers::may_register(u, &s.code)))
            .map(|s| (s.code.clone(), format!("{}, {}", s.hospital, s.department)))
            .collect(),
        diagnoses: &diagnosis_names().categories,
        settings: super::setting_options(lang),
        stages: Stage::ALL.iter().map(|s| s.as_str()).collect(),
        levels: MdtLevel::ALL
            .iter()
            .map(|l| (l.as_str(), l.label(lang.is_en())))
            .collect(),
        max_cases: MAX_CASES,
    }
}

/// The rows to show, each with its errors.
fn row_views(rows: Vec<CaseRow>, errors: &[FieldError], lang: Lang) -> Vec<RowView> {
    rows.into_iter()
        .enumerate()
        .map(|(index, row)| {
            let prefix = format!("cases[{index}].");
            RowView {
                index,
                row,
                errors: errors
                    .iter()
                    .filter(|e| e.field.starts_with(&prefix))
                    .map(|e| (e.field.clone(), lang.message(&e.message)))
                    .collect(),
            }
        })
        .collect()
}

/// The conference's fields as posted; a department the user may not register for is dropped.
fn conference_of(get: impl Fn(&str) -> String, page: &ConferencePage) -> Conference {
    let site = get("site");
    Conference {
        site: if page.sites.iter().any(|(code, _)| *code == site) {
            site
        } else {
            String::new()
        },
        date: Some(get("date"))
            .filter(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok())
            .unwrap_or_else(today),
        mdt_level: MdtLevel::parse(&get("mdt_level"))
            .unwrap_or(MdtLevel::Local)
            .as_str()
            .to_owned(),
    }
}

fn today() -> String {
    crate::web::time::today().to_string()
}

/// The rows of the posted form in their order (`cases[i].field`), blank rows and the row
/// `removed` (its place on the page) left out.
fn posted_rows(form: &FormData, removed: Option<usize>) -> Vec<CaseRow> {
    let mut rows: std::collections::BTreeMap<usize, CaseRow> = std::collections::BTreeMap::new();
    for (name, value) in &form.0 {
        // More rows than a list may hold are counted, not kept.
        if let Some((index, field)) = case_field(name)
            .filter(|(i, f)| *i <= MAX_CASES * 2 && Some(*i) != removed && FIELDS.contains(f))
        {
            rows.entry(index).or_default().set(field, value);
        }
    }
    rows.into_values().filter(|r| !r.is_blank()).collect()
}

/// `GET /match/konference`: an empty list of three rows.
pub async fn show_conference(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    require_clinician(&viewer, &req)?;
    let mut view = page(&req, lang, &viewer, &state);
    let conference = conference_of(|_| String::new(), &view);
    view.conference = conference;
    view.rows = row_views(vec![CaseRow::default(); 3], &[], lang);
    render_with(StatusCode::OK, &view)
}

/// `POST /match/konference`: the list as typed or pasted; `action` adds a row, removes one,
/// matches the list or prints its summary.
pub async fn post_conference(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    Form(form): Form<FormData>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    require_clinician(&viewer, &req)?;
    let mut view = page(&req, lang, &viewer, &state);
    view.conference = conference_of(|name| form.get(name).to_owned(), &view);
    let action = form.get("action");
    // The row to remove, by its place on the page (before blank rows close up).
    let removed = action
        .strip_prefix("remove-")
        .and_then(|i| i.parse::<usize>().ok());
    let mut rows = posted_rows(&form, removed);
    // A CPR number in a field of the form refuses the field, and is not shown again; the
    // cases' fields are checked with each case, the pasted list line by line, below.
    let mut errors: Vec<FieldError> = form
        .0
        .iter()
        .filter(|(name, value)| {
            looks_like_cpr(name)
                || (name != "list" && !name.starts_with("cases[") && looks_like_cpr(value))
        })
        .map(|(name, _)| {
            let field = if looks_like_cpr(name) { "form" } else { name };
            FieldError::new(field, msg::CPR_REFUSED)
        })
        .collect();
    let pasted = form.get("list");
    if !pasted.is_empty() {
        match read_case_list(pasted) {
            Ok(more) => rows.extend(more),
            Err(line_errors) => {
                view.line_errors = line_views(&line_errors, lang);
                if !line_errors
                    .iter()
                    .any(|e| e.message.key() == msg::CPR_REFUSED)
                    && !looks_like_cpr(pasted)
                {
                    pasted.clone_into(&mut view.list_text);
                }
            }
        }
    }
    if rows.len() > MAX_CASES {
        errors.push(FieldError::new(
            "list",
            Message::new(msg::CASE_LIST_TOO_LONG).with("max", MAX_CASES),
        ));
    }
    let matching = matches!(action, "match" | "print");
    if matching && rows.is_empty() && view.line_errors.is_empty() {
        errors.push(FieldError::new("list", msg::CASE_LIST_EMPTY));
    }
    if !errors.is_empty() || !view.line_errors.is_empty() || !matching {
        if action == "add" && rows.len() < MAX_CASES {
            rows.push(CaseRow::default());
        }
        if rows.is_empty() {
            rows.push(CaseRow::default());
        }
        let rows = rows.into_iter().map(CaseRow::without_cpr).collect();
        view.rows = row_views(rows, &errors, lang);
        view.errors = errors;
        let status = if view.errors.is_empty() && view.line_errors.is_empty() {
            StatusCode::OK
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        return render_with(status, &view);
    }
    let catalogue = state.catalogue.get();
    let mut profiles = Vec::with_capacity(rows.len());
    for (index, row) in rows.iter().enumerate() {
        match case_profile(index, row, &catalogue) {
            Ok(profile) => profiles.push(profile),
            Err(case_errors) => errors.extend(case_errors),
        }
    }
    if !errors.is_empty() {
        let rows = rows.into_iter().map(CaseRow::without_cpr).collect();
        view.rows = row_views(rows, &errors, lang);
        view.errors = errors;
        return render_with(StatusCode::UNPROCESSABLE_ENTITY, &view);
    }
    let results = match_cases(&catalogue, &rows, &profiles, lang);
    if action == "print" {
        let site_name = catalogue
            .site(&view.conference.site)
            .map(|s| format!("{}, {}", s.hospital, s.department))
            .unwrap_or_default();
        let level = MdtLevel::parse(&view.conference.mdt_level)
            .unwrap_or(MdtLevel::Local)
            .label(lang.is_en());
        let print = ConferencePrintPage {
            layout: view.layout,
            conference: view.conference,
            site_name,
            level,
            results,
        };
        return render_with(StatusCode::OK, &print);
    }
    view.results = results;
    view.matched = true;
    view.rows = row_views(rows, &[], lang);
    render_with(StatusCode::OK, &view)
}

/// `POST /match/konference/fil`: a CSV file of cases read into the list's rows (not matched
/// yet, so they can be checked first). Errors name the file's lines.
pub async fn upload_conference(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    query: web::Query<UploadQuery>,
    payload: Multipart,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    require_clinician(&viewer, &req)?;
    let mut view = page(&req, lang, &viewer, &state);
    let upload = match read_upload(payload, &viewer, query.into_inner().csrf_token).await {
        Ok(upload) => upload,
        Err(UploadError::Forged) => return Err(PageError::bad_csrf()),
        Err(UploadError::TooLarge) => {
            let message = Message::new(msg::IMPORT_TOO_LARGE).with("mb", MAX_UPLOAD / 1024 / 1024);
            return file_refused(view, lang, message, StatusCode::PAYLOAD_TOO_LARGE);
        }
        Err(UploadError::Unreadable) => {
            let message = Message::new(msg::IMPORT_UPLOAD_FAILED);
            return file_refused(view, lang, message, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    view.conference = conference_of(|name| upload.get(name).to_owned(), &view);
    let Ok(text) = String::from_utf8(upload.file) else {
        let message = Message::new(msg::NOT_UTF8);
        return file_refused(view, lang, message, StatusCode::UNPROCESSABLE_ENTITY);
    };
    match read_case_list(&text) {
        Ok(rows) => {
            view.rows = row_views(rows, &[], lang);
            render_with(StatusCode::OK, &view)
        }
        Err(errors) => {
            view.line_errors = line_views(&errors, lang);
            view.rows = row_views(vec![CaseRow::default()], &[], lang);
            render_with(StatusCode::UNPROCESSABLE_ENTITY, &view)
        }
    }
}

fn file_refused(
    mut view: ConferencePage,
    lang: Lang,
    message: Message,
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    view.line_errors = line_views(&[LineError::new(0, "file", message)], lang);
    view.rows = row_views(vec![CaseRow::default()], &[], lang);
    render_with(status, &view)
}

/// `GET /match/konference/skabelon.csv`: the list's columns and two example cases, for Danish
/// Excel.
pub async fn conference_template(
    req: HttpRequest,
    viewer: Viewer,
) -> Result<HttpResponse, PageError> {
    require_clinician(&viewer, &req)?;
    let (header, rows) = template_rows();
    let body = excel_csv(&header, &rows).map_err(PageError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            "attachment; filename=\"konference-skabelon.csv\"",
        ))
        .body(body))
}
