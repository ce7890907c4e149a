//! The 3-year outcome measures on a small known population: every figure, the drill-down lists,
//! the LA officer's restriction, refusal for a participant, the downloads, and the admin's
//! definitions. The expectations are worked out by hand in the comments.

use chrono::NaiveDate;
use diesel::prelude::*;
use llwybr::db::schema::{audit_log, cohorts, enrolments, people, programmes, schools};
use llwybr::domain::role::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestPerson, problem, spawn_app};

/// Figures are worked out as of this day.
const AS_OF: &str = "2025-01-15";

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn person_id(app: &TestApp, email: &str) -> String {
    people::table
        .filter(people::email.eq(email))
        .select(people::id)
        .first(&mut app.db())
        .expect("person")
}

fn programme(app: &TestApp, code: &str) -> String {
    let now = chrono::Utc::now().naive_utc();
    let id = uuid::Uuid::new_v4().to_string();
    diesel::insert_into(programmes::table)
        .values((
            programmes::id.eq(&id),
            programmes::code.eq(code),
            programmes::title_en.eq(code),
            programmes::title_cy.eq(code),
            programmes::description_en.eq(code),
            programmes::description_cy.eq(code),
            programmes::delivery_language.eq("bilingual"),
            programmes::requires_endorsement.eq(false),
            programmes::completion_min_attendance_pct.eq(80),
            programmes::eligibility_rules.eq("{}"),
            programmes::active.eq(true),
            programmes::created_at.eq(now),
            programmes::updated_at.eq(now),
        ))
        .execute(&mut app.db())
        .expect("programme");
    id
}

fn cohort(app: &TestApp, programme_id: &str, name: &str, ends_on: &str) -> String {
    let now = chrono::Utc::now().naive_utc();
    let id = uuid::Uuid::new_v4().to_string();
    let ends = day(ends_on);
    diesel::insert_into(cohorts::table)
        .values((
            cohorts::id.eq(&id),
            cohorts::programme_id.eq(programme_id),
            cohorts::name.eq(name),
            cohorts::capacity.eq(20),
            cohorts::seats_taken.eq(0),
            cohorts::waitlist_counter.eq(0_i64),
            cohorts::starts_on.eq(ends - chrono::Duration::days(200)),
            cohorts::ends_on.eq(ends),
            cohorts::language_medium.eq("bilingual"),
            cohorts::status.eq("completed"),
            cohorts::created_at.eq(now),
            cohorts::updated_at.eq(now),
        ))
        .execute(&mut app.db())
        .expect("cohort");
    id
}

fn enrol(app: &TestApp, person: &str, programme_id: &str, cohort_id: &str, status: &str) {
    let now = chrono::Utc::now().naive_utc();
    diesel::insert_into(enrolments::table)
        .values((
            enrolments::id.eq(uuid::Uuid::new_v4().to_string()),
            enrolments::person_id.eq(person),
            enrolments::cohort_id.eq(cohort_id),
            enrolments::programme_id.eq(programme_id),
            enrolments::status.eq(status),
            enrolments::active.eq(false),
            enrolments::applied_at.eq(now),
            enrolments::updated_at.eq(now),
        ))
        .execute(&mut app.db())
        .expect("enrolment");
}

fn la_officer(app: &TestApp, email: &str, authority: &str) -> TestPerson {
    let officer = app.person(email, &[], None, None);
    app.grant_officer(email, authority);
    officer
}

/// Adds career steps through the admin API: (role, started_on, ended_on).
async fn career(
    app: &TestApp,
    admin: &TestPerson,
    email: &str,
    steps: &[(&str, &str, Option<&str>)],
) {
    let id = person_id(app, email);
    for (role, started_on, ended_on) in steps {
        let response = app
            .post_as(
                &admin.token,
                &format!("/api/v1/admin/people/{id}/career"),
                &json!({ "role": role, "started_on": started_on, "ended_on": ended_on, "reason": "test population" }),
            )
            .await;
        assert_eq!(
            response.status(),
            201,
            "{}",
            response.text().await.unwrap_or_default()
        );
    }
}

