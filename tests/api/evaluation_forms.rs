//! Evaluation forms built by leads: every kind of question, every problem named with nothing
//! stored, access, unique codes, and a round that asks a custom form's questions and reports
//! its single-choice answers.

use std::collections::BTreeSet;

use diesel::prelude::*;
use llwybr::db::schema::{audit_log, evaluation_forms, evaluation_questions};
use llwybr::domain::role::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, TestPerson, problem, spawn_app};

fn day(days: i64) -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(days)).to_string()
}

fn respond_token(text: &str) -> String {
    let marker = "/evaluations/respond/";
    let start = text.find(marker).expect("a respond link") + marker.len();
    text[start..]
        .chars()
        .take_while(|c| c.is_ascii_hexdigit())
        .collect()
}

fn every_kind(code: &str) -> Value {
    json!({
        "code": code,
        "title_en": "Coaching follow-up",
        "title_cy": "Dilyniant hyfforddi",
        "questions": [
            { "kind": "likert", "prompt_en": "Overall, the coaching helped me.",
              "prompt_cy": "At ei gilydd, roedd yr hyfforddi o help i mi.", "required": true,
              "measure_key": "overall" },
            { "kind": "rating", "prompt_en": "Rate your coach.", "prompt_cy": "Rhowch sgôr i'ch hyfforddwr.",
              "required": true },
            { "kind": "single_choice", "prompt_en": "How did you meet?", "prompt_cy": "Sut wnaethoch chi gwrdd?",
              "required": true, "options": [
                { "value": "online", "label_en": "Online", "label_cy": "Ar-lein" },
                { "value": "in_person", "label_en": "In person", "label_cy": "Wyneb yn wyneb" },
                { "value": "both", "label_en": "Both", "label_cy": "Y ddau" }
              ] },
            { "kind": "yes_no", "prompt_en": "Would you recommend it?", "prompt_cy": "Fyddech chi'n ei argymell?",
              "required": false },
            { "kind": "free_text", "prompt_en": "Anything else?", "prompt_cy": "Unrhyw beth arall?",
              "required": false }
        ]
    })
}

fn lead(app: &TestApp) -> TestPerson {
    app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None)
}

async fn create(app: &TestApp, who: &TestPerson, body: &Value) -> reqwest::Response {
    app.post_as(&who.token, "/api/v1/evaluation-forms", body)
        .await
}

fn counts(app: &TestApp) -> (i64, i64, i64) {
    let mut conn = app.db();
    (
        evaluation_forms::table
            .count()
            .get_result(&mut conn)
            .expect("count"),
        evaluation_questions::table
            .count()
            .get_result(&mut conn)
            .expect("count"),
        audit_log::table
            .filter(audit_log::object_type.eq("evaluation_form"))
            .count()
            .get_result(&mut conn)
            .expect("count"),
    )
}

#[tokio::test]
async fn a_lead_builds_a_form_with_every_kind_of_question_and_finds_it_listed() {
    let app = spawn_app().await;
    let lead = lead(&app);
    let before = counts(&app);
    let created = create(&app, &lead, &every_kind("coaching-2026")).await;
    assert_eq!(created.status(), 201);
    let form: Value = created.json().await.expect("json");
    assert_eq!(form["code"], "coaching-2026");
    assert_eq!(form["is_default"], false);
    let questions = form["questions"].as_array().expect("questions");
    let kinds: Vec<&str> = questions
        .iter()
        .filter_map(|q| q["kind"].as_str())
        .collect();
    assert_eq!(
        kinds,
        ["likert", "rating", "single_choice", "yes_no", "free_text"]
    );
    assert_eq!(questions[0]["measure_key"], "overall");
    assert_eq!(questions[2]["options"][1]["label_cy"], "Wyneb yn wyneb");
    assert_eq!(questions[3]["options"], json!([]));
    assert_eq!(counts(&app), (before.0 + 1, before.1 + 5, before.2 + 1));

    let listed: Vec<Value> = app
        .get_as(&lead.token, "/api/v1/evaluation-forms")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["is_default"], true);
    assert_eq!(listed[1]["code"], "coaching-2026");

    let id = form["id"].as_str().expect("id");
    let shown = app
        .get_as(&lead.token, &format!("/api/v1/evaluation-forms/{id}"))
        .await;
    assert_eq!(shown.status(), 200);
    let shown: Value = shown.json().await.expect("json");
    assert_eq!(shown["questions"].as_array().map(Vec::len), Some(5));
    let missing = app
        .get_as(&lead.token, "/api/v1/evaluation-forms/no-such-form")
        .await;
    assert_eq!(missing.status(), 404);
}

