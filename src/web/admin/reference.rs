//! `/admin/reference/...`: DCCC edits DMCGs, departments and referral pathways. Every change
//! is validated, kept in the history with old and new values, and reaches the lists at once.

use crate::web::see_other;
use actix_web::http::StatusCode;
use actix_web::web;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;
use chrono::Utc;

use super::reference_fields::{self as fields, Field, Table, Values};
use crate::db::history::{self, Actor, Change};
use crate::db::{reference, DbConnection};
use crate::domain::{FieldError, Message};
use crate::web::auth::Viewer;
use crate::web::error::PageError;
use crate::web::extract::Form;
use crate::web::forms::{error_lines, ErrorLine, FormData};
use crate::web::i18n::Lang;
use crate::web::layout::Layout;
use crate::web::pages::render_with;
use crate::web::{with_conn, AppState};

pub struct RowLink {
    pub key: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "admin/reference_list.html")]
pub struct ReferenceListPage {
    pub layout: Layout,
    pub tables: Vec<Table>,
    pub table: Table,
    pub rows: Vec<RowLink>,
}

#[derive(Template)]
#[template(path = "admin/reference_form.html")]
pub struct ReferenceFormPage {
    pub layout: Layout,
    pub csrf: String,
    pub table: Table,
    pub key: Option<String>,
    pub values: Values,
    pub errors: Vec<FieldError>,
}

impl ReferenceFormPage {
    pub fn v(&self, field: &Field) -> &str {
        self.values.get(field.name).map_or("", String::as_str)
    }
    pub fn err(&self, field: &Field) -> String {
        self.errors
            .iter()
            .filter(|e| e.field == field.name)
            .map(|e| self.layout.lang.message(&e.message))
            .collect::<Vec<_>>()
            .join("; ")
    }
    /// The errors at the top of the form, each named by its field's label.
    pub fn summary(&self) -> Vec<ErrorLine> {
        error_lines(&self.errors, self.layout.lang, |name| {
            self.table
                .fields
                .iter()
                .find(|f| f.name == name)
                .map_or_else(|| name.to_owned(), |f| f.label.to_owned())
        })
    }
    pub fn locked(&self, field: &Field) -> bool {
        self.key.is_some() && field.name == self.table.key
    }
}

fn table_of(slug: &str) -> Result<Table, PageError> {
    fields::table(slug).ok_or(PageError::not_found())
}

/// Every row of a table as field values, keyed.
fn load_rows(conn: &mut DbConnection, table: Table) -> diesel::QueryResult<Vec<Values>> {
    Ok(match table.slug {
        "dmcgs" => reference::list_dmcgs(conn)?
            .iter()
            .map(fields::dmcg_values)
            .collect(),
        "sites" => reference::list_sites(conn)?
            .iter()
            .map(fields::site_values)
            .collect(),
        _ => reference::list_pathways(conn)?
            .iter()
            .map(fields::pathway_values)
            .collect(),
    })
}

fn layout(
    req: &HttpRequest,
    lang: Lang,
    viewer: &Viewer,
    state: &AppState,
    table: Table,
) -> Layout {
    Layout::new(
        req,
        lang,
        table.title,
        state.catalogue.get().has_demo(),
        "admin",
    )
    .with_viewer(viewer)
}

pub async fn list_reference(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    slug: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    viewer.require_admin(&req)?;
    let table = table_of(&slug)?;
    let rows = with_conn(&state, move |conn| Ok(load_rows(conn, table)?)).await?;
    let label_field = table.fields.get(1).map_or(table.key, |f| f.name);
    let page = ReferenceListPage {
        layout: layout(&req, lang, &viewer, &state, table),
        tables: vec![fields::DMCGS, fields::SITES, fields::PATHWAYS],
        table,
        rows: rows
            .into_iter()
            .map(|v| RowLink {
                key: v.get(table.key).cloned().unwrap_or_default(),
                label: v.get(label_field).cloned().unwrap_or_default(),
            })
            .collect(),
    };
    render_with(StatusCode::OK, &page)
}

pub async fn new_reference(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    slug: web::Path<String>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    viewer.require_admin(&req)?;
    let table = table_of(&slug)?;
    let page = ReferenceFormPage {
        layout: layout(&req, lang, &viewer, &state, table),
        csrf: viewer.csrf(),
        table,
        key: None,
        values: Values::new(),
        errors: Vec::new(),
    };
    render_with(StatusCode::OK, &page)
}