struct Population {
    admin: TestPerson,
    officer_a: TestPerson,
    authority_a: String,
    authority_b: String,
    participant: TestPerson,
}

/// MLDP (measure mldp-promoted-3y, 36 months, target 50%):
/// - cohort 2018/19 ends 2019-07-11; cohort 2020/21 ends 2021-07-15 (window closes 2024-07-15);
///   cohort 2021/22 ends 2022-07-14 (closes 2025-07-14, still open on 2025-01-15).
/// - p1 (A) 2020/21, promoted on 2024-07-15, the closing day: achieved.
/// - p2 (A) 2020/21, promoted on 2024-07-16, a day late: not achieved.
/// - p3 (B) 2020/21, TLR holder from 2022-01-10: achieved.
/// - p4 (A) 2020/21, no career recorded (baseline teacher), nothing since: not achieved.
/// - p5 (A) 2021/22, promoted 2023-09-01 but still in window: in window.
/// - p6 (A) completed 2018/19 and 2020/21: counts once, in 2018/19 (closes 2022-07-11); promoted
///   2022-09-01, after that: not achieved.
/// - p7 (A) withdrew from 2020/21: not counted.
///
/// So, region: 2018/19 0/1 (0.0%); 2020/21 2/4 (50.0%); 2021/22 0/0, 1 in window.
/// Authority A: 2018/19 0/1; 2020/21 1/3 (33.3%); 2021/22 1 in window. Authority B: 2020/21 1/1.
///
/// NPQH (npqh-headship-3y, target 75%), cohort 2020/21 ends 2021-07-08 (closes 2024-07-08):
/// - h1 (A) head from 2023-01-01: achieved; h2 (B) acting head on 2024-07-08: achieved;
///   h3 (B) still deputy: not achieved. Region 2/3 (66.7%); A 1/1 (100.0%); B 1/2 (50.0%).
async fn population(app: &TestApp) -> Population {
    let school_a = app.school("Ysgol A");
    let authority_a: String = schools::table
        .find(&school_a)
        .select(schools::local_authority_id)
        .first(&mut app.db())
        .expect("authority A");
    let (authority_b, school_b) = app.second_authority();
    let admin = app.person("admin@csc.cymru", &[Role::ConsortiumAdmin], None, None);
    let officer_a = la_officer(app, "swyddog@cardiff.gov.wales", &authority_a);
    let participant = app.person("athro@ysgol.cymru", &[], Some(&school_a), None);

    let mldp = programme(app, "mldp");
    let npqh = programme(app, "npqh");
    let m2018 = cohort(app, &mldp, "2018/19", "2019-07-11");
    let m2020 = cohort(app, &mldp, "2020/21", "2021-07-15");
    let m2021 = cohort(app, &mldp, "2021/22", "2022-07-14");
    let n2020 = cohort(app, &npqh, "NPQH 2020/21", "2021-07-08");

    let people = [
        (
            "p1@a.cymru",
            &school_a,
            vec![(&mldp, &m2018, "none"), (&mldp, &m2020, "completed")],
        ),
        ("p2@a.cymru", &school_a, vec![(&mldp, &m2020, "completed")]),
        ("p3@b.cymru", &school_b, vec![(&mldp, &m2020, "completed")]),
        ("p4@a.cymru", &school_a, vec![(&mldp, &m2020, "completed")]),
        ("p5@a.cymru", &school_a, vec![(&mldp, &m2021, "completed")]),
        (
            "p6@a.cymru",
            &school_a,
            vec![(&mldp, &m2018, "completed"), (&mldp, &m2020, "completed")],
        ),
        ("p7@a.cymru", &school_a, vec![(&mldp, &m2020, "withdrawn")]),
        ("h1@a.cymru", &school_a, vec![(&npqh, &n2020, "completed")]),
        ("h2@b.cymru", &school_b, vec![(&npqh, &n2020, "completed")]),
        ("h3@b.cymru", &school_b, vec![(&npqh, &n2020, "completed")]),
    ];
    for (email, school, places) in &people {
        app.person(email, &[], Some(school), None);
        let id = person_id(app, email);
        for (programme_id, cohort_id, status) in places {
            if *status != "none" {
                enrol(app, &id, programme_id, cohort_id, status);
            }
        }
    }
    let teacher = ("teacher", "2015-09-01", None);
    career(
        app,
        &admin,
        "p1@a.cymru",
        &[
            ("teacher", "2015-09-01", Some("2024-07-14")),
            ("middle_leader", "2024-07-15", None),
        ],
    )
    .await;
    career(
        app,
        &admin,
        "p2@a.cymru",
        &[
            ("teacher", "2015-09-01", Some("2024-07-15")),
            ("middle_leader", "2024-07-16", None),
        ],
    )
    .await;
    career(
        app,
        &admin,
        "p3@b.cymru",
        &[teacher, ("tlr_holder", "2022-01-10", None)],
    )
    .await;
    career(
        app,
        &admin,
        "p5@a.cymru",
        &[teacher, ("middle_leader", "2023-09-01", None)],
    )
    .await;
    career(
        app,
        &admin,
        "p6@a.cymru",
        &[teacher, ("middle_leader", "2022-09-01", None)],
    )
    .await;
    career(
        app,
        &admin,
        "p7@a.cymru",
        &[teacher, ("middle_leader", "2022-09-01", None)],
    )
    .await;
    let deputy = ("deputy_head", "2016-09-01", None);
    career(
        app,
        &admin,
        "h1@a.cymru",
        &[deputy, ("headteacher", "2023-01-01", None)],
    )
    .await;
    career(
        app,
        &admin,
        "h2@b.cymru",
        &[deputy, ("acting_head", "2024-07-08", None)],
    )
    .await;
    career(app, &admin, "h3@b.cymru", &[deputy]).await;
    Population {
        admin,
        officer_a,
        authority_a,
        authority_b,
        participant,
    }
}