#[tokio::test]
async fn a_form_with_problems_names_every_one_in_welsh_and_stores_nothing() {
    let app = spawn_app().await;
    let lead = lead(&app);
    let before = counts(&app);
    let bad = app
        .client
        .post(app.url("/api/v1/evaluation-forms"))
        .bearer_auth(&lead.token)
        .header("accept-language", "cy")
        .json(&json!({
            "code": "Not A Code",
            "title_en": "Fine",
            "title_cy": "",
            "questions": [
                { "kind": "likert", "prompt_en": "Good?", "prompt_cy": "", "measure_key": "overall" },
                { "kind": "single_choice", "prompt_en": "Which?", "prompt_cy": "Pa un?",
                  "options": [{ "value": "a", "label_en": "A", "label_cy": "A" },
                              { "value": "a", "label_en": "A again", "label_cy": "A eto" }] },
                { "kind": "free_text", "prompt_en": "Why?", "prompt_cy": "Pam?", "measure_key": "overall" },
                { "kind": "essay", "prompt_en": "Write", "prompt_cy": "Ysgrifennwch" }
            ]
        }))
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
            "code",
            "title_cy",
            "questions[0].prompt_cy",
            "questions[1].options[1].value",
            "questions[2].measure_key",
            "questions[3].kind",
        ])
    );
    assert!(
        errors
            .iter()
            .any(|(f, m)| f == "questions[0].prompt_cy" && m == "Ni ellir gadael hwn yn wag."),
        "{errors:?}"
    );
    assert_eq!(counts(&app), before);
}

#[tokio::test]
async fn participants_may_neither_build_nor_read_forms() {
    let app = spawn_app().await;
    let participant = app.person("p1@ysgol.cymru", &[], None, None);
    let before = counts(&app);
    let refused = create(&app, &participant, &every_kind("mine")).await;
    assert_eq!(refused.status(), 403);
    assert_eq!(counts(&app), before);
    let listed = app
        .get_as(&participant.token, "/api/v1/evaluation-forms")
        .await;
    assert_eq!(listed.status(), 403);
    let default_id: String = evaluation_forms::table
        .filter(evaluation_forms::is_default.eq(true))
        .select(evaluation_forms::id)
        .first(&mut app.db())
        .expect("the default form");
    let shown = app
        .get_as(
            &participant.token,
            &format!("/api/v1/evaluation-forms/{default_id}"),
        )
        .await;
    assert_eq!(shown.status(), 403);
}

#[tokio::test]
async fn a_code_already_taken_is_refused_as_a_conflict() {
    let app = spawn_app().await;
    let admin = app.person(
        "admin@consortiwm.cymru",
        &[Role::ConsortiumAdmin],
        None,
        None,
    );
    assert_eq!(
        create(&app, &admin, &every_kind("coaching")).await.status(),
        201
    );
    let before = counts(&app);
    let again = create(&app, &admin, &every_kind("coaching")).await;
    assert_eq!(again.status(), 409);
    let body = problem(again).await;
    assert!(
        body["detail"]
            .as_str()
            .is_some_and(|d| d.contains("already has this code")),
        "{body}"
    );
    assert_eq!(counts(&app), before);
}

