//! Consortium reports on a small known population: every figure below is worked out by hand
//! from the people, cohorts, enrolments and answers made in `population`.
//!
//! Two authorities: Cardiff (school A1: primary, green; A2: secondary, amber) and Conwy (B1:
//! primary, no category). Two programmes: MLDP (aimed at Future Middle Leaders) and NPQH (at
//! Future Head Teachers). Cohorts: MLDP 2019/20, MLDP 2020/21, NPQH 2020/21 (starting March
//! 2021) and an NPQH cohort running now.
//!
//! | person | school | stage | seats (counted) | not counted |
//! | p1 | A1 | future_middle_leader | MLDP19 completed | |
//! | p2 | A1 | future_middle_leader | MLDP20 completed, NPQH20 completed | |
//! | p3 | A1 | future_headteacher | NPQH20 completed | |
//! | p4 | A2 | future_middle_leader | MLDP19 completed | |
//! | p5 | A2 | expert_practice (deputy head now) | MLDP20 not completed | |
//! | p6 | B1 | future_middle_leader | MLDP20 completed | MLDP19 withdrawn |
//! | p7 | B1 | future_headteacher (assistant head now) | NPQH-now confirmed | NPQH20 declined |
//! | p8 | B1 | none | NPQH-now confirmed | MLDP20 waitlisted |
//! | p9 | none | future_middle_leader | MLDP20 completed | |

