//! `/api/v1/admin/...`: imports, people and roles, organisations and the audit log, for
//! consortium admins only; and `/api/v1/me/export`, a person's own data.

use actix_web::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use actix_web::{HttpResponse, delete, get, post, put, web};
use chrono::NaiveDateTime;
use serde::Deserialize;
use utoipa::IntoParams;

use super::json_body::Json;
use crate::admin::imports::{self, ImportView};
use crate::admin::organisations::{
    self, AuthorityRequest, AuthorityView, SchoolRequest, SchoolView,
};
use crate::admin::people::{self, GrantRequest, PersonDetail, PersonSummary};
use crate::admin::{data_rights, require_admin};
use crate::auth::CurrentUser;
use crate::db::audit::{self, AuditQuery, AuditRecord};
use crate::db::{self};
use crate::domain::import::ImportKind;
use crate::error::{AppError, AppResult, Problem};
use crate::i18n::RequestLanguage;
use crate::state::AppState;

/// Routes under `/admin`, with room for large uploads.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(export_me).service(
        web::scope("/admin")
            .app_data(web::PayloadConfig::new(imports::MAX_FILE_BYTES))
            .service(import_template)
            .service(list_imports)
            .service(show_import)
            .service(upload_import)
            .service(search_people)
            .service(show_person)
            .service(deactivate_person)
            .service(reactivate_person)
            .service(invite_person)
            .service(erase_person)
            .service(grant_role)
            .service(revoke_role)
            .service(list_authorities)
            .service(create_authority)
            .service(update_authority)
            .service(list_schools)
            .service(create_school)
            .service(update_school)
            .service(search_audit),
    );
}

fn kind_of(value: &str) -> AppResult<ImportKind> {
    ImportKind::parse(value.trim_end_matches(".csv")).ok_or(AppError::NotFound)
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct UploadQuery {
    /// The file's name, shown in the list of imports.
    pub file_name: Option<String>,
}

/// Upload a CSV file (the request body, `text/csv`) of `schools`, `people`, `enrolments` or
/// `careers`. It is checked and applied in the background: poll `GET .../imports/{id}`.
#[utoipa::path(post, path = "/api/v1/admin/imports/{kind}", tag = "administration", security(("bearer" = [])),
    params(("kind" = String, Path, description = "schools, people, enrolments or careers"), UploadQuery),
    request_body(content = String, content_type = "text/csv"),
    responses(
        (status = 202, body = ImportView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty, too large or not UTF-8", body = Problem, content_type = "application/problem+json")))]
#[post("/imports/{kind}")]
pub async fn upload_import(
    state: web::Data<AppState>,
    user: CurrentUser,
    kind: web::Path<String>,
    query: web::Query<UploadQuery>,
    body: web::Bytes,
    RequestLanguage(language): RequestLanguage,
) -> AppResult<HttpResponse> {
    require_admin(&user)?;
    let kind = kind_of(&kind)?;
    let name = query.into_inner().file_name.unwrap_or_default();
    let id = imports::upload(&state.pool, &user, kind, name, &body).await?;
    let view = imports::find(&state.pool, &user, id, language).await?;
    Ok(HttpResponse::Accepted().json(view))
}

/// An import's progress, and when it has finished, its summary or every problem found.
#[utoipa::path(get, path = "/api/v1/admin/imports/{id}", tag = "administration", security(("bearer" = [])),
    responses((status = 200, body = ImportView), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/imports/{id}")]
pub async fn show_import(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    RequestLanguage(language): RequestLanguage,
) -> AppResult<HttpResponse> {
    let view = imports::find(&state.pool, &user, id.into_inner(), language).await?;
    Ok(HttpResponse::Ok().json(view))
}

/// The twenty most recent imports.
#[utoipa::path(get, path = "/api/v1/admin/imports", tag = "administration", security(("bearer" = [])),
    responses((status = 200, body = Vec<ImportView>)))]
#[get("/imports")]
pub async fn list_imports(
    state: web::Data<AppState>,
    user: CurrentUser,
    RequestLanguage(language): RequestLanguage,
) -> AppResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(imports::recent(&state.pool, &user, language).await?))
}