async fn get_json(app: &TestApp, token: &str, path: &str) -> Value {
    let response = app.get_as(token, path).await;
    assert_eq!(
        response.status(),
        200,
        "{path}: {}",
        response.text().await.unwrap_or_default()
    );
    response.json().await.expect("json")
}

/// (year, numerator, denominator, pct, in_window) of each cohort year of the measure `code`.
fn years_of(figures: &Value, code: &str) -> Vec<(i64, i64, i64, Option<f64>, i64)> {
    let measure = figures
        .as_array()
        .expect("list")
        .iter()
        .find(|m| m["measure"]["code"] == code)
        .unwrap_or_else(|| panic!("no measure {code} in {figures}"));
    measure["years"]
        .as_array()
        .expect("years")
        .iter()
        .map(|y| {
            (
                y["cohort_year"].as_i64().expect("year"),
                y["numerator"].as_i64().expect("numerator"),
                y["denominator"].as_i64().expect("denominator"),
                y["pct"].as_f64(),
                y["in_window"].as_i64().expect("in window"),
            )
        })
        .collect()
}

async fn names(app: &TestApp, token: &str, path: &str) -> Vec<String> {
    let body = get_json(app, token, path).await;
    body["people"]
        .as_array()
        .expect("people")
        .iter()
        .map(|p| p["name"].as_str().expect("name").to_owned())
        .collect()
}

