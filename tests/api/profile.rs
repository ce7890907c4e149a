use serde_json::{Value, json};

use crate::helpers::{PASSWORD, problem, spawn_app};

#[tokio::test]
async fn a_person_sets_their_stage_and_school_and_the_change_is_audited() {
    let app = spawn_app().await;
    let school = app.school("Ysgol y Graig");
    let token = app.token_for("ceri@ysgol.cymru").await;
    let response = app
        .client
        .patch(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .json(&json!({ "stage_code": "future_middle_leader", "school_id": school, "job_title": "Pennaeth adran", "welsh_ability": "advanced" }))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 200);
    let me: Value = response.json().await.expect("json");
    assert_eq!(me["stage"]["code"], "future_middle_leader");
    assert_eq!(me["stage"]["name_cy"], "Darpar Arweinydd Canol");
    assert_eq!(me["school"]["name_en"], "Ysgol y Graig");
    assert_eq!(me["welsh_ability"], "advanced");
    assert_eq!(me["name"], "Ceri Jones", "fields left out keep their value");

    let mut conn = app.db();
    let person_id = me["id"].as_str().unwrap_or("");
    let history = llwybr::db::audit::for_object(&mut conn, "person", person_id).expect("audit");
    assert!(
        history
            .iter()
            .any(|row| row.action == "person.profile_updated")
    );

    let cleared = app
        .client
        .patch(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .json(&json!({ "stage_code": "" }))
        .send()
        .await
        .expect("sent");
    let cleared: Value = cleared.json().await.expect("json");
    assert!(cleared["stage"].is_null());
}

#[tokio::test]
async fn an_unknown_stage_or_school_is_422_and_nothing_changes() {
    let app = spawn_app().await;
    let token = app.token_for("ceri@ysgol.cymru").await;
    let response = app
        .client
        .patch(app.url("/api/v1/me"))
        .bearer_auth(&token)
        .json(&json!({ "stage_code": "astronaut", "school_id": "no-such-school", "name": "Ceri Newydd", "welsh_ability": "fluent-ish" }))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 422);
    let body = problem(response).await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert_eq!(fields, ["stage_code", "school_id", "welsh_ability"]);
    let me: Value = app.me(&token).await.json().await.expect("json");
    assert_eq!(me["name"], "Ceri Jones");
}

#[tokio::test]
async fn the_profile_form_saves_and_suggests_programmes_for_the_stage() {
    use llwybr::domain::role::Role;
    let app = spawn_app().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    app.programme_with_cohort(&lead, "mldp", false, &["future_middle_leader"], 10)
        .await;
    app.register("ceri@ysgol.cymru", "Ceri").await;
    app.client
        .post(app.url("/login"))
        .form(&[("email", "ceri@ysgol.cymru"), ("password", PASSWORD)])
        .send()
        .await
        .expect("sent");
    let saved = app
        .client
        .post(app.url("/profile"))
        .form(&[
            ("name", "Ceri"),
            ("preferred_language", "en"),
            ("stage_code", "aspiring_tlr"),
            ("school_id", ""),
            ("job_title", ""),
            ("welsh_ability", ""),
        ])
        .send()
        .await
        .expect("sent");
    assert_eq!(saved.status(), 303);
    let page = app
        .client
        .get(app.url("/profile?saved=1"))
        .send()
        .await
        .expect("sent")
        .text()
        .await
        .expect("body");
    assert!(page.contains("Your details are saved."));
    assert!(
        page.contains("Middle Leadership Development Programme"),
        "the next stage's programme is suggested"
    );
    let bad = app
        .client
        .post(app.url("/profile"))
        .form(&[
            ("name", ""),
            ("preferred_language", "en"),
            ("stage_code", "aspiring_tlr"),
        ])
        .send()
        .await
        .expect("sent");
    assert_eq!(bad.status(), 422);
    assert!(bad.text().await.expect("body").contains("Enter your name."));
}
