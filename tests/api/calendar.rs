//! Calendars: the private iCalendar feed of a participant's sessions, and a cohort's sessions
//! for its lead.

use std::collections::BTreeSet;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use llwybr::db::schema::{cohort_sessions, people};
use llwybr::domain::role::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestPerson, client, problem, spawn_app};

const PUBLIC_URL: &str = "http://llwybr.test";

fn at(day: u32, hour: u32, minute: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2027, 1, day)
        .and_then(|d| d.and_hms_opt(hour, minute, 0))
        .expect("a time")
}

struct NewSession<'a> {
    title_en: &'a str,
    title_cy: &'a str,
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    venue: Option<&'a str>,
    online_url: Option<&'a str>,
}

/// Adds a session straight to the database and returns its id.
fn add_session(app: &TestApp, cohort: &str, session: NewSession<'_>) -> String {
    let mut conn = app.db();
    let id = uuid::Uuid::new_v4().to_string();
    diesel::insert_into(cohort_sessions::table)
        .values((
            cohort_sessions::id.eq(&id),
            cohort_sessions::cohort_id.eq(cohort),
            cohort_sessions::title_en.eq(session.title_en),
            cohort_sessions::title_cy.eq(session.title_cy),
            cohort_sessions::starts_at.eq(session.starts_at),
            cohort_sessions::ends_at.eq(session.ends_at),
            cohort_sessions::venue.eq(session.venue),
            cohort_sessions::online_url.eq(session.online_url),
            cohort_sessions::created_at.eq(chrono::Utc::now().naive_utc()),
        ))
        .execute(&mut conn)
        .expect("session");
    id
}

fn day_session(day: u32) -> NewSession<'static> {
    NewSession {
        title_en: "Leading learning",
        title_cy: "Arwain dysgu",
        starts_at: at(day, 9, 30),
        ends_at: at(day, 15, 30),
        venue: Some("Canolfan Hyfforddi"),
        online_url: None,
    }
}

fn prefers_welsh(app: &TestApp, email: &str) {
    let mut conn = app.db();
    diesel::update(people::table.filter(people::email.eq(email)))
        .set(people::preferred_language.eq("cy"))
        .execute(&mut conn)
        .expect("language");
}

async fn apply(app: &TestApp, person: &TestPerson, cohort: &str) -> String {
    let response = app.apply(&person.token, cohort).await;
    assert_eq!(response.status(), 201);
    let outcome: Value = response.json().await.expect("json");
    outcome["status"].as_str().expect("a status").to_owned()
}

/// The feed's address, checked to be under the public URL, as a path on the test server.
async fn feed_path(app: &TestApp, person: &TestPerson) -> String {
    let response = app.get_as(&person.token, "/api/v1/me/calendar").await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("json");
    let url = body["url"].as_str().expect("a url");
    let path = url.strip_prefix(PUBLIC_URL).expect("under the public URL");
    assert!(
        path.starts_with("/calendar/") && path.ends_with(".ics"),
        "{url}"
    );
    path.to_owned()
}

/// Fetches a feed as a calendar app does: no login, no cookies.
async fn fetch(app: &TestApp, path: &str) -> reqwest::Response {
    client().get(app.url(path)).send().await.expect("sent")
}

/// Checks the file's framing and line structure, and returns its unfolded content lines.
fn content_lines(body: &str) -> Vec<String> {
    assert!(body.starts_with("BEGIN:VCALENDAR\r\n"), "{body}");
    assert!(body.ends_with("END:VCALENDAR\r\n"), "{body}");
    for line in body.trim_end_matches("\r\n").split("\r\n") {
        assert!(
            !line.contains('\n') && !line.contains('\r'),
            "a bare line break in {line:?}"
        );
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
    }
    body.replace("\r\n ", "")
        .trim_end_matches("\r\n")
        .split("\r\n")
        .map(str::to_owned)
        .collect()
}

fn values<'a>(lines: &'a [String], name: &str) -> Vec<&'a str> {
    let prefix = format!("{name}:");
    lines
        .iter()
        .filter_map(|l| l.strip_prefix(prefix.as_str()))
        .collect()
}

