//! People administration and personal-data rights: deactivation, invitations, roles, the audit
//! log, the data export, erasure (with every total unchanged) and the retention period.

use diesel::prelude::*;
use llwybr::db::schema::{
    attendance, audit_log, email_outbox, enrolment_events, enrolments, evaluation_answers,
    evaluation_forms, evaluation_invitations, evaluation_questions, evaluation_responses,
    evaluation_rounds, people,
};
use llwybr::domain::role::Role;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, TestPerson, problem, spawn_app, token_in_link};

fn person_id(app: &TestApp, email: &str) -> String {
    let mut conn = app.db();
    people::table
        .filter(people::email.eq(email))
        .select(people::id)
        .first(&mut conn)
        .expect("person")
}

async fn admin_post(app: &TestApp, admin: &TestPerson, path: &str) -> reqwest::Response {
    app.post_as(&admin.token, path, &json!({})).await
}

#[tokio::test]
async fn a_deactivated_account_is_refused_with_a_clear_message_and_keeps_its_history() {
    let app = spawn_app().await;
    let admin = app.person("admin@csc.cymru", &[Role::ConsortiumAdmin], None, None);
    let teacher = app.person("athro@ysgol.cymru", &[], None, None);
    let id = person_id(&app, "athro@ysgol.cymru");
    assert_eq!(app.me(&teacher.token).await.status(), 200);
    // A reset link asked for before leaving must not let them set a password afterwards.
    let asked = app
        .post_json(
            "/api/v1/auth/password-reset",
            &json!({"email": "athro@ysgol.cymru"}),
        )
        .await;
    assert_eq!(asked.status(), 202);
    let link = app
        .wait_for_email("athro@ysgol.cymru", "Reset your Llwybr password")
        .await;
    let reset_token = crate::helpers::token_in_link(&link.text);

    let response = admin_post(
        &app,
        &admin,
        &format!("/api/v1/admin/people/{id}/deactivate"),
    )
    .await;
    assert_eq!(response.status(), 200);
    let detail: Value = response.json().await.expect("json");
    assert_eq!(detail["active"], false);

    let refused = app
        .client
        .get(app.url("/api/v1/me?lang=cy"))
        .bearer_auth(&teacher.token)
        .send()
        .await
        .expect("sent");
    assert_eq!(refused.status(), 403);
    let body = problem(refused).await;
    assert_eq!(body["code"], "account_deactivated");
    assert!(
        body["detail"]
            .as_str()
            .unwrap_or("")
            .contains("dadactifadu"),
        "{body}"
    );
    assert_eq!(app.login("athro@ysgol.cymru", PASSWORD).await.status(), 401);

    // Only admins, and never themselves.
    let other = app.person("arall@ysgol.cymru", &[], None, None);
    let forbidden = admin_post(
        &app,
        &other,
        &format!("/api/v1/admin/people/{id}/reactivate"),
    )
    .await;
    assert_eq!(forbidden.status(), 403);
    let admin_id = person_id(&app, "admin@csc.cymru");
    let own = admin_post(
        &app,
        &admin,
        &format!("/api/v1/admin/people/{admin_id}/deactivate"),
    )
    .await;
    assert_eq!(own.status(), 409);

    let response = admin_post(
        &app,
        &admin,
        &format!("/api/v1/admin/people/{id}/reactivate"),
    )
    .await;
    assert_eq!(response.status(), 200);
    // The old token stays dead; signing in again works.
    assert_eq!(app.me(&teacher.token).await.status(), 401);
    assert_eq!(app.login("athro@ysgol.cymru", PASSWORD).await.status(), 200);
    let spent = app
        .post_json(
            "/api/v1/auth/password-reset/confirm",
            &json!({"token": reset_token, "password": "Pont Menai 1826 hir"}),
        )
        .await;
    assert_eq!(spent.status(), 422, "the link went with the deactivation");

    let mut conn = app.db();
    let actions: Vec<String> = audit_log::table
        .filter(audit_log::object_id.eq(&id))
        .order(audit_log::occurred_at.asc())
        .select(audit_log::action)
        .load(&mut conn)
        .expect("audit");
    assert!(
        actions.contains(&"person.deactivated".to_owned()),
        "{actions:?}"
    );
    assert!(
        actions.contains(&"person.reactivated".to_owned()),
        "{actions:?}"
    );
}

#[tokio::test]
async fn an_invited_person_chooses_a_password_from_an_email_in_their_language() {
    let (app, admin) = crate::admin_import::seeded_app().await;
    for kind in ["schools", "people"] {
        let file = crate::admin_import::fixture(&format!("{kind}.csv"));
        crate::admin_import::import(&app, &admin.token, kind, &file, "en").await;
    }
    let email = "siwan.evans@penygroes.example.cymru";
    assert_eq!(app.login(email, PASSWORD).await.status(), 401);
    let id = person_id(&app, email);
    let response = admin_post(&app, &admin, &format!("/api/v1/admin/people/{id}/invite")).await;
    assert_eq!(response.status(), 200);
    let sent = app.wait_for_email(email, "gwahoddiad").await;
    assert!(
        sent.text.contains("Dewiswch eich cyfrinair"),
        "{}",
        sent.text
    );
    assert!(
        sent.text
            .contains("http://llwybr.test/password/reset?token=")
    );
    let token = token_in_link(&sent.text);
    let confirm = app
        .post_json(
            "/api/v1/auth/password-reset/confirm",
            &json!({ "token": token, "password": PASSWORD }),
        )
        .await;
    assert_eq!(
        confirm.status(),
        204,
        "{}",
        confirm.text().await.unwrap_or_default()
    );
    assert_eq!(app.login(email, PASSWORD).await.status(), 200);
}