/// A template file for an import: the header row and one example.
#[utoipa::path(get, path = "/api/v1/admin/import-templates/{kind}", tag = "administration", security(("bearer" = [])),
    params(("kind" = String, Path, description = "schools.csv, people.csv, enrolments.csv or careers.csv")),
    responses((status = 200, content_type = "text/csv", body = String)))]
#[get("/import-templates/{kind}")]
pub async fn import_template(
    user: CurrentUser,
    kind: web::Path<String>,
) -> AppResult<HttpResponse> {
    require_admin(&user)?;
    Ok(template_response(kind_of(&kind)?))
}

pub fn template_response(kind: ImportKind) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header((
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"llwybr-{}.csv\"", kind.as_str()),
        ))
        .body(kind.template())
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct PeopleQuery {
    /// Part of a name or an email address.
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub offset: i64,
}

/// People whose name or email contains `q`, fifty at a time.
#[utoipa::path(get, path = "/api/v1/admin/people", tag = "administration", security(("bearer" = [])),
    params(PeopleQuery), responses((status = 200, body = Vec<PersonSummary>)))]
#[get("/people")]
pub async fn search_people(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<PeopleQuery>,
) -> AppResult<HttpResponse> {
    let query = query.into_inner();
    let found = db::run(&state.pool, move |conn| {
        people::search(conn, &user, &query.q, 50, query.offset)
    })
    .await?;
    Ok(HttpResponse::Ok().json(found))
}

/// A person with their roles.
#[utoipa::path(get, path = "/api/v1/admin/people/{id}", tag = "administration", security(("bearer" = [])),
    responses((status = 200, body = PersonDetail), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/people/{id}")]
pub async fn show_person(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let id = id.into_inner();
    let person = db::run(&state.pool, move |conn| people::detail(conn, &user, &id)).await?;
    Ok(HttpResponse::Ok().json(person))
}

async fn person_action(
    state: &AppState,
    user: CurrentUser,
    id: String,
    action: impl FnOnce(&mut db::DbConnection, &CurrentUser, &str) -> AppResult<()> + Send + 'static,
) -> AppResult<HttpResponse> {
    let person = db::run(&state.pool, move |conn| {
        action(conn, &user, &id)?;
        people::detail(conn, &user, &id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(person))
}

/// Switch an account off: it can no longer sign in, its tokens stop working, its history stays.
#[utoipa::path(post, path = "/api/v1/admin/people/{id}/deactivate", tag = "administration", security(("bearer" = [])),
    responses((status = 200, body = PersonDetail), (status = 409, description = "Your own account, or an erased one", body = Problem, content_type = "application/problem+json")))]
#[post("/people/{id}/deactivate")]
pub async fn deactivate_person(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    person_action(&state, user, id.into_inner(), |c, u, id| {
        people::set_active(c, u, id, false)
    })
    .await
}

/// Switch an account back on.
#[utoipa::path(post, path = "/api/v1/admin/people/{id}/reactivate", tag = "administration", security(("bearer" = [])),
    responses((status = 200, body = PersonDetail)))]
#[post("/people/{id}/reactivate")]
pub async fn reactivate_person(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    person_action(&state, user, id.into_inner(), |c, u, id| {
        people::set_active(c, u, id, true)
    })
    .await
}

/// Email the person a link to choose their password, in their language.
#[utoipa::path(post, path = "/api/v1/admin/people/{id}/invite", tag = "administration", security(("bearer" = [])),
    responses((status = 200, body = PersonDetail), (status = 409, description = "A deactivated or erased account", body = Problem, content_type = "application/problem+json")))]
#[post("/people/{id}/invite")]
pub async fn invite_person(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let public_url = state.settings.public_url().to_owned();
    person_action(&state, user, id.into_inner(), move |c, u, id| {
        people::invite(c, u, id, &public_url)
    })
    .await
}

/// Erase a person: their personal fields are anonymised, their answers unlinked; enrolments,
/// attendance and every total stay. Audited. Cannot be undone.
#[utoipa::path(post, path = "/api/v1/admin/people/{id}/erase", tag = "administration", security(("bearer" = [])),
    responses((status = 200, body = PersonDetail), (status = 409, description = "Already erased, or yourself", body = Problem, content_type = "application/problem+json")))]
