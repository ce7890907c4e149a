//! The consortium admin's pages: imports, people and roles, organisations and the audit log.
//! Plain forms; an import's page refreshes itself (no JavaScript) until the import finishes.

use actix_web::http::StatusCode;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use super::context::{FormState, Page, PageContext, render, see_other};
use super::multipart;
use crate::admin::imports::{self, ImportView};
use crate::admin::organisations::{
    self, AuthorityRequest, AuthorityView, SchoolRequest, SchoolView,
};
use crate::admin::people::{self, GrantRequest, PersonDetail, PersonSummary};
use crate::admin::{data_rights, require_admin};
use crate::auth::CurrentUser;
use crate::db::audit::{self, AuditRecord};
use crate::db::{self, catalogue};
use crate::domain::FieldError;
use crate::domain::import::ImportKind;
use crate::domain::role::Role;
use crate::error::{AppError, AppResult};
use crate::i18n::t_with;
use crate::routes::api::admin::{AUDIT_PAGE, AuditParams, template_response};
use crate::state::AppState;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(overview)
        .service(import_template)
        .service(imports_page)
        .service(show_import)
        .service(
            web::resource("/admin/imports")
                .app_data(web::PayloadConfig::new(imports::MAX_FILE_BYTES + 64 * 1024))
                .route(web::post().to(upload)),
        )
        .service(people_page)
        .service(person_page)
        // actix tries resources in the order they are registered, and `{action}` matches
        // `roles` too: the grant form would reach `person_action` (and a 404) if it came first.
        .service(grant)
        .service(person_action)
        .service(revoke)
        .service(organisations_page)
        .service(add_authority)
        .service(add_school)
        .service(edit_authority_form)
        .service(edit_authority)
        .service(edit_school_form)
        .service(edit_school)
        .service(audit_page);
}

fn admin(page: &Page) -> AppResult<CurrentUser> {
    let user = page.user.clone().ok_or(AppError::Unauthenticated)?;
    require_admin(&user)?;
    Ok(user)
}

#[derive(Template)]
#[template(path = "pages/admin.html")]
struct OverviewPage {
    page: PageContext,
}

#[get("/admin")]
pub async fn overview(page: Page) -> AppResult<HttpResponse> {
    admin(&page)?;
    render(StatusCode::OK, &OverviewPage { page: page.context })
}

#[derive(Template)]
#[template(path = "pages/admin_imports.html")]
struct ImportsPage {
    page: PageContext,
    kinds: [ImportKind; 4],
    recent: Vec<ImportView>,
    form: FormState,
}

async fn imports_form(
    state: &AppState,
    page: PageContext,
    user: &CurrentUser,
    form: FormState,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let recent = imports::recent(&state.pool, user, page.i18n.language).await?;
    render(
        status,
        &ImportsPage {
            page,
            kinds: ImportKind::ALL,
            recent,
            form,
        },
    )
}

#[get("/admin/imports")]
pub async fn imports_page(state: web::Data<AppState>, page: Page) -> AppResult<HttpResponse> {
    let user = admin(&page)?;
    imports_form(
        &state,
        page.context,
        &user,
        FormState::default(),
        StatusCode::OK,
    )
    .await
}

