use std::collections::BTreeMap;

use llwybr::domain::role::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, problem, spawn_app, token_in_link};

#[tokio::test]
async fn three_hundred_simultaneous_applicants_fill_thirty_seats_and_queue_in_order() {
    let app = spawn_app().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (_, cohort) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 30)
        .await;
    let applicants: Vec<_> = (0..300)
        .map(|i| app.person(&format!("athro{i:03}@ysgol.cymru"), &[], None, None))
        .collect();

    let mut requests = tokio::task::JoinSet::new();
    for person in &applicants {
        let client = app.client.clone();
        let url = app.url(&format!("/api/v1/cohorts/{cohort}/applications"));
        let token = person.token.clone();
        requests.spawn(async move {
            let response = client
                .post(url)
                .bearer_auth(token)
                .send()
                .await
                .expect("sent");
            (
                response.status().as_u16(),
                response.json::<Value>().await.expect("json"),
            )
        });
    }
    let mut statuses = BTreeMap::<String, usize>::new();
    let mut positions = Vec::new();
    while let Some(result) = requests.join_next().await {
        let (code, body) = result.expect("request task");
        assert_eq!(code, 201, "{body}");
        let status = body["status"].as_str().unwrap_or("").to_owned();
        if status == "waitlisted" {
            positions.push(body["waitlist_position"].as_i64().expect("a position"));
        } else {
            assert!(body["waitlist_position"].is_null());
        }
        *statuses.entry(status).or_default() += 1;
    }
    assert_eq!(statuses.get("confirmed"), Some(&30), "{statuses:?}");
    assert_eq!(statuses.get("waitlisted"), Some(&270), "{statuses:?}");
    positions.sort_unstable();
    assert_eq!(
        positions,
        (1..=270).collect::<Vec<_>>(),
        "positions without gaps or repeats"
    );

    let roster: Vec<Value> = app
        .get_as(&lead.token, &format!("/api/v1/cohorts/{cohort}/roster"))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(roster.len(), 300);
    let mut roster_positions: Vec<i64> = roster
        .iter()
        .filter_map(|r| r["waitlist_position"].as_i64())
        .collect();
    roster_positions.sort_unstable();
    assert_eq!(roster_positions, (1..=270).collect::<Vec<_>>());

    let cohorts = app.catalogue().await;
    assert_eq!(cohorts[0]["cohorts"][0]["seats_available"], 0);
}

/// The audit log shows each change of an application as its history records it: who, before,
/// after and why, with the reason's quotes escaped as JSON, found by the person who made it.
#[tokio::test]
async fn every_change_of_an_application_is_in_the_audit_log_with_who_and_why() {
    let app = spawn_app().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let admin = app.person(
        "admin@consortiwm.cymru",
        &[Role::ConsortiumAdmin],
        None,
        None,
    );
    let (_, cohort) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 5)
        .await;
    let teacher = app.person("athro@ysgol.cymru", &[], None, None);
    let me: Value = app.me(&teacher.token).await.json().await.expect("json");
    let person_id = me["id"].as_str().unwrap_or("").to_owned();
    let seat: Value = app
        .apply(&teacher.token, &cohort)
        .await
        .json()
        .await
        .expect("json");
    let application = seat["id"].as_str().unwrap_or("").to_owned();
    let withdrawn = app
        .post_as(
            &teacher.token,
            &format!("/api/v1/applications/{application}/withdraw"),
            &json!({"reason": "moving to \"Ysgol y Bont\""}),
        )
        .await;
    assert_eq!(withdrawn.status(), 200);

    let log: Vec<Value> = app
        .get_as(
            &admin.token,
            &format!("/api/v1/admin/audit?person_id={person_id}"),
        )
        .await
        .json()
        .await
        .expect("json");
    let entries: Vec<(&str, &str, &str, &str, &str)> = log
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap_or(""),
                e["object_id"].as_str().unwrap_or(""),
                e["actor_id"].as_str().unwrap_or(""),
                e["before_state"].as_str().unwrap_or("none"),
                e["after_state"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        entries,
        [
            (
                "enrolment.status_changed",
                application.as_str(),
                person_id.as_str(),
                r#"{"status":"confirmed"}"#,
                r#"{"reason":"moving to \"Ysgol y Bont\"","status":"withdrawn"}"#,
            ),
            (
                "enrolment.status_changed",
                application.as_str(),
                person_id.as_str(),
                "none",
                r#"{"reason":null,"status":"confirmed"}"#,
            ),
        ],
        "{log:?}"
    );
}

#[tokio::test]
async fn a_withdrawal_gives_the_seat_to_the_head_of_the_waiting_list_and_tells_them() {
    let app = spawn_app().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (_, cohort) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 1)
        .await;
    let first = app.person("cyntaf@ysgol.cymru", &[], None, None);
    let second = app.person("ail@ysgol.cymru", &[], None, None);
    let third = app.person("trydydd@ysgol.cymru", &[], None, None);

    let seat: Value = app
        .apply(&first.token, &cohort)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(seat["status"], "confirmed");
    let waiting: Value = app
        .apply(&second.token, &cohort)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        (
            waiting["status"].as_str(),
            waiting["waitlist_position"].as_i64()
        ),
        (Some("waitlisted"), Some(1))
    );
    let behind: Value = app
        .apply(&third.token, &cohort)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(behind["waitlist_position"], 2);
    app.wait_for_email(&second.email, "waiting list").await;

    let withdrawn = app
        .post_as(
            &first.token,
            &format!(
                "/api/v1/applications/{}/withdraw",
                seat["id"].as_str().unwrap_or("")
            ),
            &json!({"reason": "moving school"}),
        )
        .await;
    assert_eq!(withdrawn.status(), 200);

    let mine: Vec<Value> = app
        .get_as(&second.token, "/api/v1/me/applications")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(mine[0]["status"], "confirmed");
    let theirs: Vec<Value> = app
        .get_as(&third.token, "/api/v1/me/applications")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        theirs[0]["waitlist_position"], 1,
        "the queue moves up without a gap"
    );
    let email = app.wait_for_email(&second.email, "is now yours").await;
    assert!(email.text.contains("Cohort 1"), "{}", email.text);
    app.wait_for_email(&first.email, "withdrawn").await;

    let again = app
        .post_as(
            &first.token,
            &format!(
                "/api/v1/applications/{}/withdraw",
                seat["id"].as_str().unwrap_or("")
            ),
            &json!({}),
        )
        .await;
    assert_eq!(
        again.status(),
        409,
        "a withdrawn application cannot be withdrawn again"
    );
}

