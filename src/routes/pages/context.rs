//! What every page template receives: the translator, the signed-in person if any, the path,
//! and the link that switches language; plus the state of a submitted form.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, HttpResponse};
use askama::Template;

use crate::auth::CurrentUser;
use crate::domain::FieldError;
use crate::domain::language::Language;
use crate::domain::role::Role;
use crate::error::{AppError, AppResult};
use crate::i18n::{Translator, request_language, t};

pub struct UserSummary {
    pub name: String,
    pub is_headteacher: bool,
    pub runs_cohorts: bool,
    pub is_admin: bool,
    /// Consortium admins and LA officers see the reports, the outcome measures among them.
    pub sees_reports: bool,
}

pub struct PageContext {
    pub i18n: Translator,
    pub user: Option<UserSummary>,
    pub path: String,
    pub switch_url: String,
}

impl PageContext {
    pub fn new(req: &HttpRequest, language: Language, user: Option<&CurrentUser>) -> Self {
        // A refused form is shown at the address it was posted to, which may answer only posts:
        // the switch goes back to the page the form was on instead.
        let here = if req.method() == actix_web::http::Method::GET {
            with_query(req.path(), req.query_string())
        } else {
            referring_page(req).unwrap_or_else(|| "/".to_owned())
        };
        let next =
            serde_urlencoded::to_string([("next", here.trim_end_matches('?'))]).unwrap_or_default();
        Self {
            i18n: Translator::new(language),
            user: user.map(|u| UserSummary {
                name: u.person.name.clone(),
                is_headteacher: u.has(Role::Headteacher),
                runs_cohorts: u.has(Role::ProgrammeLead) || u.has(Role::ConsortiumAdmin),
                is_admin: u.has(Role::ConsortiumAdmin),
                sees_reports: crate::reports::ReportScope::of(u).is_ok(),
            }),
            path: req.path().to_owned(),
            switch_url: format!("/language/{}?{next}", language.other().code()),
        }
    }
}

fn with_query(path: &str, query: &str) -> String {
    match query {
        "" => path.to_owned(),
        query => format!("{path}?{}", strip_lang(query)),
    }
}

/// The path and query of the page that sent the request, when it is one of ours (the
/// Referrer-Policy sends it only then): on this host, or at the public address, which a proxy
/// in front may not pass on as the host.
fn referring_page(req: &HttpRequest) -> Option<String> {
    let referer = req
        .headers()
        .get(actix_web::http::header::REFERER)?
        .to_str()
        .ok()?;
    let uri: actix_web::http::Uri = referer.parse().ok()?;
    let from = uri.authority().map(|a| a.as_str())?;
    let host = req.connection_info().host().to_owned();
    let public_url = req
        .app_data::<actix_web::web::Data<crate::state::AppState>>()
        .map(|state| state.settings.public_url().to_owned())
        .unwrap_or_default();
    let public_host = public_url.split_once("://").map(|(_, host)| host);
    if from != host && Some(from) != public_host {
        return None;
    }
    Some(with_query(uri.path(), uri.query().unwrap_or("")))
}

fn strip_lang(query: &str) -> String {
    query
        .split('&')
        .filter(|pair| !pair.starts_with("lang="))
        .collect::<Vec<_>>()
        .join("&")
}

/// The page context together with the signed-in person, when there is one.
pub struct Page {
    pub context: PageContext,
    pub user: Option<CurrentUser>,
}

impl FromRequest for Page {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let user = CurrentUser::from_request(&req, payload);
        Box::pin(async move {
            let user = match user.await {
                Ok(user) => Some(user),
                Err(AppError::Unauthenticated | AppError::AccountDeactivated) => None,
                Err(other) => return Err(other),
            };
            let language = request_language(&req);
            Ok(Page {
                context: PageContext::new(&req, language, user.as_ref()),
                user,
            })
        })
    }
}

pub struct FormMessage {
    pub field: String,
    pub message: String,
}

/// The values a person typed (never passwords) and what was wrong with them.
#[derive(Default)]
pub struct FormState {
    values: HashMap<String, String>,
    pub errors: Vec<FormMessage>,
}

impl FormState {
    pub fn with_value(mut self, field: &str, value: &str) -> Self {
        self.values.insert(field.to_owned(), value.to_owned());
        self
    }

    pub fn with_errors(mut self, language: Language, errors: &[FieldError]) -> Self {
        self.errors.extend(errors.iter().map(|e| FormMessage {
            field: e.field.to_string(),
            message: t(language, e.message_key),
        }));
        self
    }

    pub fn value(&self, field: &str) -> &str {
        self.values
            .get(field)
            .map(String::as_str)
            .unwrap_or_default()
    }

    pub fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    pub fn has_error(&self, field: &str) -> bool {
        self.error(field).is_some()
    }
}

/// After a form is taken: the browser goes to `location` with a GET, so that reloading the page
/// does not post the form again.
pub fn see_other(location: String) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((actix_web::http::header::LOCATION, location))
        .finish()
}

pub fn render(status: StatusCode, template: &impl Template) -> AppResult<HttpResponse> {
    let body = template
        .render()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("template failed: {e}")))?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(body))
}
