//! The page where a programme lead or an admin changes a programme: its titles and
//! descriptions, who it is for (stages and further rules), endorsement, the completion rule
//! and whether it is in the catalogue. The API's `PATCH /api/v1/programmes/{id}` does the work.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use super::context::{FormState, Page, PageContext, render, see_other};
use super::posted::{every, field};
use crate::auth::CurrentUser;
use crate::db::{self, catalogue, stages};
use crate::domain::FieldError;
use crate::domain::career::CAREER_ROLES;
use crate::domain::eligibility::EligibilityRules;
use crate::domain::role::Role;
use crate::domain::stage::ContinuumStage;
use crate::error::{AppError, AppResult};
use crate::routes::api::programmes::{ProgrammePatch, update_programme};
use crate::state::AppState;

/// The career roles a programme's rules may ask for; `other` names no role in particular.
fn rule_roles() -> Vec<&'static str> {
    CAREER_ROLES
        .into_iter()
        .filter(|role| *role != "other")
        .collect()
}

#[derive(Template)]
#[template(path = "pages/lead_programme.html")]
struct ProgrammePage {
    page: PageContext,
    id: String,
    code: String,
    /// Every single-valued field, as stored or as typed.
    form: FormState,
    target_stages: Vec<String>,
    roles: Vec<String>,
    stages: Vec<ContinuumStage>,
    rule_roles: Vec<&'static str>,
    saved: bool,
}

impl ProgrammePage {
    fn targets(&self, stage: &str) -> bool {
        self.target_stages.iter().any(|s| s == stage)
    }

    fn asks_for(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r == role)
    }
}

/// What the page shows: the programme as stored, or as typed when it was refused.
struct Shown {
    form: FormState,
    target_stages: Vec<String>,
    roles: Vec<String>,
}

