//! Register, log in, log out, and reset a forgotten password, as pages.

use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use askama::Template;
use chrono::Utc;
use serde::Deserialize;

use super::context::{FormState, Page, PageContext, render};
use super::session::{expired_cookie, language_cookie, safe_next, session_cookie};
use crate::auth::accounts::{self, Registration};
use crate::db::people::Person;
use crate::domain::FieldError;
use crate::domain::language::Language;
use crate::error::{AppError, AppResult};
use crate::i18n::{request_language, t};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "pages/register.html")]
struct RegisterPage {
    page: PageContext,
    form: FormState,
}

#[derive(Template)]
#[template(path = "pages/login.html")]
struct LoginPage {
    page: PageContext,
    form: FormState,
    next: String,
    notice: Option<String>,
}

#[derive(Template)]
#[template(path = "pages/forgot_password.html")]
struct ForgotPage {
    page: PageContext,
    sent: bool,
    form: FormState,
}

#[derive(Template)]
#[template(path = "pages/reset_password.html")]
struct ResetPage {
    page: PageContext,
    form: FormState,
}

/// Signs the person in for pages: the session cookie, and their language remembered.
fn signed_in_redirect(state: &AppState, person: &Person, to: &str) -> AppResult<HttpResponse> {
    let token = state.tokens.issue(&person.id, Utc::now())?;
    let language = Language::parse(&person.preferred_language).unwrap_or_default();
    Ok(HttpResponse::SeeOther()
        .cookie(session_cookie(state, token))
        .cookie(language_cookie(language))
        .insert_header((LOCATION, to.to_owned()))
        .finish())
}

