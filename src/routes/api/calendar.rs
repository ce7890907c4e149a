//! Calendars: each person's private iCalendar feed (its address here, the feed itself in
//! `routes::pages::calendar`), and a cohort's sessions as a download for whoever runs it.

use actix_web::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION};
use actix_web::{HttpResponse, get, post, web};
use chrono::Utc;
use rand::RngCore;
use serde::Serialize;
use utoipa::ToSchema;

use crate::applications;
use crate::auth::CurrentUser;
use crate::db::calendar::{self, CalendarSession};
use crate::db::{self, catalogue};
use crate::domain::icalendar::{Calendar, Event};
use crate::domain::language::Language;
use crate::error::{AppError, AppResult, Problem};
use crate::i18n::{t, t_with};
use crate::state::AppState;

pub const ICS_CONTENT_TYPE: &str = "text/calendar; charset=utf-8";

/// The address of the signed-in person's calendar feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarFeed {
    /// Subscribe to this in a calendar app. It needs no login, so anyone who has it can read
    /// the feed: keep it private, and reset it if it leaks.
    pub url: String,
}

/// 32 random bytes as hex, the same strength as a password-reset token.
///
/// Feed tokens are stored as they are, not hashed (unlike reset tokens): the page must show
/// the same address every time, because calendar apps keep polling the one they were given,
/// and a hash could not be turned back into it. What the token opens is a list of sessions
/// that anyone able to read the `people` table can already read, so a stolen table gains
/// nothing from the tokens in it.
pub fn new_token() -> String {
    let mut raw = [0u8; 32];
    rand::rng().fill_bytes(&mut raw);
    hex::encode(raw)
}

/// True for something that could be a token we issued; anything else need not reach the
/// database.
pub fn plausible_token(token: &str) -> bool {
    token.len() == 64
        && token
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

pub fn feed_url(public_url: &str, token: &str) -> String {
    format!("{public_url}/calendar/{token}.ics")
}

fn non_empty(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// A session as an entry in the reader's calendar, worded in their language.
fn event_of(language: Language, session: &CalendarSession) -> Event {
    let programme = language.pick(&session.programme_title_en, &session.programme_title_cy);
    let title = language.pick(&session.title_en, &session.title_cy);
    let online = non_empty(&session.online_url);
    // Online sessions have no room: the cohort's usual venue would send people to the wrong
    // place.
    let location = non_empty(&session.venue).or_else(|| {
        online
            .is_none()
            .then(|| non_empty(&session.cohort_venue))
            .flatten()
    });
    let mut description = vec![t_with(
        language,
        "calendar-event-cohort",
        &[("cohort", session.cohort_name.clone())],
    )];
    // Many clients ignore URL, so the link is also written where people will see it.
    if let Some(url) = &online {
        description.push(t_with(
            language,
            "calendar-event-online",
            &[("url", url.clone())],
        ));
    }
    Event {
        uid: format!("{}@llwybr", session.id),
        starts_at: session.starts_at,
        ends_at: session.ends_at,
        summary: t_with(
            language,
            "calendar-event-summary",
            &[
                ("programme", programme.to_owned()),
                ("session", title.to_owned()),
            ],
        ),
        location,
        url: online,
        description: Some(description.join("\n")),
    }
}

/// A person's own calendar: every session of the cohorts they have a seat in.
pub fn personal_calendar(language: Language, sessions: &[CalendarSession]) -> Calendar {
    Calendar {
        name: t(language, "calendar-personal-name"),
        description: Some(t(language, "calendar-personal-description")),
        events: sessions.iter().map(|s| event_of(language, s)).collect(),
    }
}

/// The calendar as a response; `filename` makes it a download.
pub fn ics_response(calendar: &Calendar, filename: Option<&str>) -> HttpResponse {
    let mut response = HttpResponse::Ok();
    response
        .content_type(ICS_CONTENT_TYPE)
        // The feed is private to one person: no shared cache may keep it.
        .insert_header((CACHE_CONTROL, "private, no-store"));
    if let Some(filename) = filename {
        response.insert_header((
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ));
    }
    response.body(calendar.render(Utc::now().naive_utc()))
}

/// A file name that every browser and operating system accepts: ASCII letters and digits,
/// words joined by hyphens.
fn file_name(words: &str) -> String {
    let mut name = String::new();
    for c in words.chars() {
        if c.is_ascii_alphanumeric() {
            name.push(c.to_ascii_lowercase());
        } else if !name.is_empty() && !name.ends_with('-') {
            name.push('-');
        }
    }
    let name = name.trim_end_matches('-');
    if name.is_empty() {
        "cohort.ics".to_owned()
    } else {
        format!("{name}.ics")
    }
}

/// The address of your private calendar feed (made the first time you ask). Calendar apps can
/// subscribe to it: it lists the sessions of every cohort where you have a seat, in your
/// language.
#[utoipa::path(get, path = "/api/v1/me/calendar", tag = "calendar", security(("bearer" = [])),
    responses(
        (status = 200, body = CalendarFeed),
        (status = 401, body = Problem, content_type = "application/problem+json")))]
