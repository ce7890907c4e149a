//! One error type for the whole application.
//!
//! Policy (after crates.io's `util/errors.rs`): database functions return `QueryResult`, handlers
//! return `AppResult`. Each variant knows its status code and its message key; the
//! `render_errors` middleware answers in the request's language, as `application/problem+json`
//! under `/api/` and as an error page elsewhere. Pool exhaustion is 503. Anything unexpected is
//! logged with its chain and becomes a 500 that reveals nothing.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use crate::domain::FieldError;
use crate::domain::language::Language;
use crate::i18n::t;

pub type AppResult<T> = Result<T, AppError>;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("the input has {} invalid field(s)", .0.len())]
    Validation(Vec<FieldError>),
    #[error("bad request ({0})")]
    BadRequest(&'static str),
    /// JSON whose named fields hold values of the wrong kind: 400, listing them.
    #[error("the JSON has {} field(s) of the wrong kind", .0.len())]
    BadJson(Vec<FieldError>),
    #[error("authentication required")]
    Unauthenticated,
    #[error("wrong email or password")]
    InvalidCredentials,
    #[error("forbidden")]
    Forbidden,
    /// A valid token of an account an admin has switched off.
    #[error("account deactivated")]
    AccountDeactivated,
    #[error("not found")]
    NotFound,
    #[error("conflict ({0})")]
    Conflict(&'static str),
    /// Well-formed but refused by a rule (e.g. not eligible for a programme): 422 with the reason.
    #[error("refused ({0})")]
    Refused(&'static str),
    /// A body past the size the route takes (actix's own refusal, put in the reader's words).
    #[error("the request body is too large")]
    TooLarge,
    #[error("the database is unavailable")]
    Unavailable,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    pub fn field(field: &'static str, message_key: &'static str) -> Self {
        AppError::Validation(vec![FieldError::new(field, message_key)])
    }

    /// A stable, machine-readable name for the kind of problem; clients may translate it.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Validation(_) => "validation_failed",
            AppError::BadRequest(_) | AppError::BadJson(_) => "bad_request",
            AppError::Unauthenticated => "unauthenticated",
            AppError::InvalidCredentials => "invalid_credentials",
            AppError::Forbidden => "forbidden",
            AppError::AccountDeactivated => "account_deactivated",
            AppError::NotFound => "not_found",
            AppError::Conflict(_) => "conflict",
            AppError::Refused(_) => "refused",
            AppError::TooLarge => "too_large",
            AppError::Unavailable => "unavailable",
            AppError::Internal(_) => "internal",
        }
    }

    fn title_key(&self) -> &'static str {
        match self {
            AppError::Validation(_) => "problem-validation-title",
            AppError::BadRequest(_) | AppError::BadJson(_) => "problem-bad-request-title",
            AppError::Unauthenticated | AppError::InvalidCredentials => {
                "problem-unauthenticated-title"
            }
            AppError::Forbidden | AppError::AccountDeactivated => "problem-forbidden-title",
            AppError::NotFound => "problem-not-found-title",
            AppError::Conflict(_) => "problem-conflict-title",
            AppError::Refused(_) => "problem-refused-title",
            AppError::TooLarge => "problem-too-large-title",
            AppError::Unavailable => "problem-unavailable-title",
            AppError::Internal(_) => "problem-internal-title",
        }
    }

    fn detail_key(&self) -> &'static str {
        match self {
            AppError::Validation(_) => "problem-validation-detail",
            AppError::BadRequest(key) | AppError::Conflict(key) | AppError::Refused(key) => key,
            AppError::BadJson(_) => "problem-invalid-json-fields",
            AppError::Unauthenticated => "problem-unauthenticated-detail",
            AppError::InvalidCredentials => "problem-invalid-credentials-detail",
            AppError::Forbidden => "problem-forbidden-detail",
            AppError::AccountDeactivated => "problem-account-deactivated",
            AppError::NotFound => "problem-not-found-detail",
            AppError::TooLarge => "problem-too-large-detail",
            AppError::Unavailable => "problem-unavailable-detail",
            AppError::Internal(_) => "problem-internal-detail",
        }
    }

    /// The problem, worded for a person reading `language`.
    pub fn problem(&self, language: Language) -> Problem {
        let status = self.status_code();
        Problem {
            problem_type: format!("https://llwybr.cymru/problems/{}", self.code()),
            title: t(language, self.title_key()),
            status: status.as_u16(),
            detail: t(language, self.detail_key()),
            code: self.code(),
            errors: match self {
                AppError::Validation(fields) | AppError::BadJson(fields) => fields
                    .iter()
                    .map(|f| ProblemField {
                        field: f.field.to_string(),
                        message: t(language, f.message_key),
                    })
                    .collect(),
                _ => Vec::new(),
            },
        }
    }
}

/// An RFC 9457 problem document.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable code for programs: validation_failed, unauthenticated, conflict, ...
    pub code: &'static str,
    /// For validation problems: each field at fault and why.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ProblemField {
    pub field: String,
    pub message: String,
}

pub const PROBLEM_JSON: &str = "application/problem+json";

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::Validation(_) | AppError::Refused(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BadRequest(_) | AppError::BadJson(_) => StatusCode::BAD_REQUEST,
            AppError::Unauthenticated | AppError::InvalidCredentials => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::AccountDeactivated => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    // English problem+json; `render_errors` replaces it with the request's language and format.
    fn error_response(&self) -> HttpResponse {
        if let AppError::Internal(error) = self {
            tracing::error!(error = format!("{error:#}"), "unexpected error");
        }
        HttpResponse::build(self.status_code())
            .content_type(PROBLEM_JSON)
            .json(self.problem(Language::En))
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(error: diesel::result::Error) -> Self {
        match error {
            diesel::result::Error::NotFound => AppError::NotFound,
            // PostgreSQL refuses the NUL character in text (SQLite stores it); it can only have
            // come from the request (`%00` in a path, a form or JSON), so it is the client's.
            diesel::result::Error::DatabaseError(_, ref info)
                if info.message().contains("0x00") =>
            {
                AppError::BadRequest("problem-text-nul")
            }
            other => AppError::Internal(anyhow::Error::new(other).context("database query failed")),
        }
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(error: actix_web::error::BlockingError) -> Self {
        AppError::Internal(anyhow::anyhow!("a blocking task failed: {error}"))
    }
}