use chrono::{Duration, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use llwybr::db::DbConnection;
use llwybr::db::evaluations::{
    NewAnswer, NewInvitation, NewRound, insert_answer, insert_invitation, insert_response,
    insert_round,
};
use llwybr::db::people::{NewRoleGrant, find_by_email, insert_grant};
use llwybr::db::schema::{
    career_entries, cohorts, consortia, enrolments, evaluation_invitations, local_authorities,
    programme_target_stages, programmes, schools,
};
use llwybr::domain::academic_year::{academic_year, academic_year_label};
use llwybr::domain::role::Role;
use serde_json::Value;

use crate::helpers::{TestApp, TestPerson, problem, spawn_app_with};

const LA_A: &str = "la-cardiff";
const LA_B: &str = "la-conwy";
const MLDP: &str = "prog-mldp";
const NPQH: &str = "prog-npqh";

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn at(s: &str) -> NaiveDateTime {
    day(s).and_hms_opt(12, 0, 0).expect("time")
}

fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

struct Population {
    admin: TestPerson,
    officer_a: TestPerson,
    head_a1: TestPerson,
    participant: TestPerson,
    /// The academic year of the cohort running now.
    now_year: i32,
}

fn authority(conn: &mut DbConnection, id: &str, en: &str, cy: &str) {
    diesel::insert_into(local_authorities::table)
        .values((
            local_authorities::id.eq(id),
            local_authorities::consortium_id.eq("csc"),
            local_authorities::code.eq(id),
            local_authorities::name_en.eq(en),
            local_authorities::name_cy.eq(cy),
            local_authorities::created_at.eq(now()),
        ))
        .execute(conn)
        .expect("authority");
}

fn school(conn: &mut DbConnection, id: &str, la: &str, sector: &str, category: Option<&str>) {
    diesel::insert_into(schools::table)
        .values((
            schools::id.eq(id),
            schools::local_authority_id.eq(la),
            schools::name_en.eq(format!("School {id}")),
            schools::name_cy.eq(format!("Ysgol {id}")),
            schools::sector.eq(sector),
            schools::language_medium.eq("welsh"),
            schools::support_category.eq(category),
            schools::created_at.eq(now()),
            schools::updated_at.eq(now()),
        ))
        .execute(conn)
        .expect("school");
}

fn programme(conn: &mut DbConnection, id: &str, code: &str, title: &str, stage: &str) {
    diesel::insert_into(programmes::table)
        .values((
            programmes::id.eq(id),
            programmes::code.eq(code),
            programmes::title_en.eq(title),
            programmes::title_cy.eq(format!("{title} (cy)")),
            programmes::description_en.eq("-"),
            programmes::description_cy.eq("-"),
            programmes::delivery_language.eq("bilingual"),
            programmes::requires_endorsement.eq(false),
            programmes::completion_min_attendance_pct.eq(80),
            programmes::eligibility_rules.eq("{}"),
            programmes::active.eq(true),
            programmes::created_at.eq(now()),
            programmes::updated_at.eq(now()),
        ))
        .execute(conn)
        .expect("programme");
    diesel::insert_into(programme_target_stages::table)
        .values((
            programme_target_stages::programme_id.eq(id),
            programme_target_stages::stage_code.eq(stage),
        ))
        .execute(conn)
        .expect("target stage");
}

fn cohort(
    conn: &mut DbConnection,
    id: &str,
    programme: &str,
    starts: NaiveDate,
    ends: NaiveDate,
    medium: &str,
) {
    diesel::insert_into(cohorts::table)
        .values((
            cohorts::id.eq(id),
            cohorts::programme_id.eq(programme),
            cohorts::name.eq(id),
            cohorts::capacity.eq(20),
            cohorts::seats_taken.eq(0),
            cohorts::waitlist_counter.eq(0_i64),
            cohorts::starts_on.eq(starts),
            cohorts::ends_on.eq(ends),
            cohorts::language_medium.eq(medium),
            cohorts::status.eq("open"),
            cohorts::created_at.eq(now()),
            cohorts::updated_at.eq(now()),
        ))
        .execute(conn)
        .expect("cohort");
}

fn enrol(conn: &mut DbConnection, person: &str, cohort: &str, programme: &str, status: &str) {
    let active = matches!(status, "confirmed" | "completed" | "waitlisted");
    diesel::insert_into(enrolments::table)
        .values((
            enrolments::id.eq(uuid::Uuid::new_v4().to_string()),
            enrolments::person_id.eq(person),
            enrolments::cohort_id.eq(cohort),
            enrolments::programme_id.eq(programme),
            enrolments::status.eq(status),
            enrolments::active.eq(active),
            enrolments::applied_at.eq(now()),
            enrolments::updated_at.eq(now()),
        ))
        .execute(conn)
        .expect("enrolment");
}

fn career(conn: &mut DbConnection, person: &str, role: &str) {
    diesel::insert_into(career_entries::table)
        .values((
            career_entries::id.eq(uuid::Uuid::new_v4().to_string()),
            career_entries::person_id.eq(person),
            career_entries::role.eq(role),
            career_entries::started_on.eq(day("2022-09-01")),
            career_entries::created_at.eq(now()),
        ))
        .execute(conn)
        .expect("career entry");
}

/// A round on `cohort` opening on `opens`; each invitee answers the overall question with their
/// score, or not at all. Anonymous answers point at no invitation.
fn round(
    conn: &mut DbConnection,
    cohort: &str,
    opens: &str,
    anonymous: bool,
    invitees: &[(&str, Option<i32>)],
) {
    let round_id = uuid::Uuid::new_v4().to_string();
    insert_round(
        conn,
        &NewRound {
            id: &round_id,
            cohort_id: cohort,
            form_id: "form-leadership-default",
            kind: "end_of_programme",
            session_id: None,
            anonymous,
            opens_at: at(opens),
            closes_at: at(opens) + Duration::days(21),
            reminder_every_days: None,
            created_by: None,
            created_at: at(opens),
        },
    )
    .expect("round");
    for (person, score) in invitees {
        let invitation_id = uuid::Uuid::new_v4().to_string();
        insert_invitation(
            conn,
            &NewInvitation {
                id: &invitation_id,
                round_id: &round_id,
                person_id: person,
                token_hash: &uuid::Uuid::new_v4().to_string(),
                invited_at: at(opens),
            },
        )
        .expect("invitation");
        let Some(score) = score else { continue };
        diesel::update(evaluation_invitations::table.find(&invitation_id))
            .set(evaluation_invitations::responded_at.eq(Some(at(opens))))
            .execute(conn)
            .expect("responded");
        let response_id = uuid::Uuid::new_v4().to_string();
        let invitation = (!anonymous).then_some(invitation_id.as_str());
        insert_response(conn, &response_id, &round_id, invitation, at(opens)).expect("response");
        insert_answer(
            conn,
            &NewAnswer {
                round_id: &round_id,
                response_id: &response_id,
                question_id: "q-overall",
                value_int: Some(*score),
                value_text: None,
                is_choice: false,
            },
        )
        .expect("answer");
    }
}

fn grant(conn: &mut DbConnection, email: &str, role: Role, school: Option<&str>, la: Option<&str>) {
    let person = find_by_email(conn, email).expect("query").expect("person");
    insert_grant(
        conn,
        &NewRoleGrant {
            id: &uuid::Uuid::new_v4().to_string(),
            person_id: &person.id,
            role: role.as_str(),
            school_id: school,
            local_authority_id: la,
            programme_id: None,
            granted_by: None,
            granted_at: now(),
        },
    )
    .expect("grant");
}

fn population(app: &TestApp) -> Population {
    let mut conn = app.db();
    let conn = &mut conn;
    diesel::insert_into(consortia::table)
        .values((
            consortia::id.eq("csc"),
            consortia::code.eq("csc"),
            consortia::name_en.eq("Central South Consortium"),
            consortia::name_cy.eq("Consortiwm Canolbarth y De"),
            consortia::created_at.eq(now()),
        ))
        .execute(conn)
        .expect("consortium");
    authority(conn, LA_A, "Cardiff", "Caerdydd");
    authority(conn, LA_B, "Conwy", "Conwy");
    school(conn, "a1", LA_A, "primary", Some("green"));
    school(conn, "a2", LA_A, "secondary", Some("amber"));
    school(conn, "b1", LA_B, "primary", None);
    let person = |email: &str, school: Option<&str>, stage: Option<&str>| {
        app.person(email, &[], school, stage);
        find_by_email(&mut app.db(), email)
            .expect("query")
            .expect("person")
            .id
    };
    let p1 = person("p1@test.cymru", Some("a1"), Some("future_middle_leader"));
    let p2 = person("p2@test.cymru", Some("a1"), Some("future_middle_leader"));
    let p3 = person("p3@test.cymru", Some("a1"), Some("future_headteacher"));
    let p4 = person("p4@test.cymru", Some("a2"), Some("future_middle_leader"));
    let p5 = person("p5@test.cymru", Some("a2"), Some("expert_practice"));
    let p6 = person("p6@test.cymru", Some("b1"), Some("future_middle_leader"));
    let p7 = person("p7@test.cymru", Some("b1"), Some("future_headteacher"));
    let p8 = person("p8@test.cymru", Some("b1"), None);
    let p9 = person("p9@test.cymru", None, Some("future_middle_leader"));
    career(conn, &p5, "deputy_head");
    career(conn, &p7, "assistant_head");

    programme(conn, MLDP, "mldp-test", "MLDP", "future_middle_leader");
    programme(conn, NPQH, "npqh", "NPQH", "future_headteacher");
    cohort(
        conn,
        "mldp19",
        MLDP,
        day("2019-10-01"),
        day("2020-06-30"),
        "english",
    );
    cohort(
        conn,
        "mldp20",
        MLDP,
        day("2020-10-01"),
        day("2021-06-30"),
        "welsh",
    );
    cohort(
        conn,
        "npqh20",
        NPQH,
        day("2021-03-01"),
        day("2021-07-15"),
        "bilingual",
    );
    let today = Utc::now().date_naive();
    let now_start = today - Duration::days(30);
    cohort(
        conn,
        "npqh-now",
        NPQH,
        now_start,
        today + Duration::days(30),
        "english",
    );

    enrol(conn, &p1, "mldp19", MLDP, "completed");
    enrol(conn, &p4, "mldp19", MLDP, "completed");
    enrol(conn, &p6, "mldp19", MLDP, "withdrawn");
    enrol(conn, &p2, "mldp20", MLDP, "completed");
    enrol(conn, &p9, "mldp20", MLDP, "completed");
    enrol(conn, &p5, "mldp20", MLDP, "not_completed");
    enrol(conn, &p6, "mldp20", MLDP, "completed");
    enrol(conn, &p8, "mldp20", MLDP, "waitlisted");
    enrol(conn, &p3, "npqh20", NPQH, "completed");
    enrol(conn, &p2, "npqh20", NPQH, "completed");
    enrol(conn, &p7, "npqh20", NPQH, "declined");
    enrol(conn, &p7, "npqh-now", NPQH, "confirmed");
    enrol(conn, &p8, "npqh-now", NPQH, "confirmed");

    // 2019/20: named, both answer (5, 3). 2020/21: MLDP anonymous, three of four answer
    // (5, 4, 2); NPQH named, both answer (4, 5).
    round(
        conn,
        "mldp19",
        "2020-06-30",
        false,
        &[(&p1, Some(5)), (&p4, Some(3))],
    );
    round(
        conn,
        "mldp20",
        "2021-06-30",
        true,
        &[(&p2, Some(5)), (&p9, Some(4)), (&p5, Some(2)), (&p6, None)],
    );
    round(
        conn,
        "npqh20",
        "2021-07-15",
        false,
        &[(&p3, Some(4)), (&p2, Some(5))],
    );

    let admin = app.person("admin@test.cymru", &[Role::ConsortiumAdmin], None, None);
    let officer_a = app.person("officer@test.cymru", &[], None, None);
    grant(
        conn,
        "officer@test.cymru",
        Role::LaOfficer,
        None,
        Some(LA_A),
    );
    let head_a1 = app.person("head@test.cymru", &[], None, None);
    grant(conn, "head@test.cymru", Role::Headteacher, Some("a1"), None);
    let participant = app.person("someone@test.cymru", &[], None, None);
    Population {
        admin,
        officer_a,
        head_a1,
        participant,
        now_year: academic_year(now_start),
    }
}

async fn spawn() -> (TestApp, Population) {
    let app = spawn_app_with(|settings| {
        settings.reports.baseline_year = 2019;
        settings.reports.participation_target_pct = 50;
    })
    .await;
    let people = population(&app);
    (app, people)
}

async fn json(app: &TestApp, token: &str, path: &str) -> Value {
    let response = app.get_as(token, path).await;
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.expect("json")
}

/// The rows of a report as (label_en, participants, enrolments), in report order.
fn counts(report: &Value) -> Vec<(String, i64, i64)> {
    report["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            (
                r["label_en"].as_str().expect("label").to_owned(),
                r["participants"].as_i64().expect("participants"),
                r["enrolments"].as_i64().expect("enrolments"),
            )
        })
        .collect()
}

