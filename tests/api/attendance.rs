use diesel::prelude::*;
use llwybr::db::schema::{attendance, enrolment_events};
use llwybr::domain::role::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestPerson, problem, spawn_app};

const PROGRAMME_EN: &str = "Middle Leadership Development Programme";
const PROGRAMME_CY: &str = "Rhaglen Datblygu Arweinyddiaeth Ganol";

async fn put_as(app: &TestApp, token: &str, path: &str, body: &Value) -> reqwest::Response {
    app.client
        .put(app.url(path))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .expect("request sent")
}

/// `days` from now (negative for the past), as a form sends a time.
fn form_time(days: i64, hours: i64) -> String {
    let at = chrono::Utc::now() + chrono::Duration::days(days) + chrono::Duration::hours(hours);
    llwybr::domain::wales_time::from_utc(at.naive_utc())
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// Adds a two-hour session `days` from now and returns its id.
async fn session(app: &TestApp, lead: &TestPerson, cohort: &str, days: i64) -> String {
    let response = app
        .post_as(
            &lead.token,
            &format!("/api/v1/cohorts/{cohort}/sessions"),
            &json!({
                "title_en": format!("Day {days}"), "title_cy": format!("Diwrnod {days}"),
                "starts_at": form_time(days, 0), "ends_at": form_time(days, 2),
                "venue": "Canolfan Addysg, Caerdydd"
            }),
        )
        .await;
    assert_eq!(
        response.status(),
        201,
        "{}",
        response.text().await.unwrap_or_default()
    );
    let body: Value = response.json().await.expect("json");
    body["id"].as_str().expect("id").to_owned()
}

/// Adds a second cohort of five places to the programme, starting in a month, and returns its id.
async fn another_cohort(app: &TestApp, lead: &TestPerson, programme: &str) -> String {
    let day =
        |days: i64| (chrono::Utc::now().date_naive() + chrono::Duration::days(days)).to_string();
    let created = app
        .post_as(
            &lead.token,
            &format!("/api/v1/programmes/{programme}/cohorts"),
            &json!({"name": "Cohort 2", "capacity": 5, "starts_on": day(30), "ends_on": day(300), "language_medium": "welsh"}),
        )
        .await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.expect("json");
    created["id"].as_str().unwrap_or("").to_owned()
}

/// Applies as `person` and returns the application's id and status.
async fn apply(app: &TestApp, person: &TestPerson, cohort: &str) -> (String, String) {
    let response = app.apply(&person.token, cohort).await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.expect("json");
    (
        body["id"].as_str().expect("id").to_owned(),
        body["status"].as_str().expect("status").to_owned(),
    )
}

async fn register(
    app: &TestApp,
    token: &str,
    session: &str,
    lines: &[(&str, &str)],
) -> reqwest::Response {
    let records: Vec<Value> = lines
        .iter()
        .map(|(application_id, status)| json!({"application_id": application_id, "status": status}))
        .collect();
    put_as(
        app,
        token,
        &format!("/api/v1/sessions/{session}/attendance"),
        &json!({ "records": records }),
    )
    .await
}

async fn summary(app: &TestApp, lead: &TestPerson, cohort: &str) -> Value {
    let response = app
        .get_as(&lead.token, &format!("/api/v1/cohorts/{cohort}/attendance"))
        .await;
    assert_eq!(response.status(), 200);
    response.json().await.expect("json")
}

fn participant<'a>(summary: &'a Value, application_id: &str) -> &'a Value {
    summary["participants"]
        .as_array()
        .and_then(|all| all.iter().find(|p| p["application_id"] == application_id))
        .unwrap_or_else(|| panic!("{application_id} is not in {summary}"))
}