#[post("/people/{id}/erase")]
pub async fn erase_person(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    person_action(&state, user, id.into_inner(), data_rights::erase).await
}

/// Grant a role: `headteacher` needs `school_id`, `la_officer` needs `local_authority_id`,
/// `programme_lead` may have a `programme_id`.
#[utoipa::path(post, path = "/api/v1/admin/people/{id}/roles", tag = "administration", security(("bearer" = [])),
    request_body = GrantRequest,
    responses((status = 200, body = PersonDetail), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/people/{id}/roles")]
pub async fn grant_role(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    body: Json<GrantRequest>,
) -> AppResult<HttpResponse> {
    let request = body.into_inner();
    person_action(&state, user, id.into_inner(), move |c, u, id| {
        people::grant(c, u, id, &request)
    })
    .await
}

/// Take a role away (never `participant`).
#[utoipa::path(delete, path = "/api/v1/admin/people/{id}/roles/{grant_id}", tag = "administration", security(("bearer" = [])),
    responses((status = 200, body = PersonDetail), (status = 404, body = Problem, content_type = "application/problem+json")))]
#[delete("/people/{id}/roles/{grant_id}")]
pub async fn revoke_role(
    state: web::Data<AppState>,
    user: CurrentUser,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let (id, grant_id) = path.into_inner();
    person_action(&state, user, id, move |c, u, id| {
        people::revoke(c, u, id, &grant_id)
    })
    .await
}

/// The consortium's local authorities.
#[utoipa::path(get, path = "/api/v1/admin/local-authorities", tag = "administration", security(("bearer" = [])),
    responses((status = 200, body = Vec<AuthorityView>)))]
