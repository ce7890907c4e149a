//! Evaluation forms built by programme leads and consortium admins. A form is never edited:
//! rounds that used it must keep asking (and reporting) the questions their answers belong to,
//! so a changed form is a new form with a new code.

use chrono::{NaiveDateTime, Utc};
use serde::Serialize;

use crate::auth::CurrentUser;
use crate::db::audit::{self, AuditEntry};
use crate::db::evaluations::{self as store, Form, NewForm, NewQuestion, Question};
use crate::db::{self, DbConnection};
use crate::domain::evaluation::QuestionKind;
use crate::domain::evaluation_form::{self as rules, ChoiceDraft, FormDraft};
use crate::domain::role::Role;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

use super::{choice_values, is_unique_violation};

/// Who may build forms and see them.
pub fn may_build(user: &CurrentUser) -> AppResult<()> {
    user.require_any(&[Role::ProgrammeLead, Role::ConsortiumAdmin])
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FormQuestionView {
    pub id: String,
    pub position: i32,
    pub kind: QuestionKind,
    pub prompt_en: String,
    pub prompt_cy: String,
    pub required: bool,
    /// Single choice only.
    pub options: Vec<ChoiceDraft>,
    /// `overall` on the satisfaction question.
    pub measure_key: Option<String>,
}

/// A form with its questions (empty in lists).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FormView {
    pub id: String,
    pub code: String,
    pub title_en: String,
    pub title_cy: String,
    pub is_default: bool,
    /// Used by at least one round.
    pub in_use: bool,
    pub created_at: NaiveDateTime,
    pub questions: Vec<FormQuestionView>,
}

fn question_view(question: &Question) -> FormQuestionView {
    FormQuestionView {
        id: question.id.clone(),
        position: question.position,
        kind: QuestionKind::parse(&question.kind).unwrap_or(QuestionKind::FreeText),
        prompt_en: question.prompt_en.clone(),
        prompt_cy: question.prompt_cy.clone(),
        required: question.required,
        options: choice_values(question)
            .into_iter()
            .map(|(value, label_en, label_cy)| ChoiceDraft {
                value,
                label_en,
                label_cy,
            })
            .collect(),
        measure_key: question.measure_key.clone(),
    }
}

fn form_view(form: Form, in_use: &[String], questions: &[Question]) -> FormView {
    FormView {
        in_use: in_use.contains(&form.id),
        id: form.id,
        code: form.code,
        title_en: form.title_en,
        title_cy: form.title_cy,
        is_default: form.is_default,
        created_at: form.created_at,
        questions: questions.iter().map(question_view).collect(),
    }
}

/// Every form, the default first (leads and admins).
pub fn list(conn: &mut DbConnection, user: &CurrentUser) -> AppResult<Vec<FormView>> {
    may_build(user)?;
    let in_use = store::forms_in_use(conn)?;
    Ok(store::forms(conn)?
        .into_iter()
        .map(|f| form_view(f, &in_use, &[]))
        .collect())
}

/// One form with its questions (leads and admins).
pub fn show(conn: &mut DbConnection, user: &CurrentUser, id: &str) -> AppResult<FormView> {
    may_build(user)?;
    let form = store::find_form(conn, id)?.ok_or(AppError::NotFound)?;
    let questions = store::questions_of(conn, &form.id)?;
    let in_use = store::forms_in_use(conn)?;
    Ok(form_view(form, &in_use, &questions))
}

/// Stores a new form with its questions and its audit entry, all or nothing.
pub async fn create(state: &AppState, user: CurrentUser, draft: FormDraft) -> AppResult<FormView> {
    may_build(&user)?;
    let form = rules::validate_form(&draft).map_err(AppError::Validation)?;
    let at: NaiveDateTime = Utc::now().naive_utc();
    db::run(&state.pool, move |conn| {
        if store::form_code_taken(conn, &form.code)? {
            return Err(AppError::Conflict("problem-evaluation-form-code-taken"));
        }
        let id = uuid::Uuid::new_v4().to_string();
        let stored = db::transaction::<_, AppError, _>(conn, |conn| {
            store::insert_form(
                conn,
                &NewForm {
                    id: &id,
                    code: &form.code,
                    title_en: &form.title_en,
                    title_cy: &form.title_cy,
                    is_default: false,
                    created_at: at,
                },
            )?;
            for (position, question) in (1i32..).zip(&form.questions) {
                let options = (question.kind == QuestionKind::SingleChoice)
                    .then(|| serde_json::to_string(&question.options))
                    .transpose()
                    .map_err(|e| AppError::Internal(e.into()))?;
                store::insert_question(
                    conn,
                    &NewQuestion {
                        id: &uuid::Uuid::new_v4().to_string(),
                        form_id: &id,
                        position,
                        kind: question.kind.as_str(),
                        prompt_en: &question.prompt_en,
                        prompt_cy: &question.prompt_cy,
                        required: question.required,
                        options: options.as_deref(),
                        measure_key: question.measure_key.as_deref(),
                    },
                )?;
            }
            let after = serde_json::json!({
                "code": form.code,
                "title_en": form.title_en,
                "title_cy": form.title_cy,
                "questions": form.questions.len(),
            });
            audit::record(
                conn,
                &AuditEntry {
                    id: uuid::Uuid::new_v4().to_string(),
                    actor_id: Some(user.id()),
                    action: "evaluation_form.created",
                    object_type: "evaluation_form",
                    object_id: &id,
                    before_state: None,
                    after_state: Some(after.to_string()),
                    occurred_at: at,
                },
            )?;
            Ok(())
        });
        // Two leads taking the same code at once: the unique index decides.
        match stored {
            Err(e) if is_unique_violation(&e) => {
                return Err(AppError::Conflict("problem-evaluation-form-code-taken"));
            }
            other => other?,
        }
        show(conn, &user, &id)
    })
    .await
}