#[tokio::test]
async fn every_figure_of_both_measures_matches_the_hand_count() {
    let app = spawn_app().await;
    let p = population(&app).await;

    let region = get_json(
        &app,
        &p.admin.token,
        &format!("/api/v1/reports/measures?as_of={AS_OF}"),
    )
    .await;
    assert_eq!(
        years_of(&region, "mldp-promoted-3y"),
        vec![
            (2018, 0, 1, Some(0.0), 0),
            (2020, 2, 4, Some(50.0), 0),
            (2021, 0, 0, None, 1)
        ]
    );
    assert_eq!(
        years_of(&region, "npqh-headship-3y"),
        vec![(2020, 2, 3, Some(66.7), 0)]
    );
    let npqh = region
        .as_array()
        .expect("list")
        .iter()
        .find(|m| m["measure"]["code"] == "npqh-headship-3y")
        .expect("npqh");
    assert_eq!(npqh["years"][0]["target_pct"], 75);
    assert_eq!(npqh["years"][0]["met_target"], false);

    let a = get_json(
        &app,
        &p.admin.token,
        &format!(
            "/api/v1/reports/measures?as_of={AS_OF}&authority={}",
            p.authority_a
        ),
    )
    .await;
    assert_eq!(
        years_of(&a, "mldp-promoted-3y"),
        vec![
            (2018, 0, 1, Some(0.0), 0),
            (2020, 1, 3, Some(33.3), 0),
            (2021, 0, 0, None, 1)
        ]
    );
    assert_eq!(
        years_of(&a, "npqh-headship-3y"),
        vec![(2020, 1, 1, Some(100.0), 0)]
    );
    let b = get_json(
        &app,
        &p.admin.token,
        &format!(
            "/api/v1/reports/measures?as_of={AS_OF}&authority={}",
            p.authority_b
        ),
    )
    .await;
    assert_eq!(
        years_of(&b, "mldp-promoted-3y"),
        vec![(2020, 1, 1, Some(100.0), 0)]
    );
    assert_eq!(
        years_of(&b, "npqh-headship-3y"),
        vec![(2020, 1, 2, Some(50.0), 0)]
    );

    // Every figure drills down to its people.
    let drill = |year: &str, group: &str| {
        format!(
            "/api/v1/reports/measures/mldp-promoted-3y/people?year={year}&group={group}&as_of={AS_OF}"
        )
    };
    assert_eq!(
        names(&app, &p.admin.token, &drill("2020", "achieved")).await,
        ["p1", "p3"]
    );
    assert_eq!(
        names(&app, &p.admin.token, &drill("2020/21", "not_achieved")).await,
        ["p2", "p4"]
    );
    assert_eq!(
        names(&app, &p.admin.token, &drill("2018", "not_achieved")).await,
        ["p6"]
    );
    assert_eq!(
        names(&app, &p.admin.token, &drill("2021", "in_window")).await,
        ["p5"]
    );
    assert!(
        names(&app, &p.admin.token, &drill("2021", "achieved"))
            .await
            .is_empty()
    );
    let closing_day = get_json(&app, &p.admin.token, &drill("2020", "achieved")).await;
    assert_eq!(closing_day["people"][0]["outcome_on"], "2024-07-15");
    assert_eq!(closing_day["people"][0]["window_closes_on"], "2024-07-15");
    assert_eq!(
        names(
            &app,
            &p.admin.token,
            &format!("/api/v1/reports/measures/npqh-headship-3y/people?year=2020&group=achieved&as_of={AS_OF}")
        )
        .await,
        ["h1", "h2"]
    );

    // A bad year or group is named; an unknown measure is not found.
    let bad = app
        .get_as(
            &p.admin.token,
            "/api/v1/reports/measures/mldp-promoted-3y/people?year=soon&group=lucky&lang=cy",
        )
        .await;
    assert_eq!(bad.status(), 422);
    let body = problem(bad).await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, ["year", "group"]);
    let unknown = app
        .get_as(
            &p.admin.token,
            "/api/v1/reports/measures/nothing/people?year=2020&group=achieved",
        )
        .await;
    assert_eq!(unknown.status(), 404);
}

#[tokio::test]
async fn an_la_officer_sees_their_own_authority_only_and_a_participant_nothing() {
    let app = spawn_app().await;
    let p = population(&app).await;

    let own = get_json(
        &app,
        &p.officer_a.token,
        &format!("/api/v1/reports/measures?as_of={AS_OF}"),
    )
    .await;
    assert_eq!(
        years_of(&own, "mldp-promoted-3y"),
        vec![
            (2018, 0, 1, Some(0.0), 0),
            (2020, 1, 3, Some(33.3), 0),
            (2021, 0, 0, None, 1)
        ]
    );
    assert_eq!(
        names(
            &app,
            &p.officer_a.token,
            &format!("/api/v1/reports/measures/mldp-promoted-3y/people?year=2020&group=achieved&as_of={AS_OF}")
        )
        .await,
        ["p1"]
    );
    let other = app
        .get_as(
            &p.officer_a.token,
            &format!("/api/v1/reports/measures?authority={}", p.authority_b),
        )
        .await;
    assert_eq!(other.status(), 403);
    let other_people = app
        .get_as(
            &p.officer_a.token,
            &format!("/api/v1/reports/measures/mldp-promoted-3y/people?year=2020&group=achieved&authority={}", p.authority_b),
        )
        .await;
    assert_eq!(other_people.status(), 403);

    for path in [
        "/api/v1/reports/measures".to_owned(),
        "/api/v1/reports/measures/mldp-promoted-3y/people?year=2020&group=achieved".to_owned(),
    ] {
        let refused = app.get_as(&p.participant.token, &path).await;
        assert_eq!(refused.status(), 403, "{path}");
        assert_eq!(problem(refused).await["code"], "forbidden");
    }
}