#[get("/me/calendar")]
pub async fn feed(state: web::Data<AppState>, user: CurrentUser) -> AppResult<HttpResponse> {
    let person_id = user.id().to_owned();
    let token = db::run(&state.pool, move |conn| {
        if let Some(token) = calendar::token_of(conn, &person_id)? {
            return Ok(token);
        }
        // Two first requests at once: only one token is kept, and both answer with it.
        calendar::set_token_if_none(conn, &person_id, &new_token())?;
        calendar::token_of(conn, &person_id)?.ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!("the new calendar token was not stored"))
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(CalendarFeed {
        url: feed_url(state.settings.public_url(), &token),
    }))
}

/// Replace the address of your calendar feed, e.g. after sharing it by mistake: the old one
/// stops working at once, and calendar apps must subscribe to the new one.
#[utoipa::path(post, path = "/api/v1/me/calendar/reset", tag = "calendar", security(("bearer" = [])),
    responses(
        (status = 200, body = CalendarFeed),
        (status = 401, body = Problem, content_type = "application/problem+json")))]
#[post("/me/calendar/reset")]
pub async fn reset(state: web::Data<AppState>, user: CurrentUser) -> AppResult<HttpResponse> {
    let person_id = user.id().to_owned();
    let token = new_token();
    let stored = token.clone();
    let changed = db::run(&state.pool, move |conn| {
        Ok(calendar::replace_token(conn, &person_id, &stored)?)
    })
    .await?;
    if changed != 1 {
        return Err(AppError::NotFound);
    }
    Ok(HttpResponse::Ok().json(CalendarFeed {
        url: feed_url(state.settings.public_url(), &token),
    }))
}