/// On PostgreSQL a seat claim does not wait for a transaction that is freeing a seat: it sees
/// the cohort full as last committed. An applicant arriving while a withdrawal is under way must
/// still get the seat it frees, not a place in the queue behind a free seat.
#[tokio::test]
async fn a_seat_freed_while_someone_applies_goes_to_them_not_to_the_queue() {
    use diesel::Connection;
    use llwybr::db::catalogue;

    let app = spawn_app().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (_, cohort) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 1)
        .await;
    let first = app.person("cyntaf@ysgol.cymru", &[], None, None);
    assert_eq!(app.apply(&first.token, &cohort).await.status(), 201);

    let mut freeing = app.db();
    let mut arriving = app.db();
    let arriving_cohort = cohort.clone();
    let place = freeing
        .transaction::<_, diesel::result::Error, _>(|freeing| {
            catalogue::release_seat(freeing, &cohort)?;
            let applicant = std::thread::spawn(move || {
                llwybr::db::transaction::<_, diesel::result::Error, _>(&mut arriving, |conn| {
                    catalogue::seat_or_ticket(conn, &arriving_cohort)
                })
            });
            // Long enough for the applicant to meet the row this transaction holds.
            std::thread::sleep(std::time::Duration::from_millis(400));
            Ok(applicant)
        })
        .expect("the seat is freed");
    let place = place
        .join()
        .expect("the applicant's thread")
        .expect("a seat or a ticket");
    assert_eq!(place, (true, None), "the freed seat, not a ticket");
}

/// When the head of the queue withdraws while a freed seat is being given to them (on
/// PostgreSQL the two can overlap), the seat goes to the next person, and the change that
/// freed it goes through instead of failing.
#[tokio::test]
async fn a_seat_meant_for_someone_who_withdraws_meanwhile_goes_to_the_next() {
    use diesel::prelude::*;
    use llwybr::db::catalogue;
    use llwybr::db::schema::enrolments;

    let app = spawn_app().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (_, cohort) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 1)
        .await;
    for email in [
        "cyntaf@ysgol.cymru",
        "ail@ysgol.cymru",
        "trydydd@ysgol.cymru",
    ] {
        let person = app.person(email, &[], None, None);
        assert_eq!(app.apply(&person.token, &cohort).await.status(), 201);
    }
    let by_email = roster_by_email(&app, &lead.token, &cohort).await;
    let id_of = |email: &str| {
        by_email[email]["application_id"]
            .as_str()
            .unwrap_or("")
            .to_owned()
    };
    let (head, first) = (id_of("ail@ysgol.cymru"), id_of("cyntaf@ysgol.cymru"));

    let mut withdrawing = app.db();
    let mut freeing = app.db();
    let (url, freeing_cohort) = (app.settings.public_url().to_owned(), cohort.clone());
    let filled = withdrawing
        .transaction::<_, diesel::result::Error, _>(|conn| {
            diesel::update(enrolments::table.find(&head))
                .set((
                    enrolments::status.eq("withdrawn"),
                    enrolments::active.eq(false),
                ))
                .execute(conn)?;
            let filling = std::thread::spawn(move || {
                llwybr::db::transaction::<_, llwybr::error::AppError, _>(&mut freeing, |conn| {
                    diesel::update(enrolments::table.find(&first))
                        .set((
                            enrolments::status.eq("withdrawn"),
                            enrolments::active.eq(false),
                        ))
                        .execute(conn)?;
                    catalogue::release_seat(conn, &freeing_cohort)?;
                    let cohort = catalogue::find_cohort(conn, &freeing_cohort)?
                        .ok_or(llwybr::error::AppError::NotFound)?;
                    let programme = catalogue::find_programme(conn, &cohort.programme_id)?
                        .ok_or(llwybr::error::AppError::NotFound)?;
                    llwybr::applications::fill_from_waitlist(conn, &url, &cohort, &programme)
                })
            });
            std::thread::sleep(std::time::Duration::from_millis(400));
            Ok(filling)
        })
        .expect("the head of the queue withdraws");
    let promoted = filled
        .join()
        .expect("the thread")
        .expect("the seat is filled");
    assert_eq!(promoted, 1);
    let after = roster_by_email(&app, &lead.token, &cohort).await;
    assert_eq!(after["trydydd@ysgol.cymru"]["status"], "confirmed");
    assert_eq!(after["ail@ysgol.cymru"]["status"], "withdrawn");
}

/// The cohort's roster, each entry under the person's email.
async fn roster_by_email(app: &TestApp, token: &str, cohort: &str) -> BTreeMap<String, Value> {
    let entries: Vec<Value> = app
        .get_as(token, &format!("/api/v1/cohorts/{cohort}/roster"))
        .await
        .json()
        .await
        .expect("json");
    entries
        .into_iter()
        .map(|e| (e["email"].as_str().unwrap_or("").to_owned(), e))
        .collect()
}

/// A deactivated account cannot sign in to take up a seat: the seat goes to the next person
/// in the queue, and the deactivated one keeps their place.
#[tokio::test]
async fn a_freed_seat_passes_over_a_deactivated_person_in_the_queue() {
    let app = spawn_app().await;
    let admin = app.person("admin@csc.cymru", &[Role::ConsortiumAdmin], None, None);
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (_, cohort) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 1)
        .await;
    let first = app.person("cyntaf@ysgol.cymru", &[], None, None);
    let gone = app.person("wedi-mynd@ysgol.cymru", &[], None, None);
    let third = app.person("trydydd@ysgol.cymru", &[], None, None);
    let seat: Value = app
        .apply(&first.token, &cohort)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(app.apply(&gone.token, &cohort).await.status(), 201);
    assert_eq!(app.apply(&third.token, &cohort).await.status(), 201);
    let gone_id =
        roster_by_email(&app, &lead.token, &cohort).await["wedi-mynd@ysgol.cymru"]["person_id"]
            .as_str()
            .unwrap_or("")
            .to_owned();
    let deactivated = app
        .post_as(
            &admin.token,
            &format!("/api/v1/admin/people/{gone_id}/deactivate"),
            &json!({}),
        )
        .await;
    assert_eq!(deactivated.status(), 200);

    let withdrawn = app
        .post_as(
            &first.token,
            &format!(
                "/api/v1/applications/{}/withdraw",
                seat["id"].as_str().unwrap_or("")
            ),
            &json!({}),
        )
        .await;
    assert_eq!(withdrawn.status(), 200);

    let after = roster_by_email(&app, &lead.token, &cohort).await;
    assert_eq!(after["trydydd@ysgol.cymru"]["status"], "confirmed");
    assert_eq!(after["wedi-mynd@ysgol.cymru"]["status"], "waitlisted");
    app.wait_for_email(&third.email, "is now yours").await;
    assert!(
        !app.sent_emails()
            .iter()
            .any(|e| e.to == gone.email && e.subject.contains("is now yours")),
        "the deactivated person is not told of a seat"
    );
}