#[tokio::test]
async fn figures_and_people_download_as_csv_and_xlsx() {
    let app = spawn_app().await;
    let p = population(&app).await;
    for (format, content_type) in [
        ("csv", "text/csv; charset=utf-8"),
        (
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    ] {
        for path in [
            format!("/api/v1/reports/measures?as_of={AS_OF}&format={format}"),
            format!(
                "/api/v1/reports/measures/mldp-promoted-3y/people?year=2020&group=achieved&as_of={AS_OF}&format={format}"
            ),
        ] {
            let response = app.get_as(&p.admin.token, &path).await;
            assert_eq!(response.status(), 200, "{path}");
            assert_eq!(
                response
                    .headers()
                    .get("content-type")
                    .and_then(|v| v.to_str().ok()),
                Some(content_type),
                "{path}"
            );
            let body = response.bytes().await.expect("body");
            if format == "xlsx" {
                assert_eq!(&body[..2], b"PK");
            }
        }
    }
    let csv = app
        .get_as(
            &p.admin.token,
            &format!("/api/v1/reports/measures?as_of={AS_OF}&format=csv&lang=cy"),
        )
        .await
        .text()
        .await
        .expect("csv");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "Mesur,Blwyddyn y garfan,Wedi cyrraedd y canlyniad,Cyfnod wedi cau,%,Targed %,Yn dal o fewn y cyfnod"
        )
    );
    assert!(csv.contains(",2020/21,2,4,50.0,50,0"), "{csv}");
    assert!(csv.contains(",2021/22,0,0,-,50,1"), "{csv}");
    let people = app
        .get_as(
            &p.admin.token,
            &format!("/api/v1/reports/measures/mldp-promoted-3y/people?year=2020&group=achieved&as_of={AS_OF}&format=csv"),
        )
        .await
        .text()
        .await
        .expect("csv");
    assert_eq!(people.lines().count(), 3, "{people}");
    assert!(
        people.contains("p1,Ysgol A,Cardiff,2021-07-15,2024-07-15,2024-07-15"),
        "{people}"
    );
    let refused = app
        .get_as(&p.admin.token, "/api/v1/reports/measures?format=pdf")
        .await;
    assert_eq!(refused.status(), 422);
}

