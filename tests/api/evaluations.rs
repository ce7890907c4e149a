//! Evaluations end to end: a lead opens a round, invitations go out by email with personal
//! links, participants answer once, reminders reach only those who have not answered, and
//! results (with anonymity kept) come back over the API, the pages and CSV.

use std::collections::BTreeSet;
use std::time::Duration;

use diesel::prelude::*;
use llwybr::config::{MailTransport, SmtpTls};
use llwybr::db::schema::{
    evaluation_answers, evaluation_invitations, evaluation_responses, evaluation_rounds,
};
use llwybr::domain::role::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestPerson, problem, spawn_app, spawn_app_with};
use crate::smtp_server::SmtpServer;

/// The token of the personal link in an email's text.
fn respond_token(text: &str) -> String {
    let marker = "/evaluations/respond/";
    let start = text.find(marker).expect("a respond link") + marker.len();
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect()
}

fn day(days: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(days)).to_string()
}

/// A lead, a cohort and `count` participants with confirmed places (p1@ysgol.cymru, ...).
async fn cohort_with(app: &TestApp, count: usize) -> (TestPerson, String, Vec<TestPerson>) {
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (_, cohort) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 30)
        .await;
    let mut people = Vec::new();
    for n in 1..=count {
        let person = app.person(&format!("p{n}@ysgol.cymru"), &[], None, None);
        let applied = app
            .post_as(
                &person.token,
                &format!("/api/v1/cohorts/{cohort}/applications"),
                &json!({}),
            )
            .await;
        assert_eq!(applied.status(), 201);
        people.push(person);
    }
    (lead, cohort, people)
}

/// A round's results as `token` may see them.
async fn round_results(app: &TestApp, token: &str, round: &Value) -> Value {
    app.get_as(
        token,
        &format!(
            "/api/v1/evaluation-rounds/{}/results",
            round["id"].as_str().expect("id")
        ),
    )
    .await
    .json()
    .await
    .expect("json")
}

async fn open_round(app: &TestApp, lead: &TestPerson, cohort: &str, body: Value) -> Value {
    let opened = app
        .post_as(
            &lead.token,
            &format!("/api/v1/cohorts/{cohort}/evaluation-rounds"),
            &body,
        )
        .await;
    assert_eq!(
        opened.status(),
        201,
        "{}",
        opened.text().await.unwrap_or_default()
    );
    opened.json().await.expect("round json")
}

async fn answer(app: &TestApp, token: &str, answers: Value) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/v1/evaluations/respond/{token}")))
        .json(&json!({ "answers": answers }))
        .send()
        .await
        .expect("sent")
}

fn full_answers(overall: i32, comment: &str) -> Value {
    json!({
        "q-overall": overall, "q-content": 4, "q-delivery": "5", "q-relevance": 4, "q-impact": 3,
        "q-worked-well": comment
    })
}

fn count_rows(app: &TestApp) -> (i64, i64, i64) {
    let mut conn = app.db();
    let responses = evaluation_responses::table
        .count()
        .get_result(&mut conn)
        .expect("count");
    let answers = evaluation_answers::table
        .count()
        .get_result(&mut conn)
        .expect("count");
    let responded = evaluation_invitations::table
        .filter(evaluation_invitations::responded_at.is_not_null())
        .count()
        .get_result(&mut conn)
        .expect("count");
    (responses, answers, responded)
}

#[tokio::test]
async fn a_lead_opens_a_round_and_a_participant_answers_once_from_the_emailed_link() {
    let server = SmtpServer::start().await;
    let port = server.port;
    let app = spawn_app_with(move |settings| {
        settings.mail.transport = MailTransport::Smtp;
        settings.mail.smtp_host = "127.0.0.1".into();
        settings.mail.smtp_port = port;
        settings.mail.smtp_tls = SmtpTls::None;
    })
    .await;
    let (lead, cohort, _people) = cohort_with(&app, 2).await;
    // Application confirmations go out first: two of them.
    server.wait_for_messages(2).await;

    // The lead opens a round from the cohort's evaluation page, a plain form.
    let page = app
        .client
        .get(app.url(&format!("/lead/cohorts/{cohort}/evaluations")))
        .bearer_auth(&lead.token)
        .send()
        .await
        .expect("sent");
    assert_eq!(page.status(), 200);
    let opened = app
        .client
        .post(app.url(&format!("/lead/cohorts/{cohort}/evaluations")))
        .bearer_auth(&lead.token)
        .form(&[
            ("kind", "end_of_programme"),
            ("opens_on", ""),
            ("closes_on", &day(14)),
            ("reminder_every_days", "7"),
        ])
        .send()
        .await
        .expect("sent");
    assert_eq!(opened.status(), 303);

    let received = server.wait_for_messages(4).await;
    let invitation = received
        .iter()
        .map(|m| m.parsed())
        .find(|m| {
            m.to().and_then(|t| t.first()).and_then(|a| a.address()) == Some("p1@ysgol.cymru")
                && m.subject().is_some_and(|s| s.contains("evaluation"))
        })
        .expect("an invitation to p1 through SMTP");
    let text = invitation.body_text(0).expect("text").into_owned();
    assert!(
        text.contains("http://llwybr.test/evaluations/respond/"),
        "{text}"
    );
    let token = respond_token(&text);
    assert_eq!(token.len(), 64);

    // The link works without signing in.
    let anonymous = crate::helpers::client();
    let form = anonymous
        .get(app.url(&format!("/evaluations/respond/{token}")))
        .send()
        .await
        .expect("sent");
    assert_eq!(form.status(), 200);
    let html = form.text().await.expect("html");
    assert!(
        html.contains("Overall, I am satisfied with the programme."),
        "{html}"
    );
    assert!(html.contains("Strongly agree"), "{html}");

    let fields = [
        ("answers.q-overall", "5"),
        ("answers.q-content", "4"),
        ("answers.q-delivery", "4"),
        ("answers.q-relevance", "5"),
        ("answers.q-impact", "4"),
        ("answers.q-worked-well", "The coaching triads"),
        ("answers.q-even-better", ""),
    ];
    let sent = anonymous
        .post(app.url(&format!("/evaluations/respond/{token}")))
        .form(&fields)
        .send()
        .await
        .expect("sent");
    assert_eq!(sent.status(), 303);
    let thanks = anonymous
        .get(app.url(&format!("/evaluations/respond/{token}?sent=1")))
        .send()
        .await
        .expect("sent")
        .text()
        .await
        .expect("html");
    assert!(thanks.contains("your answers have been stored"), "{thanks}");

    // A second answer from the same link is refused, in words, and stores nothing.
    let again = anonymous
        .post(app.url(&format!("/evaluations/respond/{token}")))
        .form(&fields)
        .send()
        .await
        .expect("sent");
    assert_eq!(again.status(), 409);
    let refused = again.text().await.expect("html");
    assert!(refused.contains("already been answered"), "{refused}");
    assert_eq!(count_rows(&app), (1, 6, 1));
    let api_again = answer(&app, &token, full_answers(5, "")).await;
    assert_eq!(api_again.status(), 409);

    // The lead sees the result and the response rate.
    let rounds: Value = app
        .get_as(
            &lead.token,
            &format!("/api/v1/cohorts/{cohort}/evaluation-rounds"),
        )
        .await
        .json()
        .await
        .expect("json");
    let round_id = rounds[0]["id"].as_str().expect("round id").to_owned();
    assert_eq!(rounds[0]["invited"], 2);
    assert_eq!(rounds[0]["responded"], 1);
    assert_eq!(rounds[0]["response_rate_pct"], 50.0);
    let results_page = app
        .client
        .get(app.url(&format!("/evaluations/rounds/{round_id}")))
        .bearer_auth(&lead.token)
        .send()
        .await
        .expect("sent");
    assert_eq!(results_page.status(), 200);
    let html = results_page.text().await.expect("html");
    assert!(html.contains("1 answered of 2 (50%)"), "{html}");
    assert!(html.contains("100% (1 / 1)"), "{html}");
    assert!(html.contains("The coaching triads"), "{html}");
    assert!(html.contains("<svg role=\"img\""), "{html}");
    let cohort_page = app
        .client
        .get(app.url(&format!("/lead/cohorts/{cohort}/evaluations")))
        .bearer_auth(&lead.token)
        .send()
        .await
        .expect("sent")
        .text()
        .await
        .expect("html");
    assert!(
        cohort_page.contains("1 answered of 2 (50%)"),
        "{cohort_page}"
    );
}