#[tokio::test]
async fn a_round_asks_a_custom_forms_questions_and_reports_its_choices() {
    let app = spawn_app().await;
    let lead = lead(&app);
    let form: Value = create(&app, &lead, &every_kind("coaching-2026"))
        .await
        .json()
        .await
        .expect("json");
    let form_id = form["id"].as_str().expect("id").to_owned();
    let question = |n: usize| form["questions"][n]["id"].as_str().expect("qid").to_owned();

    let (_, cohort) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 30)
        .await;
    let participant = app.person("p1@ysgol.cymru", &[], None, None);
    let applied = app
        .post_as(
            &participant.token,
            &format!("/api/v1/cohorts/{cohort}/applications"),
            &json!({}),
        )
        .await;
    assert_eq!(applied.status(), 201);

    // An unknown form is named, and no round is opened.
    let unknown = app
        .post_as(
            &lead.token,
            &format!("/api/v1/cohorts/{cohort}/evaluation-rounds"),
            &json!({ "kind": "end_of_programme", "closes_on": day(10), "form_id": "nope" }),
        )
        .await;
    assert_eq!(unknown.status(), 422);
    let body = problem(unknown).await;
    assert_eq!(body["errors"][0]["field"], "form_id");

    let opened = app
        .post_as(
            &lead.token,
            &format!("/api/v1/cohorts/{cohort}/evaluation-rounds"),
            &json!({ "kind": "end_of_programme", "closes_on": day(10), "form_id": form_id }),
        )
        .await;
    assert_eq!(opened.status(), 201);
    let round: Value = opened.json().await.expect("json");
    let round_id = round["id"].as_str().expect("round id").to_owned();
    assert_eq!(round["invited"], 1);

    let email = app
        .wait_for_email("p1@ysgol.cymru", "Your evaluation")
        .await;
    let token = respond_token(&email.text);
    let page = crate::helpers::client()
        .get(app.url(&format!("/evaluations/respond/{token}")))
        .send()
        .await
        .expect("sent");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(html.contains("How did you meet?"), "{html}");
    assert!(html.contains("In person"), "{html}");
    assert!(!html.contains("Overall, I am satisfied"), "{html}");

    let answer = |choice: &str| {
        json!({ "answers": {
            question(0): 5, question(1): 4, question(2): choice, question(3): "yes"
        }})
    };
    let refused = app
        .client
        .post(app.url(&format!("/api/v1/evaluations/respond/{token}")))
        .json(&answer("by pigeon"))
        .send()
        .await
        .expect("sent");
    assert_eq!(refused.status(), 422);
    let body = problem(refused).await;
    assert_eq!(
        body["errors"][0]["field"],
        format!("answers.{}", question(2))
    );
    let stored = app
        .client
        .post(app.url(&format!("/api/v1/evaluations/respond/{token}")))
        .json(&answer("in_person"))
        .send()
        .await
        .expect("sent");
    assert_eq!(stored.status(), 201);

    let results: Value = app
        .get_as(
            &lead.token,
            &format!("/api/v1/evaluation-rounds/{round_id}/results"),
        )
        .await
        .json()
        .await
        .expect("json");
    let choice = results["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .find(|q| q["question_id"] == question(2))
        .expect("the single-choice question");
    // Every option in the form's order, with the labels the form shows.
    assert_eq!(
        choice["choices"],
        json!([
            { "value": "online", "count": 0, "label_en": "Online", "label_cy": "Ar-lein" },
            { "value": "in_person", "count": 1, "label_en": "In person", "label_cy": "Wyneb yn wyneb" },
            { "value": "both", "count": 0, "label_en": "Both", "label_cy": "Y ddau" },
        ])
    );
    assert_eq!(results["satisfaction_pct"], 100.0);
    let page = app
        .get_as(
            &lead.token,
            &format!("/evaluations/rounds/{round_id}?lang=cy"),
        )
        .await;
    let page = page.text().await.expect("html");
    assert!(
        page.contains("Wyneb yn wyneb"),
        "the label, not the code: {page}"
    );

    // The round's tallies, counted as the response was stored, are what counting every answer
    // again gives (the migration's and the synthetic consortium's way).
    type TallyRow = (String, String, Option<i32>, Option<String>, i32);
    let tallies = || -> Vec<TallyRow> {
        use llwybr::db::schema::evaluation_answer_tallies as t;
        t::table
            .filter(t::round_id.eq(&round_id))
            .order((t::question_id, t::value_key))
            .select((
                t::question_id,
                t::value_key,
                t::value_int,
                t::choice,
                t::answers,
            ))
            .load(&mut app.db())
            .expect("tallies")
    };
    let kept = tallies();
    assert_eq!(kept.len(), 4, "{kept:?}");
    assert!(
        kept.contains(&(question(0), "n5".into(), Some(5), None, 1)),
        "{kept:?}"
    );
    assert!(
        kept.contains(&(
            question(2),
            "cin_person".into(),
            None,
            Some("in_person".into()),
            1
        )),
        "{kept:?}"
    );
    llwybr::db::evaluations::recount_tallies(&mut app.db()).expect("recount");
    assert_eq!(tallies(), kept);

    // A form a round has used is marked in use.
    let shown: Value = app
        .get_as(&lead.token, &format!("/api/v1/evaluation-forms/{form_id}"))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(shown["in_use"], true);
}

