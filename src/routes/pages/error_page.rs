//! Turns every `AppError` into an answer in the request's language: problem+json for the API,
//! a friendly page (or a redirect to log in) for people.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::LOCATION;
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, HttpResponse};
use askama::Template;

use super::context::PageContext;
use crate::auth::CurrentUser;
use crate::error::{AppError, PROBLEM_JSON};
use crate::i18n::request_language;
use crate::telemetry::RequestId;

#[derive(Template)]
#[template(path = "pages/error.html")]
struct ErrorPage {
    page: PageContext,
    title: String,
    detail: String,
    status: u16,
    request_id: String,
    /// What is wrong with each field of a refused request (a query's, since forms show their
    /// own errors beside their fields).
    problems: Vec<String>,
}

pub async fn render_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let language = request_language(req.request());
    let is_api = req.path().starts_with("/api/");
    let request_id = req
        .extensions()
        .get::<RequestId>()
        .map(|id| id.0.clone())
        .unwrap_or_default();
    let response = next.call(req).await?;
    // actix refuses a body past its limit before any handler runs, in English plain text.
    let too_large = AppError::TooLarge;
    let error = match response
        .response()
        .error()
        .and_then(|e| e.as_error::<AppError>())
    {
        Some(error) => error,
        None if response.status() == StatusCode::PAYLOAD_TOO_LARGE => &too_large,
        None => return Ok(response.map_into_left_body()),
    };
    let replacement = if is_api {
        HttpResponse::build(error.status_code_of())
            .content_type(PROBLEM_JSON)
            .json(error.problem(language))
    } else if matches!(error, AppError::Unauthenticated)
        && response.request().method() != Method::GET
    {
        // A form posted without a session cannot be replayed after logging in.
        HttpResponse::SeeOther()
            .insert_header((LOCATION, "/login"))
            .finish()
    } else if matches!(error, AppError::Unauthenticated) {
        let here = match response.request().query_string() {
            "" => response.request().path().to_owned(),
            query => format!("{}?{query}", response.request().path()),
        };
        let next = serde_urlencoded::to_string([("next", here)]).unwrap_or_default();
        HttpResponse::SeeOther()
            .insert_header((LOCATION, format!("/login?{next}&lang={}", language.code())))
            .finish()
    } else {
        let problem = error.problem(language);
        let fallback = format!("{}: {}", problem.title, problem.detail);
        let signed_in = response
            .request()
            .extensions()
            .get::<CurrentUser>()
            .cloned();
        let page = ErrorPage {
            page: PageContext::new(response.request(), language, signed_in.as_ref()),
            title: problem.title,
            detail: problem.detail,
            status: problem.status,
            request_id,
            problems: problem.errors.into_iter().map(|e| e.message).collect(),
        };
        match page.render() {
            Ok(body) => HttpResponse::build(error.status_code_of())
                .content_type("text/html; charset=utf-8")
                .body(body),
            Err(_) => HttpResponse::build(error.status_code_of()).body(fallback),
        }
    };
    Ok(response.into_response(replacement).map_into_right_body())
}

trait StatusOf {
    fn status_code_of(&self) -> StatusCode;
}

impl StatusOf for AppError {
    fn status_code_of(&self) -> StatusCode {
        actix_web::ResponseError::status_code(self)
    }
}
