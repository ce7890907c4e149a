//! A person keeps their own profile: name, language, school, stage on the continuum, job title
//! and Welsh-language ability. Every change is audited with what it was before.

use chrono::Utc;
use serde::Deserialize;

use crate::auth::CurrentUser;
use crate::db::audit::{self, AuditEntry};
use crate::db::people::{self, ProfileChanges};
use crate::db::{self, stages};
use crate::domain::FieldError;
use crate::domain::language::Language;
use crate::domain::person_name::PersonName;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Levels of the Welsh language competency framework, and none.
pub const WELSH_ABILITIES: [&str; 6] = [
    "none",
    "entry",
    "foundation",
    "intermediate",
    "advanced",
    "proficiency",
];

/// What the person sent; a field left out keeps its value, an empty string clears it.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ProfileUpdate {
    pub name: Option<String>,
    /// `en` or `cy`.
    pub preferred_language: Option<String>,
    /// A stage code from `/api/v1/stages`.
    pub stage_code: Option<String>,
    pub school_id: Option<String>,
    pub job_title: Option<String>,
    /// none, entry, foundation, intermediate, advanced or proficiency.
    pub welsh_ability: Option<String>,
}

fn blank_is_none(value: String) -> Option<String> {
    let trimmed = value.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

pub async fn update(state: &AppState, user: &CurrentUser, update: ProfileUpdate) -> AppResult<()> {
    let person = user.person.clone();
    db::run(&state.pool, move |conn| {
        let mut errors = Vec::new();
        let name = match update.name {
            Some(raw) => PersonName::parse("name", &raw).map(PersonName::into_inner).map_err(|e| errors.push(e)).ok(),
            None => Some(person.name.clone()),
        };
        let language = match update.preferred_language {
            Some(raw) => Language::parse(&raw)
                .map(|l| l.code().to_owned())
                .ok_or_else(|| errors.push(FieldError::new("preferred_language", "error-language-invalid")))
                .ok(),
            None => Some(person.preferred_language.clone()),
        };
        let stage_code = match update.stage_code.map(blank_is_none) {
            Some(Some(code)) => {
                if !stages::exists(conn, &code)? {
                    errors.push(FieldError::new("stage_code", "error-stage-unknown"));
                }
                Some(code)
            }
            Some(None) => None,
            None => person.stage_code.clone(),
        };
        let school_id = match update.school_id.map(blank_is_none) {
            Some(Some(id)) => {
                if people::school_summary(conn, &id)?.is_none() {
                    errors.push(FieldError::new("school_id", "error-school-unknown"));
                }
                Some(id)
            }
            Some(None) => None,
            None => person.school_id.clone(),
        };
        let job_title = match update.job_title.map(blank_is_none) {
            Some(Some(title)) if title.chars().count() > 200 => {
                errors.push(FieldError::new("job_title", "error-too-long"));
                None
            }
            Some(title) => title,
            None => person.job_title.clone(),
        };
        let welsh_ability = match update.welsh_ability.map(blank_is_none) {
            Some(Some(level)) if !WELSH_ABILITIES.contains(&level.as_str()) => {
                errors.push(FieldError::new("welsh_ability", "error-welsh-ability-invalid"));
                None
            }
            Some(level) => level,
            None => person.welsh_ability.clone(),
        };
        let (Some(name), Some(preferred_language), true) = (name, language, errors.is_empty()) else {
            return Err(AppError::Validation(errors));
        };
        let before = serde_json::json!({
            "name": person.name, "preferred_language": person.preferred_language, "stage_code": person.stage_code,
            "school_id": person.school_id, "job_title": person.job_title, "welsh_ability": person.welsh_ability,
        });
        let changes = ProfileChanges {
            name,
            preferred_language,
            stage_code,
            school_id,
            job_title,
            welsh_ability,
            updated_at: Utc::now().naive_utc(),
        };
        let after = serde_json::json!({
            "name": changes.name, "preferred_language": changes.preferred_language, "stage_code": changes.stage_code,
            "school_id": changes.school_id, "job_title": changes.job_title, "welsh_ability": changes.welsh_ability,
        });
        db::transaction::<_, AppError, _>(conn, |conn| {
            people::update_profile(conn, &person.id, &changes)?;
            audit::record(
                conn,
                &AuditEntry {
                    id: uuid::Uuid::new_v4().to_string(),
                    actor_id: Some(&person.id),
                    action: "person.profile_updated",
                    object_type: "person",
                    object_id: &person.id,
                    before_state: Some(before.to_string()),
                    after_state: Some(after.to_string()),
                    occurred_at: changes.updated_at,
                },
            )?;
            Ok(())
        })
    })
    .await
}
