//! The printable certificate of a completed programme: English and Welsh side by side on one
//! page, with a stylesheet of its own so that it prints on a single sheet.

use actix_web::http::StatusCode;
use actix_web::http::header::{CacheControl, CacheDirective};
use actix_web::{HttpRequest, HttpResponse, get, web};
use askama::Template;
use chrono::{Datelike, NaiveDate};

use super::context::render;
use crate::attendance::{self, Certificate};
use crate::auth::CurrentUser;
use crate::db;
use crate::domain::language::Language;
use crate::error::AppResult;
use crate::i18n::{request_language, t, t_with};
use crate::state::AppState;

/// One language's half of the certificate, worded in full.
struct CertificateHalf {
    lang: &'static str,
    heading: String,
    certifies: String,
    has_completed: String,
    programme: String,
    cohort_label: String,
    completed_on_label: String,
    completed_on: String,
    issuer: String,
}

#[derive(Template)]
#[template(path = "pages/certificate.html")]
struct CertificatePage {
    lang: &'static str,
    title: String,
    print_hint: String,
    back: String,
    participant: String,
    cohort: String,
    completed_on_iso: String,
    halves: Vec<CertificateHalf>,
}

/// `14 July 2027`, `14 Gorffennaf 2027`.
fn long_date(language: Language, date: NaiveDate) -> String {
    let month = t(language, &format!("certificate-month-{}", date.month()));
    t_with(
        language,
        "certificate-date",
        &[
            ("day", date.day().to_string()),
            ("month", month),
            ("year", date.year().to_string()),
        ],
    )
}

fn half(language: Language, certificate: &Certificate) -> CertificateHalf {
    CertificateHalf {
        lang: language.code(),
        heading: t(language, "certificate-heading"),
        certifies: t(language, "certificate-certifies"),
        has_completed: t(language, "certificate-has-completed"),
        programme: language
            .pick(
                &certificate.programme_title_en,
                &certificate.programme_title_cy,
            )
            .to_owned(),
        cohort_label: t(language, "certificate-cohort"),
        completed_on_label: t(language, "certificate-completed-on"),
        completed_on: long_date(language, certificate.completed_on),
        issuer: t(language, "certificate-issuer"),
    }
}

/// The certificate of a completed application: its holder, the cohort's lead or an admin;
/// anyone else finds nothing there.
#[get("/certificates/{application_id}")]
pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
    application_id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let certificate = db::run(&state.pool, move |conn| {
        attendance::certificate(conn, &user, &application_id)
    })
    .await?;
    let language = request_language(&req);
    let page = CertificatePage {
        lang: language.code(),
        title: t_with(
            language,
            "certificate-page-title",
            &[("name", certificate.participant_name.clone())],
        ),
        print_hint: t(language, "certificate-print-hint"),
        back: t(language, "certificate-back"),
        completed_on_iso: certificate.completed_on.to_string(),
        // Welsh first: the Welsh Language Standards ask that in bilingual material the Welsh is
        // placed where it is likely to be read first.
        halves: [Language::Cy, Language::En]
            .into_iter()
            .map(|l| half(l, &certificate))
            .collect(),
        participant: certificate.participant_name,
        cohort: certificate.cohort_name,
    };
    render(StatusCode::OK, &page)
}

const STYLESHEET: &str = include_str!("../../../templates/static/certificate.css");

/// The certificate's own styles: the site's CSP forbids inline ones.
#[get("/static/certificate.css")]
pub async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header(CacheControl(vec![
            CacheDirective::Public,
            CacheDirective::MaxAge(3600),
        ]))
        .body(STYLESHEET)
}