fn row<'a>(report: &'a Value, label: &str) -> &'a Value {
    report["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["label_en"] == label)
        .unwrap_or_else(|| panic!("no row {label} in {report}"))
}

fn owned(rows: &[(&str, i64, i64)]) -> Vec<(String, i64, i64)> {
    rows.iter()
        .map(|(l, p, e)| (l.to_string(), *p, *e))
        .collect()
}

#[actix_web::test]
async fn participation_by_year_against_the_baseline_and_target() {
    let (app, people) = spawn().await;
    let report = json(
        &app,
        &people.admin.token,
        "/api/v1/reports/participation?by=year&year=2020/21",
    )
    .await;
    // 2019/20: p1, p4 (p6 withdrew). 2020/21: MLDP p2, p9, p5, p6 and NPQH p3, p2: five people,
    // six places. Now: p7, p8.
    assert_eq!(
        counts(&report),
        owned(&[
            ("2019/20", 2, 2),
            ("2020/21", 5, 6),
            (&academic_year_label(people.now_year), 2, 2),
        ])
    );
    assert_eq!(report["participants"], 5);
    assert_eq!(report["enrolments"], 6);
    assert_eq!(report["baseline_year"], 2019);
    assert_eq!(report["baseline_participants"], 2);
    // 2 + 50% = 3; 5 against 2 is +150%.
    assert_eq!(report["target_participants"], 3);
    assert_eq!(report["change_pct"], 150.0);
    assert_eq!(report["target_met"], true);
    let latest = row(&report, &academic_year_label(people.now_year));
    assert_eq!(latest["change_pct"], 0.0);
    assert_eq!(latest["target_met"], false);
    // Another baseline: against 2020/21 (5), the target is 8 (7.5 rounded up).
    let report = json(
        &app,
        &people.admin.token,
        "/api/v1/reports/participation?by=year&year=2019&baseline=2020",
    )
    .await;
    assert_eq!(report["target_participants"], 8);
    assert_eq!(report["change_pct"], -60.0);
}