#[tokio::test]
async fn admins_define_measures_that_are_validated_audited_and_counted() {
    let app = spawn_app().await;
    let p = population(&app).await;
    let listed = get_json(&app, &p.admin.token, "/api/v1/admin/measures").await;
    let codes: Vec<&str> = listed
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|m| m["code"].as_str())
        .collect();
    assert_eq!(codes, ["mldp-promoted-3y", "npqh-headship-3y"]);
    assert_eq!(listed[0]["programme_codes"], json!(["mldp"]));
    assert_eq!(listed[1]["target_pct"], 75);

    let refused = app
        .post_as(&p.participant.token, "/api/v1/admin/measures", &json!({}))
        .await;
    assert_eq!(refused.status(), 403);
    let invalid = app
        .post_as(
            &p.admin.token,
            "/api/v1/admin/measures?lang=cy",
            &json!({ "code": "Bad Code", "name_en": "", "name_cy": "x", "start_event": "birth",
                     "outcome": "rich", "window_months": 0, "target_pct": 101, "programme_codes": ["nope"] }),
        )
        .await;
    assert_eq!(invalid.status(), 422);
    let body = problem(invalid).await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(
        fields,
        [
            "code",
            "name_en",
            "start_event",
            "outcome",
            "window_months",
            "target_pct",
            "programme_codes"
        ]
    );

    // Promoted within 2 years of MLDP: of the 2020/21 people, p3 (6 months) only; p1 and p2
    // moved 3 years on. 2021/22 closes 2024-07-14, so p5 (promoted 2023-09-01) counts.
    let created = app
        .post_as(
            &p.admin.token,
            "/api/v1/admin/measures",
            &json!({ "code": "mldp-promoted-2y", "name_en": "MLDP promoted in 2 years", "name_cy": "RhDAC dyrchafiad mewn 2 flynedd",
                     "start_event": "completion", "outcome": "promoted", "window_months": 24, "target_pct": 30,
                     "programme_codes": ["mldp"] }),
        )
        .await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.expect("json");
    let figures = get_json(
        &app,
        &p.admin.token,
        &format!("/api/v1/reports/measures?as_of={AS_OF}"),
    )
    .await;
    assert_eq!(
        years_of(&figures, "mldp-promoted-2y"),
        vec![
            (2018, 0, 1, Some(0.0), 0),
            (2020, 1, 4, Some(25.0), 0),
            (2021, 1, 1, Some(100.0), 0)
        ]
    );
    let taken = app
        .post_as(
            &p.admin.token,
            "/api/v1/admin/measures",
            &json!({ "code": "mldp-promoted-2y", "name_en": "Again", "name_cy": "Eto",
                     "start_event": "completion", "outcome": "promoted", "window_months": 24, "target_pct": 30,
                     "programme_codes": ["mldp"] }),
        )
        .await;
    assert_eq!(taken.status(), 422);
    assert_eq!(problem(taken).await["errors"][0]["field"], "code");

    // Switched off, it leaves the report; the change is audited with before and after.
    let id = created["id"].as_str().expect("id");
    let changed = app
        .client
        .put(app.url(&format!("/api/v1/admin/measures/{id}")))
        .bearer_auth(&p.admin.token)
        .json(&json!({ "code": "mldp-promoted-2y", "name_en": "MLDP promoted in 2 years", "name_cy": "RhDAC dyrchafiad mewn 2 flynedd",
                      "start_event": "completion", "outcome": "promoted", "window_months": 24, "target_pct": 40,
                      "active": false, "programme_codes": ["mldp"] }))
        .send()
        .await
        .expect("sent");
    assert_eq!(changed.status(), 200);
    let figures = get_json(
        &app,
        &p.admin.token,
        &format!("/api/v1/reports/measures?as_of={AS_OF}"),
    )
    .await;
    assert_eq!(figures.as_array().expect("list").len(), 2);
    let (before, after): (Option<String>, Option<String>) = audit_log::table
        .filter(audit_log::object_id.eq(id))
        .filter(audit_log::action.eq("measure.changed"))
        .select((audit_log::before_state, audit_log::after_state))
        .first(&mut app.db())
        .expect("audited");
    assert!(before.unwrap_or_default().contains("\"target_pct\":30"));
    assert!(after.unwrap_or_default().contains("\"target_pct\":40"));
}

async fn page(app: &TestApp, token: &str, path: &str) -> (u16, String) {
    let response = app.get_as(token, path).await;
    let status = response.status().as_u16();
    (status, response.text().await.expect("html"))
}

/// The names in a people page's table, in order.
fn listed(html: &str) -> Vec<String> {
    ["p1", "p2", "p3", "p4", "p5", "p6"]
        .iter()
        .filter(|name| html.contains(&format!("<td>{name}</td>")))
        .map(|name| (*name).to_owned())
        .collect()
}