async fn programme_page(
    state: &AppState,
    page: PageContext,
    user: CurrentUser,
    id: String,
    typed: Option<Shown>,
    status: StatusCode,
    saved: bool,
) -> AppResult<HttpResponse> {
    user.require_any(&[Role::ProgrammeLead, Role::ConsortiumAdmin])?;
    let (programme, stored_stages, stages) = db::run(&state.pool, move |conn| {
        let programme = catalogue::find_programme(conn, &id)?.ok_or(AppError::NotFound)?;
        if !user.runs_programme(&programme.id) {
            return Err(AppError::Forbidden);
        }
        let targets = catalogue::target_stages(conn, &programme.id)?;
        Ok((programme, targets, stages::all(conn)?))
    })
    .await?;
    let shown = typed.unwrap_or_else(|| {
        let rules = EligibilityRules::from_json(&programme.eligibility_rules);
        let yes = |b: bool| if b { "true" } else { "" };
        let form = FormState::default()
            .with_value("title_en", &programme.title_en)
            .with_value("title_cy", &programme.title_cy)
            .with_value("description_en", &programme.description_en)
            .with_value("description_cy", &programme.description_cy)
            .with_value("delivery_language", &programme.delivery_language)
            .with_value("requires_endorsement", yes(programme.requires_endorsement))
            .with_value(
                "completion_min_attendance_pct",
                &programme.completion_min_attendance_pct.to_string(),
            )
            .with_value("min_stage", rules.min_stage.as_deref().unwrap_or(""))
            .with_value(
                "appointed_within_months",
                &rules
                    .appointed_within_months
                    .map(|m| m.to_string())
                    .unwrap_or_default(),
            )
            .with_value("active", yes(programme.active));
        Shown {
            form,
            target_stages: stored_stages,
            roles: rules.roles,
        }
    });
    render(
        status,
        &ProgrammePage {
            page,
            id: programme.id,
            code: programme.code,
            form: shown.form,
            target_stages: shown.target_stages,
            roles: shown.roles,
            stages,
            rule_roles: rule_roles(),
            saved,
        },
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SavedQuery {
    saved: Option<String>,
}

#[get("/lead/programmes/{id}")]
pub async fn edit_programme(
    state: web::Data<AppState>,
    page: Page,
    id: web::Path<String>,
    query: web::Query<SavedQuery>,
) -> AppResult<HttpResponse> {
    let user = page.user.ok_or(AppError::Unauthenticated)?;
    programme_page(
        &state,
        page.context,
        user,
        id.into_inner(),
        None,
        StatusCode::OK,
        query.saved.is_some(),
    )
    .await
}

/// The whole programme as the form gives it: a box left unticked is sent as nothing, so it
/// means "no", and an empty number of months means no such rule.
fn patch_from(pairs: &[(String, String)]) -> Result<ProgrammePatch, Vec<FieldError>> {
    let mut errors = Vec::new();
    let pct = field(pairs, "completion_min_attendance_pct").trim();
    let pct = pct.parse::<i32>().map_err(|_| {
        errors.push(FieldError::new(
            "completion_min_attendance_pct",
            "error-percentage-invalid",
        ))
    });
    let months = match field(pairs, "appointed_within_months").trim() {
        "" => Ok(None),
        typed => typed.parse::<u32>().map(Some).map_err(|_| {
            errors.push(FieldError::new(
                "appointed_within_months",
                "error-eligibility-months-invalid",
            ))
        }),
    };
    let (Ok(pct), Ok(months)) = (pct, months) else {
        return Err(errors);
    };
    let text = |name: &str| Some(field(pairs, name).to_owned());
    let min_stage = field(pairs, "min_stage").trim();
    Ok(ProgrammePatch {
        title_en: text("title_en"),
        title_cy: text("title_cy"),
        description_en: text("description_en"),
        description_cy: text("description_cy"),
        target_stages: Some(every(pairs, "target_stages")),
        requires_endorsement: Some(field(pairs, "requires_endorsement") == "true"),
        delivery_language: text("delivery_language"),
        completion_min_attendance_pct: Some(pct),
        eligibility: Some(EligibilityRules {
            min_stage: (!min_stage.is_empty()).then(|| min_stage.to_owned()),
            roles: every(pairs, "roles"),
            appointed_within_months: months,
        }),
        active: Some(field(pairs, "active") == "true"),
    })
}

#[post("/lead/programmes/{id}")]
pub async fn save_programme(
    state: web::Data<AppState>,
    page: Page,
    id: web::Path<String>,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let user = page.user.clone().ok_or(AppError::Unauthenticated)?;
    let id = id.into_inner();
    let pairs = form.into_inner();
    let errors = match patch_from(&pairs) {
        Ok(patch) => match update_programme(&state, &user, id.clone(), patch).await {
            Ok(_) => return Ok(see_other(format!("/lead/programmes/{id}?saved=1"))),
            Err(AppError::Validation(errors)) => errors,
            Err(other) => return Err(other),
        },
        Err(errors) => errors,
    };
    let typed = Shown {
        form: pairs
            .iter()
            .filter(|(k, _)| k != "target_stages" && k != "roles")
            .fold(FormState::default(), |form, (k, v)| form.with_value(k, v))
            .with_errors(page.context.i18n.language, &errors),
        target_stages: every(&pairs, "target_stages"),
        roles: every(&pairs, "roles"),
    };
    programme_page(
        &state,
        page.context,
        user,
        id,
        Some(typed),
        StatusCode::UNPROCESSABLE_ENTITY,
        false,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn unticked_boxes_mean_no_and_repeated_fields_are_lists() {
        let patch = patch_from(&pairs(&[
            ("title_en", "NPQH"),
            ("target_stages", "senior_leader"),
            ("target_stages", "future_senior_leader"),
            ("roles", "deputy_head"),
            ("completion_min_attendance_pct", " 75 "),
            ("appointed_within_months", ""),
            ("min_stage", ""),
        ]))
        .unwrap_or_else(|e| panic!("refused: {e:?}"));
        assert_eq!(patch.requires_endorsement, Some(false));
        assert_eq!(patch.active, Some(false));
        assert_eq!(
            patch.target_stages,
            Some(vec![
                "senior_leader".to_owned(),
                "future_senior_leader".to_owned()
            ])
        );
        assert_eq!(patch.completion_min_attendance_pct, Some(75));
        assert_eq!(
            patch.eligibility,
            Some(EligibilityRules {
                min_stage: None,
                roles: vec!["deputy_head".to_owned()],
                appointed_within_months: None,
            })
        );
    }

    #[test]
    fn numbers_that_are_not_numbers_are_refused_by_field() {
        let errors = patch_from(&pairs(&[
            ("completion_min_attendance_pct", "most"),
            ("appointed_within_months", "-3"),
        ]))
        .err()
        .unwrap_or_default();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_ref()).collect();
        assert_eq!(
            fields,
            ["completion_min_attendance_pct", "appointed_within_months"]
        );
    }

    #[test]
    fn the_rules_offer_every_career_role_but_other() {
        let offered = rule_roles();
        assert!(!offered.contains(&"other"));
        assert_eq!(offered.len() + 1, CAREER_ROLES.len());
    }
}