#[get("/register")]
pub async fn register_form(page: Page) -> AppResult<HttpResponse> {
    let language = page.context.i18n.language;
    let form = FormState::default().with_value("preferred_language", language.code());
    render(
        StatusCode::OK,
        &RegisterPage {
            page: page.context,
            form,
        },
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RegisterForm {
    name: String,
    email: String,
    password: String,
    preferred_language: Option<String>,
}

#[post("/register")]
pub async fn register(
    state: web::Data<AppState>,
    page: Page,
    form: web::Form<RegisterForm>,
) -> AppResult<HttpResponse> {
    let form = form.into_inner();
    let language = page.context.i18n.language;
    let typed = FormState::default()
        .with_value("name", &form.name)
        .with_value("email", &form.email)
        .with_value(
            "preferred_language",
            form.preferred_language
                .as_deref()
                .unwrap_or(language.code()),
        );
    let outcome = accounts::register(
        &state,
        Registration {
            email: form.email.clone(),
            password: form.password,
            name: form.name.clone(),
            preferred_language: form.preferred_language,
        },
        language,
    )
    .await;
    let errors = match outcome {
        Ok(person) => return signed_in_redirect(&state, &person, "/profile"),
        Err(AppError::Validation(errors)) => errors,
        Err(AppError::Conflict(key)) => vec![FieldError::new("email", key)],
        Err(other) => return Err(other),
    };
    let form = typed.with_errors(language, &errors);
    render(
        StatusCode::UNPROCESSABLE_ENTITY,
        &RegisterPage {
            page: page.context,
            form,
        },
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NextQuery {
    next: Option<String>,
    reset: Option<String>,
    confirmed: Option<String>,
}

#[get("/login")]
pub async fn login_form(page: Page, query: web::Query<NextQuery>) -> AppResult<HttpResponse> {
    let language = page.context.i18n.language;
    let notice = match (&query.reset, &query.confirmed) {
        (Some(_), _) => Some(t(language, "reset-done")),
        (None, Some(_)) => Some(t(language, "email-confirmed")),
        (None, None) => None,
    };
    render(
        StatusCode::OK,
        &LoginPage {
            page: page.context,
            form: FormState::default(),
            next: safe_next(query.next.as_deref(), "/profile"),
            notice,
        },
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ConfirmQuery {
    token: String,
}

#[derive(Template)]
#[template(path = "pages/email_confirm.html")]
struct ConfirmEmailPage {
    page: PageContext,
    token: String,
}

/// The link in the welcome email: a button that confirms the address. Opening the link changes
/// nothing, as school mail filters open the links in an email before the person reads it.
#[get("/email/confirm")]
pub async fn confirm_email_form(
    page: Page,
    query: web::Query<ConfirmQuery>,
) -> AppResult<HttpResponse> {
    render(
        StatusCode::OK,
        &ConfirmEmailPage {
            page: page.context,
            token: query.into_inner().token,
        },
    )
}

/// Confirms the address, then offers the login page.
#[post("/email/confirm")]
pub async fn confirm_email(
    state: web::Data<AppState>,
    page: Page,
    form: web::Form<ConfirmQuery>,
) -> AppResult<HttpResponse> {
    accounts::confirm_email(&state, &form.token).await?;
    Ok(HttpResponse::SeeOther()
        .insert_header((
            actix_web::http::header::LOCATION,
            format!("/login?confirmed=1&lang={}", page.context.i18n.code()),
        ))
        .finish())
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LoginForm {
    email: String,
    password: String,
    next: Option<String>,
}

#[post("/login")]
pub async fn login(
    state: web::Data<AppState>,
    page: Page,
    form: web::Form<LoginForm>,
) -> AppResult<HttpResponse> {
    let next = safe_next(form.next.as_deref(), "/profile");
    match accounts::authenticate(&state, &form.email, &form.password).await {
        Ok(person) => signed_in_redirect(&state, &person, &next),
        Err(AppError::InvalidCredentials) => {
            let language = page.context.i18n.language;
            let form = FormState::default()
                .with_value("email", &form.email)
                .with_errors(
                    language,
                    &[FieldError::new(
                        "email",
                        "problem-invalid-credentials-detail",
                    )],
                );
            render(
                StatusCode::UNAUTHORIZED,
                &LoginPage {
                    page: page.context,
                    form,
                    next,
                    notice: None,
                },
            )
        }
        Err(other) => Err(other),
    }
}

#[post("/logout")]
pub async fn logout() -> HttpResponse {
    HttpResponse::SeeOther()
        .cookie(expired_cookie())
        .insert_header((LOCATION, "/"))
        .finish()
}

#[get("/password/forgot")]
pub async fn forgot_form(page: Page) -> AppResult<HttpResponse> {
    render(
        StatusCode::OK,
        &ForgotPage {
            page: page.context,
            sent: false,
            form: FormState::default(),
        },
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ForgotForm {
    email: String,
}

#[post("/password/forgot")]
pub async fn forgot(
    state: web::Data<AppState>,
    page: Page,
    form: web::Form<ForgotForm>,
) -> AppResult<HttpResponse> {
    let (status, sent, typed) = match accounts::request_password_reset(&state, &form.email).await {
        Ok(()) => (StatusCode::OK, true, FormState::default()),
        Err(AppError::Validation(errors)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            false,
            FormState::default()
                .with_value("email", &form.email)
                .with_errors(page.context.i18n.language, &errors),
        ),
        Err(other) => return Err(other),
    };
    render(
        status,
        &ForgotPage {
            page: page.context,
            sent,
            form: typed,
        },
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TokenQuery {
    token: String,
}

#[get("/password/reset")]
pub async fn reset_form(
    req: HttpRequest,
    query: web::Query<TokenQuery>,
) -> AppResult<HttpResponse> {
    let page = PageContext::new(&req, request_language(&req), None);
    let form = FormState::default().with_value("token", &query.token);
    render(StatusCode::OK, &ResetPage { page, form })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ResetForm {
    token: String,
    password: String,
}

#[post("/password/reset")]
pub async fn reset(
    state: web::Data<AppState>,
    page: Page,
    form: web::Form<ResetForm>,
) -> AppResult<HttpResponse> {
    match accounts::reset_password(&state, &form.token, &form.password).await {
        Ok(()) => Ok(HttpResponse::SeeOther()
            .cookie(expired_cookie())
            .insert_header((
                LOCATION,
                format!("/login?reset=done&lang={}", page.context.i18n.code()),
            ))
            .finish()),
        Err(AppError::Validation(errors)) => {
            let language = page.context.i18n.language;
            let form = FormState::default()
                .with_value("token", &form.token)
                .with_errors(language, &errors);
            render(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ResetPage {
                    page: page.context,
                    form,
                },
            )
        }
        Err(other) => Err(other),
    }
}