#[actix_web::test]
async fn participation_by_every_breakdown() {
    let (app, people) = spawn().await;
    let get = |by: &str| format!("/api/v1/reports/participation?by={by}&year=2020&baseline=2019");
    let token = &people.admin.token;

    let report = json(&app, token, &get("programme")).await;
    assert_eq!(counts(&report), owned(&[("MLDP", 4, 4), ("NPQH", 2, 2)]));
    let mldp = row(&report, "MLDP");
    // Baseline MLDP 2019/20: p1, p4; +100%, target 3, met.
    assert_eq!(mldp["baseline_participants"], 2);
    assert_eq!(mldp["change_pct"], 100.0);
    assert_eq!(mldp["target_participants"], 3);
    assert_eq!(mldp["target_met"], true);
    // Future Middle Leaders now: p1, p2, p4, p6, p9; of whom p2, p9, p6 took MLDP in 2020/21.
    assert_eq!(mldp["target_audience"], 5);
    assert_eq!(mldp["audience_reached"], 3);
    assert_eq!(mldp["audience_reached_pct"], 60.0);
    let npqh = row(&report, "NPQH");
    // Future Head Teachers: p3, p7; p3 took NPQH in 2020/21 (p2 is not at that stage).
    assert_eq!(npqh["target_audience"], 2);
    assert_eq!(npqh["audience_reached"], 1);
    assert_eq!(npqh["audience_reached_pct"], 50.0);
    assert_eq!(npqh["baseline_participants"], 0);
    assert_eq!(npqh["change_pct"], Value::Null);

    let report = json(&app, token, &get("local_authority")).await;
    // Cardiff: p2 (two places), p5, p3; Conwy: p6; p9 has no school.
    assert_eq!(
        counts(&report),
        owned(&[("Cardiff", 3, 4), ("Conwy", 1, 1), ("Not recorded", 1, 1)])
    );
    let cardiff = row(&report, "Cardiff");
    assert_eq!(cardiff["baseline_participants"], 2);
    assert_eq!(cardiff["change_pct"], 50.0);
    assert_eq!(cardiff["target_met"], true);
    assert_eq!(row(&report, "Conwy")["baseline_participants"], 0);

    let report = json(&app, token, &get("school")).await;
    assert_eq!(
        counts(&report),
        owned(&[
            ("School a1", 2, 3),
            ("School a2", 1, 1),
            ("School b1", 1, 1),
            ("Not recorded", 1, 1)
        ])
    );

    let report = json(&app, token, &get("sector")).await;
    assert_eq!(
        counts(&report),
        owned(&[
            ("Primary", 3, 4),
            ("Secondary", 1, 1),
            ("Not recorded", 1, 1)
        ])
    );

    let report = json(&app, token, &get("support_category")).await;
    // B1 has no category and p9 no school: both "not recorded".
    assert_eq!(
        counts(&report),
        owned(&[("Amber", 1, 1), ("Green", 2, 3), ("Not recorded", 2, 2)])
    );

    let report = json(&app, token, &get("stage")).await;
    // In continuum order: Expert Practice (4), Future Middle Leader (6), Future Head Teacher (9).
    assert_eq!(
        counts(&report),
        owned(&[
            ("Expert Practice", 1, 1),
            ("Future Middle Leader", 3, 4),
            ("Future Head Teacher", 1, 1)
        ])
    );

    let report = json(&app, token, &get("language_medium")).await;
    // The cohorts' media: MLDP 2020/21 in Welsh, NPQH 2020/21 bilingual; the English MLDP
    // cohort of the baseline year is a fall to zero.
    assert_eq!(
        counts(&report),
        owned(&[("Bilingual", 2, 2), ("English", 0, 0), ("Welsh", 4, 4)])
    );
    assert_eq!(row(&report, "English")["baseline_participants"], 2);

    // Filters: one programme, one authority.
    let report = json(
        &app,
        token,
        &format!("{}&programme={NPQH}", get("local_authority")),
    )
    .await;
    assert_eq!(counts(&report), owned(&[("Cardiff", 2, 2)]));
    let report = json(&app, token, &format!("{}&authority={LA_B}", get("year"))).await;
    assert_eq!(
        counts(&report),
        owned(&[
            ("2020/21", 1, 1),
            (&academic_year_label(people.now_year), 2, 2)
        ])
    );
}

#[actix_web::test]
async fn the_people_behind_a_figure() {
    let (app, people) = spawn().await;
    let list = json(
        &app,
        &people.admin.token,
        &format!("/api/v1/reports/participation/people?by=local_authority&key={LA_A}&year=2020"),
    )
    .await;
    assert_eq!(list["total"], 4);
    let names: Vec<&str> = list["people"]
        .as_array()
        .expect("people")
        .iter()
        .map(|p| p["name"].as_str().expect("name"))
        .collect();
    assert_eq!(names, ["p2", "p2", "p3", "p5"]);
    let list = json(
        &app,
        &people.admin.token,
        "/api/v1/reports/participation/people?by=local_authority&key=none&year=2020",
    )
    .await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["people"][0]["name"], "p9");
    let list = json(
        &app,
        &people.admin.token,
        "/api/v1/reports/participation/people?by=year&key=2019",
    )
    .await;
    assert_eq!(list["total"], 2);
    let response = app
        .get_as(
            &people.admin.token,
            "/api/v1/reports/participation/people?by=year",
        )
        .await;
    assert_eq!(response.status(), 422);
    assert_eq!(problem(response).await["errors"][0]["field"], "key");
}

