use actix_web::{HttpResponse, get, patch, post, web};
use chrono::Utc;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::json_body::Json;
use crate::auth::CurrentUser;
use crate::db::catalogue::{self, NewProgramme, Programme};
use crate::db::{self, stages};
use crate::domain::FieldError;
use crate::domain::catalogue as rules;
use crate::domain::eligibility::EligibilityRules;
use crate::domain::role::Role;
use crate::error::{AppError, AppResult, Problem};
use crate::state::AppState;

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct NewProgrammeRequest {
    pub code: String,
    pub title_en: String,
    pub title_cy: String,
    pub description_en: String,
    pub description_cy: String,
    /// Stage codes; empty means open to every stage, including people who have not set one.
    pub target_stages: Vec<String>,
    pub requires_endorsement: bool,
    /// `english`, `welsh` or `bilingual`.
    pub delivery_language: String,
    pub provider_id: Option<String>,
    /// Share of sessions a participant must attend to complete (default 80).
    pub completion_min_attendance_pct: Option<i32>,
    pub eligibility: Option<EligibilityRules>,
}

#[derive(Serialize, ToSchema)]
pub struct CohortSummary {
    pub id: String,
    pub name: String,
    pub capacity: i32,
    pub seats_available: i32,
    pub starts_on: chrono::NaiveDate,
    pub ends_on: chrono::NaiveDate,
    pub applications_close_on: Option<chrono::NaiveDate>,
    pub language_medium: String,
    pub status: String,
}

#[derive(Serialize, ToSchema)]
pub struct ProgrammeView {
    pub id: String,
    pub code: String,
    pub title_en: String,
    pub title_cy: String,
    pub description_en: String,
    pub description_cy: String,
    pub provider_id: Option<String>,
    pub delivery_language: String,
    pub requires_endorsement: bool,
    pub completion_min_attendance_pct: i32,
    pub target_stages: Vec<String>,
    pub eligibility: EligibilityRules,
    pub cohorts: Vec<CohortSummary>,
}

pub fn cohort_summary(cohort: catalogue::Cohort) -> CohortSummary {
    CohortSummary {
        seats_available: (cohort.capacity - cohort.seats_taken).max(0),
        id: cohort.id,
        name: cohort.name,
        capacity: cohort.capacity,
        starts_on: cohort.starts_on,
        ends_on: cohort.ends_on,
        applications_close_on: cohort.applications_close_on,
        language_medium: cohort.language_medium,
        status: cohort.status,
    }
}

fn view(
    programme: Programme,
    target_stages: Vec<String>,
    cohorts: Vec<catalogue::Cohort>,
) -> ProgrammeView {
    ProgrammeView {
        eligibility: EligibilityRules::from_json(&programme.eligibility_rules),
        id: programme.id,
        code: programme.code,
        title_en: programme.title_en,
        title_cy: programme.title_cy,
        description_en: programme.description_en,
        description_cy: programme.description_cy,
        provider_id: programme.provider_id,
        delivery_language: programme.delivery_language,
        requires_endorsement: programme.requires_endorsement,
        completion_min_attendance_pct: programme.completion_min_attendance_pct,
        target_stages,
        cohorts: cohorts.into_iter().map(cohort_summary).collect(),
    }
}