pub async fn edit_reference(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    path: web::Path<(String, String)>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    viewer.require_admin(&req)?;
    let (slug, key) = path.into_inner();
    let table = table_of(&slug)?;
    let wanted = key.clone();
    let values = with_conn(&state, move |conn| {
        Ok(load_rows(conn, table)?
            .into_iter()
            .find(|v| v.get(table.key) == Some(&wanted)))
    })
    .await?
    .ok_or(PageError::not_found())?;
    let page = ReferenceFormPage {
        layout: layout(&req, lang, &viewer, &state, table),
        csrf: viewer.csrf(),
        table,
        key: Some(key),
        values,
        errors: Vec::new(),
    };
    render_with(StatusCode::OK, &page)
}

/// Validates and stores one row; returns the errors when refused.
fn store(
    conn: &mut DbConnection,
    table: Table,
    key: Option<&str>,
    values: &Values,
    actor: &Actor,
) -> anyhow::Result<Vec<FieldError>> {
    let sites: Vec<String> = reference::list_sites(conn)?
        .into_iter()
        .map(|s| s.code)
        .collect();
    let before = load_rows(conn, table)?.into_iter().find(|v| {
        Some(v.get(table.key).map(String::as_str).unwrap_or(""))
            == key.or(values.get(table.key).map(String::as_str))
    });
    let mut parsed = fields::Parsed::new(values, &sites);
    let now = Utc::now().naive_utc();
    if key.is_none() && before.is_some() {
        return Ok(vec![FieldError::new(
            table.key,
            Message::untranslated("findes allerede"),
        )]);
    }
    let exists = key.is_some();
    let result: diesel::QueryResult<()> = match table.slug {
        "dmcgs" => {
            let row = parsed.dmcg();
            if !parsed.errors.is_empty() {
                return Ok(parsed.errors);
            }
            crate::db::write_transaction(conn, |c| reference::save_dmcg(c, &row, exists))
        }
        "sites" => {
            let row = parsed.site();
            if !parsed.errors.is_empty() {
                return Ok(parsed.errors);
            }
            crate::db::write_transaction(conn, |c| reference::save_site(c, &row, exists))
        }
        _ => {
            let row = parsed.pathway();
            if !parsed.errors.is_empty() {
                return Ok(parsed.errors);
            }
            crate::db::write_transaction(conn, |c| reference::save_pathway(c, &row, exists))
        }
    };
    result?;
    let after = load_rows(conn, table)?
        .into_iter()
        .find(|v| v.get(table.key) == values.get(table.key))
        .unwrap_or_default();
    let old = before.unwrap_or_default();
    let changes: Vec<Change> = table
        .fields
        .iter()
        .filter_map(|f| {
            let (o, n) = (
                old.get(f.name).cloned().unwrap_or_default(),
                after.get(f.name).cloned().unwrap_or_default(),
            );
            (o != n).then(|| Change {
                field: f.name.into(),
                old: Some(o).filter(|s| !s.is_empty()),
                new: Some(n).filter(|s| !s.is_empty()),
            })
        })
        .collect();
    let entity_key = values.get(table.key).cloned().unwrap_or_default();
    history::record(
        conn,
        table.slug,
        &entity_key,
        if exists { "updated" } else { "created" },
        actor,
        &changes,
        false,
        now,
    )?;
    Ok(Vec::new())
}

async fn save(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    Form(form): Form<FormData>,
    state: web::Data<AppState>,
    slug: String,
    key: Option<String>,
) -> Result<HttpResponse, PageError> {
    let admin = viewer.require_admin(&req)?.clone();
    let table = table_of(&slug)?;
    let mut values: Values = table
        .fields
        .iter()
        .map(|f| (f.name.to_owned(), form.get(f.name).to_owned()))
        .collect();
    if let Some(k) = &key {
        values.insert(table.key.to_owned(), k.clone());
    }
    let actor = Actor {
        id: Some(admin.id),
        label: format!("{} <{}>", admin.display_name, admin.email),
    };
    let (v, k) = (values.clone(), key.clone());
    let errors = with_conn(&state, move |conn| {
        store(conn, table, k.as_deref(), &v, &actor)
    })
    .await?;
    if errors.is_empty() {
        state.refresh_now().await;
        return Ok(see_other(&format!("/admin/reference/{}", table.slug)));
    }
    let page = ReferenceFormPage {
        layout: layout(&req, lang, &viewer, &state, table),
        csrf: viewer.csrf(),
        table,
        key,
        values,
        errors,
    };
    render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

pub async fn create_reference(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    slug: web::Path<String>,
    form: Form<FormData>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    save(req, lang, viewer, form, state, slug.into_inner(), None).await
}

pub async fn update_reference(
    req: HttpRequest,
    lang: Lang,
    viewer: Viewer,
    path: web::Path<(String, String)>,
    form: Form<FormData>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, PageError> {
    let (slug, key) = path.into_inner();
    save(req, lang, viewer, form, state, slug, Some(key)).await
}