#[actix_web::test]
async fn satisfaction_and_response_rates() {
    let (app, people) = spawn().await;
    let report = json(
        &app,
        &people.admin.token,
        "/api/v1/reports/satisfaction?by=year",
    )
    .await;
    let y2019 = row(&report, "2019/20");
    // Two invited, two answered (5, 3): too few answers to show satisfaction, or how many
    // were satisfied.
    assert_eq!(y2019["invited"], 2);
    assert_eq!(y2019["responded"], 2);
    assert_eq!(y2019["response_rate_pct"], 100.0);
    assert_eq!(y2019["answered"], 2);
    assert_eq!(y2019["satisfied"], Value::Null);
    assert_eq!(y2019["satisfaction_pct"], Value::Null);
    let y2020 = row(&report, "2020/21");
    // Six invited, five answered (5, 4, 2 anonymously; 4, 5): four of five are 4 or 5.
    assert_eq!(y2020["invited"], 6);
    assert_eq!(y2020["responded"], 5);
    assert_eq!(y2020["response_rate_pct"], 83.3);
    assert_eq!(y2020["answered"], 5);
    assert_eq!(y2020["satisfied"], 4);
    assert_eq!(y2020["satisfaction_pct"], 80.0);
    assert_eq!(y2020["target_met"], false);
    assert_eq!(report["target_pct"], 95.0);
    // All years: 8 invited, 7 answered. The total's answers are those of the years shown: with
    // 2019/20's two in it, the total less 2020/21 would give them away.
    assert_eq!(report["total"]["invited"], 8);
    assert_eq!(report["total"]["response_rate_pct"], 87.5);
    assert_eq!(report["total"]["answered"], 5);
    assert_eq!(report["total"]["satisfaction_pct"], 80.0);

    let report = json(
        &app,
        &people.admin.token,
        "/api/v1/reports/satisfaction?by=programme",
    )
    .await;
    // MLDP: 5, 3, 5, 4, 2 from 6 invited; NPQH: 4, 5 from 2 (too few to show).
    let mldp = row(&report, "MLDP");
    assert_eq!(mldp["invited"], 6);
    assert_eq!(mldp["responded"], 5);
    assert_eq!(mldp["satisfaction_pct"], 60.0);
    let npqh = row(&report, "NPQH");
    assert_eq!(npqh["response_rate_pct"], 100.0);
    assert_eq!(npqh["satisfaction_pct"], Value::Null);

    let report = json(
        &app,
        &people.admin.token,
        "/api/v1/reports/satisfaction?by=programme&year=2020",
    )
    .await;
    assert_eq!(row(&report, "MLDP")["answered"], 3);
    assert_eq!(row(&report, "MLDP")["satisfaction_pct"], 66.7);

    // Cardiff's officer: invitations of Cardiff people (p1, p4; p2, p5; p3, p2), all answered.
    // Anonymous answers cannot be placed, and each named round had two Cardiff people, whose
    // answers their results pages hold back: so does the report.
    let report = json(
        &app,
        &people.officer_a.token,
        "/api/v1/reports/satisfaction",
    )
    .await;
    assert_eq!(report["total"]["invited"], 6);
    assert_eq!(report["total"]["responded"], 6);
    assert_eq!(report["total"]["answered"], 0);
    assert_eq!(report["total"]["satisfaction_pct"], Value::Null);
}

#[actix_web::test]
async fn the_audience_reached_is_a_share_of_the_audience_and_never_more() {
    let (app, people) = spawn().await;
    // p2 and p9, two of the three Future Middle Leaders who took MLDP in 2020/21, leave.
    diesel::update(
        llwybr::db::schema::people::table
            .filter(llwybr::db::schema::people::email.eq_any(["p2@test.cymru", "p9@test.cymru"])),
    )
    .set(llwybr::db::schema::people::active.eq(false))
    .execute(&mut app.db())
    .expect("deactivated");
    let report = json(
        &app,
        &people.admin.token,
        "/api/v1/reports/participation?by=programme&year=2020&baseline=2019",
    )
    .await;
    let mldp = row(&report, "MLDP");
    // Those at the stage now and active: p1, p4, p6; of whom p6 took part.
    assert_eq!(mldp["target_audience"], 3);
    assert_eq!(mldp["audience_reached"], 1);
    assert_eq!(mldp["audience_reached_pct"], 33.3);
    assert_eq!(
        counts(&report)[0],
        ("MLDP".to_owned(), 4, 4),
        "participation keeps them"
    );
}

#[actix_web::test]
async fn satisfaction_holds_back_what_the_results_pages_hold_back() {
    let (app, people) = spawn().await;
    let id = |email: &str| {
        find_by_email(&mut app.db(), email)
            .expect("query")
            .expect("person")
            .id
    };
    let (p1, p2, p3, p4, p6) = (
        id("p1@test.cymru"),
        id("p2@test.cymru"),
        id("p3@test.cymru"),
        id("p4@test.cymru"),
        id("p6@test.cymru"),
    );
    {
        let conn = &mut app.db();
        programme(conn, "prog-x", "xp", "XP", "future_middle_leader");
        cohort(
            conn,
            "xp22",
            "prog-x",
            day("2022-10-01"),
            day("2023-06-30"),
            "english",
        );
        // An anonymous round with two answers, both 1, and a named one with three 5s.
        round(
            conn,
            "xp22",
            "2023-06-01",
            true,
            &[(&p1, Some(1)), (&p2, Some(1))],
        );
        round(
            conn,
            "xp22",
            "2023-06-30",
            false,
            &[(&p3, Some(5)), (&p4, Some(5)), (&p6, Some(5))],
        );
    }
    let results = json(
        &app,
        &people.admin.token,
        "/api/v1/evaluation-results?programme_id=prog-x&academic_year=2022",
    )
    .await;
    assert_eq!(results["overall_answered"], 3, "{results}");
    assert_eq!(results["satisfaction_pct"], 100.0);
    let report = json(
        &app,
        &people.admin.token,
        "/api/v1/reports/satisfaction?by=programme&year=2022",
    )
    .await;
    let xp = row(&report, "XP");
    assert_eq!(xp["invited"], 5, "response rates count every round");
    assert_eq!(xp["responded"], 5);
    assert_eq!(xp["answered"], 3, "{report}");
    assert_eq!(xp["satisfied"], 3);
    assert_eq!(xp["satisfaction_pct"], 100.0);
}