/// Create a programme (consortium admins, and programme leads for every programme: a lead given
/// named programmes runs those only).
#[utoipa::path(post, path = "/api/v1/programmes", tag = "catalogue", security(("bearer" = [])), request_body = NewProgrammeRequest,
    responses(
        (status = 201, body = ProgrammeView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The code is taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[post("/programmes")]
pub async fn create(
    state: web::Data<AppState>,
    user: CurrentUser,
    body: Json<NewProgrammeRequest>,
) -> AppResult<HttpResponse> {
    let created = create_programme(&state, &user, body.into_inner()).await?;
    Ok(HttpResponse::Created().json(created))
}

/// Checks every field, then stores the programme with its target stages; shared by the API
/// and the lead's page.
pub async fn create_programme(
    state: &AppState,
    user: &CurrentUser,
    body: NewProgrammeRequest,
) -> AppResult<ProgrammeView> {
    if !user.may_create_programmes() {
        return Err(AppError::Forbidden);
    }
    let mut errors: Vec<FieldError> = Vec::new();
    let mut keep =
        |r: Result<String, FieldError>| r.map_err(|e| errors.push(e)).unwrap_or_default();
    let code = keep(rules::programme_code("code", &body.code));
    let title_en = keep(rules::required_text("title_en", &body.title_en, 200));
    let title_cy = keep(rules::required_text("title_cy", &body.title_cy, 200));
    let description_en = keep(rules::required_text(
        "description_en",
        &body.description_en,
        5000,
    ));
    let description_cy = keep(rules::required_text(
        "description_cy",
        &body.description_cy,
        5000,
    ));
    let delivery_language = keep(rules::delivery_language(
        "delivery_language",
        &body.delivery_language,
    ));
    let attendance = body.completion_min_attendance_pct.unwrap_or(80);
    if !(0..=100).contains(&attendance) {
        errors.push(FieldError::new(
            "completion_min_attendance_pct",
            "error-percentage-invalid",
        ));
    }
    let eligibility = body.eligibility.unwrap_or_default();
    let mut target_stages = body.target_stages;
    target_stages.sort();
    target_stages.dedup();
    let id = uuid::Uuid::new_v4().to_string();
    let created_id = id.clone();
    db::run(&state.pool, move |conn| {
        let known: Vec<String> = stages::all(conn)?.into_iter().map(|s| s.code).collect();
        if target_stages.iter().any(|s| !known.contains(s)) {
            errors.push(FieldError::new("target_stages", "error-stage-unknown"));
        }
        errors.extend(eligibility.problems("eligibility", &known));
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        if catalogue::find_programme_by_code(conn, &code)?.is_some() {
            return Err(AppError::Conflict("problem-programme-code-taken"));
        }
        let now = Utc::now().naive_utc();
        let rules_json = serde_json::to_string(&eligibility).map_err(anyhow::Error::from)?;
        db::transaction::<_, AppError, _>(conn, |conn| {
            catalogue::insert_programme(
                conn,
                &NewProgramme {
                    id: &id,
                    code: &code,
                    title_en: &title_en,
                    title_cy: &title_cy,
                    description_en: &description_en,
                    description_cy: &description_cy,
                    provider_id: body.provider_id.as_deref(),
                    delivery_language: &delivery_language,
                    requires_endorsement: body.requires_endorsement,
                    completion_min_attendance_pct: attendance,
                    eligibility_rules: &rules_json,
                    active: true,
                    created_at: now,
                    updated_at: now,
                },
                &target_stages,
            )
            .map_err(|e| match e {
                diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _,
                ) => AppError::Conflict("problem-programme-code-taken"),
                // The target stages were checked above, so the reference at fault is the
                // provider: a client's mistake to name, not a server error.
                diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::ForeignKeyViolation,
                    _,
                ) => AppError::field("provider_id", "error-provider-unknown"),
                other => other.into(),
            })
        })
    })
    .await?;
    load_one(state, created_id).await
}

async fn load_one(state: &AppState, id: String) -> AppResult<ProgrammeView> {
    db::run(&state.pool, move |conn| {
        let programme = catalogue::find_programme(conn, &id)?.ok_or(AppError::NotFound)?;
        let stages = catalogue::target_stages(conn, &id)?;
        let cohorts = catalogue::cohorts_of(conn, &id)?;
        Ok(view(programme, stages, cohorts))
    })
    .await
}