#[get("/local-authorities")]
pub async fn list_authorities(
    state: web::Data<AppState>,
    user: CurrentUser,
) -> AppResult<HttpResponse> {
    let list = db::run(&state.pool, move |conn| {
        organisations::authorities(conn, &user)
    })
    .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Add a local authority.
#[utoipa::path(post, path = "/api/v1/admin/local-authorities", tag = "administration", security(("bearer" = [])),
    request_body = AuthorityRequest,
    responses((status = 201, body = AuthorityView), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/local-authorities")]
pub async fn create_authority(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: Json<AuthorityRequest>,
) -> AppResult<HttpResponse> {
    let request = body.into_inner();
    let view = db::run(&state.pool, move |conn| {
        organisations::create_authority(conn, &user, &request)
    })
    .await?;
    Ok(HttpResponse::Created().json(view))
}

/// Rename a local authority or correct its code.
#[utoipa::path(put, path = "/api/v1/admin/local-authorities/{id}", tag = "administration", security(("bearer" = [])),
    params(("id" = String, Path, description = "Local authority id")),
    request_body = AuthorityRequest,
    responses((status = 200, body = AuthorityView), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[put("/local-authorities/{id}")]
pub async fn update_authority(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    body: Json<AuthorityRequest>,
) -> AppResult<HttpResponse> {
    let request = body.into_inner();
    let view = db::run(&state.pool, move |conn| {
        organisations::update_authority(conn, &user, &id, &request)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct SchoolsQuery {
    pub local_authority_id: Option<String>,
}

/// Schools, of one authority or all.
#[utoipa::path(get, path = "/api/v1/admin/schools", tag = "administration", security(("bearer" = [])),
    params(SchoolsQuery), responses((status = 200, body = Vec<SchoolView>)))]
#[get("/schools")]
pub async fn list_schools(
    state: web::Data<AppState>,
    user: CurrentUser,
    query: web::Query<SchoolsQuery>,
) -> AppResult<HttpResponse> {
    let authority = query.into_inner().local_authority_id;
    let list = db::run(&state.pool, move |conn| {
        organisations::schools_list(conn, &user, authority.as_deref())
    })
    .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Add a school: names in both languages, sector, language medium, support category and its
/// seven-digit school number.
#[utoipa::path(post, path = "/api/v1/admin/schools", tag = "administration", security(("bearer" = [])),
    request_body = SchoolRequest,
    responses((status = 201, body = SchoolView), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/schools")]
pub async fn create_school(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: Json<SchoolRequest>,
) -> AppResult<HttpResponse> {
    let request = body.into_inner();
    let view = db::run(&state.pool, move |conn| {
        organisations::save_school(conn, &user, None, &request)
    })
    .await?;
    Ok(HttpResponse::Created().json(view))
}

/// Replace a school's details; audited with before and after.
#[utoipa::path(put, path = "/api/v1/admin/schools/{id}", tag = "administration", security(("bearer" = [])),
    request_body = SchoolRequest,
    responses((status = 200, body = SchoolView), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[put("/schools/{id}")]
pub async fn update_school(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    body: Json<SchoolRequest>,
) -> AppResult<HttpResponse> {
    let (id, request) = (id.into_inner(), body.into_inner());
    let view = db::run(&state.pool, move |conn| {
        organisations::save_school(conn, &user, Some(&id), &request)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
pub struct AuditParams {
    /// Entries this person made or that are about them.
    pub person_id: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    /// First day, `YYYY-MM-DD` (UTC).
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD` (UTC), included.
    pub to: Option<String>,
    /// 1 for the newest hundred.
    pub page: Option<i64>,
}

pub const AUDIT_PAGE: i64 = 100;

impl AuditParams {
    /// The search, or a 422 naming a date that is not one.
    pub fn to_query(&self) -> AppResult<(AuditQuery, i64)> {
        let text = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let day = |field: &'static str, v: &Option<String>| -> AppResult<Option<NaiveDateTime>> {
            match text(v) {
                None => Ok(None),
                Some(v) => crate::domain::day::parse(&v)
                    .map(|d| d.and_hms_opt(0, 0, 0))
                    .ok_or_else(|| AppError::field(field, "import-error-date")),
            }
        };
        let from = day("from", &self.from)?;
        let until = day("to", &self.to)?.map(|d| d + chrono::Duration::days(1));
        Ok((
            AuditQuery {
                person_id: text(&self.person_id),
                object_type: text(&self.object_type),
                object_id: text(&self.object_id),
                from,
                until,
            },
            // Far past the last page is an empty page, as long as its offset is a number.
            self.page.unwrap_or(1).clamp(1, i64::from(u32::MAX)),
        ))
    }
}

/// The audit log, newest first, a hundred entries a page. There is no route that changes it.
#[utoipa::path(get, path = "/api/v1/admin/audit", tag = "administration", security(("bearer" = [])),
    params(AuditParams),
    responses((status = 200, body = Vec<AuditRecord>), (status = 422, body = Problem, content_type = "application/problem+json")))]
#[get("/audit")]
pub async fn search_audit(
    state: web::Data<AppState>,
    user: CurrentUser,
    params: web::Query<AuditParams>,
) -> AppResult<HttpResponse> {
    require_admin(&user)?;
    let (query, page) = params.to_query()?;
    let rows = db::run(&state.pool, move |conn| {
        Ok(audit::search(
            conn,
            &query,
            AUDIT_PAGE,
            (page - 1) * AUDIT_PAGE,
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(rows))
}

/// Everything Llwybr holds about you, as a JSON download.
#[utoipa::path(get, path = "/api/v1/me/export", tag = "accounts", security(("bearer" = [])),
    responses((status = 200, description = "Your data", content_type = "application/json"),
        (status = 401, body = Problem, content_type = "application/problem+json")))]
#[get("/me/export")]
pub async fn export_me(state: web::Data<AppState>, user: CurrentUser) -> AppResult<HttpResponse> {
    let id = user.person.id.clone();
    let data = db::run(&state.pool, move |conn| data_rights::export(conn, &id)).await?;
    let body = serde_json::to_string_pretty(&data).map_err(anyhow::Error::new)?;
    Ok(HttpResponse::Ok()
        .insert_header((CONTENT_TYPE, "application/json"))
        .insert_header((
            CONTENT_DISPOSITION,
            "attachment; filename=\"llwybr-my-data.json\"",
        ))
        .body(body))
}