#[actix_web::test]
async fn the_succession_pipeline() {
    let (app, people) = spawn().await;
    let report = json(&app, &people.admin.token, "/api/v1/reports/pipeline").await;
    let stages: Vec<(String, i64)> = report["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .map(|s| {
            (
                s["label_en"].as_str().expect("label").to_owned(),
                s["staff"].as_i64().expect("staff"),
            )
        })
        .collect();
    // Staff at schools (p9 has none): p5; p1, p2, p4, p6; p3, p7; p8 without a stage.
    assert_eq!(
        stages,
        [
            ("Expert Practice".to_owned(), 1),
            ("Future Middle Leader".to_owned(), 4),
            ("Future Head Teacher".to_owned(), 2),
            ("Not recorded".to_owned(), 1)
        ]
    );
    assert_eq!(report["staff"], 8);
    assert_eq!(report["on_programme"], 2);
    assert_eq!(report["programmes"][0]["label_en"], "NPQH");
    assert_eq!(report["programmes"][0]["people"], 2);
    assert_eq!(report["succession_by"], "local_authority");
    // Cardiff: p3 (future head, NPQH), p2 (NPQH), p5 (deputy). Conwy: p7 (future head, NPQH
    // now, assistant head), p8 (NPQH now).
    let cardiff = row_by(&report["succession"], "Cardiff");
    assert_eq!(
        (
            &cardiff["future_heads"],
            &cardiff["npqh"],
            &cardiff["deputy_heads"],
            &cardiff["assistant_heads"],
            &cardiff["candidates"]
        ),
        (&1.into(), &2.into(), &1.into(), &0.into(), &3.into())
    );
    let conwy = row_by(&report["succession"], "Conwy");
    assert_eq!(
        (
            &conwy["future_heads"],
            &conwy["npqh"],
            &conwy["assistant_heads"],
            &conwy["candidates"]
        ),
        (&1.into(), &2.into(), &1.into(), &2.into())
    );
    assert_eq!(report["candidates"], 5);

    // The headteacher of A1 sees their school: p1, p2 (FML), p3 (FHT).
    let report = json(&app, &people.head_a1.token, "/api/v1/reports/pipeline").await;
    assert_eq!(report["staff"], 3);
    assert_eq!(report["on_programme"], 0);
    assert_eq!(report["succession_by"], "school");
    let a1 = row_by(&report["succession"], "School a1");
    assert_eq!(a1["candidates"], 2);
    let response = app
        .get_as(&people.head_a1.token, "/api/v1/reports/pipeline?school=a2")
        .await;
    assert_eq!(response.status(), 403);
    // Made head of A2 as well (an executive head), they see either school, A1 unless asked.
    grant(
        &mut app.db(),
        "head@test.cymru",
        Role::Headteacher,
        Some("a2"),
        None,
    );
    let report = json(
        &app,
        &people.head_a1.token,
        "/api/v1/reports/pipeline?school=a2",
    )
    .await;
    assert_eq!(report["succession_by"], "school");
    assert_eq!(
        row_by(&report["succession"], "School a2")["deputy_heads"],
        1
    );
    let report = json(&app, &people.head_a1.token, "/api/v1/reports/pipeline").await;
    assert_eq!(report["staff"], 3);
    let response = app
        .get_as(&people.head_a1.token, "/api/v1/reports/pipeline?school=b1")
        .await;
    assert_eq!(response.status(), 403);
    // Cardiff's officer: by school.
    let report = json(&app, &people.officer_a.token, "/api/v1/reports/pipeline").await;
    assert_eq!(report["staff"], 5);
    assert_eq!(
        row_by(&report["succession"], "School a2")["deputy_heads"],
        1
    );
}

fn row_by<'a>(rows: &'a Value, label: &str) -> &'a Value {
    rows.as_array()
        .expect("rows")
        .iter()
        .find(|r| r["label_en"] == label)
        .unwrap_or_else(|| panic!("no row {label} in {rows}"))
}

#[actix_web::test]
async fn officers_see_their_own_authority_and_participants_nothing() {
    let (app, people) = spawn().await;
    let report = json(
        &app,
        &people.officer_a.token,
        "/api/v1/reports/participation?by=local_authority&year=2020&baseline=2019",
    )
    .await;
    assert_eq!(counts(&report), owned(&[("Cardiff", 3, 4)]));
    assert_eq!(report["authority_id"], LA_A);
    for path in [
        format!("/api/v1/reports/participation?authority={LA_B}"),
        format!("/api/v1/reports/participation/people?by=year&key=2020&authority={LA_B}"),
        format!("/api/v1/reports/satisfaction?authority={LA_B}"),
        format!("/api/v1/reports/pipeline?authority={LA_B}"),
        "/api/v1/reports/pipeline?school=b1".to_owned(),
    ] {
        let response = app.get_as(&people.officer_a.token, &path).await;
        assert_eq!(response.status(), 403, "{path}");
    }
    for path in [
        "/api/v1/reports/participation",
        "/api/v1/reports/participation/people?by=year&key=2020",
        "/api/v1/reports/satisfaction",
        "/api/v1/reports/pipeline",
        "/reports",
    ] {
        let response = app.get_as(&people.participant.token, path).await;
        assert_eq!(response.status(), 403, "{path}");
    }
}