#[derive(Deserialize, IntoParams, Default)]
#[serde(default)]
pub struct CatalogueQuery {
    /// Only programmes open to this stage (programmes with no target stages are open to all).
    pub stage: Option<String>,
    /// `english`, `welsh` or `bilingual`; bilingual programmes match either language.
    pub language: Option<String>,
    pub provider: Option<String>,
    /// Only programmes with a cohort taking applications.
    pub open: Option<bool>,
}

/// The catalogue of active programmes, with their cohorts. Public.
#[utoipa::path(get, path = "/api/v1/programmes", tag = "catalogue", params(CatalogueQuery),
    responses((status = 200, body = [ProgrammeView])))]
#[get("/programmes")]
pub async fn list(
    state: web::Data<AppState>,
    query: web::Query<CatalogueQuery>,
) -> AppResult<HttpResponse> {
    let query = query.into_inner();
    let language = match query.language.as_deref().filter(|l| !l.trim().is_empty()) {
        Some(raw) => Some(
            rules::delivery_language("language", raw).map_err(|e| AppError::Validation(vec![e]))?,
        ),
        None => None,
    };
    let today = Utc::now().date_naive();
    let views = db::run(&state.pool, move |conn| {
        let programmes = catalogue::active_programmes(conn)?;
        let all_stages = catalogue::all_target_stages(conn)?;
        let all_cohorts = catalogue::all_cohorts(conn)?;
        let mut views = Vec::new();
        for programme in programmes {
            let stages: Vec<String> = all_stages
                .iter()
                .filter(|(p, _)| p == &programme.id)
                .map(|(_, s)| s.clone())
                .collect();
            let cohorts: Vec<_> = all_cohorts
                .iter()
                .filter(|c| c.programme_id == programme.id)
                .cloned()
                .collect();
            if let Some(stage) = &query.stage
                && !stages.is_empty()
                && !stages.contains(stage)
            {
                continue;
            }
            if let Some(language) = &language
                && programme.delivery_language != *language
                && programme.delivery_language != "bilingual"
            {
                continue;
            }
            if let Some(provider) = &query.provider
                && programme.provider_id.as_ref() != Some(provider)
            {
                continue;
            }
            if query.open == Some(true)
                && !cohorts
                    .iter()
                    .any(|c| crate::applications::accepting_applications(c, today))
            {
                continue;
            }
            views.push(view(programme, stages, cohorts));
        }
        Ok(views)
    })
    .await?;
    Ok(HttpResponse::Ok().json(views))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ProgrammePatch {
    pub title_en: Option<String>,
    pub title_cy: Option<String>,
    pub description_en: Option<String>,
    pub description_cy: Option<String>,
    /// Replaces the target stages; an empty list opens the programme to every stage.
    pub target_stages: Option<Vec<String>>,
    pub requires_endorsement: Option<bool>,
    pub delivery_language: Option<String>,
    pub completion_min_attendance_pct: Option<i32>,
    pub eligibility: Option<EligibilityRules>,
    /// False takes the programme out of the catalogue.
    pub active: Option<bool>,
}

/// Change a programme (consortium admins, and the programme leads who run it: those for every
/// programme and those given this one). Fields left out keep their value; the change is audited.
#[utoipa::path(patch, path = "/api/v1/programmes/{id}", tag = "catalogue", security(("bearer" = [])),
    params(("id" = String, Path, description = "Programme id")), request_body = ProgrammePatch,
    responses(
        (status = 200, body = ProgrammeView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
#[patch("/programmes/{id}")]
pub async fn update(
    state: web::Data<AppState>,
    user: CurrentUser,
    id: web::Path<String>,
    body: Json<ProgrammePatch>,
) -> AppResult<HttpResponse> {
    let changed = update_programme(&state, &user, id.into_inner(), body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(changed))
}

/// Checks every field given, then changes the programme and audits the change; shared by the
/// API and the lead's page. Only those who run the programme may (`runs_programme`).
pub async fn update_programme(
    state: &AppState,
    user: &CurrentUser,
    id: String,
    body: ProgrammePatch,
) -> AppResult<ProgrammeView> {
    user.require_any(&[Role::ProgrammeLead, Role::ConsortiumAdmin])?;
    let mut errors: Vec<FieldError> = Vec::new();
    let mut text = |field: &'static str, value: Option<String>, max: usize| {
        value.and_then(|v| {
            rules::required_text(field, &v, max)
                .map_err(|e| errors.push(e))
                .ok()
        })
    };
    let title_en = text("title_en", body.title_en, 200);
    let title_cy = text("title_cy", body.title_cy, 200);
    let description_en = text("description_en", body.description_en, 5000);
    let description_cy = text("description_cy", body.description_cy, 5000);
    let delivery_language = body.delivery_language.and_then(|l| {
        rules::delivery_language("delivery_language", &l)
            .map_err(|e| errors.push(e))
            .ok()
    });
    if body
        .completion_min_attendance_pct
        .is_some_and(|p| !(0..=100).contains(&p))
    {
        errors.push(FieldError::new(
            "completion_min_attendance_pct",
            "error-percentage-invalid",
        ));
    }
    let actor = user.id().to_owned();
    let may_run = user.runs_programme(&id);
    let changed_id = id.clone();
    db::run(&state.pool, move |conn| {
        catalogue::find_programme(conn, &id)?.ok_or(AppError::NotFound)?;
        if !may_run {
            return Err(AppError::Forbidden);
        }
        let known: Vec<String> = stages::all(conn)?.into_iter().map(|s| s.code).collect();
        let mut target_stages = body.target_stages;
        if let Some(stages) = target_stages.as_mut() {
            stages.sort();
            stages.dedup();
            if stages.iter().any(|s| !known.contains(s)) {
                errors.push(FieldError::new("target_stages", "error-stage-unknown"));
            }
        }
        if let Some(eligibility) = &body.eligibility {
            errors.extend(eligibility.problems("eligibility", &known));
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        let eligibility_rules = match &body.eligibility {
            Some(rules) => Some(serde_json::to_string(rules).map_err(anyhow::Error::from)?),
            None => None,
        };
        let now = Utc::now().naive_utc();
        let changes = catalogue::ProgrammeChanges {
            title_en,
            title_cy,
            description_en,
            description_cy,
            delivery_language,
            requires_endorsement: body.requires_endorsement,
            completion_min_attendance_pct: body.completion_min_attendance_pct,
            eligibility_rules,
            active: body.active,
            updated_at: Some(now),
        };
        db::transaction::<_, AppError, _>(conn, |conn| {
            // The row is locked before it is read, so that the audit's "before" is what this
            // change replaced, not what a change made meanwhile replaced.
            catalogue::touch_programme(conn, &id, now)?;
            let before = catalogue::find_programme(conn, &id)?.ok_or(AppError::NotFound)?;
            catalogue::update_programme(conn, &id, &changes)?;
            if let Some(stages) = &target_stages {
                catalogue::set_target_stages(conn, &id, stages)?;
            }
            let after = catalogue::find_programme(conn, &id)?.ok_or(AppError::NotFound)?;
            let snapshot = |p: &Programme| {
                serde_json::json!({
                    "title_en": p.title_en, "title_cy": p.title_cy, "delivery_language": p.delivery_language,
                    "requires_endorsement": p.requires_endorsement, "eligibility_rules": p.eligibility_rules,
                    "completion_min_attendance_pct": p.completion_min_attendance_pct, "active": p.active,
                })
                .to_string()
            };
            crate::db::audit::record(
                conn,
                &crate::db::audit::AuditEntry {
                    id: uuid::Uuid::new_v4().to_string(),
                    actor_id: Some(&actor),
                    action: "programme.updated",
                    object_type: "programme",
                    object_id: &id,
                    before_state: Some(snapshot(&before)),
                    after_state: Some(snapshot(&after)),
                    occurred_at: now,
                },
            )?;
            Ok(())
        })
    })
    .await?;
    load_one(state, changed_id).await
}