#[tokio::test]
async fn answers_are_validated_and_nothing_is_stored_when_refused() {
    let app = spawn_app().await;
    let (lead, cohort, _people) = cohort_with(&app, 1).await;
    open_round(
        &app,
        &lead,
        &cohort,
        json!({ "kind": "end_of_programme", "closes_on": day(10) }),
    )
    .await;
    let email = app
        .wait_for_email("p1@ysgol.cymru", "Your evaluation")
        .await;
    let token = respond_token(&email.text);

    let bad = app
        .client
        .post(app.url(&format!("/api/v1/evaluations/respond/{token}")))
        .header("accept-language", "cy")
        .json(&json!({ "answers": {
            "q-overall": 6, "q-delivery": "excellent", "q-relevance": 0, "q-impact": 4,
            "q-worked-well": "x".repeat(4001), "q-invented": 3
        }}))
        .send()
        .await
        .expect("sent");
    assert_eq!(bad.status(), 422);
    let body = problem(bad).await;
    let errors: BTreeSet<(String, String)> = body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap_or_default().to_owned(),
                e["message"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let fields: BTreeSet<&str> = errors.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(
        fields,
        BTreeSet::from([
            "answers.q-content",
            "answers.q-delivery",
            "answers.q-invented",
            "answers.q-overall",
            "answers.q-relevance",
            "answers.q-worked-well",
        ])
    );
    assert!(
        errors.contains(&("answers.q-overall".into(), "Dewiswch werth o 1 i 5.".into())),
        "{errors:?}"
    );
    assert!(
        errors.contains(&("answers.q-content".into(), "Atebwch y cwestiwn hwn.".into())),
        "{errors:?}"
    );
    assert_eq!(count_rows(&app), (0, 0, 0), "nothing stored");

    // Not JSON numbers at all: still a message, still nothing stored.
    let garbage = app
        .client
        .post(app.url(&format!("/api/v1/evaluations/respond/{token}")))
        .header("content-type", "application/json")
        .body("{\"answers\": [1, 2")
        .send()
        .await
        .expect("sent");
    assert_eq!(garbage.status(), 400);

    // After the close date nothing is taken either.
    {
        let mut conn = app.db();
        diesel::update(evaluation_rounds::table)
            .set(
                evaluation_rounds::closes_at
                    .eq(chrono::Utc::now().naive_utc() - chrono::Duration::hours(1)),
            )
            .execute(&mut conn)
            .expect("close the round");
    }
    let late = answer(&app, &token, full_answers(5, "Late")).await;
    assert_eq!(late.status(), 409);
    let body = problem(late).await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("has closed"),
        "{body}"
    );
    assert_eq!(
        count_rows(&app),
        (0, 0, 0),
        "nothing stored after the close"
    );

    // An unknown link is a 404 on the API and a page that says what to do.
    let unknown = answer(&app, &"0".repeat(64), full_answers(5, "")).await;
    assert_eq!(unknown.status(), 404);
    let page = app
        .client
        .get(app.url(&format!("/evaluations/respond/{}", "0".repeat(64))))
        .send()
        .await
        .expect("sent");
    assert_eq!(page.status(), 404);
    assert!(
        page.text()
            .await
            .expect("html")
            .contains("This link does not work")
    );
}

#[tokio::test]
async fn opening_a_round_checks_its_fields_and_who_asks() {
    let app = spawn_app().await;
    let (lead, cohort, people) = cohort_with(&app, 1).await;
    let bad = app
        .post_as(
            &lead.token,
            &format!("/api/v1/cohorts/{cohort}/evaluation-rounds"),
            &json!({ "kind": "whenever", "closes_on": day(-3), "reminder_every_days": 90 }),
        )
        .await;
    assert_eq!(bad.status(), 422);
    let body = problem(bad).await;
    let fields: BTreeSet<String> = body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        fields,
        BTreeSet::from(["kind".to_owned(), "reminder_every_days".to_owned()])
    );
    let past = app
        .post_as(
            &lead.token,
            &format!("/api/v1/cohorts/{cohort}/evaluation-rounds"),
            &json!({ "kind": "delayed_impact", "closes_on": day(-3) }),
        )
        .await;
    assert_eq!(past.status(), 422);
    // Chrono would read this as its very last day, past which the round's end cannot be
    // counted: it is a date no one means, refused like any other.
    let far = app
        .post_as(
            &lead.token,
            &format!("/api/v1/cohorts/{cohort}/evaluation-rounds"),
            &json!({ "kind": "end_of_programme", "closes_on": "+262142-12-31" }),
        )
        .await;
    assert_eq!(far.status(), 422);
    assert_eq!(problem(far).await["errors"][0]["field"], "closes_on");

    let other_lead = app.person("arall@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    for who in [&other_lead, &people[0]] {
        let refused = app
            .post_as(
                &who.token,
                &format!("/api/v1/cohorts/{cohort}/evaluation-rounds"),
                &json!({ "kind": "end_of_programme", "closes_on": day(5) }),
            )
            .await;
        assert_eq!(refused.status(), 403);
    }
    let mut conn = app.db();
    let rounds: i64 = evaluation_rounds::table
        .count()
        .get_result(&mut conn)
        .expect("count");
    assert_eq!(rounds, 0);
}