#[actix_web::test]
async fn an_officer_of_two_authorities_sees_the_first_and_may_choose_the_other() {
    let (app, people) = spawn().await;
    grant(
        &mut app.db(),
        "officer@test.cymru",
        Role::LaOfficer,
        None,
        Some(LA_B),
    );
    let token = &people.officer_a.token;
    let path = "/api/v1/reports/participation?by=local_authority&year=2020&baseline=2019";
    let first = json(&app, token, path).await;
    assert_eq!(first["authority_id"], LA_A);
    let second = json(&app, token, &format!("{path}&authority={LA_B}")).await;
    assert_eq!(second["authority_id"], LA_B);
    assert_eq!(counts(&second), owned(&[("Conwy", 1, 1)]));
    for page in ["/reports", "/reports/measures"] {
        let html = app.get_as(token, page).await.text().await.expect("html");
        for authority in [LA_A, LA_B] {
            assert!(
                html.contains(&format!("value=\"{authority}\"")),
                "{page} offers {authority}"
            );
        }
    }
    let elsewhere = app
        .get_as(token, "/api/v1/reports/participation?authority=la-nowhere")
        .await;
    assert_eq!(elsewhere.status(), 403);
}

#[actix_web::test]
async fn bad_parameters_are_named_in_the_callers_language() {
    let (app, people) = spawn().await;
    let response = app
        .client
        .get(app.url("/api/v1/reports/participation?by=authority&year=twenty&format=pdf&lang=cy"))
        .bearer_auth(&people.admin.token)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 422);
    let body = problem(response).await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field"))
        .collect();
    assert_eq!(fields, ["by", "year", "format"]);
    assert!(
        body["errors"][1]["message"]
            .as_str()
            .expect("message")
            .contains("Rhowch flwyddyn academaidd"),
        "{body}"
    );
}

#[actix_web::test]
async fn tables_download_as_csv_and_xlsx() {
    let (app, people) = spawn().await;
    let response = app
        .get_as(
            &people.admin.token,
            "/api/v1/reports/participation?by=local_authority&year=2020&baseline=2019&format=csv",
        )
        .await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/csv")
    );
    let body = response.text().await.expect("body");
    let lines: Vec<&str> = body.lines().collect();
    assert_eq!(
        lines[0],
        "Local authority,Participants,Enrolments,Participants in 2019/20 (baseline),Change on baseline (%),Target (participants),Target met"
    );
    assert_eq!(lines[1], "Cardiff,3,4,2,50.0,3,Yes");
    assert_eq!(lines[2], "Conwy,1,1,0,-,0,No");
    for path in [
        "/api/v1/reports/participation?by=programme&format=xlsx",
        "/api/v1/reports/participation/people?by=year&key=2020&format=xlsx",
        "/api/v1/reports/satisfaction?format=xlsx",
        "/api/v1/reports/pipeline?table=succession&format=xlsx",
    ] {
        let response = app.get_as(&people.admin.token, path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(
            response.headers()["content-type"],
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "{path}"
        );
        let bytes = response.bytes().await.expect("body");
        assert_eq!(&bytes[..2], b"PK");
    }
    let response = app
        .get_as(
            &people.admin.token,
            "/api/v1/reports/satisfaction?by=year&format=csv&lang=cy",
        )
        .await;
    let body = response.text().await.expect("body");
    assert!(
        body.starts_with("Blwyddyn academaidd,Gwahoddwyd,"),
        "{body}"
    );
    assert!(body.contains("2020/21,6,5,83.3,5,4,80.0,Nac ydy"), "{body}");
}

#[actix_web::test]
async fn the_dashboard_and_quarterly_report_render_in_welsh() {
    let (app, people) = spawn().await;
    let response = app
        .get_as(
            &people.admin.token,
            "/reports?year=2020&baseline=2019&lang=cy",
        )
        .await;
    assert_eq!(response.status(), 200);
    let page = response.text().await.expect("page");
    assert!(page.contains("Dangosfwrdd y consortiwm"), "{page}");
    assert!(page.contains("Cyfranogwyr yn 2020/21"));
    assert!(page.contains("5 (6 cofrestriad)"));
    assert!(page.contains("Targed (llinell sylfaen + 50%)"));
    assert!(page.contains("<svg"));
    // The dashboard's chart runs from the baseline year to the year shown; the full report by
    // year lists every year.
    assert!(page.contains("<desc id=\"participation-year-desc\">2019/20 2; 2020/21 5. "));
    assert!(page.contains("Mesurau canlyniadau"));
    assert!(page.contains(&format!(
        "/reports/participation/people?year=2020&amp;baseline=2019&amp;by=local_authority&amp;key={LA_A}"
    )));
    assert!(page.contains("format=xlsx"));
    assert!(page.contains(">Adroddiadau</a>"));

    // Quarter 3 of 2020/21 (March to May 2021): NPQH 2020/21 started, p3 and p2. The year so
    // far: five people, six places.
    let response = app
        .get_as(
            &people.admin.token,
            "/reports/quarterly?year=2020&quarter=3&lang=cy",
        )
        .await;
    assert_eq!(response.status(), 200);
    let page = response.text().await.expect("page");
    assert!(
        page.contains("Adroddiad chwarterol: chwarter 3, 2020/21"),
        "{page}"
    );
    assert!(page.contains("01/03/2021–31/05/2021"));
    assert!(page.contains("<dd>2 (2 cofrestriad)</dd>"));
    assert!(page.contains("<dd>5 (6 cofrestriad)</dd>"));
    // The quarter's table comes first, then the year so far by programme and by authority,
    // however the halves of the report are counted.
    let positions: Vec<usize> = [
        "Cyfranogiad yn ôl rhaglen yn chwarter 3",
        "Cyfranogiad yn ôl rhaglen, y flwyddyn academaidd hyd yma",
        "Cyfranogiad yn ôl awdurdod lleol, y flwyddyn academaidd hyd yma",
    ]
    .iter()
    .map(|title| {
        page.find(title)
            .unwrap_or_else(|| panic!("{title}: {page}"))
    })
    .collect();
    assert!(
        positions.windows(2).all(|pair| pair[0] < pair[1]),
        "{positions:?}"
    );
    // The print layout is in the stylesheet: the Content-Security-Policy refuses inline styles.
    assert!(page.contains("<div class=\"quarterly\">"));
    assert!(
        !page.contains("<style"),
        "no inline style for the policy to refuse"
    );
    let css = app
        .client
        .get(app.url("/static/site.css"))
        .send()
        .await
        .expect("sent")
        .text()
        .await
        .expect("css");
    assert!(css.contains("@media print") && css.contains(".quarterly .report-section"));

    for path in [
        "/reports/participation?by=stage&year=2020",
        &format!("/reports/participation/people?by=local_authority&key={LA_A}&year=2020"),
        "/reports/satisfaction?by=programme",
        "/reports/pipeline",
    ] {
        let response = app.get_as(&people.officer_a.token, path).await;
        assert_eq!(response.status(), 200, "{path}");
    }
    let response = app
        .get_as(
            &people.officer_a.token,
            &format!("/reports?authority={LA_B}"),
        )
        .await;
    assert_eq!(response.status(), 403);
}