#[tokio::test]
async fn the_feed_lists_the_sessions_of_confirmed_cohorts_in_the_persons_language() {
    let app = spawn_app().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (_, seated) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 5)
        .await;
    let (_, full) = app
        .programme_with_cohort(&lead, "npqh", false, &[], 1)
        .await;
    let first = app.person("cyntaf@ysgol.cymru", &[], None, None);
    assert_eq!(apply(&app, &first, &full).await, "confirmed");
    let ceri = app.person("ceri@ysgol.cymru", &[], None, None);
    assert_eq!(apply(&app, &ceri, &seated).await, "confirmed");
    assert_eq!(apply(&app, &ceri, &full).await, "waitlisted");
    prefers_welsh(&app, &ceri.email);

    let in_the_room = add_session(
        &app,
        &seated,
        NewSession {
            title_en: "Day 1: Leading learning",
            title_cy: "Diwrnod 1: Arwain dysgu",
            starts_at: at(14, 9, 30),
            ends_at: at(14, 15, 30),
            venue: Some("Canolfan Hyfforddi, Heol y Frenhines; Caerdydd"),
            online_url: None,
        },
    );
    let long_title_cy = "Gweithdy ar-lein: datblygu diwylliant o ymholi proffesiynol ar draws yr \
                         ysgol gyfan, gyda chyfraniadau gan benaethiaid o Gŵyr a Llŷn";
    let online = add_session(
        &app,
        &seated,
        NewSession {
            title_en: "Online workshop: a culture of professional enquiry",
            title_cy: long_title_cy,
            starts_at: at(21, 16, 0),
            ends_at: at(21, 17, 30),
            venue: None,
            online_url: Some("https://meet.example.cymru/llwybr-mldp?pwd=a,b"),
        },
    );
    let waiting = add_session(&app, &full, day_session(18));

    let path = feed_path(&app, &ceri).await;
    assert_eq!(
        feed_path(&app, &ceri).await,
        path,
        "the same address each time"
    );
    let response = fetch(&app, &path).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("text/calendar; charset=utf-8")
    );
    let body = response.text().await.expect("body");
    let lines = content_lines(&body);

    assert_eq!(values(&lines, "X-WR-CALNAME"), ["Llwybr: fy sesiynau"]);
    assert_eq!(values(&lines, "BEGIN"), ["VCALENDAR", "VEVENT", "VEVENT"]);
    let uids: BTreeSet<&str> = values(&lines, "UID").into_iter().collect();
    let expected: BTreeSet<String> = [&in_the_room, &online]
        .iter()
        .map(|id| format!("{id}@llwybr"))
        .collect();
    assert_eq!(
        uids,
        expected.iter().map(String::as_str).collect::<BTreeSet<_>>()
    );
    assert!(
        !body.contains(&waiting),
        "no session of a waitlisted cohort"
    );
    assert_eq!(
        values(&lines, "SUMMARY"),
        [
            "Rhaglen Datblygu Arweinyddiaeth Ganol: Diwrnod 1: Arwain dysgu".to_owned(),
            format!(
                "Rhaglen Datblygu Arweinyddiaeth Ganol: {}",
                long_title_cy.replace(',', "\\,")
            ),
        ]
    );
    assert_eq!(
        values(&lines, "DTSTART"),
        ["20270114T093000Z", "20270121T160000Z"]
    );
    assert_eq!(
        values(&lines, "DTEND"),
        ["20270114T153000Z", "20270121T173000Z"]
    );
    assert_eq!(values(&lines, "DTSTAMP").len(), 2);
    assert_eq!(
        values(&lines, "LOCATION"),
        ["Canolfan Hyfforddi\\, Heol y Frenhines\\; Caerdydd"]
    );
    assert_eq!(
        values(&lines, "URL"),
        ["https://meet.example.cymru/llwybr-mldp?pwd=a,b"]
    );
    assert!(
        body.lines().any(|l| l.starts_with(' ')),
        "the long Welsh title is folded"
    );
}