#[tokio::test]
async fn anonymous_answers_cannot_be_traced_to_a_person() {
    let app = spawn_app().await;
    let (lead, cohort, people) = cohort_with(&app, 4).await;
    let round = open_round(
        &app,
        &lead,
        &cohort,
        json!({ "kind": "end_of_programme", "closes_on": day(10), "anonymous": true }),
    )
    .await;
    let round_id = round["id"].as_str().expect("id").to_owned();
    let results_path = format!("/api/v1/evaluation-rounds/{round_id}/results");
    // Answers come in an order that is not the alphabetical one.
    let answers = [
        ("p1@ysgol.cymru", "Zest for learning"),
        ("p2@ysgol.cymru", "A clear model"),
        ("p3@ysgol.cymru", "Mentoring in pairs"),
    ];
    for (n, (email, comment)) in answers.iter().enumerate() {
        let invitation = app.wait_for_email(email, "Your evaluation").await;
        let token = respond_token(&invitation.text);
        let stored = answer(&app, &token, full_answers(4, comment)).await;
        assert_eq!(stored.status(), 201);
        if n == 1 {
            // Two answers in: only the response rate, nothing anyone could put a name to.
            let early: Value = app
                .get_as(&lead.token, &results_path)
                .await
                .json()
                .await
                .expect("json");
            assert_eq!(early["responded"], 2);
            assert_eq!(early["withheld_rounds"], 1);
            assert_eq!(early["overall_answered"], 0);
            assert_eq!(early["comments"], json!([]));
        }
        tokio::time::sleep(Duration::from_millis(1100)).await;
    }

    // In the database: no response row points at an invitation, and all carry the same time.
    {
        let mut conn = app.db();
        let rows: Vec<(Option<String>, chrono::NaiveDateTime)> = evaluation_responses::table
            .select((
                evaluation_responses::invitation_id,
                evaluation_responses::submitted_at,
            ))
            .load(&mut conn)
            .expect("responses");
        assert_eq!(rows.len(), 3);
        assert!(rows.iter().all(|(invitation, _)| invitation.is_none()));
        assert!(
            rows.iter().all(|(_, at)| *at == rows[0].1),
            "submission times do not order people"
        );
    }

    // Through every route that shows answers: no person, and comments in text order.
    let admin = app.person(
        "admin@consortiwm.cymru",
        &[Role::ConsortiumAdmin],
        None,
        None,
    );
    let person_ids: Vec<String> = {
        let mut conn = app.db();
        evaluation_invitations::table
            .select(evaluation_invitations::person_id)
            .load(&mut conn)
            .expect("ids")
    };
    let mut seen = Vec::new();
    for (token, path) in [
        (
            &lead.token,
            format!("/api/v1/evaluation-rounds/{round_id}/results"),
        ),
        (
            &lead.token,
            format!("/api/v1/evaluation-rounds/{round_id}/results.csv"),
        ),
        (
            &lead.token,
            format!("/api/v1/cohorts/{cohort}/evaluation-results"),
        ),
        (
            &lead.token,
            format!("/api/v1/cohorts/{cohort}/evaluation-results.csv"),
        ),
        (
            &lead.token,
            format!("/api/v1/cohorts/{cohort}/evaluation-rounds"),
        ),
        (&admin.token, "/api/v1/evaluation-results".to_owned()),
        (&admin.token, "/api/v1/evaluation-results.csv".to_owned()),
        (&lead.token, format!("/evaluations/rounds/{round_id}")),
        (&lead.token, format!("/evaluations/cohorts/{cohort}")),
        (&admin.token, "/evaluations/results".to_owned()),
    ] {
        let response = app.get_as(token, &path).await;
        assert_eq!(response.status(), 200, "{path}");
        let body = response.text().await.expect("body");
        for person in &people {
            assert!(
                !body.contains(&person.email),
                "{path} shows {}",
                person.email
            );
            let name = person.email.split('@').next().unwrap_or_default();
            assert!(!body.contains(&format!(">{name}<")), "{path} shows {name}");
        }
        for id in &person_ids {
            assert!(!body.contains(id.as_str()), "{path} shows a person id");
        }
        seen.push((path, body));
    }
    let results: Value = serde_json::from_str(&seen[0].1).expect("json");
    let comments: Vec<&str> = results["comments"]
        .as_array()
        .expect("comments")
        .iter()
        .filter_map(|c| c["text"].as_str())
        .collect();
    assert_eq!(
        comments,
        ["A clear model", "Mentoring in pairs", "Zest for learning"]
    );
    assert_eq!(results["withheld_rounds"], 0);
    assert_eq!(results["responded"], 3);
    assert_eq!(results["invited"], 4);
    assert_eq!(results["response_rate_pct"], 75.0);
    let comment = &results["comments"][0];
    let keys: BTreeSet<&str> = comment
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, BTreeSet::from(["question_id", "text"]));
}