/// A body may be left out, but one that is sent must be read: an unreadable reason does not
/// withdraw the application as if none had been given.
#[tokio::test]
async fn a_withdrawal_with_an_unreadable_body_is_400_and_withdraws_nothing() {
    let app = spawn_app().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (_, cohort) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 2)
        .await;
    let teacher = app.person("athro@ysgol.cymru", &[], None, None);
    let applied: Value = app
        .apply(&teacher.token, &cohort)
        .await
        .json()
        .await
        .expect("json");
    let path = format!(
        "/api/v1/applications/{}/withdraw",
        applied["id"].as_str().unwrap_or("")
    );
    let refused = app
        .post_as(&teacher.token, &path, &json!({"reason": 42}))
        .await;
    assert_eq!(refused.status(), 400);
    assert_eq!(problem(refused).await["code"], "bad_request");
    let mine: Vec<Value> = app
        .get_as(&teacher.token, "/api/v1/me/applications")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(mine[0]["status"], "confirmed");

    let without_body = app
        .client
        .post(app.url(&path))
        .bearer_auth(&teacher.token)
        .send()
        .await
        .expect("sent");
    assert_eq!(without_body.status(), 200, "no body is no reason");
}

#[tokio::test]
async fn a_value_of_the_wrong_kind_is_named_in_the_readers_language() {
    let app = spawn_app().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (_, cohort) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 5)
        .await;
    let patch = |lang: &'static str| {
        app.client
            .patch(app.url(&format!("/api/v1/cohorts/{cohort}?lang={lang}")))
            .bearer_auth(&lead.token)
            .json(&json!({"capacity": "twenty"}))
            .send()
    };
    let refused = patch("en").await.expect("sent");
    assert_eq!(refused.status(), 400);
    let body = problem(refused).await;
    assert_eq!(body["code"], "bad_request");
    assert_eq!(body["errors"][0]["field"], "capacity", "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("wrong kind of value"),
        "{body}"
    );
    let welsh = problem(patch("cy").await.expect("sent")).await;
    assert_eq!(welsh["errors"][0]["field"], "capacity");
    assert!(
        welsh["errors"][0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("math anghywir"),
        "{welsh}"
    );
    let without_type = app
        .client
        .patch(app.url(&format!("/api/v1/cohorts/{cohort}")))
        .bearer_auth(&lead.token)
        .body(r#"{"capacity": 20}"#)
        .send()
        .await
        .expect("sent");
    assert_eq!(without_type.status(), 400, "JSON says it is JSON");
}

#[tokio::test]
async fn a_second_application_to_the_same_programme_is_409() {
    let app = spawn_app().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (_, cohort) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 5)
        .await;
    let teacher = app.person("athro@ysgol.cymru", &[], None, None);
    assert_eq!(app.apply(&teacher.token, &cohort).await.status(), 201);
    let again = app.apply(&teacher.token, &cohort).await;
    assert_eq!(again.status(), 409);
    assert_eq!(
        problem(again).await["detail"],
        "You already have an application for this programme."
    );

    // The refused application took no seat: four more fill the cohort of five, and only the
    // sixth waits.
    for n in 1..=5 {
        let other = app.person(&format!("athro{n}@ysgol.cymru"), &[], None, None);
        let body: serde_json::Value = app
            .apply(&other.token, &cohort)
            .await
            .json()
            .await
            .expect("json");
        let (status, position) = if n < 5 {
            ("confirmed", serde_json::Value::Null)
        } else {
            ("waitlisted", serde_json::json!(1))
        };
        assert_eq!(body["status"], status, "applicant {n}: {body}");
        assert_eq!(body["waitlist_position"], position, "applicant {n}: {body}");
    }
}

