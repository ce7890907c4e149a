//! The private calendar feed, `/calendar/{token}.ics`: calendar apps fetch it without logging
//! in, so the token in the address is the only credential.

use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{HttpResponse, get, web};

use crate::db::{self, calendar};
use crate::domain::language::Language;
use crate::error::{AppError, AppResult};
use crate::routes::api::calendar::{ics_response, personal_calendar, plausible_token};
use crate::state::AppState;

#[get("/calendar/{file}")]
pub async fn feed(state: web::Data<AppState>, file: web::Path<String>) -> AppResult<HttpResponse> {
    let token = file
        .strip_suffix(".ics")
        .filter(|token| plausible_token(token))
        .ok_or(AppError::NotFound)?
        .to_owned();
    let (language, sessions) = db::run(&state.pool, move |conn| {
        let person = calendar::owner_of_token(conn, &token)?.ok_or(AppError::NotFound)?;
        let sessions = calendar::sessions_for_person(conn, &person.id)?;
        Ok((
            Language::parse(&person.preferred_language).unwrap_or_default(),
            sessions,
        ))
    })
    .await?;
    let mut response = ics_response(&personal_calendar(language, &sessions), None);
    // The address is a secret: keep it out of search engines should it ever be linked.
    response.headers_mut().insert(
        HeaderName::from_static("x-robots-tag"),
        HeaderValue::from_static("noindex"),
    );
    Ok(response)
}