#[tokio::test]
async fn reminders_go_only_to_those_who_have_not_answered() {
    let app = spawn_app().await;
    let (lead, cohort, _people) = cohort_with(&app, 3).await;
    open_round(
        &app,
        &lead,
        &cohort,
        json!({ "kind": "end_of_programme", "closes_on": day(10), "reminder_every_days": 2 }),
    )
    .await;
    let first = app
        .wait_for_email("p1@ysgol.cymru", "Your evaluation")
        .await;
    let p2_invitation = app
        .wait_for_email("p2@ysgol.cymru", "Your evaluation")
        .await;
    app.wait_for_email("p3@ysgol.cymru", "Your evaluation")
        .await;
    let stored = answer(&app, &respond_token(&first.text), full_answers(5, "")).await;
    assert_eq!(stored.status(), 201);

    // Not due yet: the job running in the server sends nothing.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let reminders = |app: &TestApp| -> Vec<String> {
        app.sent_emails()
            .into_iter()
            .filter(|e| e.subject.starts_with("Reminder: your evaluation"))
            .map(|e| e.to)
            .collect()
    };
    assert!(reminders(&app).is_empty());

    // Three days on, as if: several passes at once, as from several server processes.
    {
        let mut conn = app.db();
        diesel::update(evaluation_invitations::table)
            .set(
                evaluation_invitations::invited_at
                    .eq(chrono::Utc::now().naive_utc() - chrono::Duration::days(3)),
            )
            .execute(&mut conn)
            .expect("backdate");
    }
    let settings = app.settings.evaluations.clone();
    let passes: Vec<_> = (0..4)
        .map(|_| {
            let pool = app.pool.clone();
            let settings = settings.clone();
            std::thread::spawn(move || {
                let mut conn = pool.get().expect("connection");
                llwybr::evaluations::background::run_once(
                    &mut conn,
                    "http://llwybr.test",
                    &settings,
                    chrono::Utc::now().naive_utc(),
                )
                .expect("a pass")
                .reminders
            })
        })
        .collect();
    let queued: usize = passes.into_iter().map(|p| p.join().expect("pass")).sum();
    assert!(
        queued <= 2,
        "at most the two who have not answered: {queued}"
    );
    app.wait_for_email("p2@ysgol.cymru", "Reminder: your evaluation")
        .await;
    app.wait_for_email("p3@ysgol.cymru", "Reminder: your evaluation")
        .await;
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let mut sent = reminders(&app);
    sent.sort();
    assert_eq!(
        sent,
        ["p2@ysgol.cymru", "p3@ysgol.cymru"],
        "once each, never to p1"
    );

    // The reminder's link replaces the invitation's.
    let reminder = app
        .wait_for_email("p2@ysgol.cymru", "Reminder: your evaluation")
        .await;
    let old = answer(
        &app,
        &respond_token(&p2_invitation.text),
        full_answers(4, ""),
    )
    .await;
    assert_eq!(old.status(), 404);
    let new = answer(&app, &respond_token(&reminder.text), full_answers(4, "")).await;
    assert_eq!(new.status(), 201);
}

#[tokio::test]
async fn satisfaction_is_the_share_of_fours_and_fives_on_the_overall_question() {
    let app = spawn_app().await;
    let (lead, cohort, _people) = cohort_with(&app, 5).await;
    let round = open_round(
        &app,
        &lead,
        &cohort,
        json!({ "kind": "end_of_programme", "closes_on": day(10) }),
    )
    .await;
    for (n, overall) in [(1, 5), (2, 4), (3, 3), (4, 2)] {
        let email = app
            .wait_for_email(&format!("p{n}@ysgol.cymru"), "Your evaluation")
            .await;
        // A comment a spreadsheet would run as a formula, were it written as typed.
        let comment = if n == 1 {
            "=HYPERLINK(\"http://evil.example\")"
        } else {
            ""
        };
        let stored = answer(
            &app,
            &respond_token(&email.text),
            full_answers(overall, comment),
        )
        .await;
        assert_eq!(stored.status(), 201);
    }
    let results = round_results(&app, &lead.token, &round).await;
    // 2 of the 4 answers to the overall question are 4 or 5; 4 of 5 people answered.
    assert_eq!(results["satisfied"], 2);
    assert_eq!(results["overall_answered"], 4);
    assert_eq!(results["satisfaction_pct"], 50.0);
    assert_eq!(results["satisfaction_target_pct"], 95.0);
    assert_eq!(results["response_rate_pct"], 80.0);
    let overall = results["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .find(|q| q["question_id"] == "q-overall")
        .expect("the overall question");
    assert_eq!(overall["counts"], json!([0, 1, 1, 1, 1]));
    assert_eq!(overall["mean"], 3.5);
    assert_eq!(overall["overall"], true);
    // The impact question (all 3s) is not what satisfaction is measured on.
    let impact = results["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .find(|q| q["question_id"] == "q-impact")
        .expect("impact");
    assert_eq!(impact["share_4_or_5_pct"], 0.0);

    let csv = app
        .get_as(
            &lead.token,
            &format!(
                "/api/v1/evaluation-rounds/{}/results.csv",
                round["id"].as_str().expect("id")
            ),
        )
        .await;
    assert_eq!(csv.status(), 200);
    let csv = csv.text().await.expect("csv");
    assert!(
        csv.lines()
            .any(|l| l.starts_with("satisfaction,") && l.contains(",50,")),
        "{csv}"
    );
    assert!(csv.contains("'=HYPERLINK"), "{csv}");
    assert!(
        !csv.contains(",=HYPERLINK") && !csv.contains(",\"=HYPERLINK"),
        "{csv}"
    );
}

#[tokio::test]
async fn people_see_only_their_own_invitations_and_leads_only_their_cohorts() {
    let app = spawn_app().await;
    let (lead, cohort, people) = cohort_with(&app, 2).await;
    let round = open_round(
        &app,
        &lead,
        &cohort,
        json!({ "kind": "end_of_programme", "closes_on": day(10) }),
    )
    .await;
    let round_id = round["id"].as_str().expect("id");
    let mine: Value = app
        .get_as(&people[0].token, "/api/v1/me/evaluations")
        .await
        .json()
        .await
        .expect("json");
    let mine = mine.as_array().expect("list");
    assert_eq!(mine.len(), 1);
    let my_invitation = mine[0]["invitation_id"].as_str().expect("id").to_owned();

    // Someone else's invitation is not there for p2, by page or by post.
    let theirs = app
        .get_as(
            &people[1].token,
            &format!("/evaluations/invitations/{my_invitation}"),
        )
        .await;
    assert_eq!(theirs.status(), 404);
    let mine_page = app
        .get_as(
            &people[0].token,
            &format!("/evaluations/invitations/{my_invitation}"),
        )
        .await;
    assert_eq!(mine_page.status(), 200);

    let other_lead = app.person("arall@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    for who in [&other_lead, &people[0]] {
        for path in [
            format!("/api/v1/evaluation-rounds/{round_id}/results"),
            format!("/api/v1/cohorts/{cohort}/evaluation-results"),
            format!("/api/v1/cohorts/{cohort}/evaluation-rounds"),
        ] {
            assert_eq!(app.get_as(&who.token, &path).await.status(), 403, "{path}");
        }
    }
    assert_eq!(
        app.get_as(&people[0].token, "/api/v1/evaluation-results")
            .await
            .status(),
        403
    );
    // Another lead's programme-wide view has none of this lead's rounds.
    let theirs: Value = app
        .get_as(&other_lead.token, "/api/v1/evaluation-results")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(theirs["rounds"], json!([]));
}

#[tokio::test]
async fn a_cohort_that_ends_gets_its_end_of_programme_round_by_itself_once() {
    let app = spawn_app_with(|settings| settings.evaluations.auto_open = true).await;
    let (_lead, cohort, _people) = cohort_with(&app, 1).await;
    {
        use llwybr::db::schema::cohorts;
        let mut conn = app.db();
        diesel::update(cohorts::table.find(&cohort))
            .set((
                cohorts::starts_on.eq(chrono::Utc::now().date_naive() - chrono::Duration::days(90)),
                cohorts::ends_on.eq(chrono::Utc::now().date_naive()),
            ))
            .execute(&mut conn)
            .expect("end the cohort");
    }
    let invitation = app
        .wait_for_email("p1@ysgol.cymru", "Your evaluation")
        .await;
    assert!(invitation.text.contains("/evaluations/respond/"));
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let mut conn = app.db();
    let rounds: Vec<String> = evaluation_rounds::table
        .select(evaluation_rounds::kind)
        .load(&mut conn)
        .expect("rounds");
    assert_eq!(rounds, ["end_of_programme"]);
    let invitations = app
        .sent_emails()
        .into_iter()
        .filter(|e| e.subject.starts_with("Your evaluation"))
        .count();
    assert_eq!(invitations, 1);
}

#[tokio::test]
async fn the_openapi_document_covers_the_evaluation_routes() {
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
    let paths = document["paths"].as_object().expect("paths");
    for (path, method) in [
        ("/api/v1/cohorts/{id}/evaluation-rounds", "post"),
        ("/api/v1/cohorts/{id}/evaluation-rounds", "get"),
        ("/api/v1/evaluation-rounds/{id}", "patch"),
        ("/api/v1/evaluation-rounds/{id}/results", "get"),
        ("/api/v1/evaluation-rounds/{id}/results.csv", "get"),
        ("/api/v1/cohorts/{id}/evaluation-results", "get"),
        ("/api/v1/cohorts/{id}/evaluation-results.csv", "get"),
        ("/api/v1/evaluation-results", "get"),
        ("/api/v1/evaluation-results.csv", "get"),
        ("/api/v1/me/evaluations", "get"),
        ("/api/v1/evaluations/respond/{token}", "get"),
        ("/api/v1/evaluations/respond/{token}", "post"),
    ] {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} is not documented"
        );
    }
}