#[tokio::test]
async fn the_headteacher_of_the_applicants_school_endorses_and_no_one_else() {
    let app = spawn_app().await;
    let school = app.school("Ysgol Gymraeg Nant Caerau");
    let other_school = app.school("Ysgol y Graig");
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (_, cohort) = app
        .programme_with_cohort(&lead, "mldp", true, &["future_middle_leader"], 10)
        .await;
    let teacher = app.person(
        "athro@ysgol.cymru",
        &[],
        Some(&school),
        Some("future_middle_leader"),
    );
    let head = app.person(
        "pennaeth@ysgol.cymru",
        &[Role::Headteacher],
        Some(&school),
        Some("new_headteacher"),
    );
    let other_head = app.person(
        "pennaeth@graig.cymru",
        &[Role::Headteacher],
        Some(&other_school),
        None,
    );

    let applied: Value = app
        .apply(&teacher.token, &cohort)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(applied["status"], "awaiting_endorsement");
    let id = applied["id"].as_str().unwrap_or("").to_owned();
    let request = app
        .wait_for_email(&head.email, "asks for your endorsement")
        .await;
    assert!(request.text.contains("athro"), "{}", request.text);
    // The button leads to the head's queue of applications waiting for them.
    assert!(
        request.text.contains("http://llwybr.test/endorsements"),
        "{}",
        request.text
    );
    assert!(
        request
            .html
            .contains("href=\"http://llwybr.test/endorsements?lang=en\"")
    );
    assert_eq!(app.get_as(&head.token, "/endorsements").await.status(), 200);

    for stranger in [&other_head, &teacher, &lead] {
        let refused = app
            .post_as(
                &stranger.token,
                &format!("/api/v1/applications/{id}/endorse"),
                &json!({}),
            )
            .await;
        assert_eq!(refused.status(), 403, "{} must not endorse", stranger.email);
    }
    let endorsed: Value = app
        .post_as(
            &head.token,
            &format!("/api/v1/applications/{id}/endorse"),
            &json!({}),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(endorsed["status"], "confirmed");
    let confirmed = app.wait_for_email(&teacher.email, "is confirmed").await;
    // The button leads to the applicant's own list of applications, which lists this one.
    assert!(
        confirmed.text.contains("http://llwybr.test/applications"),
        "{}",
        confirmed.text
    );
    assert!(
        confirmed
            .html
            .contains("href=\"http://llwybr.test/applications?lang=en\""),
        "in the reader's language"
    );
    let listed = app.get_as(&teacher.token, "/applications").await;
    assert_eq!(listed.status(), 200);
    assert!(
        listed
            .text()
            .await
            .expect("html")
            .contains("Middle Leadership Development Programme")
    );
    let twice = app
        .post_as(
            &head.token,
            &format!("/api/v1/applications/{id}/decline"),
            &json!({}),
        )
        .await;
    assert_eq!(
        twice.status(),
        409,
        "an endorsed application cannot then be declined"
    );
}

#[tokio::test]
async fn the_school_an_application_was_made_from_endorses_it_whatever_the_profile_says_later() {
    let app = spawn_app().await;
    let school = app.school("Ysgol Gymraeg Nant Caerau");
    let other_school = app.school("Ysgol y Graig");
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (_, cohort) = app
        .programme_with_cohort(&lead, "mldp", true, &[], 10)
        .await;
    let teacher = app.person("athro@ysgol.cymru", &[], Some(&school), None);
    let head = app.person(
        "pennaeth@ysgol.cymru",
        &[Role::Headteacher],
        Some(&school),
        None,
    );
    let other_head = app.person(
        "pennaeth@graig.cymru",
        &[Role::Headteacher],
        Some(&other_school),
        None,
    );
    let applied: Value = app
        .apply(&teacher.token, &cohort)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(applied["status"], "awaiting_endorsement");
    let id = applied["id"].as_str().unwrap_or("").to_owned();

    // The applicant names another school on their profile while the request waits.
    let moved = app
        .client
        .patch(app.url("/api/v1/me"))
        .bearer_auth(&teacher.token)
        .json(&json!({ "school_id": other_school }))
        .send()
        .await
        .expect("sent");
    assert_eq!(moved.status(), 200);

    // That school's head neither sees the application nor may decide on it.
    let queue = app
        .get_as(&other_head.token, "/endorsements")
        .await
        .text()
        .await
        .expect("html");
    assert!(!queue.contains("athro@ysgol.cymru"), "{queue}");
    let refused = app
        .post_as(
            &other_head.token,
            &format!("/api/v1/applications/{id}/decline"),
            &json!({}),
        )
        .await;
    assert_eq!(refused.status(), 403);

    // The head of the school it was made from still does.
    let queue = app
        .get_as(&head.token, "/endorsements")
        .await
        .text()
        .await
        .expect("html");
    assert!(queue.contains("athro@ysgol.cymru"), "{queue}");
    let endorsed: Value = app
        .post_as(
            &head.token,
            &format!("/api/v1/applications/{id}/endorse"),
            &json!({}),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(endorsed["status"], "confirmed");
}

#[tokio::test]
async fn a_headteacher_never_endorses_their_own_application() {
    use diesel::prelude::*;
    use llwybr::db::schema::email_outbox;

    let app = spawn_app().await;
    let school = app.school("Ysgol Gymraeg Nant Caerau");
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (_, cohort) = app
        .programme_with_cohort(&lead, "npqh", true, &[], 10)
        .await;
    let head = app.person(
        "pennaeth@ysgol.cymru",
        &[Role::Headteacher],
        Some(&school),
        None,
    );
    let co_head = app.person(
        "cydbennaeth@ysgol.cymru",
        &[Role::Headteacher],
        Some(&school),
        None,
    );
    let applied: Value = app
        .apply(&head.token, &cohort)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(applied["status"], "awaiting_endorsement");
    let id = applied["id"].as_str().unwrap_or("").to_owned();

    // The other head of the school is asked; the applicant is not asked to endorse themselves.
    app.wait_for_email(&co_head.email, "asks for your endorsement")
        .await;
    let asked_themselves: i64 = email_outbox::table
        .filter(email_outbox::recipient_email.eq(&head.email))
        .filter(email_outbox::template.eq("endorsement_request"))
        .count()
        .get_result(&mut app.db())
        .expect("count");
    assert_eq!(asked_themselves, 0);
    let queue = app
        .get_as(&head.token, "/endorsements")
        .await
        .text()
        .await
        .expect("html");
    let co_queue = app
        .get_as(&co_head.token, "/endorsements")
        .await
        .text()
        .await
        .expect("html");
    let endorse_form = format!("/applications/{id}/endorse");
    assert!(!queue.contains(&endorse_form), "{queue}");
    assert!(co_queue.contains(&endorse_form), "{co_queue}");

    let refused = app
        .post_as(
            &head.token,
            &format!("/api/v1/applications/{id}/endorse"),
            &json!({}),
        )
        .await;
    assert_eq!(refused.status(), 403);
    let mine: Value = app
        .get_as(&head.token, "/api/v1/me/applications")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(mine[0]["status"], "awaiting_endorsement", "{mine}");
    let endorsed: Value = app
        .post_as(
            &co_head.token,
            &format!("/api/v1/applications/{id}/endorse"),
            &json!({}),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(endorsed["status"], "confirmed");
}

#[tokio::test]
async fn a_declined_application_frees_the_person_to_apply_again() {
    let app = spawn_app().await;
    let school = app.school("Ysgol Gymraeg Nant Caerau");
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (_, cohort) = app
        .programme_with_cohort(&lead, "mldp", true, &[], 10)
        .await;
    let teacher = app.person("athro@ysgol.cymru", &[], Some(&school), None);
    let head = app.person(
        "pennaeth@ysgol.cymru",
        &[Role::Headteacher],
        Some(&school),
        None,
    );
    let applied: Value = app
        .apply(&teacher.token, &cohort)
        .await
        .json()
        .await
        .expect("json");
    let declined = app
        .post_as(
            &head.token,
            &format!(
                "/api/v1/applications/{}/decline",
                applied["id"].as_str().unwrap_or("")
            ),
            &json!({"reason": "next year"}),
        )
        .await;
    assert_eq!(declined.status(), 200);
    app.wait_for_email(&teacher.email, "was not endorsed").await;
    assert_eq!(app.apply(&teacher.token, &cohort).await.status(), 201);
}

#[tokio::test]
async fn ineligible_applicants_are_told_why_in_their_language_and_nothing_is_stored() {
    let app = spawn_app().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (_, cohort) = app
        .programme_with_cohort(&lead, "mldp", false, &["future_middle_leader"], 10)
        .await;
    let nqt = app.person("ang@ysgol.cymru", &[], None, Some("nqt"));
    let refused = app
        .client
        .post(app.url(&format!("/api/v1/cohorts/{cohort}/applications")))
        .bearer_auth(&nqt.token)
        .header("accept-language", "cy")
        .send()
        .await
        .expect("sent");
    assert_eq!(refused.status(), 422);
    let body = problem(refused).await;
    assert_eq!(body["code"], "refused");
    assert!(
        body["detail"].as_str().unwrap_or("").contains("continwwm"),
        "{body}"
    );
    let mine: Vec<Value> = app
        .get_as(&nqt.token, "/api/v1/me/applications")
        .await
        .json()
        .await
        .expect("json");
    assert!(mine.is_empty());

    // Every stage a programme targets counts, not only the first.
    let (_, both) = app
        .programme_with_cohort(&lead, "ang", false, &["future_middle_leader", "nqt"], 10)
        .await;
    assert_eq!(app.apply(&nqt.token, &both).await.status(), 201);
}

#[tokio::test]
async fn more_capacity_promotes_the_waiting_list_and_less_than_taken_is_refused() {
    let app = spawn_app().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (_, cohort) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 1)
        .await;
    let people: Vec<_> = (0..3)
        .map(|i| app.person(&format!("athro{i}@ysgol.cymru"), &[], None, None))
        .collect();
    for person in &people {
        app.apply(&person.token, &cohort).await;
    }
    let shrink = app
        .client
        .patch(app.url(&format!("/api/v1/cohorts/{cohort}")))
        .bearer_auth(&lead.token)
        .json(&json!({"capacity": 0}))
        .send()
        .await
        .expect("sent");
    assert_eq!(shrink.status(), 422);
    let grown = app
        .client
        .patch(app.url(&format!("/api/v1/cohorts/{cohort}")))
        .bearer_auth(&lead.token)
        .json(&json!({"capacity": 2}))
        .send()
        .await
        .expect("sent");
    assert_eq!(grown.status(), 200);
    let grown: Value = grown.json().await.expect("json");
    assert_eq!(
        (
            grown["capacity"].as_i64(),
            grown["seats_available"].as_i64()
        ),
        (Some(2), Some(0))
    );
    let roster: Vec<Value> = app
        .get_as(&lead.token, &format!("/api/v1/cohorts/{cohort}/roster"))
        .await
        .json()
        .await
        .expect("json");
    let confirmed = roster.iter().filter(|r| r["status"] == "confirmed").count();
    assert_eq!(confirmed, 2);

    let stranger = app.person("arall@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let forbidden = app
        .client
        .patch(app.url(&format!("/api/v1/cohorts/{cohort}")))
        .bearer_auth(&stranger.token)
        .json(&json!({"capacity": 5}))
        .send()
        .await
        .expect("sent");
    assert_eq!(
        forbidden.status(),
        403,
        "a lead of other cohorts cannot change this one"
    );
    assert_eq!(
        app.get_as(&stranger.token, &format!("/api/v1/cohorts/{cohort}/roster"))
            .await
            .status(),
        403
    );
    assert_eq!(
        app.get_as(
            &people[0].token,
            &format!("/api/v1/cohorts/{cohort}/roster")
        )
        .await
        .status(),
        403
    );
}

#[tokio::test]
async fn a_closed_cohort_takes_no_applications() {
    let app = spawn_app().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (_, cohort) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 5)
        .await;
    let closed = app
        .client
        .patch(app.url(&format!("/api/v1/cohorts/{cohort}")))
        .bearer_auth(&lead.token)
        .json(&json!({"status": "closed"}))
        .send()
        .await
        .expect("sent");
    assert_eq!(closed.status(), 200);
    let teacher = app.person("athro@ysgol.cymru", &[], None, None);
    let refused = app.apply(&teacher.token, &cohort).await;
    assert_eq!(refused.status(), 409);
    assert_eq!(
        problem(refused).await["detail"],
        "This cohort is not taking applications."
    );
}

#[tokio::test]
async fn an_admin_can_apply_for_someone_and_override_eligibility_with_a_recorded_reason() {
    let app = spawn_app().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (_, cohort) = app
        .programme_with_cohort(&lead, "npqh", false, &["future_headteacher"], 5)
        .await;
    let teacher = app.person("athro@ysgol.cymru", &[], None, Some("future_middle_leader"));
    let admin = app.person(
        "admin@consortiwm.cymru",
        &[Role::ConsortiumAdmin],
        None,
        None,
    );
    let me: Value = app.me(&teacher.token).await.json().await.expect("json");
    let person_id = me["id"].as_str().unwrap_or("").to_owned();

    let path = format!("/api/v1/cohorts/{cohort}/applications");
    let by_lead = app
        .post_as(
            &lead.token,
            &path,
            &json!({"person_id": person_id, "override_reason": "x"}),
        )
        .await;
    assert_eq!(
        by_lead.status(),
        403,
        "only admins act for others or override"
    );
    let without_reason = app
        .post_as(&admin.token, &path, &json!({"person_id": person_id}))
        .await;
    assert_eq!(
        without_reason.status(),
        422,
        "the rules still apply without a reason"
    );
    let overridden = app
        .post_as(
            &admin.token,
            &path,
            &json!({"person_id": person_id, "override_reason": "Acting deputy since September"}),
        )
        .await;
    assert_eq!(overridden.status(), 201);
    let mine: Vec<Value> = app
        .get_as(&teacher.token, "/api/v1/me/applications")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(mine[0]["status"], "confirmed");

    use diesel::prelude::*;
    use llwybr::db::schema::{enrolment_events, enrolments};
    let mut conn = app.db();
    let (reason, override_reason): (Option<String>, Option<String>) = enrolments::table
        .inner_join(enrolment_events::table)
        .select((
            enrolment_events::reason,
            enrolments::eligibility_override_reason,
        ))
        .first(&mut conn)
        .expect("history");
    assert_eq!(reason.as_deref(), Some("Acting deputy since September"));
    assert_eq!(override_reason, reason);

    let malformed = app
        .client
        .post(app.url(&path))
        .bearer_auth(&admin.token)
        .body("{not json")
        .send()
        .await
        .expect("sent");
    assert_eq!(malformed.status(), 400);
}

#[tokio::test]
async fn new_to_headship_is_for_heads_appointed_in_the_last_two_years() {
    use diesel::prelude::*;
    use llwybr::db::schema::career_entries;

    let app = spawn_app().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let programme = app
        .post_as(
            &lead.token,
            "/api/v1/programmes",
            &json!({"code": "new-to-headship", "title_en": "New to Headship", "title_cy": "Newydd i Brifathrawiaeth",
                    "description_en": "For new heads.", "description_cy": "I benaethiaid newydd.", "target_stages": [],
                    "requires_endorsement": false, "delivery_language": "bilingual",
                    "eligibility": {"roles": ["headteacher", "acting_head"], "appointed_within_months": 24}}),
        )
        .await;
    assert_eq!(programme.status(), 201);
    let programme: Value = programme.json().await.expect("json");
    let day =
        |days: i64| (chrono::Utc::now().date_naive() + chrono::Duration::days(days)).to_string();
    let cohort: Value = app
        .post_as(
            &lead.token,
            &format!("/api/v1/programmes/{}/cohorts", programme["id"].as_str().unwrap_or("")),
            &json!({"name": "Cohort 3", "capacity": 20, "starts_on": day(60), "ends_on": day(200), "language_medium": "welsh"}),
        )
        .await
        .json()
        .await
        .expect("json");
    let cohort = cohort["id"].as_str().unwrap_or("").to_owned();

    let record = |email: &str, role: &str, days_ago: i64| {
        let mut conn = app.db();
        let person: String = llwybr::db::schema::people::table
            .filter(llwybr::db::schema::people::email.eq(email))
            .select(llwybr::db::schema::people::id)
            .first(&mut conn)
            .expect("person");
        diesel::insert_into(career_entries::table)
            .values((
                career_entries::id.eq(uuid::Uuid::new_v4().to_string()),
                career_entries::person_id.eq(person),
                career_entries::role.eq(role),
                career_entries::started_on
                    .eq(chrono::Utc::now().date_naive() - chrono::Duration::days(days_ago)),
                career_entries::created_at.eq(chrono::Utc::now().naive_utc()),
            ))
            .execute(&mut conn)
            .expect("career entry");
    };
    let new_head = app.person("newydd@ysgol.cymru", &[], None, None);
    record("newydd@ysgol.cymru", "acting_head", 200);
    let long_serving = app.person("profiadol@ysgol.cymru", &[], None, None);
    record("profiadol@ysgol.cymru", "headteacher", 365 * 6);
    let deputy = app.person("dirprwy@ysgol.cymru", &[], None, None);
    record("dirprwy@ysgol.cymru", "deputy_head", 30);

    assert_eq!(app.apply(&new_head.token, &cohort).await.status(), 201);
    let too_long = app.apply(&long_serving.token, &cohort).await;
    assert_eq!(too_long.status(), 422);
    assert!(
        problem(too_long).await["detail"]
            .as_str()
            .unwrap_or("")
            .contains("appointed")
    );
    assert_eq!(app.apply(&deputy.token, &cohort).await.status(), 422);
}

async fn second_cohort(
    app: &crate::helpers::TestApp,
    lead: &crate::helpers::TestPerson,
    programme: &str,
    capacity: i64,
) -> String {
    let day =
        |days: i64| (chrono::Utc::now().date_naive() + chrono::Duration::days(days)).to_string();
    let cohort = app
        .post_as(
            &lead.token,
            &format!("/api/v1/programmes/{programme}/cohorts"),
            &json!({"name": "Cohort 2", "capacity": capacity, "starts_on": day(400), "ends_on": day(600), "language_medium": "welsh"}),
        )
        .await;
    assert_eq!(cohort.status(), 201);
    let cohort: Value = cohort.json().await.expect("json");
    cohort["id"].as_str().unwrap_or("").to_owned()
}

#[tokio::test]
async fn people_defer_only_into_open_cohorts_and_leads_only_into_their_own() {
    let app = spawn_app().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let other_lead = app.person("arall@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (programme, first) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 5)
        .await;
    let theirs = second_cohort(&app, &other_lead, &programme, 5).await;
    let teacher = app.person("athro@ysgol.cymru", &[], None, None);
    let seat: Value = app
        .apply(&teacher.token, &first)
        .await
        .json()
        .await
        .expect("json");
    let path = format!(
        "/api/v1/applications/{}/defer",
        seat["id"].as_str().unwrap_or("")
    );

    let pushed = app
        .post_as(&lead.token, &path, &json!({"cohort_id": theirs}))
        .await;
    assert_eq!(pushed.status(), 403, "not into another lead's cohort");
    let closed = app
        .client
        .patch(app.url(&format!("/api/v1/cohorts/{theirs}")))
        .bearer_auth(&other_lead.token)
        .json(&json!({"status": "closed"}))
        .send()
        .await
        .expect("sent");
    assert_eq!(closed.status(), 200);
    let refused = app
        .post_as(&teacher.token, &path, &json!({"cohort_id": theirs}))
        .await;
    assert_eq!(refused.status(), 409, "not into a closed cohort");
    let mine: Vec<Value> = app
        .get_as(&teacher.token, "/api/v1/me/applications")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(mine.len(), 1, "{mine:?}");
    assert_eq!(mine[0]["status"], "confirmed");

    // Whoever runs both cohorts (here an admin) may still place the person there.
    let admin = app.person(
        "admin@consortiwm.cymru",
        &[Role::ConsortiumAdmin],
        None,
        None,
    );
    let placed = app
        .post_as(&admin.token, &path, &json!({"cohort_id": theirs}))
        .await;
    assert_eq!(placed.status(), 200);
}

#[tokio::test]
async fn deferring_frees_the_seat_and_joins_the_later_cohort() {
    let app = spawn_app().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (programme, first) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 1)
        .await;
    let later = second_cohort(&app, &lead, &programme, 5).await;
    let teacher = app.person("athro@ysgol.cymru", &[], None, None);
    let waiting = app.person("aros@ysgol.cymru", &[], None, None);
    let seat: Value = app
        .apply(&teacher.token, &first)
        .await
        .json()
        .await
        .expect("json");
    app.apply(&waiting.token, &first).await;

    let path = format!(
        "/api/v1/applications/{}/defer",
        seat["id"].as_str().unwrap_or("")
    );
    let backwards = app
        .post_as(&teacher.token, &path, &json!({"cohort_id": first}))
        .await;
    assert_eq!(backwards.status(), 422, "not to the same cohort");
    let deferred = app
        .post_as(&teacher.token, &path, &json!({"cohort_id": later}))
        .await;
    assert_eq!(deferred.status(), 200);
    let deferred: Value = deferred.json().await.expect("json");
    assert_eq!(deferred["status"], "confirmed");

    let mine: Vec<Value> = app
        .get_as(&teacher.token, "/api/v1/me/applications")
        .await
        .json()
        .await
        .expect("json");
    let statuses: Vec<(&str, &str)> = mine
        .iter()
        .map(|a| {
            (
                a["cohort_name"].as_str().unwrap_or(""),
                a["status"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert!(
        statuses.contains(&("Cohort 1", "deferred"))
            && statuses.contains(&("Cohort 2", "confirmed")),
        "{statuses:?}"
    );
    let theirs: Vec<Value> = app
        .get_as(&waiting.token, "/api/v1/me/applications")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        theirs[0]["status"], "confirmed",
        "the freed seat went to the waiting list"
    );
}

#[tokio::test]
async fn a_move_clicked_many_times_at_once_moves_once_and_frees_one_seat() {
    use diesel::prelude::*;
    use llwybr::db::schema::{cohorts, enrolments};

    let app = spawn_app().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (programme, first) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 1)
        .await;
    let other = second_cohort(&app, &lead, &programme, 5).await;
    let moved = app.person("symud@ysgol.cymru", &[], None, None);
    let seat: Value = app
        .apply(&moved.token, &first)
        .await
        .json()
        .await
        .expect("json");
    let waiting: Vec<_> = (0..3)
        .map(|i| app.person(&format!("aros{i}@ysgol.cymru"), &[], None, None))
        .collect();
    for person in &waiting {
        app.apply(&person.token, &first).await;
    }
    let path = format!(
        "/api/v1/applications/{}/move",
        seat["id"].as_str().unwrap_or("")
    );

    let mut clicks = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let request = app
            .client
            .post(app.url(&path))
            .bearer_auth(&lead.token)
            .json(&json!({"cohort_id": other}));
        clicks.spawn(async move { request.send().await.expect("sent").status().as_u16() });
    }
    let mut answers = Vec::new();
    while let Some(answer) = clicks.join_next().await {
        answers.push(answer.expect("a click"));
    }
    answers.sort_unstable();
    assert_eq!(
        answers.iter().filter(|&&a| a == 200).count(),
        1,
        "{answers:?}"
    );
    // The others found it changed under them (409) or already there (422).
    assert!(
        answers.iter().all(|&a| [200, 409, 422].contains(&a)),
        "{answers:?}"
    );

    // Each cohort's seats are the applications holding one; one person moved up, not several.
    let mut conn = app.db();
    for cohort in [&first, &other] {
        let taken: i32 = cohorts::table
            .find(cohort)
            .select(cohorts::seats_taken)
            .first(&mut conn)
            .expect("the cohort");
        let held: i64 = enrolments::table
            .filter(enrolments::cohort_id.eq(cohort))
            .filter(enrolments::status.eq("confirmed"))
            .count()
            .get_result(&mut conn)
            .expect("the count");
        assert_eq!((i64::from(taken), held), (1, 1), "cohort {cohort}");
    }
    let still_waiting: i64 = enrolments::table
        .filter(enrolments::cohort_id.eq(&first))
        .filter(enrolments::status.eq("waitlisted"))
        .count()
        .get_result(&mut conn)
        .expect("the count");
    assert_eq!(still_waiting, 2);
}

#[tokio::test]
async fn a_lead_moves_a_participant_and_the_seat_left_behind_is_filled() {
    let app = spawn_app().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (programme, first) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 1)
        .await;
    let other = second_cohort(&app, &lead, &programme, 1).await;
    let moved = app.person("symud@ysgol.cymru", &[], None, None);
    let waiting = app.person("aros@ysgol.cymru", &[], None, None);
    let seat: Value = app
        .apply(&moved.token, &first)
        .await
        .json()
        .await
        .expect("json");
    app.apply(&waiting.token, &first).await;
    let path = format!(
        "/api/v1/applications/{}/move",
        seat["id"].as_str().unwrap_or("")
    );

    let by_participant = app
        .post_as(&moved.token, &path, &json!({"cohort_id": other}))
        .await;
    assert_eq!(by_participant.status(), 403);
    let outcome: Value = app
        .post_as(
            &lead.token,
            &path,
            &json!({"cohort_id": other, "reason": "Welsh-medium cohort suits better"}),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(outcome["status"], "confirmed");

    let roster_first: Vec<Value> = app
        .get_as(&lead.token, &format!("/api/v1/cohorts/{first}/roster"))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(roster_first.len(), 1);
    assert_eq!(roster_first[0]["email"], "aros@ysgol.cymru");
    assert_eq!(roster_first[0]["status"], "confirmed");
    let roster_other: Vec<Value> = app
        .get_as(&lead.token, &format!("/api/v1/cohorts/{other}/roster"))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(roster_other[0]["email"], "symud@ysgol.cymru");
}

#[tokio::test]
async fn the_lead_downloads_the_roster_as_csv() {
    let app = spawn_app().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (_, cohort) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 1)
        .await;
    for email in ["siân@ysgol.cymru", "gareth@ysgol.cymru"] {
        let person = app.person(email, &[], None, None);
        app.apply(&person.token, &cohort).await;
    }
    {
        // A name a spreadsheet would run as a formula, were it written as typed.
        use diesel::prelude::*;
        use llwybr::db::schema::people;
        diesel::update(people::table.filter(people::email.eq("gareth@ysgol.cymru")))
            .set(people::name.eq("=1+1"))
            .execute(&mut app.db())
            .expect("a name");
    }
    let response = app
        .get_as(&lead.token, &format!("/api/v1/cohorts/{cohort}/roster.csv"))
        .await;
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap_or("")
            .starts_with("text/csv")
    );
    let body = response.text().await.expect("body");
    let lines: Vec<&str> = body.lines().collect();
    assert_eq!(
        lines[0],
        "name,email,school,status,waitlist_position,applied_at"
    );
    assert_eq!(lines.len(), 3);
    assert!(body.contains("siân@ysgol.cymru,,confirmed,,"), "{body}");
    assert!(
        body.contains("'=1+1,gareth@ysgol.cymru,,waitlisted,1,"),
        "{body}"
    );
    let teacher = app.person("athro@ysgol.cymru", &[], None, None);
    assert_eq!(
        app.get_as(
            &teacher.token,
            &format!("/api/v1/cohorts/{cohort}/roster.csv")
        )
        .await
        .status(),
        403
    );
}

#[tokio::test]
async fn the_roster_csv_names_schools_in_the_readers_language() {
    let app = spawn_app().await;
    let school = app.school("Nant Caerau Welsh-medium School");
    {
        use diesel::prelude::*;
        use llwybr::db::schema::schools;
        diesel::update(schools::table.find(&school))
            .set(schools::name_cy.eq("Ysgol Gymraeg Nant Caerau"))
            .execute(&mut app.db())
            .expect("a Welsh name");
    }
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (_, cohort) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 10)
        .await;
    let teacher = app.person("athro@ysgol.cymru", &[], Some(&school), None);
    assert_eq!(app.apply(&teacher.token, &cohort).await.status(), 201);
    let roster = |query: &'static str| {
        let path = format!("/api/v1/cohorts/{cohort}/roster.csv{query}");
        let (app, token) = (&app, &lead.token);
        async move {
            let response = app.get_as(token, &path).await;
            assert_eq!(response.status(), 200);
            response.text().await.expect("csv")
        }
    };
    let header = "name,email,school,status,waitlist_position,applied_at\n";

    let english = roster("").await;
    assert!(english.starts_with(header), "{english}");
    assert!(
        english.contains("athro@ysgol.cymru,Nant Caerau Welsh-medium School,confirmed"),
        "{english}"
    );

    let welsh = roster("?lang=cy").await;
    assert!(
        welsh.starts_with(header),
        "the columns keep their documented names: {welsh}"
    );
    assert!(
        welsh.contains("athro@ysgol.cymru,Ysgol Gymraeg Nant Caerau,confirmed"),
        "{welsh}"
    );

    // A lead who chose Cymraeg on the site downloads it in Welsh too.
    let switched = app
        .client
        .get(app.url("/language/cy"))
        .bearer_auth(&lead.token)
        .send()
        .await
        .expect("sent");
    assert_eq!(switched.status(), 303);
    assert!(roster("").await.contains("Ysgol Gymraeg Nant Caerau"));
}