#[tokio::test]
async fn the_measures_pages_show_the_figures_of_a_chosen_day() {
    let app = spawn_app().await;
    let p = population(&app).await;
    let token = &p.admin.token;

    let (status, html) = page(&app, token, &format!("/reports/measures?as_of={AS_OF}")).await;
    assert_eq!(status, 200);
    assert!(html.contains(&format!("value=\"{AS_OF}\"")), "{html}");
    assert!(
        html.contains(&format!(
            "/reports/measures/mldp-promoted-3y?year=2021&#38;group=in_window&#38;as_of={AS_OF}"
        )),
        "the figures link to the people of that day: {html}"
    );
    assert!(
        html.contains(&format!("format=csv&amp;lang=en&#38;as_of={AS_OF}")),
        "the download is of that day: {html}"
    );

    // The pages and the API agree, on that day and today.
    for as_of in [format!("&as_of={AS_OF}"), String::new()] {
        let (status, people) = page(
            &app,
            token,
            &format!("/reports/measures/mldp-promoted-3y?year=2021&group=in_window{as_of}"),
        )
        .await;
        assert_eq!(status, 200);
        let api = names(
            &app,
            token,
            &format!(
                "/api/v1/reports/measures/mldp-promoted-3y/people?year=2021&group=in_window{as_of}"
            ),
        )
        .await;
        assert_eq!(listed(&people), api, "{as_of}");
    }
    let (_, on_the_day) = page(
        &app,
        token,
        &format!("/reports/measures/mldp-promoted-3y?year=2021&group=in_window&as_of={AS_OF}"),
    )
    .await;
    assert_eq!(listed(&on_the_day), ["p5"]);

    let (status, welsh) = page(&app, token, "/reports/measures?as_of=15/01/2025&lang=cy").await;
    assert_eq!(status, 422);
    assert!(
        welsh.contains("Rhowch y diwrnod fel dyddiad"),
        "a day that is not a date is named, in Welsh: {welsh}"
    );
}

#[tokio::test]
async fn the_measures_pages_chart_each_year_against_its_target_in_both_languages() {
    let app = spawn_app().await;
    let p = population(&app).await;
    let (status, html) = page(&app, &p.admin.token, "/reports/measures").await;
    assert_eq!(status, 200);
    assert!(html.contains("<svg role=\"img\""), "{html}");
    assert!(
        html.contains("<desc id=\"chart-desc-mldp-promoted-3y\">"),
        "{html}"
    );
    assert!(html.contains("Target 50%"), "{html}");
    assert!(
        html.contains("/reports/measures/mldp-promoted-3y?year=2020&#38;group=achieved"),
        "{html}"
    );
    assert!(
        html.contains("href=\"/reports/measures\""),
        "the navigation links the page"
    );
    let (_, welsh) = page(&app, &p.admin.token, "/reports/measures?lang=cy").await;
    assert!(welsh.contains("Mesurau canlyniadau"), "{welsh}");
    assert!(welsh.contains("Targed 75%"), "{welsh}");

    let (status, people) = page(
        &app,
        &p.admin.token,
        "/reports/measures/mldp-promoted-3y?year=2020&group=closed",
    )
    .await;
    assert_eq!(status, 200);
    for name in ["p1", "p2", "p3", "p4"] {
        assert!(
            people.contains(&format!("<td>{name}</td>")),
            "{name}: {people}"
        );
    }
    assert!(!people.contains("<td>p6</td>"));
    let (status, own) = page(&app, &p.officer_a.token, "/reports/measures").await;
    assert_eq!(status, 200);
    assert!(
        !own.contains("Bridgend"),
        "an officer is offered only their own authority"
    );
    let (status, _) = page(&app, &p.participant.token, "/reports/measures").await;
    assert_eq!(status, 403);

    // The dashboard and the quarterly report carry the same figures, each year a link to the
    // people behind it.
    for path in ["/reports?lang=cy", "/reports/quarterly?lang=cy"] {
        let (status, html) = page(&app, &p.admin.token, path).await;
        assert_eq!(status, 200, "{path}");
        assert!(
            html.contains("id=\"measure-mldp-promoted-3y\""),
            "{path}: {html}"
        );
        assert!(
            html.contains("id=\"measure-npqh-headship-3y\""),
            "{path}: {html}"
        );
        assert!(html.contains("Targed 50%"), "{path}: {html}");
        assert!(
            html.contains("/reports/measures/mldp-promoted-3y?year=2020&#38;group=closed"),
            "{path}: {html}"
        );
    }

    let (status, admin_page) = page(&app, &p.admin.token, "/admin/measures").await;
    assert_eq!(status, 200);
    assert!(admin_page.contains("npqh-headship-3y"));
    let saved = app
        .client
        .post(app.url("/admin/measures"))
        .bearer_auth(&p.admin.token)
        .form(&[
            ("code", "npqh-head-5y"),
            ("name_en", "NPQH heads in 5 years"),
            ("name_cy", "Penaethiaid CPCP mewn 5 mlynedd"),
            ("start_event", "qualification_award"),
            ("outcome", "appointed_head"),
            ("window_months", "60"),
            ("target_pct", "90"),
            ("active", "on"),
            ("programme_codes", "npqh"),
        ])
        .send()
        .await
        .expect("sent");
    assert_eq!(saved.status(), 303);
    let refused = app
        .client
        .post(app.url("/admin/measures?lang=cy"))
        .bearer_auth(&p.admin.token)
        .form(&[
            ("code", "x"),
            ("name_en", "x"),
            ("name_cy", "x"),
            ("start_event", "completion"),
            ("outcome", "promoted"),
            ("window_months", "many"),
            ("target_pct", "50"),
            ("programme_codes", "mldp"),
        ])
        .send()
        .await
        .expect("sent");
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .await
            .unwrap_or_default()
            .contains("nifer cyfan o fisoedd")
    );
}

