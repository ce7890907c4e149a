//! Career history: validation in English and Welsh, own entries only, and admin corrections and
//! deletions that need a reason and are audited with before and after.

use diesel::prelude::*;
use llwybr::db::schema::{audit_log, people};
use llwybr::domain::role::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, problem, spawn_app};

/// Action, actor, before and after of an audit entry.
type AuditRow = (String, Option<String>, Option<String>, Option<String>);

fn person_id(app: &TestApp, email: &str) -> String {
    people::table
        .filter(people::email.eq(email))
        .select(people::id)
        .first(&mut app.db())
        .expect("person")
}

async fn put_as(app: &TestApp, token: &str, path: &str, body: &Value) -> reqwest::Response {
    app.client
        .put(app.url(path))
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .expect("sent")
}

async fn delete_as(app: &TestApp, token: &str, path: &str) -> reqwest::Response {
    let request = app.client.delete(app.url(path)).bearer_auth(token);
    request.send().await.expect("sent")
}

async fn delete_with(app: &TestApp, token: &str, path: &str, body: &Value) -> reqwest::Response {
    let request = app.client.delete(app.url(path)).bearer_auth(token);
    request.json(body).send().await.expect("sent")
}

/// The roles in someone's career, as an admin sees it.
async fn roles_of(app: &TestApp, admin: &str, person: &str) -> Vec<String> {
    let history: Value = app
        .get_as(admin, &format!("/api/v1/admin/people/{person}/career"))
        .await
        .json()
        .await
        .expect("json");
    history
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|e| e["role"].as_str().map(str::to_owned))
        .collect()
}

/// Adds a step to the teacher's career as they would; returns its id.
async fn own_entry(app: &TestApp, token: &str, role: &str, started_on: &str) -> String {
    let created = app
        .post_as(
            token,
            "/api/v1/me/career",
            &json!({ "role": role, "started_on": started_on }),
        )
        .await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.expect("json");
    created["id"].as_str().expect("id").to_owned()
}

fn audit_of(app: &TestApp, id: &str) -> Vec<AuditRow> {
    audit_log::table
        .filter(audit_log::object_type.eq("career_entry"))
        .filter(audit_log::object_id.eq(id))
        .order(audit_log::occurred_at.asc())
        .select((
            audit_log::action,
            audit_log::actor_id,
            audit_log::before_state,
            audit_log::after_state,
        ))
        .load(&mut app.db())
        .expect("audit")
}