#[tokio::test]
async fn changing_a_round_is_audited_like_opening_it() {
    let app = spawn_app().await;
    let (lead, cohort, _people) = cohort_with(&app, 1).await;
    let round = open_round(
        &app,
        &lead,
        &cohort,
        json!({ "kind": "end_of_programme", "closes_on": day(10), "reminder_every_days": 7 }),
    )
    .await;
    let round_id = round["id"].as_str().expect("id").to_owned();
    let changed = app
        .client
        .patch(app.url(&format!("/api/v1/evaluation-rounds/{round_id}")))
        .bearer_auth(&lead.token)
        .json(&json!({ "closes_on": day(20), "reminder_every_days": 0 }))
        .send()
        .await
        .expect("sent");
    assert_eq!(changed.status(), 200);
    let changed: Value = changed.json().await.expect("json");
    assert_eq!(changed["reminder_every_days"], Value::Null);
    let bad = app
        .client
        .patch(app.url(&format!("/api/v1/evaluation-rounds/{round_id}")))
        .bearer_auth(&lead.token)
        .json(&json!({ "closes_on": "yesterday" }))
        .send()
        .await
        .expect("sent");
    assert_eq!(bad.status(), 422);

    let mut conn = app.db();
    let actions: Vec<String> =
        llwybr::db::audit::for_object(&mut conn, "evaluation_round", &round_id)
            .expect("audit")
            .into_iter()
            .map(|row| row.action)
            .collect();
    assert_eq!(
        actions,
        ["evaluation_round.opened", "evaluation_round.changed"]
    );
}

