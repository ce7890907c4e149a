use std::collections::BTreeMap;

use llwybr::domain::role::Role;
use serde_json::{Value, json};

use crate::helpers::{problem, spawn_app};

async fn apply(app: &crate::helpers::TestApp, token: &str, cohort: &str) -> reqwest::Response {
    app.post_as(
        token,
        &format!("/api/v1/cohorts/{cohort}/applications"),
        &json!({}),
    )
    .await
}

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

    let cohorts: Vec<Value> = app
        .client
        .get(app.url("/api/v1/programmes"))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    assert_eq!(cohorts[0]["cohorts"][0]["seats_available"], 0);
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

    let seat: Value = apply(&app, &first.token, &cohort)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(seat["status"], "confirmed");
    let waiting: Value = apply(&app, &second.token, &cohort)
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
    let behind: Value = apply(&app, &third.token, &cohort)
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

#[tokio::test]
async fn a_second_application_to_the_same_programme_is_409() {
    let app = spawn_app().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (_, cohort) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 5)
        .await;
    let teacher = app.person("athro@ysgol.cymru", &[], None, None);
    assert_eq!(apply(&app, &teacher.token, &cohort).await.status(), 201);
    let again = apply(&app, &teacher.token, &cohort).await;
    assert_eq!(again.status(), 409);
    assert_eq!(
        problem(again).await["detail"],
        "You already have an application for this programme."
    );
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

    let applied: Value = apply(&app, &teacher.token, &cohort)
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
    app.wait_for_email(&teacher.email, "is confirmed").await;
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
    let applied: Value = apply(&app, &teacher.token, &cohort)
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
    assert_eq!(apply(&app, &teacher.token, &cohort).await.status(), 201);
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
        apply(&app, &person.token, &cohort).await;
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
    let refused = apply(&app, &teacher.token, &cohort).await;
    assert_eq!(refused.status(), 409);
    assert_eq!(
        problem(refused).await["detail"],
        "This cohort is not taking applications."
    );
}