#[actix_web::test]
async fn the_reports_are_in_the_openapi_document() {
    let (app, _) = spawn().await;
    let document: Value = app
        .client
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    for path in [
        "/api/v1/reports/participation",
        "/api/v1/reports/participation/people",
        "/api/v1/reports/satisfaction",
        "/api/v1/reports/pipeline",
    ] {
        assert!(document["paths"][path]["get"].is_object(), "{path}");
    }
    assert!(document["components"]["schemas"]["Participation"].is_object());
}

#[actix_web::test]
async fn a_seat_counts_in_the_year_its_cohort_starts_even_when_the_start_moves() {
    let app = crate::helpers::spawn_app().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let admin = app.person(
        "admin@consortiwm.cymru",
        &[Role::ConsortiumAdmin],
        None,
        None,
    );
    let teacher = app.person("athro@ysgol.cymru", &[], None, None);
    let (_, cohort) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 10)
        .await;
    let applied = app
        .post_as(
            &teacher.token,
            &format!("/api/v1/cohorts/{cohort}/applications"),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(applied.status(), 201);
    let day = |days: i64| Utc::now().date_naive() + Duration::days(days);
    let next_year = |d: NaiveDate| d.checked_add_months(chrono::Months::new(12)).expect("date");
    let first = academic_year(day(60));
    let participants = |report: &Value, year: i32| -> i64 {
        let key = year.to_string();
        report["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .find(|row| row["key"].as_str() == Some(key.as_str()))
            .map_or(0, |row| row["participants"].as_i64().unwrap_or(-1))
    };
    let by_year = |app: &TestApp| {
        let token = admin.token.clone();
        let url = app.url("/api/v1/reports/participation?by=year");
        let client = app.client.clone();
        async move {
            client
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .expect("sent")
                .json::<Value>()
                .await
                .expect("json")
        }
    };
    let before = by_year(&app).await;
    assert_eq!(participants(&before, first), 1, "{before}");
    assert_eq!(participants(&before, first + 1), 0, "{before}");

    // A year later, in the next academic year: the seat goes with it.
    let moved = app
        .client
        .patch(app.url(&format!("/api/v1/cohorts/{cohort}")))
        .bearer_auth(&lead.token)
        .json(&serde_json::json!({
            "starts_on": next_year(day(60)).to_string(),
            "ends_on": next_year(day(240)).to_string(),
            "applications_close_on": day(30).to_string()
        }))
        .send()
        .await
        .expect("sent");
    assert_eq!(
        moved.status(),
        200,
        "{}",
        moved.text().await.unwrap_or_default()
    );
    let after = by_year(&app).await;
    assert_eq!(participants(&after, first), 0, "{after}");
    assert_eq!(participants(&after, first + 1), 1, "{after}");
}

/// The trigger keeps an enrolment's academic year right whatever the insert says: an application
/// writes it itself, and a row written without it, or with a wrong one, is mended.
#[actix_web::test]
async fn an_enrolment_takes_its_cohorts_academic_year_however_it_is_written() {
    use llwybr::db::enrolments::{NewEnrolment, insert};
    use llwybr::db::schema::enrolments;

    let app = crate::helpers::spawn_app().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (programme, cohort) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 10)
        .await;
    let expected = academic_year(Utc::now().date_naive() + Duration::days(60));
    let mut conn = app.db();
    let at = Utc::now().naive_utc();
    for (email, written) in [
        ("un@ysgol.cymru", None),
        ("dau@ysgol.cymru", Some(expected - 7)),
        ("tri@ysgol.cymru", Some(expected)),
    ] {
        app.person(email, &[], None, None);
        let person = find_by_email(&mut conn, email)
            .expect("query")
            .expect("person");
        let id = llwybr::db::new_row_id();
        insert(
            &mut conn,
            &NewEnrolment {
                id: &id,
                person_id: &person.id,
                cohort_id: &cohort,
                programme_id: &programme,
                status: "confirmed",
                active: true,
                waitlist_ticket: None,
                eligibility_override_reason: None,
                academic_year: written,
                applied_at: at,
                updated_at: at,
                school_id: None,
            },
        )
        .expect("inserted");
        let stored: Option<i32> = enrolments::table
            .find(&id)
            .select(enrolments::academic_year)
            .first(&mut conn)
            .expect("the enrolment");
        assert_eq!(stored, Some(expected), "written as {written:?}");
    }
}