#[tokio::test]
async fn local_authority_officers_see_only_their_authoritys_figures_without_comments() {
    use llwybr::db::schema::{people, schools};

    let app = spawn_app().await;
    let (lead, cohort, participants) = cohort_with(&app, 4).await;
    let school = app.school("Ysgol Gymraeg Treganna");
    let authority: String = {
        let mut conn = app.db();
        let at_the_school: Vec<&str> = participants[..3].iter().map(|p| p.email.as_str()).collect();
        diesel::update(people::table.filter(people::email.eq_any(at_the_school)))
            .set(people::school_id.eq(&school))
            .execute(&mut conn)
            .expect("p1 to p3 work at the school");
        schools::table
            .find(&school)
            .select(schools::local_authority_id)
            .first(&mut conn)
            .expect("authority")
    };
    let officer = app.person("swyddog@caerdydd.gov.uk", &[], None, None);
    app.grant_officer(&officer.email, &authority);
    let round = open_round(
        &app,
        &lead,
        &cohort,
        json!({ "kind": "end_of_programme", "closes_on": day(10) }),
    )
    .await;
    let round_id = round["id"].as_str().expect("id").to_owned();
    let paths = [
        format!("/api/v1/evaluation-rounds/{round_id}/results"),
        format!("/api/v1/cohorts/{cohort}/evaluation-results"),
        "/api/v1/evaluation-results".to_owned(),
    ];
    let answer_as = |email: &'static str, overall: i32, comment: &'static str| {
        let app = &app;
        async move {
            let invitation = app.wait_for_email(email, "Your evaluation").await;
            let stored = answer(
                app,
                &respond_token(&invitation.text),
                full_answers(overall, comment),
            )
            .await;
            assert_eq!(stored.status(), 201);
        }
    };
    answer_as("p1@ysgol.cymru", 5, "Treganna comment").await;
    answer_as("p4@ysgol.cymru", 1, "Elsewhere comment").await;
    // One answer from the officer's authority is one person's answer: held back.
    for path in &paths {
        let results: Value = app
            .get_as(&officer.token, path)
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(results["responded"], 1, "{path}");
        assert_eq!(results["withheld_rounds"], 1, "{path}");
        assert_eq!(results["satisfaction_pct"], Value::Null, "{path}");
        assert_eq!(results["overall_answered"], 0, "{path}");
    }
    answer_as("p2@ysgol.cymru", 4, "Treganna comment 2").await;
    answer_as("p3@ysgol.cymru", 2, "Treganna comment 3").await;
    for path in &paths {
        let response = app.get_as(&officer.token, path).await;
        assert_eq!(response.status(), 200, "{path}");
        let results: Value = response.json().await.expect("json");
        assert_eq!(results["invited"], 3, "{path}");
        assert_eq!(results["responded"], 3, "{path}");
        assert_eq!(results["withheld_rounds"], 0, "{path}");
        assert_eq!(
            (&results["satisfied"], &results["overall_answered"]),
            (&json!(2), &json!(3)),
            "{path}"
        );
        assert_eq!(results["comments"], json!([]), "{path}");
        assert_eq!(results["comments_shown"], false, "{path}");
    }
    // An erased person leaves the authority's figures, response and all: two answers left are
    // held back again, rather than shown as two people's answers under a count of three.
    let p3 = &participants[2];
    let mine: Value = app
        .get_as(&p3.token, "/api/v1/me/applications")
        .await
        .json()
        .await
        .expect("json");
    let application = mine[0]["id"].as_str().expect("an application");
    let withdrawn = app
        .post_as(
            &p3.token,
            &format!("/api/v1/applications/{application}/withdraw"),
            &json!({}),
        )
        .await;
    assert_eq!(withdrawn.status(), 200);
    let admin = app.person(
        "gweinydd@consortiwm.cymru",
        &[Role::ConsortiumAdmin],
        None,
        None,
    );
    let p3_id: String = people::table
        .filter(people::email.eq(&p3.email))
        .select(people::id)
        .first(&mut app.db())
        .expect("p3");
    let erased = app
        .post_as(
            &admin.token,
            &format!("/api/v1/admin/people/{p3_id}/erase"),
            &json!({}),
        )
        .await;
    assert!(erased.status().is_success(), "{}", erased.status());
    for path in &paths {
        let results: Value = app
            .get_as(&officer.token, path)
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(results["invited"], 2, "{path}");
        assert_eq!(results["responded"], 2, "{path}");
        assert_eq!(results["withheld_rounds"], 1, "{path}");
        assert_eq!(results["satisfaction_pct"], Value::Null, "{path}");
    }
    let report: Value = app
        .get_as(&officer.token, "/api/v1/reports/satisfaction?by=programme")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(report["total"]["responded"], 2, "{report}");
    assert_eq!(report["total"]["satisfied"], Value::Null, "{report}");
    // The lead sees all four, with comments.
    let all: Value = app
        .get_as(
            &lead.token,
            &format!("/api/v1/evaluation-rounds/{round_id}/results"),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(all["responded"], 4);
    assert_eq!(all["satisfaction_pct"], 50.0);
    assert_eq!(all["comments"].as_array().map(Vec::len), Some(4));
}

#[tokio::test]
async fn an_officer_of_two_authorities_sees_the_people_of_both() {
    use llwybr::db::schema::{people, schools};

    let app = spawn_app().await;
    let (lead, cohort, participants) = cohort_with(&app, 3).await;
    let in_cardiff = app.school("Ysgol Treganna");
    let (other, in_the_other) = app.second_authority();
    let officer = app.person("swyddog@deorllewin.gov.uk", &[], None, None);
    let mut conn = app.db();
    let cardiff: String = schools::table
        .find(&in_cardiff)
        .select(schools::local_authority_id)
        .first(&mut conn)
        .expect("authority");
    for (person, school) in participants
        .iter()
        .zip([&in_cardiff, &in_cardiff, &in_the_other])
    {
        diesel::update(people::table.filter(people::email.eq(&person.email)))
            .set(people::school_id.eq(school))
            .execute(&mut conn)
            .expect("their school");
    }
    for authority in [&cardiff, &other] {
        app.grant_officer(&officer.email, authority);
    }
    let round = open_round(
        &app,
        &lead,
        &cohort,
        json!({ "kind": "end_of_programme", "closes_on": day(10) }),
    )
    .await;
    for person in &participants {
        let invitation = app.wait_for_email(&person.email, "Your evaluation").await;
        let stored = answer(&app, &respond_token(&invitation.text), full_answers(5, "")).await;
        assert_eq!(stored.status(), 201);
    }
    // Two people in one authority and one in the other: apart, both would be held back.
    let results = round_results(&app, &officer.token, &round).await;
    assert_eq!(results["responded"], 3, "{results}");
    assert_eq!(results["withheld_rounds"], 0, "{results}");
    assert_eq!(results["overall_answered"], 3, "{results}");
}

#[tokio::test]
async fn a_cohort_compares_the_end_of_programme_with_the_delayed_impact() {
    let app = spawn_app().await;
    let (lead, cohort, _people) = cohort_with(&app, 1).await;
    open_round(
        &app,
        &lead,
        &cohort,
        json!({ "kind": "end_of_programme", "closes_on": day(10) }),
    )
    .await;
    let first = app
        .wait_for_email("p1@ysgol.cymru", "Your evaluation")
        .await;
    let stored = answer(&app, &respond_token(&first.text), full_answers(3, "")).await;
    assert_eq!(stored.status(), 201);
    open_round(
        &app,
        &lead,
        &cohort,
        json!({ "kind": "delayed_impact", "closes_on": day(10) }),
    )
    .await;
    let second = loop {
        let found: Vec<_> = app
            .sent_emails()
            .into_iter()
            .filter(|e| e.to == "p1@ysgol.cymru" && e.subject.starts_with("Your evaluation"))
            .collect();
        if found.len() == 2 {
            break found
                .into_iter()
                .find(|e| respond_token(&e.text) != respond_token(&first.text))
                .expect("the second invitation");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let stored = answer(&app, &respond_token(&second.text), full_answers(5, "")).await;
    assert_eq!(stored.status(), 201);
    let results: Value = app
        .get_as(
            &lead.token,
            &format!("/api/v1/cohorts/{cohort}/evaluation-results"),
        )
        .await
        .json()
        .await
        .expect("json");
    let overall = results["comparison"]
        .as_array()
        .expect("comparison")
        .iter()
        .find(|row| row["question_id"] == "q-overall")
        .expect("overall compared");
    assert_eq!(overall["before_mean"], 3.0);
    assert_eq!(overall["after_mean"], 5.0);
    assert_eq!(overall["before_share_4_or_5_pct"], 0.0);
    assert_eq!(overall["after_share_4_or_5_pct"], 100.0);
    let page = app
        .get_as(&lead.token, &format!("/evaluations/cohorts/{cohort}"))
        .await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.expect("html").contains("Delayed impact"));
}

#[tokio::test]
async fn invitations_and_their_form_come_in_the_participants_language() {
    use llwybr::db::schema::people;

    let app = spawn_app().await;
    let (lead, cohort, _people) = cohort_with(&app, 1).await;
    {
        let mut conn = app.db();
        diesel::update(people::table.filter(people::email.eq("p1@ysgol.cymru")))
            .set(people::preferred_language.eq("cy"))
            .execute(&mut conn)
            .expect("Welsh");
    }
    open_round(
        &app,
        &lead,
        &cohort,
        json!({ "kind": "end_of_programme", "closes_on": day(10) }),
    )
    .await;
    let email = app.wait_for_email("p1@ysgol.cymru", "Gwerthuso:").await;
    assert!(email.text.contains("Annwyl"), "{}", email.text);
    let token = respond_token(&email.text);
    assert!(
        email
            .text
            .contains(&format!("/evaluations/respond/{token}?lang=cy")),
        "{}",
        email.text
    );
    let browser = crate::helpers::client();
    let form = browser
        .get(app.url(&format!("/evaluations/respond/{token}?lang=cy")))
        .send()
        .await
        .expect("sent")
        .text()
        .await
        .expect("html");
    assert!(form.contains("At ei gilydd, rwy&#39;n fodlon"), "{form}");
    assert!(form.contains("Cytuno&#39;n gryf"), "{form}");
    let refused = browser
        .post(app.url(&format!("/evaluations/respond/{token}?lang=cy")))
        .form(&[("answers.q-overall", "7")])
        .send()
        .await
        .expect("sent");
    assert_eq!(refused.status(), 422);
    let page = refused.text().await.expect("html");
    assert!(page.contains("Dewiswch werth o 1 i 5."), "{page}");
    assert!(page.contains("Atebwch y cwestiwn hwn."), "{page}");
}

#[tokio::test]
async fn a_round_that_opens_later_invites_the_cohort_when_it_opens() {
    let app = spawn_app().await;
    let (lead, cohort, _people) = cohort_with(&app, 1).await;
    let round = open_round(
        &app,
        &lead,
        &cohort,
        json!({ "kind": "delayed_impact", "opens_on": day(180), "closes_on": day(200) }),
    )
    .await;
    assert_eq!(round["open_now"], false);
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert!(
        !app.sent_emails()
            .iter()
            .any(|e| e.subject.starts_with("Your evaluation")),
        "nobody is invited before the round opens"
    );
    {
        let mut conn = app.db();
        // As if made months ago and opening a minute ago.
        let now = chrono::Utc::now().naive_utc();
        diesel::update(evaluation_rounds::table)
            .set((
                evaluation_rounds::created_at.eq(now - chrono::Duration::days(180)),
                evaluation_rounds::opens_at.eq(now - chrono::Duration::minutes(1)),
            ))
            .execute(&mut conn)
            .expect("open it now");
    }
    let invitation = app
        .wait_for_email("p1@ysgol.cymru", "Your evaluation")
        .await;
    let stored = answer(&app, &respond_token(&invitation.text), full_answers(4, "")).await;
    assert_eq!(stored.status(), 201);
}

#[tokio::test]
async fn a_lead_changes_a_round_from_the_cohort_page_and_a_bad_date_is_explained() {
    let app = spawn_app().await;
    let (lead, cohort, _people) = cohort_with(&app, 1).await;
    let round = open_round(
        &app,
        &lead,
        &cohort,
        json!({ "kind": "end_of_programme", "closes_on": day(10), "reminder_every_days": 7 }),
    )
    .await;
    let round_id = round["id"].as_str().expect("id");
    let post = |fields: Vec<(&'static str, String)>| {
        app.client
            .post(app.url(&format!("/lead/evaluation-rounds/{round_id}")))
            .bearer_auth(&lead.token)
            .form(&fields)
            .send()
    };
    let refused = post(vec![
        ("closes_on", day(-2)),
        ("reminder_every_days", "3".into()),
    ])
    .await
    .expect("sent");
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.expect("html");
    assert!(
        html.contains("The last day must come after the round opens."),
        "{html}"
    );
    assert!(
        html.contains(&format!("value=\"{}\"", day(-2))),
        "what was typed stays"
    );
    let saved = post(vec![
        ("closes_on", day(30)),
        ("reminder_every_days", "3".into()),
    ])
    .await
    .expect("sent");
    assert_eq!(saved.status(), 303);
    let rounds: Value = app
        .get_as(
            &lead.token,
            &format!("/api/v1/cohorts/{cohort}/evaluation-rounds"),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(rounds[0]["reminder_every_days"], 3);
    let someone = app.person("arall@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let forbidden = app
        .client
        .post(app.url(&format!("/lead/evaluation-rounds/{round_id}")))
        .bearer_auth(&someone.token)
        .form(&[("closes_on", day(40))])
        .send()
        .await
        .expect("sent");
    assert_eq!(forbidden.status(), 403);
}

/// Puts `rounds` answered rounds on the cohort, opening a day apart from `first_day`, each
/// with one named response: 5 on the overall question and the comment "Comment NNN" (NNN
/// counting up with the opening day). Behind the API's back: opening 250 rounds through it
/// would send 250 emails.
fn answered_rounds(
    app: &TestApp,
    cohort: &str,
    person_email: &str,
    first_day: &str,
    rounds: usize,
    label: &str,
) {
    use llwybr::db::schema::people;
    let mut conn = app.db();
    let person: String = people::table
        .filter(people::email.eq(person_email))
        .select(people::id)
        .first(&mut conn)
        .expect("person");
    let first = chrono::NaiveDate::parse_from_str(first_day, "%Y-%m-%d")
        .expect("day")
        .and_hms_opt(9, 0, 0)
        .expect("time");
    let id = || uuid::Uuid::new_v4().to_string();
    for n in 0..rounds {
        let opens = first + chrono::Duration::days(i64::try_from(n).expect("n"));
        let (round, invitation, response) = (id(), id(), id());
        diesel::insert_into(evaluation_rounds::table)
            .values((
                evaluation_rounds::id.eq(&round),
                evaluation_rounds::cohort_id.eq(cohort),
                evaluation_rounds::form_id.eq("form-leadership-default"),
                evaluation_rounds::kind.eq("end_of_programme"),
                evaluation_rounds::anonymous.eq(false),
                evaluation_rounds::opens_at.eq(opens),
                evaluation_rounds::closes_at.eq(opens + chrono::Duration::days(14)),
                evaluation_rounds::created_at.eq(opens),
            ))
            .execute(&mut conn)
            .expect("round");
        diesel::insert_into(evaluation_invitations::table)
            .values((
                evaluation_invitations::id.eq(&invitation),
                evaluation_invitations::round_id.eq(&round),
                evaluation_invitations::person_id.eq(&person),
                evaluation_invitations::token_hash.eq(id()),
                evaluation_invitations::invited_at.eq(opens),
                evaluation_invitations::responded_at.eq(Some(opens)),
            ))
            .execute(&mut conn)
            .expect("invitation");
        diesel::insert_into(evaluation_responses::table)
            .values((
                evaluation_responses::id.eq(&response),
                evaluation_responses::round_id.eq(&round),
                evaluation_responses::invitation_id.eq(Some(&invitation)),
                evaluation_responses::submitted_at.eq(opens),
            ))
            .execute(&mut conn)
            .expect("response");
        for (question, value_int, value_text) in [
            ("q-overall", Some(5), None),
            ("q-worked-well", None, Some(format!("{label} {n:03}"))),
        ] {
            llwybr::db::evaluations::insert_answer(
                &mut conn,
                &llwybr::db::evaluations::NewAnswer {
                    round_id: &round,
                    response_id: &response,
                    question_id: question,
                    value_int,
                    value_text: value_text.as_deref(),
                    is_choice: false,
                },
            )
            .expect("answer");
        }
    }
}

#[tokio::test]
async fn a_year_of_many_rounds_counts_them_all_and_lists_only_the_most_recent_comments() {
    let app = spawn_app().await;
    let (_lead, cohort, people) = cohort_with(&app, 1).await;
    // 250 rounds in 2024/25 (from 2 September 2024), and 5 in 2023/24 that must not count.
    answered_rounds(
        &app,
        &cohort,
        &people[0].email,
        "2024-09-02",
        250,
        "Comment",
    );
    answered_rounds(&app, &cohort, &people[0].email, "2023-10-01", 5, "Earlier");
    let admin = app.person(
        "admin@consortiwm.cymru",
        &[Role::ConsortiumAdmin],
        None,
        None,
    );

    let year: Value = app
        .get_as(
            &admin.token,
            "/api/v1/evaluation-results?academic_year=2024/25",
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(year["rounds"].as_array().map(Vec::len), Some(250));
    assert_eq!(year["invited"], 250);
    assert_eq!(year["responded"], 250);
    assert_eq!(year["overall_answered"], 250);
    assert_eq!(year["satisfaction_pct"], 100.0);
    assert_eq!(year["comments_total"], 250);
    let comments: Vec<&str> = year["comments"]
        .as_array()
        .expect("comments")
        .iter()
        .filter_map(|c| c["text"].as_str())
        .collect();
    assert_eq!(comments.len(), 200, "only the most recent are listed");
    // The newest rounds' comments: 249 down to 50, none of the year's first 50 or earlier years.
    assert_eq!(comments.first(), Some(&"Comment 249"));
    assert_eq!(comments.last(), Some(&"Comment 050"));
    assert!(comments.iter().all(|c| c.starts_with("Comment")));

    // The CSV carries every comment of the year.
    let csv = app
        .get_as(
            &admin.token,
            "/api/v1/evaluation-results.csv?academic_year=2024/25",
        )
        .await
        .text()
        .await
        .expect("csv");
    assert_eq!(
        csv.lines().filter(|l| l.starts_with("comment,")).count(),
        250
    );
    assert!(!csv.contains("Earlier"));

    // All years together: 255 rounds, still 200 comments listed.
    let all: Value = app
        .get_as(&admin.token, "/api/v1/evaluation-results")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(all["responded"], 255);
    assert_eq!(all["comments_total"], 255);
    assert_eq!(all["comments"].as_array().map(Vec::len), Some(200));

    // The page says how many of how many, in English and in Welsh.
    for (lang, phrase) in [
        ("en", "Showing the 200 most recent comments of 250"),
        ("cy", "Yn dangos y 200 sylw diweddaraf o 250"),
    ] {
        let page = app
            .get_as(
                &admin.token,
                &format!("/evaluations/results?academic_year=2024&lang={lang}"),
            )
            .await
            .text()
            .await
            .expect("page");
        let plain = page.replace(['\u{2068}', '\u{2069}'], "");
        assert!(plain.contains(phrase), "{lang}: no '{phrase}'");
    }

    // A cohort's results still list all its comments.
    let cohort_results: Value = app
        .get_as(
            &admin.token,
            &format!("/api/v1/cohorts/{cohort}/evaluation-results"),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        cohort_results["comments"].as_array().map(Vec::len),
        Some(255)
    );
    assert_eq!(cohort_results["comments_total"], 255);
}

/// An evaluation link answers as the person it was sent to without signing in: once their
/// account is switched off, it answers for no one and nothing is counted.
#[tokio::test]
async fn a_deactivated_persons_link_answers_nothing() {
    let app = spawn_app().await;
    let admin = app.person("admin@csc.cymru", &[Role::ConsortiumAdmin], None, None);
    let (lead, cohort, _people) = cohort_with(&app, 1).await;
    open_round(
        &app,
        &lead,
        &cohort,
        json!({ "kind": "end_of_programme", "closes_on": day(10) }),
    )
    .await;
    let email = app
        .wait_for_email("p1@ysgol.cymru", "Your evaluation")
        .await;
    let token = respond_token(&email.text);
    let person_id: String = {
        use llwybr::db::schema::people;
        people::table
            .filter(people::email.eq("p1@ysgol.cymru"))
            .select(people::id)
            .first(&mut app.db())
            .expect("person")
    };
    let deactivated = app
        .post_as(
            &admin.token,
            &format!("/api/v1/admin/people/{person_id}/deactivate"),
            &json!({}),
        )
        .await;
    assert_eq!(deactivated.status(), 200);

    let refused = answer(&app, &token, full_answers(5, "Excellent")).await;
    assert_eq!(refused.status(), 404);
    assert_eq!(count_rows(&app), (0, 0, 0), "nothing counted");
    let page = app
        .client
        .get(app.url(&format!("/evaluations/respond/{token}")))
        .send()
        .await
        .expect("sent");
    assert_ne!(page.status(), 200, "the form is not offered either");
}
