//! Career history: validation in English and Welsh, own entries only, and admin corrections
//! that need a reason and are audited with before and after.

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
    app.client
        .delete(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .expect("sent")
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