fn fields_and_messages(body: &Value) -> Vec<(String, String)> {
    body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap_or_default().to_owned(),
                e["message"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn every_problem_with_a_career_step_is_named_in_english_and_in_welsh() {
    let app = spawn_app().await;
    let teacher = app.person("athro@ysgol.cymru", &[], None, None);
    let bad = json!({ "role": "wizard", "started_on": "", "ended_on": "2020-13-01", "school_id": "nowhere" });

    let english = app.post_as(&teacher.token, "/api/v1/me/career", &bad).await;
    assert_eq!(english.status(), 422);
    let english = fields_and_messages(&problem(english).await);
    let fields: Vec<&str> = english.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(fields, ["role", "started_on", "ended_on", "school_id"]);
    assert!(english[0].1.starts_with("Choose one of"), "{english:?}");
    assert!(
        english[1].1.contains("date this role started"),
        "{english:?}"
    );

    let welsh = app
        .post_as(&teacher.token, "/api/v1/me/career?lang=cy", &bad)
        .await;
    let welsh = fields_and_messages(&problem(welsh).await);
    assert!(welsh[0].1.starts_with("Dewiswch un o"), "{welsh:?}");
    assert!(welsh[3].1.contains("Nid oes ysgol"), "{welsh:?}");

    let backwards = app
        .post_as(
            &teacher.token,
            "/api/v1/me/career",
            &json!({ "role": "middle_leader", "started_on": "2024-09-01", "ended_on": "2024-08-31" }),
        )
        .await;
    assert_eq!(backwards.status(), 422);
    let backwards = fields_and_messages(&problem(backwards).await);
    assert_eq!(backwards[0].0, "ended_on");
    assert!(
        backwards[0].1.contains("cannot end before"),
        "{backwards:?}"
    );

    // An entry that starts and ends on the same day is fine, and a school that exists.
    let school = app.school("Ysgol Gymraeg");
    let fine = app
        .post_as(
            &teacher.token,
            "/api/v1/me/career",
            &json!({ "role": "acting_head", "started_on": "2024-09-01", "ended_on": "2024-09-01", "school_id": school }),
        )
        .await;
    assert_eq!(fine.status(), 201);
}

#[tokio::test]
async fn people_see_and_change_only_their_own_career() {
    let app = spawn_app().await;
    let ann = app.person("ann@ysgol.cymru", &[], None, None);
    let ben = app.person("ben@ysgol.cymru", &[], None, None);
    let created = app
        .post_as(
            &ann.token,
            "/api/v1/me/career",
            &json!({ "role": "teacher", "started_on": "2015-09-01" }),
        )
        .await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.expect("json");
    let id = created["id"].as_str().expect("id").to_owned();
    assert_eq!(created["person_id"], person_id(&app, "ann@ysgol.cymru"));
    assert_eq!(created["ended_on"], Value::Null);

    let change = json!({ "role": "teacher", "started_on": "2015-09-01", "ended_on": "2020-08-31" });
    assert_eq!(
        put_as(
            &app,
            &ben.token,
            &format!("/api/v1/me/career/{id}"),
            &change
        )
        .await
        .status(),
        404
    );
    assert_eq!(
        delete_as(&app, &ben.token, &format!("/api/v1/me/career/{id}"))
            .await
            .status(),
        404
    );
    let bens: Value = app
        .get_as(&ben.token, "/api/v1/me/career")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(bens, json!([]));

    let changed = put_as(
        &app,
        &ann.token,
        &format!("/api/v1/me/career/{id}"),
        &change,
    )
    .await;
    assert_eq!(changed.status(), 200);
    app.post_as(
        &ann.token,
        "/api/v1/me/career",
        &json!({ "role": "middle_leader", "started_on": "2020-09-01" }),
    )
    .await;
    let anns: Value = app
        .get_as(&ann.token, "/api/v1/me/career")
        .await
        .json()
        .await
        .expect("json");
    let roles: Vec<&str> = anns
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|e| e["role"].as_str())
        .collect();
    assert_eq!(roles, ["teacher", "middle_leader"]);
    assert_eq!(anns[0]["ended_on"], "2020-08-31");

    assert_eq!(
        delete_as(&app, &ann.token, &format!("/api/v1/me/career/{id}"))
            .await
            .status(),
        204
    );
    let anns: Value = app
        .get_as(&ann.token, "/api/v1/me/career")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(anns.as_array().map(Vec::len), Some(1));

    // Nor may a participant use the admin routes.
    let ann_id = person_id(&app, "ann@ysgol.cymru");
    assert_eq!(
        app.get_as(&ben.token, &format!("/api/v1/admin/people/{ann_id}/career"))
            .await
            .status(),
        403
    );
}

#[tokio::test]
async fn an_admin_correction_needs_a_reason_and_is_audited_with_before_and_after() {
    let app = spawn_app().await;
    let admin = app.person("admin@csc.cymru", &[Role::ConsortiumAdmin], None, None);
    let teacher = app.person("athro@ysgol.cymru", &[], None, None);
    let teacher_id = person_id(&app, "athro@ysgol.cymru");
    let admin_id = person_id(&app, "admin@csc.cymru");

    let no_reason = app
        .post_as(
            &admin.token,
            &format!("/api/v1/admin/people/{teacher_id}/career?lang=cy"),
            &json!({ "role": "deputy_head", "started_on": "2019-09-01" }),
        )
        .await;
    assert_eq!(no_reason.status(), 422);
    let no_reason = fields_and_messages(&problem(no_reason).await);
    assert_eq!(no_reason[0].0, "reason");
    assert!(no_reason[0].1.starts_with("Dywedwch pam"), "{no_reason:?}");

    let added = app
        .post_as(
            &admin.token,
            &format!("/api/v1/admin/people/{teacher_id}/career"),
            &json!({ "role": "deputy_head", "started_on": "2019-09-01", "reason": "From the school's return" }),
        )
        .await;
    assert_eq!(added.status(), 201);
    let added: Value = added.json().await.expect("json");
    let id = added["id"].as_str().expect("id").to_owned();
    assert_eq!(added["person_id"], teacher_id);
    assert_eq!(added["reason"], "From the school's return");

    let path = format!("/api/v1/admin/career-entries/{id}");
    let blank = put_as(
        &app,
        &admin.token,
        &path,
        &json!({ "role": "headteacher", "started_on": "2019-09-01", "reason": "  " }),
    )
    .await;
    assert_eq!(blank.status(), 422);
    assert_eq!(problem(blank).await["errors"][0]["field"], "reason");
    // Only admins correct through this route.
    let by_teacher = put_as(
        &app,
        &teacher.token,
        &path,
        &json!({ "role": "headteacher", "started_on": "2019-09-01", "reason": "mine" }),
    )
    .await;
    assert_eq!(by_teacher.status(), 403);

    let corrected = put_as(
        &app,
        &admin.token,
        &path,
        &json!({ "role": "headteacher", "started_on": "2019-09-01", "reason": "Appointed head, not deputy: letter of 2 Sept 2019" }),
    )
    .await;
    assert_eq!(corrected.status(), 200);
    let history: Value = app
        .get_as(
            &admin.token,
            &format!("/api/v1/admin/people/{teacher_id}/career"),
        )
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(history[0]["role"], "headteacher");
    assert_eq!(history[0]["recorded_by"], admin_id);

    let entries: Vec<AuditRow> = audit_log::table
        .filter(audit_log::object_type.eq("career_entry"))
        .filter(audit_log::object_id.eq(&id))
        .order(audit_log::occurred_at.asc())
        .select((
            audit_log::action,
            audit_log::actor_id,
            audit_log::before_state,
            audit_log::after_state,
        ))
        .load(&mut app.db())
        .expect("audit");
    let actions: Vec<&str> = entries.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(actions, ["career_entry.created", "career_entry.changed"]);
    let (_, actor, before, after) = &entries[1];
    assert_eq!(actor.as_deref(), Some(admin_id.as_str()));
    let before: Value = serde_json::from_str(before.as_deref().unwrap_or("null")).expect("before");
    let after: Value = serde_json::from_str(after.as_deref().unwrap_or("null")).expect("after");
    assert_eq!(before["role"], "deputy_head");
    assert_eq!(after["role"], "headteacher");
    assert_eq!(
        after["reason"],
        "Appointed head, not deputy: letter of 2 Sept 2019"
    );
}

#[tokio::test]
async fn an_admin_deletes_anyones_entry_with_a_reason_and_it_is_audited() {
    let app = spawn_app().await;
    let admin = app.person("admin@csc.cymru", &[Role::ConsortiumAdmin], None, None);
    let teacher = app.person("athro@ysgol.cymru", &[], None, None);
    let teacher_id = person_id(&app, "athro@ysgol.cymru");
    let admin_id = person_id(&app, "admin@csc.cymru");
    let id = own_entry(&app, &teacher.token, "teacher", "2015-09-01").await;
    own_entry(&app, &teacher.token, "middle_leader", "2020-09-01").await;

    let deleted = delete_with(
        &app,
        &admin.token,
        &format!("/api/v1/admin/career-entries/{id}"),
        &json!({ "reason": "  Entered twice by mistake  " }),
    )
    .await;
    assert_eq!(deleted.status(), 204);
    assert_eq!(
        roles_of(&app, &admin.token, &teacher_id).await,
        ["middle_leader"]
    );

    let entries = audit_of(&app, &id);
    let actions: Vec<&str> = entries.iter().map(|e| e.0.as_str()).collect();
    assert_eq!(actions, ["career_entry.created", "career_entry.deleted"]);
    let (_, actor, before, after) = &entries[1];
    assert_eq!(actor.as_deref(), Some(admin_id.as_str()));
    let before: Value = serde_json::from_str(before.as_deref().unwrap_or("null")).expect("before");
    let after: Value = serde_json::from_str(after.as_deref().unwrap_or("null")).expect("after");
    assert_eq!(before["person_id"], teacher_id);
    assert_eq!(before["role"], "teacher");
    assert_eq!(before["started_on"], "2015-09-01");
    assert_eq!(after["reason"], "Entered twice by mistake");

    // Gone is gone: a second deletion finds nothing and records nothing.
    let again = delete_with(
        &app,
        &admin.token,
        &format!("/api/v1/admin/career-entries/{id}"),
        &json!({ "reason": "Again" }),
    )
    .await;
    assert_eq!(again.status(), 404);
    assert_eq!(audit_of(&app, &id).len(), 2);
}

#[tokio::test]
async fn deleting_someones_entry_needs_an_admin_a_reason_and_an_entry_that_exists() {
    let app = spawn_app().await;
    let admin = app.person("admin@csc.cymru", &[Role::ConsortiumAdmin], None, None);
    let lead = app.person("lead@csc.cymru", &[Role::ProgrammeLead], None, None);
    let teacher = app.person("athro@ysgol.cymru", &[], None, None);
    let teacher_id = person_id(&app, "athro@ysgol.cymru");
    let id = own_entry(&app, &teacher.token, "teacher", "2015-09-01").await;
    let path = format!("/api/v1/admin/career-entries/{id}");

    let no_reason = delete_with(&app, &admin.token, &format!("{path}?lang=cy"), &json!({})).await;
    assert_eq!(no_reason.status(), 422);
    let no_reason = fields_and_messages(&problem(no_reason).await);
    assert_eq!(no_reason.len(), 1, "{no_reason:?}");
    assert_eq!(no_reason[0].0, "reason");
    assert!(
        no_reason[0].1.starts_with("Dywedwch pam rydych yn dileu"),
        "{no_reason:?}"
    );
    let blank = delete_with(&app, &admin.token, &path, &json!({ "reason": " \t " })).await;
    assert_eq!(blank.status(), 422);
    assert_eq!(problem(blank).await["errors"][0]["field"], "reason");
    // A DELETE without any body is a missing reason too, not a malformed request.
    let bodiless = delete_as(&app, &admin.token, &path).await;
    assert_eq!(bodiless.status(), 422);
    assert_eq!(problem(bodiless).await["errors"][0]["field"], "reason");

    // Neither the person whose entry it is nor a lead may use the admin route.
    for token in [&teacher.token, &lead.token] {
        let refused = delete_with(&app, token, &path, &json!({ "reason": "Mine to delete" })).await;
        assert_eq!(refused.status(), 403);
    }

    let unknown = delete_with(
        &app,
        &admin.token,
        "/api/v1/admin/career-entries/no-such-entry",
        &json!({ "reason": "Tidying up" }),
    )
    .await;
    assert_eq!(unknown.status(), 404);

    assert_eq!(roles_of(&app, &admin.token, &teacher_id).await, ["teacher"]);
    let actions: Vec<String> = audit_of(&app, &id).into_iter().map(|e| e.0).collect();
    assert_eq!(actions, ["career_entry.created"]);
}

#[tokio::test]
async fn an_admin_deletes_an_entry_from_the_career_page_and_is_told_in_welsh_when_no_reason_is_given()
 {
    let app = spawn_app().await;
    let admin = app.person("admin@csc.cymru", &[Role::ConsortiumAdmin], None, None);
    let teacher = app.person("athro@ysgol.cymru", &[], None, None);
    let teacher_id = person_id(&app, "athro@ysgol.cymru");
    let id = own_entry(&app, &teacher.token, "deputy_head", "2019-09-01").await;
    let action = format!("/admin/career-entries/{id}/delete");

    let page = app
        .get_as(&admin.token, &format!("/admin/people/{teacher_id}/career"))
        .await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(html.contains(&format!("action=\"{action}\"")), "{html}");
    assert!(html.contains("Reason for deleting"), "{html}");
    // The person's own page keeps its own remove button, without the admin's form.
    let own = app.get_as(&teacher.token, "/profile/career").await;
    let own = own.text().await.expect("html");
    assert!(
        own.contains(&format!("/profile/career/{id}/delete")),
        "{own}"
    );
    assert!(!own.contains("/admin/career-entries/"), "{own}");

    let refused = app
        .client
        .post(app.url(&format!("{action}?lang=cy")))
        .bearer_auth(&admin.token)
        .form(&[("reason", "  ")])
        .send()
        .await
        .expect("sent");
    assert_eq!(refused.status(), 422);
    let html = refused.text().await.expect("html");
    assert!(html.contains("Dywedwch pam rydych yn dileu"), "{html}");
    assert!(html.contains(&action), "{html}");
    assert_eq!(
        roles_of(&app, &admin.token, &teacher_id).await,
        ["deputy_head"]
    );

    let deleted = app
        .client
        .post(app.url(&action))
        .bearer_auth(&admin.token)
        .form(&[("reason", "Never held this post")])
        .send()
        .await
        .expect("sent");
    assert_eq!(deleted.status(), 303);
    let location = deleted
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .expect("location")
        .to_owned();
    assert_eq!(
        location,
        format!("/admin/people/{teacher_id}/career?deleted=1")
    );
    let page = app.get_as(&admin.token, &location).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(
        html.contains("The career entry has been deleted."),
        "{html}"
    );
    assert!(!html.contains(&id), "{html}");
    assert!(roles_of(&app, &admin.token, &teacher_id).await.is_empty());
}

#[tokio::test]
async fn deleting_your_own_entry_says_it_was_deleted() {
    let app = spawn_app().await;
    let teacher = app.person("athro@ysgol.cymru", &[], None, None);
    let created = app
        .post_as(
            &teacher.token,
            "/api/v1/me/career",
            &json!({ "role": "middle_leader", "started_on": "2020-09-01" }),
        )
        .await;
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.expect("json");
    let id = created["id"].as_str().unwrap_or("");
    let deleted = app
        .client
        .post(app.url(&format!("/profile/career/{id}/delete")))
        .bearer_auth(&teacher.token)
        .send()
        .await
        .expect("sent");
    assert_eq!(deleted.status(), 303);
    let next = deleted.headers()["location"]
        .to_str()
        .unwrap_or("")
        .to_owned();
    assert_eq!(next, "/profile/career?deleted=1");
    let page = app
        .get_as(&teacher.token, &next)
        .await
        .text()
        .await
        .expect("html");
    assert!(
        page.contains("The career entry has been deleted."),
        "{page}"
    );
    assert!(!page.contains("has been saved"), "{page}");
}