#[tokio::test]
async fn a_lead_builds_a_form_on_the_page_and_sees_problems_in_welsh_with_what_was_typed() {
    let app = spawn_app().await;
    let lead = lead(&app);
    let page = app
        .client
        .get(app.url("/lead/evaluation-forms/new"))
        .bearer_auth(&lead.token)
        .send()
        .await
        .expect("sent");
    assert_eq!(page.status(), 200);
    let before = counts(&app);
    let mut fields = vec![
        ("code", "sesiwn-1"),
        ("title_en", "Session one"),
        ("title_cy", ""),
        ("q0.kind", "single_choice"),
        ("q0.prompt_en", "Where were you?"),
        ("q0.prompt_cy", "Ble oeddech chi?"),
        ("q0.options", "online | Online | Ar-lein\nroom"),
        ("q0.required", "true"),
        // Row 1 left blank, row 2 used: its problem is shown on row 2.
        ("q1.kind", "likert"),
        ("q2.kind", "rating"),
        ("q2.prompt_en", "Rate it"),
        ("q2.prompt_cy", ""),
    ];
    let refused = app
        .client
        .post(app.url("/lead/evaluation-forms/new?lang=cy"))
        .bearer_auth(&lead.token)
        .header("accept-language", "cy")
        .form(&fields)
        .send()
        .await
        .expect("sent");
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.expect("html");
    assert!(
        html.contains("gwerth | label Saesneg | label Cymraeg"),
        "{html}"
    );
    assert!(html.contains("Ni ellir gadael hwn yn wag."), "{html}");
    assert!(html.contains("value=\"Where were you?\""), "{html}");
    assert_eq!(counts(&app), before);

    fields.retain(|(k, _)| !["title_cy", "q0.options", "q2.prompt_cy"].contains(k));
    fields.extend([
        ("title_cy", "Sesiwn un"),
        (
            "q0.options",
            "online | Online | Ar-lein\nroom | In the room | Yn yr ystafell",
        ),
        ("q2.prompt_cy", "Rhowch sgôr"),
    ]);
    let created = app
        .client
        .post(app.url("/lead/evaluation-forms/new"))
        .bearer_auth(&lead.token)
        .form(&fields)
        .send()
        .await
        .expect("sent");
    assert_eq!(created.status(), 303);
    assert_eq!(counts(&app), (before.0 + 1, before.1 + 2, before.2 + 1));
    let list = app
        .client
        .get(app.url("/lead/evaluation-forms?created=1"))
        .bearer_auth(&lead.token)
        .send()
        .await
        .expect("sent")
        .text()
        .await
        .expect("html");
    assert!(list.contains("Session one"), "{list}");

    let participant = app.person("p1@ysgol.cymru", &[], None, None);
    let forbidden = app
        .client
        .get(app.url("/lead/evaluation-forms/new"))
        .bearer_auth(&participant.token)
        .send()
        .await
        .expect("sent");
    assert_eq!(forbidden.status(), 403);

    // The cohort's evaluation page offers the new form for a round.
    let (_, cohort) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 30)
        .await;
    let rounds = app
        .client
        .get(app.url(&format!("/lead/cohorts/{cohort}/evaluations")))
        .bearer_auth(&lead.token)
        .send()
        .await
        .expect("sent")
        .text()
        .await
        .expect("html");
    assert!(rounds.contains("name=\"form_id\""), "{rounds}");
    assert!(rounds.contains("Session one"), "{rounds}");
}