/// The upload form posts `multipart/form-data` with `kind` and `file`.
pub async fn upload(
    state: web::Data<AppState>,
    page: Page,
    req: HttpRequest,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let user = admin(&page)?;
    let form = req
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(multipart::boundary)
        .and_then(|b| multipart::parse(&body, &b))
        .ok_or(AppError::BadRequest("problem-invalid-form"))?;
    let kind_value = form.fields.get("kind").cloned().unwrap_or_default();
    let kind = ImportKind::parse(&kind_value);
    let (file_name, bytes) = form.file.unwrap_or_default();
    let outcome = match kind {
        None => Err(AppError::field("kind", "admin-error-required")),
        Some(kind) => imports::upload(&state.pool, &user, kind, file_name, &bytes).await,
    };
    match outcome {
        Ok(id) => Ok(see_other(format!("/admin/imports/{id}"))),
        Err(AppError::Validation(errors)) => {
            let language = page.context.i18n.language;
            let form = FormState::default()
                .with_value("kind", &kind_value)
                .with_errors(language, &errors);
            imports_form(
                &state,
                page.context,
                &user,
                form,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(other) => Err(other),
    }
}

/// Problems shown on the page; the API has them all.
const PROBLEMS_SHOWN: usize = 500;

#[derive(Template)]
#[template(path = "pages/admin_import.html")]
struct ImportPage {
    page: PageContext,
    job: ImportView,
    hidden: i64,
    problem_count: i64,
    progress: String,
    summary: Option<String>,
}

#[get("/admin/imports/{id}")]
pub async fn show_import(
    state: web::Data<AppState>,
    page: Page,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let user = admin(&page)?;
    let mut import = imports::find(
        &state.pool,
        &user,
        id.into_inner(),
        page.context.i18n.language,
    )
    .await?;
    let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
    let problem_count = count(import.problems.len());
    let hidden = count(import.problems.len().saturating_sub(PROBLEMS_SHOWN));
    import.problems.truncate(PROBLEMS_SHOWN);
    let language = page.context.i18n.language;
    let progress = t_with(
        language,
        "import-progress",
        &[
            ("done", import.rows_done.to_string()),
            ("total", import.rows_total.to_string()),
        ],
    );
    let summary = import.summary.map(|s| {
        t_with(
            language,
            "import-summary",
            &[
                ("created", s.created.to_string()),
                ("updated", s.updated.to_string()),
                ("unchanged", s.unchanged.to_string()),
            ],
        )
    });
    render(
        StatusCode::OK,
        &ImportPage {
            page: page.context,
            job: import,
            hidden,
            problem_count,
            progress,
            summary,
        },
    )
}

#[get("/admin/imports/templates/{kind}")]
pub async fn import_template(page: Page, kind: web::Path<String>) -> AppResult<HttpResponse> {
    admin(&page)?;
    let kind = ImportKind::parse(kind.trim_end_matches(".csv")).ok_or(AppError::NotFound)?;
    Ok(template_response(kind))
}

#[derive(Debug, Default, Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

#[derive(Template)]
#[template(path = "pages/admin_people.html")]
struct PeoplePage {
    page: PageContext,
    query: String,
    found: Vec<PersonSummary>,
}

#[get("/admin/people")]
pub async fn people_page(
    state: web::Data<AppState>,
    page: Page,
    query: web::Query<SearchQuery>,
) -> AppResult<HttpResponse> {
    let user = admin(&page)?;
    let q = query.into_inner().q;
    let wanted = q.clone();
    let found = db::run(&state.pool, move |conn| {
        people::search(conn, &user, &wanted, 100, 0)
    })
    .await?;
    render(
        StatusCode::OK,
        &PeoplePage {
            page: page.context,
            query: q,
            found,
        },
    )
}

#[derive(Template)]
#[template(path = "pages/admin_person.html")]
struct PersonPage {
    page: PageContext,
    person: PersonDetail,
    roles: [Role; 4],
    schools: Vec<SchoolView>,
    authorities: Vec<AuthorityView>,
    programmes: Vec<(String, String, String)>,
    history: Vec<AuditRecord>,
    form: FormState,
    done: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct DoneQuery {
    #[serde(default)]
    done: Option<String>,
}

async fn person_form(
    state: &AppState,
    page: PageContext,
    user: CurrentUser,
    id: String,
    form: FormState,
    done: bool,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let (person, schools, authorities, programmes, history) = db::run(&state.pool, move |conn| {
        let person = people::detail(conn, &user, &id)?;
        let schools = organisations::schools_list(conn, &user, None)?;
        let authorities = organisations::authorities(conn, &user)?;
        let programmes = catalogue::active_programmes(conn)?
            .into_iter()
            .map(|p| (p.id, p.title_en, p.title_cy))
            .collect();
        let query = audit::AuditQuery {
            person_id: Some(id.clone()),
            ..Default::default()
        };
        let history = audit::search(conn, &query, 20, 0)?;
        Ok((person, schools, authorities, programmes, history))
    })
    .await?;
    render(
        status,
        &PersonPage {
            page,
            person,
            roles: [
                Role::Headteacher,
                Role::ProgrammeLead,
                Role::LaOfficer,
                Role::ConsortiumAdmin,
            ],
            schools,
            authorities,
            programmes,
            history,
            form,
            done,
        },
    )
}

#[get("/admin/people/{id}")]
pub async fn person_page(
    state: web::Data<AppState>,
    page: Page,
    id: web::Path<String>,
    query: web::Query<DoneQuery>,
) -> AppResult<HttpResponse> {
    let user = admin(&page)?;
    let done = query.done.is_some();
    person_form(
        &state,
        page.context,
        user,
        id.into_inner(),
        FormState::default(),
        done,
        StatusCode::OK,
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    confirm: Option<String>,
}

/// Invite, deactivate, reactivate or erase (erasure needs the confirmation box ticked).
#[post("/admin/people/{id}/{action}")]
pub async fn person_action(
    state: web::Data<AppState>,
    page: Page,
    path: web::Path<(String, String)>,
    form: web::Form<ConfirmForm>,
) -> AppResult<HttpResponse> {
    let user = admin(&page)?;
    let (id, action) = path.into_inner();
    if action == "erase" && form.confirm.is_none() {
        let errors = [FieldError::new("confirm", "people-erase-unconfirmed")];
        let form = FormState::default().with_errors(page.context.i18n.language, &errors);
        return person_form(
            &state,
            page.context,
            user,
            id,
            form,
            false,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let public_url = state.settings.public_url().to_owned();
    let target = id.clone();
    db::run(&state.pool, move |conn| match action.as_str() {
        "invite" => people::invite(conn, &user, &target, &public_url),
        "deactivate" => people::set_active(conn, &user, &target, false),
        "reactivate" => people::set_active(conn, &user, &target, true),
        "erase" => data_rights::erase(conn, &user, &target),
        _ => Err(AppError::NotFound),
    })
    .await?;
    Ok(see_other(format!("/admin/people/{id}?done=1")))
}

#[post("/admin/people/{id}/roles")]
pub async fn grant(
    state: web::Data<AppState>,
    page: Page,
    id: web::Path<String>,
    form: web::Form<GrantRequest>,
) -> AppResult<HttpResponse> {
    let user = admin(&page)?;
    let id = id.into_inner();
    let request = form.into_inner();
    let (actor, target, wanted) = (user.clone(), id.clone(), request.clone());
    let outcome = db::run(&state.pool, move |conn| {
        people::grant(conn, &actor, &target, &wanted)
    })
    .await;
    match outcome {
        Ok(()) => Ok(see_other(format!("/admin/people/{id}?done=1"))),
        Err(AppError::Validation(errors)) => {
            let chosen = |value: &Option<String>| value.clone().unwrap_or_default();
            let form = FormState::default()
                .with_value("role", &request.role)
                .with_value("school_id", &chosen(&request.school_id))
                .with_value("local_authority_id", &chosen(&request.local_authority_id))
                .with_value("programme_id", &chosen(&request.programme_id))
                .with_errors(page.context.i18n.language, &errors);
            person_form(
                &state,
                page.context,
                user,
                id,
                form,
                false,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(other) => Err(other),
    }
}

#[post("/admin/people/{id}/roles/{grant_id}/remove")]
pub async fn revoke(
    state: web::Data<AppState>,
    page: Page,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let user = admin(&page)?;
    let (id, grant_id) = path.into_inner();
    let target = id.clone();
    db::run(&state.pool, move |conn| {
        people::revoke(conn, &user, &target, &grant_id)
    })
    .await?;
    Ok(see_other(format!("/admin/people/{id}?done=1")))
}

#[derive(Template)]
#[template(path = "pages/admin_organisations.html")]
struct OrganisationsPage {
    page: PageContext,
    authorities: Vec<AuthorityView>,
    schools: Vec<SchoolView>,
    sectors: [&'static str; 5],
    media: [&'static str; 4],
    categories: [&'static str; 4],
    authority_form: FormState,
    school_form: FormState,
}

async fn organisations_form(
    state: &AppState,
    page: PageContext,
    user: CurrentUser,
    authority_form: FormState,
    school_form: FormState,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let (authorities, schools) = db::run(&state.pool, move |conn| {
        Ok((
            organisations::authorities(conn, &user)?,
            organisations::schools_list(conn, &user, None)?,
        ))
    })
    .await?;
    use crate::domain::organisation::{LANGUAGE_MEDIA, SECTORS, SUPPORT_CATEGORIES};
    render(
        status,
        &OrganisationsPage {
            page,
            authorities,
            schools,
            sectors: SECTORS,
            media: LANGUAGE_MEDIA,
            categories: SUPPORT_CATEGORIES,
            authority_form,
            school_form,
        },
    )
}

#[get("/admin/organisations")]
pub async fn organisations_page(state: web::Data<AppState>, page: Page) -> AppResult<HttpResponse> {
    let user = admin(&page)?;
    organisations_form(
        &state,
        page.context,
        user,
        FormState::default(),
        FormState::default(),
        StatusCode::OK,
    )
    .await
}

#[post("/admin/organisations/authorities")]
pub async fn add_authority(
    state: web::Data<AppState>,
    page: Page,
    form: web::Form<AuthorityRequest>,
) -> AppResult<HttpResponse> {
    let user = admin(&page)?;
    let request = form.into_inner();
    let (actor, wanted) = (user.clone(), request.clone());
    let outcome = db::run(&state.pool, move |conn| {
        organisations::create_authority(conn, &actor, &wanted)
    })
    .await;
    match outcome {
        Ok(_) => Ok(see_other("/admin/organisations".to_owned())),
        Err(AppError::Validation(errors)) => {
            let form = FormState::default()
                .with_value("code", &request.code)
                .with_value("name_en", &request.name_en)
                .with_value("name_cy", &request.name_cy)
                .with_errors(page.context.i18n.language, &errors);
            organisations_form(
                &state,
                page.context,
                user,
                form,
                FormState::default(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(other) => Err(other),
    }
}

#[post("/admin/organisations/schools")]
pub async fn add_school(
    state: web::Data<AppState>,
    page: Page,
    form: web::Form<SchoolRequest>,
) -> AppResult<HttpResponse> {
    let user = admin(&page)?;
    let request = form.into_inner();
    let (actor, wanted) = (user.clone(), request.clone());
    let outcome = db::run(&state.pool, move |conn| {
        organisations::save_school(conn, &actor, None, &wanted)
    })
    .await;
    match outcome {
        Ok(_) => Ok(see_other("/admin/organisations".to_owned())),
        Err(AppError::Validation(errors)) => {
            let form = FormState::default()
                .with_value("local_authority_id", &request.local_authority_id)
                .with_value("school_number", &request.school_number)
                .with_value("name_en", &request.name_en)
                .with_value("name_cy", &request.name_cy)
                .with_value("sector", &request.sector)
                .with_value("language_medium", &request.language_medium)
                .with_value("support_category", &request.support_category)
                .with_errors(page.context.i18n.language, &errors);
            organisations_form(
                &state,
                page.context,
                user,
                FormState::default(),
                form,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(other) => Err(other),
    }
}

#[derive(Template)]
#[template(path = "pages/admin_audit.html")]
struct AuditPage {
    page: PageContext,
    form: FormState,
    rows: Vec<AuditRecord>,
    page_number: i64,
    /// The query string without `page`, for the links to other pages.
    base: String,
    more: bool,
}

#[get("/admin/audit")]
pub async fn audit_page(
    state: web::Data<AppState>,
    page: Page,
    params: web::Query<AuditParams>,
) -> AppResult<HttpResponse> {
    admin(&page)?;
    let params = params.into_inner();
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut form = FormState::default()
        .with_value("person_id", &opt(&params.person_id))
        .with_value("object_type", &opt(&params.object_type))
        .with_value("object_id", &opt(&params.object_id))
        .with_value("from", &opt(&params.from))
        .with_value("to", &opt(&params.to));
    let base = serde_urlencoded::to_string([
        ("person_id", opt(&params.person_id)),
        ("object_type", opt(&params.object_type)),
        ("object_id", opt(&params.object_id)),
        ("from", opt(&params.from)),
        ("to", opt(&params.to)),
    ])
    .unwrap_or_default();
    let (rows, page_number, status) = match params.to_query() {
        Ok((query, page_number)) => {
            let mut rows = db::run(&state.pool, move |conn| {
                Ok(audit::search(
                    conn,
                    &query,
                    AUDIT_PAGE + 1,
                    (page_number - 1) * AUDIT_PAGE,
                )?)
            })
            .await?;
            let more = rows.len() > AUDIT_PAGE as usize;
            rows.truncate(AUDIT_PAGE as usize);
            ((rows, more), page_number, StatusCode::OK)
        }
        Err(AppError::Validation(errors)) => {
            form = form.with_errors(page.context.i18n.language, &errors);
            ((Vec::new(), false), 1, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(other) => return Err(other),
    };
    render(
        status,
        &AuditPage {
            page: page.context,
            form,
            rows: rows.0,
            page_number,
            base,
            more: rows.1,
        },
    )
}

#[derive(Template)]
#[template(path = "pages/admin_authority.html")]
struct AuthorityPage {
    page: PageContext,
    authority_id: String,
    form: FormState,
}

#[get("/admin/organisations/authorities/{id}")]
pub async fn edit_authority_form(
    state: web::Data<AppState>,
    page: Page,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    admin(&page)?;
    let id = id.into_inner();
    let wanted = id.clone();
    let authority = db::run(&state.pool, move |conn| {
        organisations::find_authority(conn, &wanted)
    })
    .await?;
    let form = FormState::default()
        .with_value("code", &authority.code)
        .with_value("name_en", &authority.name_en)
        .with_value("name_cy", &authority.name_cy);
    render(
        StatusCode::OK,
        &AuthorityPage {
            page: page.context,
            authority_id: id,
            form,
        },
    )
}

#[post("/admin/organisations/authorities/{id}")]
pub async fn edit_authority(
    state: web::Data<AppState>,
    page: Page,
    id: web::Path<String>,
    form: web::Form<AuthorityRequest>,
) -> AppResult<HttpResponse> {
    let user = admin(&page)?;
    let id = id.into_inner();
    let request = form.into_inner();
    let (target, wanted) = (id.clone(), request.clone());
    let outcome = db::run(&state.pool, move |conn| {
        organisations::update_authority(conn, &user, &target, &wanted)
    })
    .await;
    match outcome {
        Ok(_) => Ok(see_other("/admin/organisations".to_owned())),
        Err(AppError::Validation(errors)) => {
            let form = FormState::default()
                .with_value("code", &request.code)
                .with_value("name_en", &request.name_en)
                .with_value("name_cy", &request.name_cy)
                .with_errors(page.context.i18n.language, &errors);
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &AuthorityPage {
                    page: page.context,
                    authority_id: id,
                    form,
                },
            )
        }
        Err(other) => Err(other),
    }
}

#[derive(Template)]
#[template(path = "pages/admin_school.html")]
struct SchoolPage {
    page: PageContext,
    school_id: String,
    authorities: Vec<AuthorityView>,
    sectors: [&'static str; 5],
    media: [&'static str; 4],
    categories: [&'static str; 4],
    form: FormState,
}

async fn school_form(
    state: &AppState,
    page: PageContext,
    user: CurrentUser,
    school_id: String,
    typed: Option<(SchoolRequest, Vec<FieldError>)>,
) -> AppResult<HttpResponse> {
    let wanted = school_id.clone();
    let (authorities, school) = db::run(&state.pool, move |conn| {
        let school = organisations::schools_list(conn, &user, None)?
            .into_iter()
            .find(|s| s.id == wanted)
            .ok_or(AppError::NotFound)?;
        Ok((organisations::authorities(conn, &user)?, school))
    })
    .await?;
    let language = page.i18n.language;
    let (request, errors, status) = match typed {
        Some((request, errors)) => (request, errors, StatusCode::UNPROCESSABLE_ENTITY),
        None => (
            SchoolRequest {
                local_authority_id: school.local_authority_id,
                school_number: school.school_number.unwrap_or_default(),
                name_en: school.name_en,
                name_cy: school.name_cy,
                sector: school.sector,
                language_medium: school.language_medium,
                support_category: school.support_category.unwrap_or_default(),
            },
            Vec::new(),
            StatusCode::OK,
        ),
    };
    use crate::domain::organisation::{LANGUAGE_MEDIA, SECTORS, SUPPORT_CATEGORIES};
    render(
        status,
        &SchoolPage {
            page,
            school_id,
            authorities,
            sectors: SECTORS,
            media: LANGUAGE_MEDIA,
            categories: SUPPORT_CATEGORIES,
            form: FormState::default()
                .with_value("local_authority_id", &request.local_authority_id)
                .with_value("school_number", &request.school_number)
                .with_value("name_en", &request.name_en)
                .with_value("name_cy", &request.name_cy)
                .with_value("sector", &request.sector)
                .with_value("language_medium", &request.language_medium)
                .with_value("support_category", &request.support_category)
                .with_errors(language, &errors),
        },
    )
}

#[get("/admin/organisations/schools/{id}")]
pub async fn edit_school_form(
    state: web::Data<AppState>,
    page: Page,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let user = admin(&page)?;
    school_form(&state, page.context, user, id.into_inner(), None).await
}

#[post("/admin/organisations/schools/{id}")]
pub async fn edit_school(
    state: web::Data<AppState>,
    page: Page,
    id: web::Path<String>,
    form: web::Form<SchoolRequest>,
) -> AppResult<HttpResponse> {
    let user = admin(&page)?;
    let id = id.into_inner();
    let request = form.into_inner();
    let (actor, target, wanted) = (user.clone(), id.clone(), request.clone());
    let outcome = db::run(&state.pool, move |conn| {
        organisations::save_school(conn, &actor, Some(&target), &wanted)
    })
    .await;
    match outcome {
        Ok(_) => Ok(see_other("/admin/organisations".to_owned())),
        Err(AppError::Validation(errors)) => {
            school_form(&state, page.context, user, id, Some((request, errors))).await
        }
        Err(other) => Err(other),
    }
}