#[tokio::test]
async fn roles_are_granted_in_their_scope_and_removed_and_every_change_is_audited() {
    let app = spawn_app().await;
    let school = app.school("Ysgol Gymraeg Nant Caerau");
    let admin = app.person("admin@csc.cymru", &[Role::ConsortiumAdmin], None, None);
    let head = app.person("pennaeth@ysgol.cymru", &[], Some(&school), None);
    let id = person_id(&app, "pennaeth@ysgol.cymru");
    let path = format!("/api/v1/admin/people/{id}/roles");

    let missing = app
        .post_as(
            &admin.token,
            &format!("{path}?lang=cy"),
            &json!({"role": "headteacher"}),
        )
        .await;
    assert_eq!(missing.status(), 422);
    let body = problem(missing).await;
    assert_eq!(body["errors"][0]["field"], "school_id");
    assert_eq!(
        body["errors"][0]["message"],
        "Dewiswch yr ysgol y mae'r pennaeth hwn yn ei harwain."
    );

    let granted = app
        .post_as(
            &admin.token,
            &path,
            &json!({"role": "headteacher", "school_id": school}),
        )
        .await;
    assert_eq!(granted.status(), 200);
    let again = app
        .post_as(
            &admin.token,
            &path,
            &json!({"role": "headteacher", "school_id": school}),
        )
        .await;
    let detail: Value = again.json().await.expect("json");
    let grants = detail["grants"].as_array().expect("grants");
    assert_eq!(
        grants.len(),
        2,
        "participant and one headteacher grant: {detail}"
    );
    let head_grant = grants
        .iter()
        .find(|g| g["role"] == "headteacher")
        .expect("headteacher");
    assert_eq!(head_grant["scope_en"], "Ysgol Gymraeg Nant Caerau");
    let me: Value = app.me(&head.token).await.json().await.expect("json");
    assert!(
        me["roles"]
            .as_array()
            .is_some_and(|r| r.contains(&json!("headteacher")))
    );

    let grant_id = head_grant["id"].as_str().expect("id");
    let removed = app
        .client
        .delete(app.url(&format!("{path}/{grant_id}")))
        .bearer_auth(&admin.token)
        .send()
        .await
        .expect("sent");
    assert_eq!(removed.status(), 200);
    let participant = grants
        .iter()
        .find(|g| g["role"] == "participant")
        .and_then(|g| g["id"].as_str())
        .expect("participant");
    let kept = app
        .client
        .delete(app.url(&format!("{path}/{participant}")))
        .bearer_auth(&admin.token)
        .send()
        .await
        .expect("sent");
    assert_eq!(kept.status(), 409);

    let log: Vec<Value> = app
        .get_as(&admin.token, &format!("/api/v1/admin/audit?person_id={id}"))
        .await
        .json()
        .await
        .expect("json");
    let actions: Vec<&str> = log.iter().filter_map(|r| r["action"].as_str()).collect();
    assert_eq!(actions, ["role.revoked", "role.granted"], "{log:?}");
    assert!(
        log[0]["before_state"]
            .as_str()
            .unwrap_or("")
            .contains("headteacher")
    );
    assert!(
        log[1]["after_state"]
            .as_str()
            .unwrap_or("")
            .contains(&school)
    );

    // Search by object and by dates; a bad date is named.
    let today = chrono::Utc::now().date_naive();
    let by_object: Vec<Value> = app
        .get_as(
            &admin.token,
            &format!(
                "/api/v1/admin/audit?object_type=person&object_id={id}&from={today}&to={today}"
            ),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(by_object.len(), 2);
    let tomorrow = today + chrono::Duration::days(1);
    let none: Vec<Value> = app
        .get_as(
            &admin.token,
            &format!("/api/v1/admin/audit?person_id={id}&from={tomorrow}"),
        )
        .await
        .json()
        .await
        .expect("json");
    assert!(none.is_empty());
    for query in ["from=yesterday", "to=%2B262142-12-31"] {
        let bad = app
            .get_as(&admin.token, &format!("/api/v1/admin/audit?{query}"))
            .await;
        assert_eq!(bad.status(), 422, "{query}");
    }
    // A page far past the last is empty, on the page as in the API.
    let far: Vec<Value> = app
        .get_as(&admin.token, "/api/v1/admin/audit?page=9223372036854775807")
        .await
        .json()
        .await
        .expect("json");
    assert!(far.is_empty());
    let far_page = app
        .get_as(&admin.token, "/admin/audit?page=9223372036854775807")
        .await;
    assert_eq!(far_page.status(), 200);
    // The log is read-only: no route changes or removes an entry.
    for method in [
        reqwest::Method::POST,
        reqwest::Method::PUT,
        reqwest::Method::PATCH,
        reqwest::Method::DELETE,
    ] {
        let response = app
            .client
            .request(method.clone(), app.url("/api/v1/admin/audit"))
            .bearer_auth(&admin.token)
            .send()
            .await
            .expect("sent");
        assert!(
            [404, 405].contains(&response.status().as_u16()),
            "{method} answered {}",
            response.status()
        );
    }
    let forbidden = app.get_as(&head.token, "/api/v1/admin/audit").await;
    assert_eq!(forbidden.status(), 403);
    let page = app
        .client
        .get(app.url(&format!("/admin/audit?person_id={id}&lang=cy")))
        .bearer_auth(&admin.token)
        .send()
        .await
        .expect("sent");
    assert_eq!(page.status(), 200);
    assert!(page.text().await.expect("html").contains("role.granted"));
}

#[tokio::test]
async fn local_authorities_and_schools_are_kept_by_admins() {
    let app = spawn_app().await;
    app.school("Ysgol Gynradd Heol Llandaf");
    let admin = app.person("admin@csc.cymru", &[Role::ConsortiumAdmin], None, None);
    let la = app
        .post_as(
            &admin.token,
            "/api/v1/admin/local-authorities",
            &json!({"code": "bro-morgannwg", "name_en": "Vale of Glamorgan", "name_cy": "Bro Morgannwg"}),
        )
        .await;
    assert_eq!(la.status(), 201);
    let la: Value = la.json().await.expect("json");
    let bad = app
        .post_as(
            &admin.token,
            "/api/v1/admin/schools?lang=cy",
            &json!({"local_authority_id": la["id"], "school_number": "67321", "name_en": "", "name_cy": "Ysgol", "sector": "college", "language_medium": "welsh"}),
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
    assert_eq!(fields, ["school_number", "name_en", "sector"]);
    let school = app
        .post_as(
            &admin.token,
            "/api/v1/admin/schools",
            &json!({"local_authority_id": la["id"], "school_number": "6732150", "name_en": "Barry Island Primary", "name_cy": "Ysgol Gynradd Ynys y Barri", "sector": "primary", "language_medium": "bilingual", "support_category": "amber"}),
        )
        .await;
    assert_eq!(school.status(), 201);
    let school: Value = school.json().await.expect("json");
    let updated = app
        .client
        .put(app.url(&format!("/api/v1/admin/schools/{}", school["id"].as_str().unwrap_or(""))))
        .bearer_auth(&admin.token)
        .json(&json!({"local_authority_id": la["id"], "school_number": "6732150", "name_en": "Barry Island Primary", "name_cy": "Ysgol Gynradd Ynys y Barri", "sector": "primary", "language_medium": "bilingual", "support_category": "green"}))
        .send()
        .await
        .expect("sent");
    assert_eq!(updated.status(), 200);
    let listed: Vec<Value> = app
        .get_as(
            &admin.token,
            &format!(
                "/api/v1/admin/schools?local_authority_id={}",
                la["id"].as_str().unwrap_or("")
            ),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["support_category"], "green");
    let log: Vec<Value> = app
        .get_as(
            &admin.token,
            &format!(
                "/api/v1/admin/audit?object_type=school&object_id={}",
                school["id"].as_str().unwrap_or("")
            ),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(log[0]["action"], "school.updated");
    assert!(
        log[0]["before_state"]
            .as_str()
            .unwrap_or("")
            .contains("amber")
    );
    let page = app
        .client
        .get(app.url("/admin/organisations"))
        .bearer_auth(&admin.token)
        .send()
        .await
        .expect("sent");
    assert!(
        page.text()
            .await
            .expect("html")
            .contains("Barry Island Primary")
    );
    let welsh = app
        .client
        .get(app.url("/admin/organisations?lang=cy"))
        .bearer_auth(&admin.token)
        .send()
        .await
        .expect("sent")
        .text()
        .await
        .expect("html");
    assert!(
        welsh.contains("<td>Cynradd</td>") && !welsh.contains("<td>primary</td>"),
        "the sector in the reader's words, not its code: {welsh}"
    );
    let school_id = school["id"].as_str().unwrap_or("").to_owned();
    let form = app
        .client
        .get(app.url(&format!("/admin/organisations/schools/{school_id}")))
        .bearer_auth(&admin.token)
        .send()
        .await
        .expect("sent");
    assert_eq!(form.status(), 200);
    assert!(
        form.text()
            .await
            .expect("html")
            .contains("value=\"6732150\"")
    );
    let fields = |number: &str| {
        vec![
            (
                "local_authority_id",
                la["id"].as_str().unwrap_or("").to_owned(),
            ),
            ("school_number", number.to_owned()),
            ("name_en", "Barry Island Primary".to_owned()),
            ("name_cy", "Ysgol Gynradd Ynys y Barri".to_owned()),
            ("sector", "primary".to_owned()),
            ("language_medium", "welsh".to_owned()),
            ("support_category", "red".to_owned()),
        ]
    };
    let bad = app
        .client
        .post(app.url(&format!("/admin/organisations/schools/{school_id}?lang=cy")))
        .bearer_auth(&admin.token)
        .form(&fields("12"))
        .send()
        .await
        .expect("sent");
    assert_eq!(bad.status(), 422);
    assert!(
        bad.text()
            .await
            .expect("html")
            .contains("Mae rhif ysgol yn saith digid")
    );
    let saved = app
        .client
        .post(app.url(&format!("/admin/organisations/schools/{school_id}")))
        .bearer_auth(&admin.token)
        .form(&fields("6732150"))
        .send()
        .await
        .expect("sent");
    assert_eq!(saved.status(), 303);
    let listed: Vec<Value> = app
        .get_as(&admin.token, "/api/v1/admin/schools")
        .await
        .json()
        .await
        .expect("json");
    assert!(
        listed
            .iter()
            .any(|s| s["support_category"] == "red" && s["language_medium"] == "welsh")
    );
    let teacher = app.person("athro@ysgol.cymru", &[], None, None);
    assert_eq!(
        app.get_as(&teacher.token, "/api/v1/admin/schools")
            .await
            .status(),
        403
    );
}

/// The figures the reports are made of, read straight from the database and the API.
async fn totals(app: &TestApp, lead: &TestPerson, cohort: &str, round: &str) -> Vec<Value> {
    let mut conn = app.db();
    let by_status: Vec<(String, i64)> = enrolments::table
        .filter(enrolments::cohort_id.eq(cohort))
        .group_by(enrolments::status)
        .select((enrolments::status, diesel::dsl::count_star()))
        .order(enrolments::status.asc())
        .load(&mut conn)
        .expect("statuses");
    let attendance_rows: Vec<(String, i64)> = attendance::table
        .group_by(attendance::status)
        .select((attendance::status, diesel::dsl::count_star()))
        .order(attendance::status.asc())
        .load(&mut conn)
        .expect("attendance");
    let responses: i64 = evaluation_responses::table
        .filter(evaluation_responses::round_id.eq(round))
        .count()
        .get_result(&mut conn)
        .expect("responses");
    let answers: Vec<Option<i32>> = evaluation_answers::table
        .order(evaluation_answers::id.asc())
        .select(evaluation_answers::value_int)
        .load(&mut conn)
        .expect("answers");
    let invited: i64 = evaluation_invitations::table
        .filter(evaluation_invitations::round_id.eq(round))
        .count()
        .get_result(&mut conn)
        .expect("invitations");
    let roster: Value = app
        .get_as(&lead.token, &format!("/api/v1/cohorts/{cohort}/roster"))
        .await
        .json()
        .await
        .expect("roster");
    let summary: Value = app
        .get_as(&lead.token, &format!("/api/v1/cohorts/{cohort}/attendance"))
        .await
        .json()
        .await
        .expect("attendance summary");
    let pcts: Vec<Value> = summary["participants"]
        .as_array()
        .expect("participants")
        .iter()
        .map(|p| json!([p["status"], p["attendance_pct"], p["completion_rule_met"]]))
        .collect();
    vec![
        json!(by_status),
        json!(attendance_rows),
        json!(responses),
        json!(answers),
        json!(invited),
        json!(roster.as_array().map(Vec::len)),
        json!(pcts),
        json!(summary["sessions_held"]),
    ]
}

fn evaluation_round(app: &TestApp, cohort: &str, respondents: &[&str]) -> String {
    let mut conn = app.db();
    let now = chrono::Utc::now().naive_utc();
    let id = || uuid::Uuid::new_v4().to_string();
    let (form, question, round) = (id(), id(), id());
    diesel::insert_into(evaluation_forms::table)
        .values((
            evaluation_forms::id.eq(&form),
            evaluation_forms::code.eq("cohort-end"),
            evaluation_forms::title_en.eq("End of cohort"),
            evaluation_forms::title_cy.eq("Diwedd y garfan"),
            evaluation_forms::is_default.eq(true),
            evaluation_forms::created_at.eq(now),
        ))
        .execute(&mut conn)
        .expect("form");
    diesel::insert_into(evaluation_questions::table)
        .values((
            evaluation_questions::id.eq(&question),
            evaluation_questions::form_id.eq(&form),
            evaluation_questions::position.eq(1),
            evaluation_questions::kind.eq("rating"),
            evaluation_questions::prompt_en.eq("Overall"),
            evaluation_questions::prompt_cy.eq("Yn gyffredinol"),
            evaluation_questions::required.eq(true),
            evaluation_questions::measure_key.eq("overall"),
        ))
        .execute(&mut conn)
        .expect("question");
    diesel::insert_into(evaluation_rounds::table)
        .values((
            evaluation_rounds::id.eq(&round),
            evaluation_rounds::cohort_id.eq(cohort),
            evaluation_rounds::form_id.eq(&form),
            evaluation_rounds::kind.eq("cohort"),
            evaluation_rounds::anonymous.eq(false),
            evaluation_rounds::opens_at.eq(now),
            evaluation_rounds::closes_at.eq(now + chrono::Duration::days(14)),
            evaluation_rounds::created_at.eq(now),
        ))
        .execute(&mut conn)
        .expect("round");
    for (n, email) in respondents.iter().enumerate() {
        let (invitation, response) = (id(), id());
        let person: String = people::table
            .filter(people::email.eq(email))
            .select(people::id)
            .first(&mut conn)
            .expect("respondent");
        diesel::insert_into(evaluation_invitations::table)
            .values((
                evaluation_invitations::id.eq(&invitation),
                evaluation_invitations::round_id.eq(&round),
                evaluation_invitations::person_id.eq(&person),
                evaluation_invitations::token_hash.eq(id()),
                evaluation_invitations::invited_at.eq(now),
                evaluation_invitations::responded_at.eq(Some(now)),
            ))
            .execute(&mut conn)
            .expect("invitation");
        diesel::insert_into(evaluation_responses::table)
            .values((
                evaluation_responses::id.eq(&response),
                evaluation_responses::round_id.eq(&round),
                evaluation_responses::invitation_id.eq(Some(&invitation)),
                evaluation_responses::submitted_at.eq(now),
            ))
            .execute(&mut conn)
            .expect("response");
        diesel::insert_into(evaluation_answers::table)
            .values((
                evaluation_answers::id.eq(id()),
                evaluation_answers::response_id.eq(&response),
                evaluation_answers::question_id.eq(&question),
                evaluation_answers::value_int.eq(Some(4 + (n as i32 % 2))),
            ))
            .execute(&mut conn)
            .expect("answer");
    }
    round
}

#[tokio::test]
async fn erasing_a_person_anonymises_them_and_leaves_every_total_unchanged() {
    let app = spawn_app().await;
    let admin = app.person("admin@csc.cymru", &[Role::ConsortiumAdmin], None, None);
    let lead = app.person("lead@csc.cymru", &[Role::ProgrammeLead], None, None);
    let (_, cohort) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 3)
        .await;
    let emails = [
        "awen@ysgol.cymru",
        "bethan@ysgol.cymru",
        "carwyn@ysgol.cymru",
        "dewi@ysgol.cymru",
    ];
    let mut applicants = Vec::new();
    for email in emails {
        let person = app.person(email, &[], None, None);
        let response = app.apply(&person.token, &cohort).await;
        assert_eq!(response.status(), 201);
        let body: Value = response.json().await.expect("json");
        applicants.push((person, body["id"].as_str().expect("id").to_owned()));
    }
    let day = |d: i64| {
        (chrono::Utc::now() + chrono::Duration::days(d))
            .format("%Y-%m-%dT%H:%M")
            .to_string()
    };
    let session = app
        .post_as(
            &lead.token,
            &format!("/api/v1/cohorts/{cohort}/sessions"),
            &json!({"title_en": "Day 1", "title_cy": "Diwrnod 1", "starts_at": day(-3), "ends_at": day(-2), "venue": "Caerdydd"}),
        )
        .await;
    assert_eq!(session.status(), 201);
    let session: Value = session.json().await.expect("json");
    let records: Vec<Value> = applicants[..3]
        .iter()
        .enumerate()
        .map(|(i, (_, id))| json!({"application_id": id, "status": if i == 2 { "absent" } else { "present" }}))
        .collect();
    let register = app
        .client
        .put(app.url(&format!(
            "/api/v1/sessions/{}/attendance",
            session["id"].as_str().unwrap_or("")
        )))
        .bearer_auth(&lead.token)
        .json(&json!({"records": records}))
        .send()
        .await
        .expect("sent");
    assert_eq!(
        register.status(),
        200,
        "{}",
        register.text().await.unwrap_or_default()
    );
    let completed = app
        .post_as(
            &lead.token,
            &format!("/api/v1/applications/{}/complete", applicants[0].1),
            &json!({}),
        )
        .await;
    assert_eq!(
        completed.status(),
        200,
        "{}",
        completed.text().await.unwrap_or_default()
    );
    let round = evaluation_round(&app, &cohort, &emails[..3]);
    // The register and the completion are in the audit log, with before and after.
    let log: Vec<Value> = app
        .get_as(&admin.token, "/api/v1/admin/audit?object_type=session")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(log[0]["action"], "attendance.recorded");
    assert!(
        log[0]["after_state"]
            .as_str()
            .unwrap_or("")
            .contains("absent")
    );
    let log: Vec<Value> = app
        .get_as(
            &admin.token,
            &format!(
                "/api/v1/admin/audit?object_type=enrolment&object_id={}",
                applicants[0].1
            ),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(log[0]["action"], "enrolment.status_changed");
    assert_eq!(log[0]["before_state"], r#"{"status":"confirmed"}"#);
    assert!(
        log[0]["after_state"]
            .as_str()
            .unwrap_or("")
            .contains("completed")
    );

    let erased = &applicants[0].0;
    let erased_id = person_id(&app, &erased.email);
    // A career step an admin recorded for them, with a note about them.
    let step = app
        .post_as(
            &admin.token,
            &format!("/api/v1/admin/people/{erased_id}/career"),
            &json!({"role": "middle_leader", "started_on": "2024-09-01", "organisation_name": "Ysgol y Bont", "reason": "Awen told us at the May visit"}),
        )
        .await;
    assert_eq!(
        step.status(),
        201,
        "{}",
        step.text().await.unwrap_or_default()
    );
    // A reason typed about them, as a lead or admin might.
    diesel::update(
        enrolment_events::table.filter(enrolment_events::enrolment_id.eq(&applicants[0].1)),
    )
    .set(enrolment_events::reason.eq("Awen on sick leave in May"))
    .execute(&mut app.db())
    .expect("a reason");
    let before = totals(&app, &lead, &cohort, &round).await;

    // Anyone but an admin is refused, and an admin cannot erase themselves.
    let refused = admin_post(
        &app,
        &lead,
        &format!("/api/v1/admin/people/{erased_id}/erase"),
    )
    .await;
    assert_eq!(refused.status(), 403);
    let admin_id = person_id(&app, "admin@csc.cymru");
    assert_eq!(
        admin_post(
            &app,
            &admin,
            &format!("/api/v1/admin/people/{admin_id}/erase")
        )
        .await
        .status(),
        409
    );
    // Someone still on the waiting list is withdrawn first, so that the place goes on.
    let waiting_id = person_id(&app, &applicants[3].0.email);
    let waiting = admin_post(
        &app,
        &admin,
        &format!("/api/v1/admin/people/{waiting_id}/erase"),
    )
    .await;
    assert_eq!(waiting.status(), 409);
    assert!(
        problem(waiting).await["detail"]
            .as_str()
            .unwrap_or("")
            .contains("Withdraw it first"),
    );

    let response = admin_post(
        &app,
        &admin,
        &format!("/api/v1/admin/people/{erased_id}/erase"),
    )
    .await;
    assert_eq!(
        response.status(),
        200,
        "{}",
        response.text().await.unwrap_or_default()
    );
    let again = admin_post(
        &app,
        &admin,
        &format!("/api/v1/admin/people/{erased_id}/erase"),
    )
    .await;
    assert_eq!(again.status(), 409);

    let after = totals(&app, &lead, &cohort, &round).await;
    assert_eq!(before, after, "every total the reports use is unchanged");

    let mut conn = app.db();
    let (email, name, hash, active): (String, String, Option<String>, bool) = people::table
        .find(&erased_id)
        .select((
            people::email,
            people::name,
            people::password_hash,
            people::active,
        ))
        .first(&mut conn)
        .expect("person");
    assert!(!email.contains("awen"), "{email}");
    assert!(!name.contains("awen"), "{name}");
    assert_eq!((hash, active), (None, false));
    assert_eq!(app.login("awen@ysgol.cymru", PASSWORD).await.status(), 401);
    assert_ne!(app.me(&erased.token).await.status(), 200);
    // Their answers survive, unlinked; the others' stay linked.
    let linked: i64 = evaluation_responses::table
        .filter(evaluation_responses::invitation_id.is_not_null())
        .count()
        .get_result(&mut conn)
        .expect("linked");
    assert_eq!(linked, 2);
    let mentions: i64 = email_outbox::table
        .filter(email_outbox::recipient_email.eq("awen@ysgol.cymru"))
        .count()
        .get_result(&mut conn)
        .expect("outbox");
    assert_eq!(mentions, 0);
    let states: Vec<Option<String>> = audit_log::table
        .filter(audit_log::object_id.eq(&erased_id))
        .select(audit_log::after_state)
        .load(&mut conn)
        .expect("audit");
    assert!(
        states.iter().flatten().all(|s| !s.contains("awen")),
        "{states:?}"
    );
    let career_log: Vec<(Option<String>, Option<String>)> = audit_log::table
        .filter(audit_log::object_type.eq("career_entry"))
        .select((audit_log::before_state, audit_log::after_state))
        .load(&mut conn)
        .expect("audit");
    assert!(!career_log.is_empty());
    assert!(
        career_log
            .iter()
            .flat_map(|(b, a)| [b, a])
            .flatten()
            .all(|state| !state.contains("May visit")),
        "{career_log:?}"
    );
    let reasons: Vec<Option<String>> = enrolment_events::table
        .filter(enrolment_events::enrolment_id.eq(&applicants[0].1))
        .select(enrolment_events::reason)
        .load(&mut conn)
        .expect("history");
    assert!(!reasons.is_empty());
    assert!(reasons.iter().all(Option::is_none), "{reasons:?}");
    let erasure: (Option<String>, String) = audit_log::table
        .filter(audit_log::object_id.eq(&erased_id))
        .filter(audit_log::action.eq("person.erased"))
        .select((audit_log::actor_id, audit_log::action))
        .first(&mut conn)
        .expect("the erasure is audited");
    assert_eq!(erasure.0.as_deref(), Some(admin_id.as_str()));
}

#[tokio::test]
async fn a_person_downloads_everything_held_about_them() {
    let app = spawn_app().await;
    let lead = app.person("lead@csc.cymru", &[Role::ProgrammeLead], None, None);
    let (_, cohort) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 3)
        .await;
    let teacher = app.person("awen@ysgol.cymru", &[], None, None);
    let applied = app.apply(&teacher.token, &cohort).await;
    assert_eq!(applied.status(), 201);
    let other = app.person("bethan@ysgol.cymru", &[], None, None);
    let other_applied = app.apply(&other.token, &cohort).await;
    assert_eq!(other_applied.status(), 201);
    // Both answer a named round: the export holds the teacher's answer, not the other's.
    let round = evaluation_round(&app, &cohort, &["awen@ysgol.cymru", "bethan@ysgol.cymru"]);
    let response = app.get_as(&teacher.token, "/api/v1/me/export").await;
    assert_eq!(response.status(), 200);
    assert!(
        response
            .headers()
            .get("content-disposition")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("attachment"))
    );
    let data: Value = response.json().await.expect("json");
    assert_eq!(data["profile"]["email"], "awen@ysgol.cymru");
    assert_eq!(data["enrolments"][0]["programme"], "mldp");
    assert_eq!(data["enrolments"][0]["status"], "confirmed");
    assert_eq!(data["enrolments"][0]["history"][0]["to"], "confirmed");
    assert!(data["roles"].as_array().is_some_and(|r| !r.is_empty()));
    let answers = data["evaluation_answers"].as_array().expect("answers");
    assert_eq!(answers.len(), 1, "{answers:?}");
    assert_eq!(answers[0]["round_id"], round.as_str());
    assert_eq!(answers[0]["question_en"], "Overall");
    assert_eq!(answers[0]["value"], 4);
    assert!(
        !data.to_string().contains("bethan"),
        "nothing about anyone else"
    );
    assert!(data["profile"].get("password_hash").is_none());
    let _ = other;
    let anonymous = app
        .client
        .get(app.url("/api/v1/me/export"))
        .send()
        .await
        .expect("sent");
    assert_eq!(anonymous.status(), 401);
    // The profile page offers the download.
    let page = app
        .client
        .get(app.url("/profile?lang=cy"))
        .bearer_auth(&teacher.token)
        .send()
        .await
        .expect("sent");
    assert!(
        page.text()
            .await
            .expect("html")
            .contains("/api/v1/me/export")
    );
}

#[tokio::test]
async fn the_retention_period_anonymises_people_not_seen_for_longer_than_it() {
    let app = spawn_app().await;
    app.person("hen@ysgol.cymru", &[], None, None);
    app.person("newydd@ysgol.cymru", &[], None, None);
    // Two more not seen for as long: one finished a programme long ago, one holds a seat.
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (_, cohort) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 5)
        .await;
    let completer = app.person("gorffennodd@ysgol.cymru", &[], None, None);
    let confirmed = app.person("lle@ysgol.cymru", &[], None, None);
    for person in [&completer, &confirmed] {
        let applied = app.apply(&person.token, &cohort).await;
        assert_eq!(applied.status(), 201);
    }
    let mut conn = app.db();
    diesel::update(
        enrolments::table
            .filter(enrolments::person_id.eq(person_id(&app, "gorffennodd@ysgol.cymru"))),
    )
    .set(enrolments::status.eq("completed"))
    .execute(&mut conn)
    .expect("complete the programme");
    let long_ago = chrono::Utc::now().naive_utc() - chrono::Duration::days(800);
    for email in [
        "hen@ysgol.cymru",
        "gorffennodd@ysgol.cymru",
        "lle@ysgol.cymru",
    ] {
        diesel::update(people::table.find(person_id(&app, email)))
            .set((
                people::created_at.eq(long_ago),
                people::last_seen_at.eq(Some(long_ago)),
            ))
            .execute(&mut conn)
            .expect("age the person");
    }
    let now = chrono::Utc::now().naive_utc();
    let done = llwybr::admin::data_rights::apply_retention(&mut conn, 730, now).expect("retention");
    assert_eq!(
        done, 2,
        "the completer goes too; a seat under way keeps its holder"
    );
    let again =
        llwybr::admin::data_rights::apply_retention(&mut conn, 730, now).expect("retention");
    assert_eq!(again, 0, "each person is anonymised once");
    let emails: Vec<String> = people::table
        .order(people::created_at.asc())
        .select(people::email)
        .load(&mut conn)
        .expect("people");
    assert!(emails.contains(&"newydd@ysgol.cymru".to_owned()));
    assert!(emails.contains(&"lle@ysgol.cymru".to_owned()));
    assert!(!emails.contains(&"hen@ysgol.cymru".to_owned()));
    assert!(!emails.contains(&"gorffennodd@ysgol.cymru".to_owned()));
}

#[tokio::test]
async fn the_people_pages_search_and_act_for_admins_only() {
    let app = spawn_app().await;
    let admin = app.person("admin@csc.cymru", &[Role::ConsortiumAdmin], None, None);
    app.person("Gwenllian.Price@ysgol.cymru", &[], None, None);
    let page = app
        .client
        .get(app.url("/admin/people?q=GWENLLIAN&lang=cy"))
        .bearer_auth(&admin.token)
        .send()
        .await
        .expect("sent");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(html.contains("Gwenllian.Price@ysgol.cymru"), "{html}");
    assert!(html.contains("Pobl a rolau"));
    let id = person_id(&app, "Gwenllian.Price@ysgol.cymru");
    let unconfirmed = app
        .client
        .post(app.url(&format!("/admin/people/{id}/erase")))
        .bearer_auth(&admin.token)
        .form(&[("x", "y")])
        .send()
        .await
        .expect("sent");
    assert_eq!(unconfirmed.status(), 422);
    assert!(
        unconfirmed
            .text()
            .await
            .expect("html")
            .contains("Tick the box")
    );
    let deactivated = app
        .client
        .post(app.url(&format!("/admin/people/{id}/deactivate")))
        .bearer_auth(&admin.token)
        .form(&[("x", "y")])
        .send()
        .await
        .expect("sent");
    assert_eq!(deactivated.status(), 303);
    let detail = app
        .client
        .get(app.url(&format!("/admin/people/{id}")))
        .bearer_auth(&admin.token)
        .send()
        .await
        .expect("sent");
    let html = detail.text().await.expect("html");
    assert!(
        html.contains("Deactivated") && html.contains("person.deactivated"),
        "{html}"
    );
    let teacher = app.person("athro@ysgol.cymru", &[], None, None);
    let refused = app
        .client
        .get(app.url("/admin/people"))
        .bearer_auth(&teacher.token)
        .send()
        .await
        .expect("sent");
    assert_eq!(refused.status(), 403);
}

#[tokio::test]
async fn a_local_authority_is_renamed_with_its_old_name_in_the_audit_log() {
    let app = spawn_app().await;
    // A school brings its consortium, which authorities belong to.
    app.school("Ysgol y Cymer");
    let admin = app.person("admin@csc.cymru", &[Role::ConsortiumAdmin], None, None);
    let lead = app.person("lead@csc.cymru", &[Role::ProgrammeLead], None, None);
    let mut created = Vec::new();
    for (code, en, cy) in [
        ("rct", "Rhondda", "Rhondda"),
        ("merthyr", "Merthyr Tydfil", "Merthyr Tudful"),
    ] {
        let response = app
            .post_as(
                &admin.token,
                "/api/v1/admin/local-authorities",
                &json!({"code": code, "name_en": en, "name_cy": cy}),
            )
            .await;
        assert_eq!(response.status(), 201);
        created.push(response.json::<Value>().await.expect("json"));
    }
    let la = &created[0];
    let id = la["id"].as_str().unwrap_or("").to_owned();
    let put = |token: &str, body: Value| {
        app.client
            .put(app.url(&format!("/api/v1/admin/local-authorities/{id}?lang=cy")))
            .bearer_auth(token)
            .json(&body)
            .send()
    };

    let renamed =
        json!({"code": "rct", "name_en": "Rhondda Cynon Taf", "name_cy": "Rhondda Cynon Taf"});
    assert_eq!(
        put(&lead.token, renamed.clone())
            .await
            .expect("sent")
            .status(),
        403
    );
    // Taking another authority's code is refused and changes nothing.
    let clash = put(
        &admin.token,
        json!({"code": "merthyr", "name_en": "X", "name_cy": "X"}),
    )
    .await
    .expect("sent");
    assert_eq!(clash.status(), 422);
    let body = problem(clash).await;
    assert_eq!(body["errors"][0]["field"], "code");

    let ok = put(&admin.token, renamed).await.expect("sent");
    assert_eq!(ok.status(), 200);
    let listed: Vec<Value> = app
        .get_as(&admin.token, "/api/v1/admin/local-authorities")
        .await
        .json()
        .await
        .expect("json");
    let names: Vec<&str> = listed
        .iter()
        .filter_map(|la| la["name_en"].as_str())
        .collect();
    assert!(
        names.contains(&"Rhondda Cynon Taf") && !names.contains(&"Rhondda"),
        "{names:?}"
    );
    assert!(names.contains(&"Merthyr Tydfil"), "{names:?}");
    let log: Vec<Value> = app
        .get_as(
            &admin.token,
            &format!("/api/v1/admin/audit?object_type=local_authority&object_id={id}"),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(log[0]["action"], "local_authority.updated");
    assert!(
        log[0]["before_state"]
            .as_str()
            .unwrap_or("")
            .contains("\"Rhondda\"")
    );

    // The page form shows the current names and explains a bad one in the reader's language.
    let form = app
        .client
        .get(app.url(&format!("/admin/organisations/authorities/{id}")))
        .bearer_auth(&admin.token)
        .send()
        .await
        .expect("sent");
    assert_eq!(form.status(), 200);
    assert!(
        form.text()
            .await
            .expect("html")
            .contains("Rhondda Cynon Taf")
    );
    let refused = app
        .client
        .post(app.url(&format!("/admin/organisations/authorities/{id}?lang=cy")))
        .bearer_auth(&admin.token)
        .form(&[
            ("code", "rct"),
            ("name_en", ""),
            ("name_cy", "Rhondda Cynon Taf"),
        ])
        .send()
        .await
        .expect("sent");
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .await
            .expect("html")
            .contains("Golygu&#39;r awdurdod lleol")
    );
}

#[tokio::test]
async fn the_grant_form_on_the_person_page_grants_the_role() {
    let app = spawn_app().await;
    let school = app.school("Ysgol Gymraeg Nant Caerau");
    let admin = app.person("admin@csc.cymru", &[Role::ConsortiumAdmin], None, None);
    let head = app.person("pennaeth@ysgol.cymru", &[], Some(&school), None);
    let id = person_id(&app, "pennaeth@ysgol.cymru");
    let page = app
        .client
        .get(app.url(&format!("/admin/people/{id}")))
        .bearer_auth(&admin.token)
        .send()
        .await
        .expect("sent");
    let action = format!("/admin/people/{id}/roles");
    assert!(
        page.text()
            .await
            .expect("html")
            .contains(&format!("action=\"{action}\"")),
        "the page posts its grant form to {action}"
    );
    // What a browser sends: every select of the form, the unused ones empty.
    let post = |path: String, school_id: &str| {
        app.client
            .post(app.url(&path))
            .bearer_auth(&admin.token)
            .form(&[
                ("role", "headteacher"),
                ("school_id", school_id),
                ("local_authority_id", ""),
                ("programme_id", ""),
            ])
            .send()
    };

    let missing = post(format!("{action}?lang=cy"), "").await.expect("sent");
    assert_eq!(missing.status(), 422);
    assert!(
        missing
            .text()
            .await
            .expect("html")
            .contains("Dewiswch yr ysgol y mae&#39;r pennaeth hwn yn ei harwain."),
        "the form says what is missing, in Welsh"
    );
    // A refused form keeps what was chosen, so only the missing choice needs making.
    let no_authority = app
        .client
        .post(app.url(&action))
        .bearer_auth(&admin.token)
        .form(&[
            ("role", "la_officer"),
            ("school_id", school.as_str()),
            ("local_authority_id", ""),
            ("programme_id", ""),
        ])
        .send()
        .await
        .expect("sent");
    assert_eq!(no_authority.status(), 422);
    let html = no_authority.text().await.expect("html");
    for kept in [
        r#"<option value="la_officer" selected>"#.to_owned(),
        format!(r#"<option value="{school}" selected>"#),
    ] {
        assert!(html.contains(&kept), "{kept} in {html}");
    }
    assert!(
        html.contains(r#"aria-describedby="local_authority_id-error""#),
        "the error is tied to its field"
    );

    let granted = post(action.clone(), &school).await.expect("sent");
    assert_eq!(granted.status(), 303);
    assert_eq!(
        granted.headers()["location"],
        format!("/admin/people/{id}?done=1").as_str()
    );
    let me: Value = app.me(&head.token).await.json().await.expect("json");
    assert!(
        me["roles"]
            .as_array()
            .is_some_and(|r| r.contains(&json!("headteacher"))),
        "{me}"
    );
}

#[tokio::test]
async fn erasing_a_person_blanks_the_emails_that_named_them_to_others() {
    let app = spawn_app().await;
    let admin = app.person("admin@csc.cymru", &[Role::ConsortiumAdmin], None, None);
    let school = app.school("Ysgol y Graig");
    let lead = app.person("lead@csc.cymru", &[Role::ProgrammeLead], None, None);
    let (_, cohort) = app.programme_with_cohort(&lead, "npqh", true, &[], 3).await;
    let head = app.person(
        "pennaeth@ysgol.cymru",
        &[Role::Headteacher],
        Some(&school),
        None,
    );
    let teacher = app.person("mererid@ysgol.cymru", &[], Some(&school), None);
    let applied: Value = app
        .apply(&teacher.token, &cohort)
        .await
        .json()
        .await
        .expect("json");
    let request = app
        .wait_for_email(&head.email, "asks for your endorsement")
        .await;
    assert!(request.text.contains("mererid"), "{}", request.text);
    let withdrawn = app
        .post_as(
            &teacher.token,
            &format!(
                "/api/v1/applications/{}/withdraw",
                applied["id"].as_str().unwrap_or("")
            ),
            &json!({}),
        )
        .await;
    assert_eq!(withdrawn.status(), 200);

    let id = person_id(&app, "mererid@ysgol.cymru");
    let erased = admin_post(&app, &admin, &format!("/api/v1/admin/people/{id}/erase")).await;
    assert_eq!(erased.status(), 200);
    // The head still sees that an email went, no longer whom it named.
    let copies = llwybr::db::outbox::copies_for(&mut app.db(), &head.email, 100).expect("copies");
    assert_eq!(copies.len(), 1);
    assert!(!copies[0].subject.contains("mererid"), "{copies:?}");
    assert!(
        !copies[0]
            .body_text
            .as_deref()
            .unwrap_or("")
            .contains("mererid"),
        "{copies:?}"
    );
    let page = app.get_as(&head.token, "/emails").await;
    assert_eq!(page.status(), 200);
    let page = page.text().await.expect("html");
    assert!(!page.contains("mererid"), "{page}");
}

/// Anyone may register any address, a colleague's among them. Until its owner uses the link
/// sent to it, the account gets no role beyond participant; then it may.
#[tokio::test]
async fn a_self_registered_address_gets_a_role_only_once_confirmed() {
    let app = spawn_app().await;
    let school = app.school("Ysgol Gymraeg Nant Caerau");
    let admin = app.person("admin@csc.cymru", &[Role::ConsortiumAdmin], None, None);
    assert_eq!(
        app.register("pennaeth@ysgol.cymru", "Pennaeth")
            .await
            .status(),
        201
    );
    let id = person_id(&app, "pennaeth@ysgol.cymru");
    let path = format!("/api/v1/admin/people/{id}/roles");
    let head = json!({"role": "headteacher", "school_id": school});
    let refused = app.post_as(&admin.token, &path, &head).await;
    assert_eq!(refused.status(), 409);
    assert!(
        problem(refused).await["detail"]
            .as_str()
            .unwrap_or("")
            .contains("has not yet confirmed"),
    );

    let welcome = app.wait_for_email("pennaeth@ysgol.cymru", "Welcome").await;
    let start = welcome
        .text
        .find("/email/confirm?")
        .expect("a confirmation link");
    let link: String = welcome.text[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    // Opening the link (as a mail filter would) shows a button and confirms nothing.
    let opened = app.client.get(app.url(&link)).send().await.expect("sent");
    assert_eq!(opened.status(), 200);
    let token = link
        .split("token=")
        .nth(1)
        .and_then(|rest| rest.split('&').next())
        .unwrap_or("")
        .to_owned();
    assert!(
        opened
            .text()
            .await
            .expect("html")
            .contains(&format!("value=\"{token}\"")),
        "the page's form carries the token"
    );
    let still = app.post_as(&admin.token, &path, &head).await;
    assert_eq!(still.status(), 409, "opening the link confirmed nothing");
    let confirm = || {
        app.client
            .post(app.url("/email/confirm?lang=en"))
            .form(&[("token", token.as_str())])
            .send()
    };
    let confirmed = confirm().await.expect("sent");
    assert_eq!(confirmed.status(), 303);
    assert_eq!(
        confirmed.headers()["location"],
        "/login?confirmed=1&lang=en"
    );
    let granted = app.post_as(&admin.token, &path, &head).await;
    assert!(granted.status().is_success(), "{}", granted.status());

    let again = confirm().await.expect("sent");
    assert_eq!(again.status(), 422, "a confirmation link works once");
}

/// An import that names a self-registered, unconfirmed address says the address belongs to
/// someone the consortium knows: whoever registered it loses the way in, and the owner gets
/// in through an invitation.
#[tokio::test]
async fn an_import_takes_an_unconfirmed_account_from_whoever_registered_it() {
    let app = spawn_app().await;
    let admin = app.person("admin@csc.cymru", &[Role::ConsortiumAdmin], None, None);
    let squatter = app.token_for("gwen.evans@ysgol.cymru").await;
    assert_eq!(app.me(&squatter).await.status(), 200);

    let file = "email,name,preferred_language,school_number,stage,job_title\n\
                gwen.evans@ysgol.cymru,Gwen Evans,cy,,,Deputy headteacher\n";
    let view = crate::admin_import::import(&app, &admin.token, "people", file, "en").await;
    assert_eq!(view["status"], "done", "{view}");

    assert_eq!(app.me(&squatter).await.status(), 401, "the session is gone");
    assert_eq!(
        app.login("gwen.evans@ysgol.cymru", PASSWORD).await.status(),
        401,
        "and the password"
    );
}