#[tokio::test]
async fn people_keep_their_career_on_a_page_and_admins_correct_it_with_a_reason() {
    let app = spawn_app().await;
    let p = population(&app).await;
    let (status, html) = page(&app, &p.participant.token, "/profile/career").await;
    assert_eq!(status, 200);
    assert!(html.contains("action=\"/profile/career\""));
    let post = |path: &str, token: &str, form: Vec<(&'static str, &'static str)>| {
        app.client
            .post(app.url(path))
            .bearer_auth(token)
            .form(&form)
            .send()
    };
    let bad = post(
        "/profile/career?lang=cy",
        &p.participant.token,
        vec![("role", "teacher"), ("started_on", "")],
    )
    .await
    .expect("sent");
    assert_eq!(bad.status(), 422);
    assert!(
        bad.text()
            .await
            .unwrap_or_default()
            .contains("Rhowch y dyddiad")
    );
    let added = post(
        "/profile/career",
        &p.participant.token,
        vec![("role", "tlr_holder"), ("started_on", "2023-09-01")],
    )
    .await
    .expect("sent");
    assert_eq!(added.status(), 303);
    let (_, html) = page(&app, &p.participant.token, "/profile/career").await;
    assert!(
        html.contains("TLR holder") && html.contains("2023-09-01"),
        "{html}"
    );

    let id = person_id(&app, "athro@ysgol.cymru");
    let (status, admin_view) =
        page(&app, &p.admin.token, &format!("/admin/people/{id}/career")).await;
    assert_eq!(status, 200);
    assert!(admin_view.contains("name=\"reason\""));
    let (status, _) = page(
        &app,
        &p.participant.token,
        &format!("/admin/people/{id}/career"),
    )
    .await;
    assert_eq!(status, 403);
    let without_reason = app
        .client
        .post(app.url(&format!("/admin/people/{id}/career")))
        .bearer_auth(&p.admin.token)
        .form(&[("role", "middle_leader"), ("started_on", "2025-09-01")])
        .send()
        .await
        .expect("sent");
    assert_eq!(without_reason.status(), 422);
    let with_reason = app
        .client
        .post(app.url(&format!("/admin/people/{id}/career")))
        .bearer_auth(&p.admin.token)
        .form(&[
            ("role", "middle_leader"),
            ("started_on", "2025-09-01"),
            ("reason", "Headteacher's letter"),
        ])
        .send()
        .await
        .expect("sent");
    assert_eq!(with_reason.status(), 303);
    let (_, admin_view) = page(&app, &p.admin.token, &format!("/admin/people/{id}/career")).await;
    assert!(
        admin_view.contains("Headteacher&#x27;s letter")
            || admin_view.contains("Headteacher&#39;s letter"),
        "{admin_view}"
    );
}