fn field_names(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| e["field"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn attendance_rows(app: &TestApp, session: &str) -> Vec<(String, String)> {
    let mut conn = app.db();
    attendance::table
        .filter(attendance::session_id.eq(session))
        .select((attendance::enrolment_id, attendance::status))
        .order(attendance::enrolment_id.asc())
        .load(&mut conn)
        .expect("attendance rows")
}

#[tokio::test]
async fn the_lead_plans_sessions_which_applicants_see_in_time_order() {
    let app = spawn_app().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (_, cohort) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 5)
        .await;
    let path = format!("/api/v1/cohorts/{cohort}/sessions");

    let later = app
        .post_as(
            &lead.token,
            &path,
            &json!({
                "title_en": "Coaching conversations", "title_cy": "Sgyrsiau hyfforddi",
                "starts_at": "2027-02-10T09:30", "ends_at": "2027-02-10T15:00",
                "online_url": "https://teams.example.cymru/l/meetup"
            }),
        )
        .await;
    assert_eq!(later.status(), 201);
    let later: Value = later.json().await.expect("json");
    assert_eq!(later["starts_at"], "2027-02-10T09:30:00Z");
    assert_eq!(later["venue"], Value::Null);
    let earlier = app
        .post_as(
            &lead.token,
            &path,
            &json!({
                "title_en": "Leading change", "title_cy": "Arwain newid",
                "starts_at": "2026-09-14T09:30:00+01:00", "ends_at": "2026-09-14T16:00:00+01:00",
                "venue": "Ysgol Glantaf"
            }),
        )
        .await;
    assert_eq!(earlier.status(), 201);
    let earlier: Value = earlier.json().await.expect("json");
    assert_eq!(
        earlier["starts_at"], "2026-09-14T08:30:00Z",
        "British Summer Time is stored as UTC"
    );
    // A time without an offset is what a clock in Wales shows, as the lead's form sends it.
    let summer = app
        .post_as(
            &lead.token,
            &path,
            &json!({
                "title_en": "Summer school", "title_cy": "Ysgol haf",
                "starts_at": "2026-07-14T09:30", "ends_at": "2026-07-14T15:00",
                "venue": "Ysgol Glantaf"
            }),
        )
        .await;
    assert_eq!(summer.status(), 201);
    let summer: Value = summer.json().await.expect("json");
    assert_eq!(summer["starts_at"], "2026-07-14T08:30:00Z");
    assert_eq!(summer["ends_at"], "2026-07-14T14:00:00Z");
    let page = app
        .get_as(&lead.token, &format!("/lead/cohorts/{cohort}"))
        .await
        .text()
        .await
        .expect("html");
    assert!(page.contains("14/07/2026 09:30–15:00"), "{page}");
    let skipped = app
        .post_as(
            &lead.token,
            &path,
            &json!({
                "title_en": "x", "title_cy": "x",
                "starts_at": "2027-03-28T01:30", "ends_at": "2027-03-28T03:00"
            }),
        )
        .await;
    assert_eq!(skipped.status(), 422);
    assert!(
        problem(skipped)
            .await
            .to_string()
            .contains("clocks go forward"),
        "the hour the clocks skip is refused, saying why"
    );

    let bad = app
        .post_as(
            &lead.token,
            &path,
            &json!({
                "title_en": "", "title_cy": "Arwain newid",
                "starts_at": "14/09/2026 09:30", "ends_at": "2026-09-14T16:00"
            }),
        )
        .await;
    assert_eq!(bad.status(), 422);
    assert_eq!(
        field_names(&problem(bad).await),
        ["title_en", "starts_at", "venue", "online_url"]
    );
    let backwards = app
        .post_as(
            &lead.token,
            &path,
            &json!({
                "title_en": "Leading change", "title_cy": "Arwain newid",
                "starts_at": "2026-09-14T16:00", "ends_at": "2026-09-14T09:00",
                "venue": "Ysgol Glantaf", "online_url": "teams"
            }),
        )
        .await;
    assert_eq!(backwards.status(), 422);
    assert_eq!(
        field_names(&problem(backwards).await),
        ["online_url", "ends_at"]
    );

    let other_lead = app.person("arall@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let not_theirs = app
        .post_as(
            &other_lead.token,
            &path,
            &json!({
                "title_en": "x", "title_cy": "x", "starts_at": "2026-09-14T09:00",
                "ends_at": "2026-09-14T10:00", "venue": "Hall"
            }),
        )
        .await;
    assert_eq!(not_theirs.status(), 403);

    let applicant = app.person("athro@ysgol.cymru", &[], None, None);
    let stranger = app.person("dieithryn@ysgol.cymru", &[], None, None);
    apply(&app, &applicant, &cohort).await;
    for viewer in [&lead, &applicant] {
        let listed: Vec<Value> = app
            .get_as(&viewer.token, &path)
            .await
            .json()
            .await
            .expect("json");
        let titles: Vec<_> = listed.iter().map(|s| s["title_cy"].clone()).collect();
        assert_eq!(
            titles,
            [
                json!("Ysgol haf"),
                json!("Arwain newid"),
                json!("Sgyrsiau hyfforddi")
            ]
        );
    }
    assert_eq!(app.get_as(&stranger.token, &path).await.status(), 403);
    assert_eq!(
        app.get_as(&lead.token, "/api/v1/cohorts/no-such-cohort/sessions")
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn the_lead_takes_a_whole_register_and_a_bad_line_stores_nothing() {
    let app = spawn_app().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (_, cohort) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 3)
        .await;
    let mut places = Vec::new();
    for name in ["alaw", "bryn", "catrin"] {
        let person = app.person(&format!("{name}@ysgol.cymru"), &[], None, None);
        let (id, status) = apply(&app, &person, &cohort).await;
        assert_eq!(status, "confirmed");
        places.push((person, id));
    }
    let waiting = app.person("dafydd@ysgol.cymru", &[], None, None);
    let (waiting_id, status) = apply(&app, &waiting, &cohort).await;
    assert_eq!(status, "waitlisted");
    let first = session(&app, &lead, &cohort, -14).await;
    let second = session(&app, &lead, &cohort, -7).await;
    let alaw = &places[0].0;
    let (a, b, c) = (
        places[0].1.as_str(),
        places[1].1.as_str(),
        places[2].1.as_str(),
    );

    let taken = register(
        &app,
        &lead.token,
        &first,
        &[(a, "present"), (b, "absent"), (c, "apologies")],
    )
    .await;
    assert_eq!(taken.status(), 200);
    let taken: Value = taken.json().await.expect("json");
    assert_eq!(taken["recorded"], 3);

    let other_lead = app.person("arall@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    for outsider in [&other_lead, alaw] {
        assert_eq!(
            register(&app, &outsider.token, &first, &[(a, "present")])
                .await
                .status(),
            403
        );
    }

    let before = attendance_rows(&app, &first);
    let unknown_status = register(
        &app,
        &lead.token,
        &first,
        &[(a, "absent"), (b, "present"), (c, "late")],
    )
    .await;
    assert_eq!(unknown_status.status(), 422);
    assert_eq!(
        field_names(&problem(unknown_status).await),
        ["records[2].status"]
    );
    let not_confirmed = register(
        &app,
        &lead.token,
        &first,
        &[
            (a, "absent"),
            (waiting_id.as_str(), "present"),
            (b, "present"),
        ],
    )
    .await;
    assert_eq!(not_confirmed.status(), 422);
    assert_eq!(
        field_names(&problem(not_confirmed).await),
        ["records[1].application_id"]
    );
    assert_eq!(
        attendance_rows(&app, &first),
        before,
        "a refused register stores nothing"
    );

    let corrected = register(&app, &lead.token, &first, &[(b, "present")]).await;
    assert_eq!(corrected.status(), 200);
    assert_eq!(
        attendance_rows(&app, &first).len(),
        3,
        "a correction replaces the entry rather than adding one"
    );
    register(&app, &lead.token, &second, &[(a, "present"), (b, "absent")]).await;

    let summary = summary(&app, &lead, &cohort).await;
    assert_eq!(summary["sessions_held"], 2);
    assert_eq!(summary["completion_min_attendance_pct"], 80);
    assert_eq!(summary["participants"].as_array().map(Vec::len), Some(3));
    let alaw_row = participant(&summary, a);
    assert_eq!(alaw_row["name"], "alaw");
    assert_eq!(
        alaw_row["sessions"],
        json!([{"session_id": first, "status": "present"}, {"session_id": second, "status": "present"}])
    );
    assert_eq!(
        (
            &alaw_row["attended"],
            &alaw_row["attendance_pct"],
            &alaw_row["completion_rule_met"]
        ),
        (&json!(2), &json!(100), &json!(true))
    );
    let bryn_row = participant(&summary, b);
    assert_eq!(
        (&bryn_row["attended"], &bryn_row["attendance_pct"]),
        (&json!(1), &json!(50))
    );
    let catrin_row = participant(&summary, c);
    assert_eq!(
        catrin_row["sessions"][1]["status"],
        Value::Null,
        "no entry yet for the second session"
    );
    assert_eq!(
        (&catrin_row["attended"], &catrin_row["completion_rule_met"]),
        (&json!(0), &json!(false)),
        "apologies are not attendance"
    );

    assert_eq!(
        app.get_as(&alaw.token, &format!("/api/v1/cohorts/{cohort}/attendance"))
            .await
            .status(),
        403
    );
}

#[tokio::test]
async fn completion_follows_the_attendance_rule_unless_the_lead_overrides_it() {
    let app = spawn_app().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (_, cohort) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 5)
        .await;
    let keen = app.person("awen@ysgol.cymru", &[], None, None);
    let busy = app.person("bethan@ysgol.cymru", &[], None, None);
    let gone = app.person("carwyn@ysgol.cymru", &[], None, None);
    let (keen_id, _) = apply(&app, &keen, &cohort).await;
    let (busy_id, _) = apply(&app, &busy, &cohort).await;
    let (gone_id, _) = apply(&app, &gone, &cohort).await;

    // Five sessions held and one still to come, which counts against no one.
    let mut held = Vec::new();
    for days in [-50, -40, -30, -20, -10] {
        held.push(session(&app, &lead, &cohort, days).await);
    }
    let upcoming = session(&app, &lead, &cohort, 20).await;
    register(
        &app,
        &lead.token,
        &upcoming,
        &[(busy_id.as_str(), "apologies")],
    )
    .await;
    for (i, id) in held.iter().enumerate() {
        let keen_status = if i == 2 { "absent" } else { "present" };
        let busy_status = match i {
            0..=2 => "present",
            3 => "apologies",
            _ => "absent",
        };
        let response = register(
            &app,
            &lead.token,
            id,
            &[
                (keen_id.as_str(), keen_status),
                (busy_id.as_str(), busy_status),
            ],
        )
        .await;
        assert_eq!(response.status(), 200);
    }

    let before = summary(&app, &lead, &cohort).await;
    assert_eq!(before["sessions_held"], 5);
    let keen_row = participant(&before, &keen_id);
    assert_eq!(
        (
            &keen_row["attendance_pct"],
            &keen_row["completion_rule_met"]
        ),
        (&json!(80), &json!(true)),
        "four of five meets an 80% rule exactly"
    );
    let busy_row = participant(&before, &busy_id);
    assert_eq!(
        (
            &busy_row["attendance_pct"],
            &busy_row["completion_rule_met"]
        ),
        (&json!(60), &json!(false))
    );

    let other_lead = app.person("arall@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let complete = |id: &str| format!("/api/v1/applications/{id}/complete");
    assert_eq!(
        app.post_as(&other_lead.token, &complete(&keen_id), &json!({}))
            .await
            .status(),
        403
    );
    assert_eq!(
        app.post_as(&keen.token, &complete(&keen_id), &json!({}))
            .await
            .status(),
        403,
        "participants cannot complete themselves"
    );

    let done = app
        .post_as(&lead.token, &complete(&keen_id), &json!({}))
        .await;
    assert_eq!(done.status(), 200);
    let done: Value = done.json().await.expect("json");
    assert_eq!(done["status"], "completed");
    let twice = app
        .post_as(&lead.token, &complete(&keen_id), &json!({}))
        .await;
    assert_eq!(twice.status(), 409);
    assert_eq!(problem(twice).await["code"], "conflict");
    let email = app
        .wait_for_email(&keen.email, &format!("You have completed {PROGRAMME_EN}"))
        .await;
    assert!(
        email.text.contains(&format!("/certificates/{keen_id}")),
        "{}",
        email.text
    );

    let refused = app
        .post_as(
            &lead.token,
            &complete(&busy_id),
            &json!({"reason": "worked hard"}),
        )
        .await;
    assert_eq!(refused.status(), 422);
    let refused = problem(refused).await;
    assert_eq!(refused["code"], "refused");
    assert!(
        refused["detail"]
            .as_str()
            .is_some_and(|d| d.contains("override_reason")),
        "{refused}"
    );
    let mine: Vec<Value> = app
        .get_as(&busy.token, "/api/v1/me/applications")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(mine[0]["status"], "confirmed", "a refusal changes nothing");

    let overridden = app
        .post_as(
            &lead.token,
            &complete(&busy_id),
            &json!({"override_reason": "Missed sessions were covered by a recorded catch-up"}),
        )
        .await;
    assert_eq!(overridden.status(), 200);
    let reasons: Vec<(String, Option<String>, Option<String>)> = {
        let mut conn = app.db();
        enrolment_events::table
            .filter(enrolment_events::enrolment_id.eq(&busy_id))
            .filter(enrolment_events::to_status.eq("completed"))
            .select((
                enrolment_events::to_status,
                enrolment_events::reason,
                enrolment_events::actor_id,
            ))
            .load(&mut conn)
            .expect("events")
    };
    assert_eq!(reasons.len(), 1);
    assert_eq!(
        reasons[0].1.as_deref(),
        Some("Missed sessions were covered by a recorded catch-up")
    );
    assert!(reasons[0].2.is_some(), "who decided is recorded");

    let not_complete = app
        .post_as(
            &lead.token,
            &format!("/api/v1/applications/{gone_id}/not-complete"),
            &json!({"reason": "left the school mid-year"}),
        )
        .await;
    assert_eq!(not_complete.status(), 200);
    let not_complete: Value = not_complete.json().await.expect("json");
    assert_eq!(not_complete["status"], "not_completed");
    app.wait_for_email(&gone.email, "not completed").await;
    // "Not completed" may be put right, but only as a completion is made: below the rule,
    // with a reason. "Completed" stands.
    assert_eq!(
        app.post_as(&lead.token, &complete(&gone_id), &json!({}))
            .await
            .status(),
        422,
        "below the rule, still"
    );
    assert_eq!(
        app.post_as(
            &lead.token,
            &format!("/api/v1/applications/{keen_id}/not-complete"),
            &json!({})
        )
        .await
        .status(),
        409,
        "a completion, once made, stands"
    );

    let after = summary(&app, &lead, &cohort).await;
    assert_eq!(participant(&after, &keen_id)["status"], "completed");
    assert_eq!(participant(&after, &gone_id)["status"], "not_completed");
}

#[tokio::test]
async fn the_certificate_is_bilingual_and_only_for_its_holder_and_those_who_run_the_cohort() {
    let app = spawn_app().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (_, cohort) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 5)
        .await;
    let holder = app.person("gwenllian@ysgol.cymru", &[], None, None);
    let classmate = app.person("hywel@ysgol.cymru", &[], None, None);
    let (holder_id, _) = apply(&app, &holder, &cohort).await;
    let (classmate_id, _) = apply(&app, &classmate, &cohort).await;
    let day = session(&app, &lead, &cohort, -3).await;
    register(&app, &lead.token, &day, &[(holder_id.as_str(), "present")]).await;
    let done = app
        .post_as(
            &lead.token,
            &format!("/api/v1/applications/{holder_id}/complete"),
            &json!({}),
        )
        .await;
    assert_eq!(done.status(), 200);

    let page = app
        .get_as(&holder.token, &format!("/certificates/{holder_id}"))
        .await;
    assert_eq!(page.status(), 200);
    assert!(
        page.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"))
    );
    let html = page.text().await.expect("html");
    for expected in [
        "Certificate of Completion",
        "Tystysgrif Cwblhau",
        PROGRAMME_EN,
        PROGRAMME_CY,
        "gwenllian",
        "Cohort 1",
        r#"lang="cy""#,
        r#"lang="en""#,
        "/static/certificate.css",
    ] {
        assert!(
            html.contains(expected),
            "{expected:?} is missing from {html}"
        );
    }
    let css = app
        .client
        .get(app.url("/static/certificate.css"))
        .send()
        .await
        .expect("sent");
    assert_eq!(css.status(), 200);
    assert!(css.text().await.expect("css").contains("@media print"));

    assert_eq!(
        app.get_as(&lead.token, &format!("/certificates/{holder_id}"))
            .await
            .status(),
        200
    );
    assert_eq!(
        app.get_as(&classmate.token, &format!("/certificates/{holder_id}"))
            .await
            .status(),
        404,
        "someone else's certificate is not found"
    );
    assert_eq!(
        app.get_as(&classmate.token, &format!("/certificates/{classmate_id}"))
            .await
            .status(),
        404,
        "no certificate before completion"
    );

    // Recorded after the cohort ended, the completion dates from its end, as the measures do.
    use llwybr::db::schema::cohorts;
    let ended = chrono::NaiveDate::from_ymd_opt(2026, 1, 15).expect("a day");
    diesel::update(cohorts::table.find(&cohort))
        .set((
            cohorts::starts_on.eq(ended - chrono::Duration::days(120)),
            cohorts::ends_on.eq(ended),
        ))
        .execute(&mut app.db())
        .expect("the cohort ended in January");
    let html = app
        .get_as(&holder.token, &format!("/certificates/{holder_id}"))
        .await
        .text()
        .await
        .expect("html");
    assert!(html.contains(r#"datetime="2026-01-15""#), "{html}");
    assert!(html.contains("15 January 2026"), "{html}");
}

#[tokio::test]
async fn registers_sent_at_once_for_one_session_queue_rather_than_clash() {
    let app = spawn_app().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (_, cohort) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 5)
        .await;
    let person = app.person("ifan@ysgol.cymru", &[], None, None);
    let (id, _) = apply(&app, &person, &cohort).await;
    let day = session(&app, &lead, &cohort, -1).await;

    let mut requests = tokio::task::JoinSet::new();
    for i in 0..12 {
        let client = app.client.clone();
        let url = app.url(&format!("/api/v1/sessions/{day}/attendance"));
        let token = lead.token.clone();
        let status = if i % 2 == 0 { "present" } else { "absent" };
        let body = json!({"records": [{"application_id": id, "status": status}]});
        requests.spawn(async move {
            client
                .put(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .expect("sent")
                .status()
                .as_u16()
        });
    }
    while let Some(status) = requests.join_next().await {
        assert_eq!(status.expect("request task"), 200);
    }
    assert_eq!(attendance_rows(&app, &day).len(), 1);
}

#[tokio::test]
async fn the_attendance_routes_are_documented() {
    let app = spawn_app().await;
    let document: Value = app
        .client
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    for (path, method) in [
        ("/api/v1/cohorts/{id}/sessions", "post"),
        ("/api/v1/cohorts/{id}/sessions", "get"),
        ("/api/v1/sessions/{id}/attendance", "put"),
        ("/api/v1/cohorts/{id}/attendance", "get"),
        ("/api/v1/applications/{id}/complete", "post"),
        ("/api/v1/applications/{id}/not-complete", "post"),
    ] {
        assert!(
            document["paths"][path][method].is_object(),
            "{method} {path} is not documented"
        );
    }
}

#[tokio::test]
async fn a_lead_changes_a_session_and_removes_one_nothing_refers_to() {
    use llwybr::db::schema::session_reminders;

    let app = spawn_app().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let other_lead = app.person("arall@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (_, cohort) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 5)
        .await;
    let teacher = app.person("athro@ysgol.cymru", &[], None, None);
    let (application, _) = apply(&app, &teacher, &cohort).await;
    let coming = session(&app, &lead, &cohort, 5).await;
    let held = session(&app, &lead, &cohort, -2).await;
    register(
        &app,
        &lead.token,
        &held,
        &[(application.as_str(), "present")],
    )
    .await;
    diesel::insert_into(session_reminders::table)
        .values((
            session_reminders::session_id.eq(&coming),
            session_reminders::enrolment_id.eq(&application),
            session_reminders::queued_at.eq(chrono::Utc::now().naive_utc()),
        ))
        .execute(&mut app.db())
        .expect("a reminder sent");

    let path = format!("/api/v1/sessions/{coming}");
    let moved = json!({
        "title_en": "Leading change", "title_cy": "Arwain newid",
        "starts_at": "2030-07-10T09:30", "ends_at": "2030-07-10T15:30",
        "venue": "Ysgol Glantaf"
    });
    let refused = app
        .client
        .put(app.url(&path))
        .bearer_auth(&other_lead.token)
        .json(&moved)
        .send()
        .await
        .expect("sent");
    assert_eq!(refused.status(), 403, "another lead's cohort");
    let changed = app
        .client
        .put(app.url(&path))
        .bearer_auth(&lead.token)
        .json(&moved)
        .send()
        .await
        .expect("sent");
    assert_eq!(changed.status(), 200);
    let changed: Value = changed.json().await.expect("json");
    assert_eq!(changed["starts_at"], "2030-07-10T08:30:00Z");
    assert_eq!(changed["title_cy"], "Arwain newid");
    let reminders_left: i64 = session_reminders::table
        .filter(session_reminders::session_id.eq(&coming))
        .count()
        .get_result(&mut app.db())
        .expect("count");
    assert_eq!(reminders_left, 0, "the new time will be sent as a reminder");
    let feed = app
        .get_as(
            &lead.token,
            &format!("/api/v1/cohorts/{cohort}/calendar.ics"),
        )
        .await
        .text()
        .await
        .expect("ics");
    assert!(feed.contains("DTSTART:20300710T083000Z"), "{feed}");

    let bad = app
        .client
        .put(app.url(&path))
        .bearer_auth(&lead.token)
        .json(&json!({"title_en": "x", "title_cy": "x", "starts_at": "soon", "ends_at": "2030-07-10T15:30", "venue": "x"}))
        .send()
        .await
        .expect("sent");
    assert_eq!(bad.status(), 422);

    // The page shows the session as a clock in Wales does.
    let page = app
        .get_as(&lead.token, &format!("/lead/sessions/{coming}"))
        .await
        .text()
        .await
        .expect("html");
    assert!(page.contains("value=\"2030-07-10T09:30\""), "{page}");

    let in_use = app
        .client
        .delete(app.url(&format!("/api/v1/sessions/{held}")))
        .bearer_auth(&lead.token)
        .send()
        .await
        .expect("sent");
    assert_eq!(in_use.status(), 409, "a register was taken at it");
    assert!(
        problem(in_use).await["detail"]
            .as_str()
            .unwrap_or("")
            .contains("register")
    );
    let removed = app
        .client
        .delete(app.url(&path))
        .bearer_auth(&lead.token)
        .send()
        .await
        .expect("sent");
    assert_eq!(removed.status(), 204);
    let listed: Vec<Value> = app
        .get_as(
            &teacher.token,
            &format!("/api/v1/cohorts/{cohort}/sessions"),
        )
        .await
        .json()
        .await
        .expect("json");
    let ids: Vec<_> = listed
        .iter()
        .map(|s| s["id"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(ids, [held.as_str()]);
    let audited = llwybr::db::audit::for_object(&mut app.db(), "session", &coming).expect("audit");
    assert_eq!(audited.len(), 2, "changed, then removed");
}

/// Someone moved into a cohort part-way is not counted absent from the sessions it held before
/// they joined, and what the register of their first cohort says of them still counts.
#[tokio::test]
async fn a_person_moved_part_way_is_judged_on_the_sessions_that_were_theirs() {
    use llwybr::db::schema::enrolments;

    let app = spawn_app().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (programme, first) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 5)
        .await;
    let second = another_cohort(&app, &lead, &programme).await;
    let mover = app.person("symud@ysgol.cymru", &[], None, None);
    let stayer = app.person("aros@ysgol.cymru", &[], None, None);
    let (moved_id, _) = apply(&app, &mover, &first).await;
    let (stayed_id, _) = apply(&app, &stayer, &second).await;
    for days in [-20, -19, -18] {
        let held = session(&app, &lead, &first, days).await;
        register(&app, &lead.token, &held, &[(moved_id.as_str(), "present")]).await;
    }
    let before_joining: Vec<String> = {
        let mut ids = Vec::new();
        for days in [-10, -9, -8] {
            let held = session(&app, &lead, &second, days).await;
            register(&app, &lead.token, &held, &[(stayed_id.as_str(), "present")]).await;
            ids.push(held);
        }
        ids
    };
    assert_eq!(before_joining.len(), 3);
    let moved = app
        .post_as(
            &lead.token,
            &format!("/api/v1/applications/{moved_id}/move"),
            &json!({"cohort_id": second}),
        )
        .await;
    assert_eq!(
        moved.status(),
        200,
        "{}",
        moved.text().await.unwrap_or_default()
    );
    // They joined five days ago, as far as the cohort's sessions are concerned.
    diesel::update(enrolments::table.find(&moved_id))
        .set(enrolments::joined_cohort_at.eq(Some(
            (chrono::Utc::now() - chrono::Duration::days(5)).naive_utc(),
        )))
        .execute(&mut app.db())
        .expect("joined earlier");
    for days in [-3, -2, -1] {
        let held = session(&app, &lead, &second, days).await;
        register(
            &app,
            &lead.token,
            &held,
            &[
                (moved_id.as_str(), "present"),
                (stayed_id.as_str(), "absent"),
            ],
        )
        .await;
    }

    let now = summary(&app, &lead, &second).await;
    let mover_line = participant(&now, &moved_id);
    assert_eq!(mover_line["attended"], 6, "{mover_line}");
    assert_eq!(
        mover_line["held"], 6,
        "three in each cohort; none before joining"
    );
    assert_eq!(mover_line["completion_rule_met"], true);
    let stayer_line = participant(&now, &stayed_id);
    assert_eq!(
        (stayer_line["attended"].clone(), stayer_line["held"].clone()),
        (json!(3), json!(6))
    );
    let completed = app
        .post_as(
            &lead.token,
            &format!("/api/v1/applications/{moved_id}/complete"),
            &json!({}),
        )
        .await;
    assert_eq!(completed.status(), 200, "the rule is met without a reason");
}

/// Promoted from the waiting list part-way, a person is judged on the sessions held since they
/// had a seat.
#[tokio::test]
async fn a_person_promoted_part_way_is_not_counted_absent_before_their_seat() {
    let app = spawn_app().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (_, cohort) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 1)
        .await;
    let seated = app.person("lle@ysgol.cymru", &[], None, None);
    let waiting = app.person("aros@ysgol.cymru", &[], None, None);
    let (seated_id, _) = apply(&app, &seated, &cohort).await;
    let (waiting_id, status) = apply(&app, &waiting, &cohort).await;
    assert_eq!(status, "waitlisted");
    let early = session(&app, &lead, &cohort, -3).await;
    register(
        &app,
        &lead.token,
        &early,
        &[(seated_id.as_str(), "present")],
    )
    .await;
    let withdrawn = app
        .post_as(
            &seated.token,
            &format!("/api/v1/applications/{seated_id}/withdraw"),
            &json!({}),
        )
        .await;
    assert_eq!(withdrawn.status(), 200);
    let now = summary(&app, &lead, &cohort).await;
    let promoted = participant(&now, &waiting_id);
    assert_eq!(promoted["status"], "confirmed");
    assert_eq!(
        promoted["held"], 0,
        "the session before their seat is not theirs: {promoted}"
    );
    assert_eq!(now["sessions_held"], 1);
}

/// Putting "not completed" right is refused, in words, once the person has applied to the
/// programme again: they may hold one live application to it.
#[tokio::test]
async fn not_completed_is_not_put_right_over_a_later_application() {
    let app = spawn_app().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (programme, first) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 5)
        .await;
    let later = another_cohort(&app, &lead, &programme).await;
    let teacher = app.person("athro@ysgol.cymru", &[], None, None);
    let (first_id, _) = apply(&app, &teacher, &first).await;
    let not_completed = app
        .post_as(
            &lead.token,
            &format!("/api/v1/applications/{first_id}/not-complete"),
            &json!({}),
        )
        .await;
    assert_eq!(not_completed.status(), 200);
    let (_, again) = apply(&app, &teacher, &later).await;
    assert_eq!(again, "confirmed");
    let refused = app
        .post_as(
            &lead.token,
            &format!("/api/v1/applications/{first_id}/complete"),
            &json!({"override_reason": "a slip"}),
        )
        .await;
    assert_eq!(refused.status(), 409);
    assert!(
        problem(refused).await["detail"]
            .as_str()
            .unwrap_or("")
            .contains("applied to this programme again")
    );
}