/// A cohort's sessions as an iCalendar file, for its lead or a consortium admin, in their
/// language.
#[utoipa::path(get, path = "/api/v1/cohorts/{id}/calendar.ics", tag = "calendar", security(("bearer" = [])),
    params(("id" = String, Path, description = "Cohort id")),
    responses(
        (status = 200, description = "An iCalendar (RFC 5545) file", body = String, content_type = "text/calendar"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
#[get("/cohorts/{id}/calendar.ics")]
pub async fn cohort(
    state: web::Data<AppState>,
    user: CurrentUser,
    cohort_id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let language = user.language();
    let cohort_id = cohort_id.into_inner();
    let (cohort, programme, sessions) = db::run(&state.pool, move |conn| {
        let cohort = catalogue::find_cohort(conn, &cohort_id)?.ok_or(AppError::NotFound)?;
        if !applications::may_manage(&user, &cohort) {
            return Err(AppError::Forbidden);
        }
        let programme =
            catalogue::find_programme(conn, &cohort.programme_id)?.ok_or(AppError::NotFound)?;
        let sessions = calendar::sessions_of_cohort(conn, &cohort.id)?;
        Ok((cohort, programme, sessions))
    })
    .await?;
    let calendar = Calendar {
        name: t_with(
            language,
            "calendar-cohort-name",
            &[
                (
                    "programme",
                    language
                        .pick(&programme.title_en, &programme.title_cy)
                        .to_owned(),
                ),
                ("cohort", cohort.name.clone()),
            ],
        ),
        description: None,
        events: sessions.iter().map(|s| event_of(language, s)).collect(),
    };
    let filename = file_name(&format!("{} {}", programme.code, cohort.name));
    Ok(ics_response(&calendar, Some(&filename)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use std::collections::BTreeSet;

    fn session(venue: Option<&str>, online: Option<&str>) -> CalendarSession {
        let day = NaiveDate::from_ymd_opt(2027, 3, 4).unwrap_or_default();
        CalendarSession {
            id: "abc".into(),
            title_en: "Day 1".into(),
            title_cy: "Diwrnod 1".into(),
            starts_at: day.and_hms_opt(9, 0, 0).unwrap_or_default(),
            ends_at: day.and_hms_opt(15, 0, 0).unwrap_or_default(),
            venue: venue.map(str::to_owned),
            online_url: online.map(str::to_owned),
            cohort_name: "Cohort 1".into(),
            cohort_venue: Some("Canolfan Hyfforddi".into()),
            programme_title_en: "Middle Leadership".into(),
            programme_title_cy: "Arweinyddiaeth Ganol".into(),
        }
    }

    #[test]
    fn events_are_worded_in_the_readers_language() {
        let event = event_of(Language::Cy, &session(Some("Neuadd y Dref"), None));
        assert_eq!(event.uid, "abc@llwybr");
        assert_eq!(event.summary, "Arweinyddiaeth Ganol: Diwrnod 1");
        assert_eq!(event.location.as_deref(), Some("Neuadd y Dref"));
        assert_eq!(event.description.as_deref(), Some("Carfan: Cohort 1"));
        let event = event_of(Language::En, &session(None, None));
        assert_eq!(event.summary, "Middle Leadership: Day 1");
        assert_eq!(event.location.as_deref(), Some("Canolfan Hyfforddi"));
    }

    #[test]
    fn online_sessions_carry_their_link_and_not_the_cohorts_venue() {
        let event = event_of(Language::En, &session(None, Some("https://meet.example/x")));
        assert_eq!(event.location, None);
        assert_eq!(event.url.as_deref(), Some("https://meet.example/x"));
        assert!(
            event
                .description
                .as_deref()
                .is_some_and(|d| d.ends_with("Join online: https://meet.example/x")),
            "{:?}",
            event.description
        );
    }

    #[test]
    fn tokens_are_64_hex_digits_and_differ() {
        let (a, b) = (new_token(), new_token());
        assert!(plausible_token(&a) && plausible_token(&b));
        assert_ne!(a, b);
        assert!(!plausible_token("../../etc/passwd"));
        assert!(!plausible_token(&a.to_uppercase()));
    }

    #[test]
    fn download_names_are_plain_ascii() {
        assert_eq!(
            file_name("mldp Carfan 1: Gŵyl/Hydref"),
            "mldp-carfan-1-g-yl-hydref.ics"
        );
        assert_eq!(file_name("ŵŷ"), "cohort.ics");
    }

    fn keys(language: &str) -> BTreeSet<String> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("src/i18n/locales")
            .join(language)
            .join("calendar.ftl");
        std::fs::read_to_string(path)
            .unwrap_or_default()
            .lines()
            .filter(|line| line.starts_with(|c: char| c.is_ascii_lowercase()))
            .filter_map(|line| line.split_once(" =").map(|(key, _)| key.trim().to_owned()))
            .collect()
    }

    #[test]
    fn the_calendar_messages_exist_in_english_and_welsh() {
        let en = keys("en");
        assert!(en.len() >= 5, "{en:?}");
        assert_eq!(en, keys("cy"));
        for key in &en {
            for language in Language::ALL {
                let message = t(language, key);
                assert!(
                    !message.is_empty() && message != *key,
                    "{key} in {language:?}"
                );
            }
        }
        assert_ne!(
            t(Language::En, "calendar-personal-name"),
            t(Language::Cy, "calendar-personal-name")
        );
    }
}