#[tokio::test]
async fn resetting_the_feed_address_retires_the_old_one() {
    let app = spawn_app().await;
    let ceri = app.person("ceri@ysgol.cymru", &[], None, None);
    let old = feed_path(&app, &ceri).await;
    assert_eq!(fetch(&app, &old).await.status(), 200);

    let reset = app
        .post_as(&ceri.token, "/api/v1/me/calendar/reset", &json!({}))
        .await;
    assert_eq!(reset.status(), 200);
    let body: Value = reset.json().await.expect("json");
    let new = body["url"]
        .as_str()
        .and_then(|u| u.strip_prefix(PUBLIC_URL))
        .expect("a url")
        .to_owned();
    assert_ne!(new, old);
    assert_eq!(feed_path(&app, &ceri).await, new);
    assert_eq!(fetch(&app, &old).await.status(), 404);
    let fresh = fetch(&app, &new).await;
    assert_eq!(fresh.status(), 200);
    let lines = content_lines(&fresh.text().await.expect("body"));
    assert_eq!(values(&lines, "X-WR-CALNAME"), ["Llwybr: my sessions"]);
    assert!(values(&lines, "BEGIN").iter().all(|b| *b != "VEVENT"));
}

#[tokio::test]
async fn unknown_tokens_and_closed_accounts_have_no_feed() {
    let app = spawn_app().await;
    for path in [
        format!("/calendar/{}.ics", "0".repeat(64)),
        "/calendar/not-a-token.ics".to_owned(),
        "/calendar/.ics".to_owned(),
    ] {
        assert_eq!(fetch(&app, &path).await.status(), 404, "{path}");
    }
    let unauthenticated = app
        .client
        .get(app.url("/api/v1/me/calendar"))
        .send()
        .await
        .expect("sent");
    assert_eq!(unauthenticated.status(), 401);

    let ceri = app.person("ceri@ysgol.cymru", &[], None, None);
    let path = feed_path(&app, &ceri).await;
    assert_eq!(
        fetch(&app, path.trim_end_matches(".ics")).await.status(),
        404
    );
    let mut conn = app.db();
    diesel::update(people::table.filter(people::email.eq(&ceri.email)))
        .set(people::active.eq(false))
        .execute(&mut conn)
        .expect("deactivate");
    assert_eq!(fetch(&app, &path).await.status(), 404);
}

#[tokio::test]
async fn a_cohorts_calendar_is_for_its_lead_and_admins_only() {
    let app = spawn_app().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (_, cohort) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 5)
        .await;
    let first = add_session(&app, &cohort, day_session(14));
    let second = add_session(&app, &cohort, day_session(28));
    let path = format!("/api/v1/cohorts/{cohort}/calendar.ics");

    let response = app.get_as(&lead.token, &path).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("text/calendar; charset=utf-8")
    );
    let disposition = response
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(disposition, "attachment; filename=\"mldp-cohort-1.ics\"");
    let lines = content_lines(&response.text().await.expect("body"));
    assert_eq!(
        values(&lines, "UID"),
        [format!("{first}@llwybr"), format!("{second}@llwybr")]
    );
    assert_eq!(
        values(&lines, "SUMMARY"),
        ["Middle Leadership Development Programme: Leading learning"; 2]
    );
    assert_eq!(
        values(&lines, "X-WR-CALNAME"),
        ["Middle Leadership Development Programme: Cohort 1"]
    );

    let admin = app.person(
        "admin@consortiwm.cymru",
        &[Role::ConsortiumAdmin],
        None,
        None,
    );
    assert_eq!(app.get_as(&admin.token, &path).await.status(), 200);

    let participant = app.person("ceri@ysgol.cymru", &[], None, None);
    assert_eq!(apply(&app, &participant, &cohort).await, "confirmed");
    let other_lead = app.person("arall@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    for someone in [&participant, &other_lead] {
        let refused = app.get_as(&someone.token, &path).await;
        assert_eq!(refused.status(), 403, "{}", someone.email);
        assert_eq!(problem(refused).await["code"], "forbidden");
    }
    let missing = app
        .get_as(&lead.token, "/api/v1/cohorts/no-such-cohort/calendar.ics")
        .await;
    assert_eq!(missing.status(), 404);
    let anonymous = app.client.get(app.url(&path)).send().await.expect("sent");
    assert_eq!(anonymous.status(), 401);
}