#[tokio::test]
async fn a_self_registered_person_applies_once_their_address_is_confirmed() {
    let app = spawn_app().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (_, cohort) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 5)
        .await;
    let token = app.token_for("ceri@ysgol.cymru").await;
    let me: Value = app.me(&token).await.json().await.expect("json");
    assert_eq!(me["email_confirmed"], false);

    // Anyone may register any address: until its owner confirms it, nothing is applied for in
    // their name.
    let refused = app.apply(&token, &cohort).await;
    assert_eq!(refused.status(), 422);
    let detail = problem(refused).await["detail"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(detail.contains("Confirm your email address"), "{detail}");
    assert!(roster_by_email(&app, &lead.token, &cohort).await.is_empty());

    // From the page, the Apply button leads to the profile, which says why and offers the link.
    let from_page = app
        .client
        .post(app.url(&format!("/cohorts/{cohort}/apply")))
        .bearer_auth(&token)
        .send()
        .await
        .expect("sent");
    assert_eq!(from_page.status(), 303);
    let location = from_page.headers()["location"]
        .to_str()
        .unwrap_or("")
        .to_owned();
    assert!(location.starts_with("/profile?link=needed"), "{location}");
    let profile = app
        .get_as(&token, &location)
        .await
        .text()
        .await
        .expect("html");
    assert!(profile.contains(r#"id="confirm-email""#), "{profile}");
    assert!(
        profile.contains("Confirm your email address before you apply"),
        "{profile}"
    );
    app.wait_for_email("ceri@ysgol.cymru", "Welcome").await;
    let nothing = json!({});
    let ask_again = || app.post_as(&token, "/api/v1/me/email/confirmation", &nothing);
    let too_soon = ask_again().await;
    assert_eq!(
        too_soon.status(),
        409,
        "the first link went out a moment ago"
    );
    // A minute on, a new link is sent, once however often the button is pressed.
    {
        use diesel::prelude::*;
        use llwybr::db::schema::password_resets;
        let earlier = chrono::Utc::now().naive_utc() - chrono::Duration::minutes(2);
        diesel::update(password_resets::table)
            .set(password_resets::created_at.eq(earlier))
            .execute(&mut app.db())
            .expect("the first link sent two minutes ago");
    }
    assert_eq!(ask_again().await.status(), 202);
    assert_eq!(ask_again().await.status(), 409);
    let welcomes = || {
        app.sent_emails()
            .into_iter()
            .filter(|e| e.to == "ceri@ysgol.cymru" && e.subject.starts_with("Welcome"))
            .collect::<Vec<_>>()
    };
    for _ in 0..100 {
        if welcomes().len() >= 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // Time for a third, were one on its way.
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    let sent = welcomes();
    assert_eq!(sent.len(), 2, "one more link");
    let first = token_in_link(&sent[0].text);
    let second = token_in_link(&sent[1].text);
    assert_ne!(first, second, "a new link");

    // A confirmation link confirms and does nothing else: it sets no password.
    let as_reset = app
        .post_json(
            "/api/v1/auth/password-reset/confirm",
            &json!({"token": first, "password": "Pont Menai 1826 hir"}),
        )
        .await;
    assert_eq!(as_reset.status(), 422);
    let confirmed = app
        .client
        .post(app.url("/email/confirm"))
        .form(&[("token", second.as_str())])
        .send()
        .await
        .expect("sent");
    assert_eq!(confirmed.status(), 303);
    let me: Value = app.me(&token).await.json().await.expect("json");
    assert_eq!(me["email_confirmed"], true);
    // The other link sent is spent with the confirmation.
    let first_again = app
        .client
        .post(app.url("/email/confirm"))
        .form(&[("token", first.as_str())])
        .send()
        .await
        .expect("sent");
    assert_eq!(first_again.status(), 422);
    assert_eq!(app.apply(&token, &cohort).await.status(), 201);
    let profile = app
        .get_as(&token, "/profile")
        .await
        .text()
        .await
        .expect("html");
    assert!(!profile.contains(r#"id="confirm-email""#));
    let more = ask_again().await;
    assert_eq!(more.status(), 409);
    assert!(
        problem(more).await["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("confirmed already")
    );
}
