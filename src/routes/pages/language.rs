use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, get, web};
use chrono::Utc;
use serde::Deserialize;

use super::session::{language_cookie, safe_next};
use crate::auth::CurrentUser;
use crate::db::{self, people};
use crate::domain::language::Language;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct SwitchQuery {
    next: Option<String>,
}

/// The English/Cymraeg switch: remembered in a cookie, and as the signed-in person's preferred
/// language (which their emails follow too).
#[get("/language/{code}")]
pub async fn switch(
    state: web::Data<AppState>,
    code: web::Path<String>,
    query: web::Query<SwitchQuery>,
    user: Option<CurrentUser>,
) -> AppResult<HttpResponse> {
    let language = Language::parse(&code).ok_or(AppError::NotFound)?;
    if let Some(user) = user {
        let person_id = user.person.id.clone();
        db::run(&state.pool, move |conn| {
            people::set_preferred_language(
                conn,
                &person_id,
                language.code(),
                Utc::now().naive_utc(),
            )?;
            Ok(())
        })
        .await?;
    }
    Ok(HttpResponse::SeeOther()
        .cookie(language_cookie(language))
        .insert_header((LOCATION, safe_next(query.next.as_deref(), "/")))
        .finish())
}
