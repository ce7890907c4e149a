use chrono::Utc;
use llwybr::auth::tokens::TokenKeys;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, problem, spawn_app};

#[tokio::test]
async fn register_log_in_and_see_yourself() {
    let app = spawn_app().await;
    let response = app
        .post_json(
            "/api/v1/auth/register",
            &json!({ "email": "  Ceri.Jones@Ysgol.Cymru ", "password": PASSWORD, "name": "Ceri Jones", "preferred_language": "cy" }),
        )
        .await;
    assert_eq!(response.status(), 201);
    let created: Value = response.json().await.expect("json");
    assert_eq!(created["email"], "ceri.jones@ysgol.cymru");
    assert_eq!(created["preferred_language"], "cy");
    assert_eq!(created["roles"], json!(["participant"]));

    let login = app.login("CERI.JONES@ysgol.cymru", PASSWORD).await;
    assert_eq!(login.status(), 200);
    let login: Value = login.json().await.expect("json");
    assert_eq!(login["token_type"], "Bearer");
    assert_eq!(login["expires_in"], 15 * 60);
    let token = login["access_token"].as_str().expect("token");

    let me = app.me(token).await;
    assert_eq!(me.status(), 200);
    let me: Value = me.json().await.expect("json");
    assert_eq!(me["id"], created["id"]);
    assert_eq!(me["name"], "Ceri Jones");
    assert_eq!(me["roles"], json!(["participant"]));
    assert!(me["school"].is_null() && me["stage"].is_null());
}

#[tokio::test]
async fn registering_queues_a_welcome_email_in_the_persons_language() {
    let app = spawn_app().await;
    let response = app
        .post_json(
            "/api/v1/auth/register",
            &json!({ "email": "siân@ysgol.cymru", "password": PASSWORD, "name": "Siân", "preferred_language": "cy" }),
        )
        .await;
    assert_eq!(response.status(), 201);
    let email = app.wait_for_email("siân@ysgol.cymru", "Croeso").await;
    assert!(email.text.contains("Annwyl Siân"), "{}", email.text);
    assert!(email.html.contains("lang=\"cy\""));
}

#[tokio::test]
async fn a_duplicate_email_is_409_whatever_its_case() {
    let app = spawn_app().await;
    assert_eq!(app.register("ceri@ysgol.cymru", "Ceri").await.status(), 201);
    let again = app.register("Ceri@YSGOL.cymru", "Ceri Arall").await;
    assert_eq!(again.status(), 409);
    let body = problem(again).await;
    assert_eq!(body["code"], "conflict");
    assert!(
        body["detail"]
            .as_str()
            .unwrap_or("")
            .contains("already exists"),
        "{body}"
    );
}

#[tokio::test]
async fn bad_fields_are_422_naming_each_field_and_nothing_is_stored() {
    let app = spawn_app().await;
    let response = app
        .post_json(
            "/api/v1/auth/register",
            &json!({ "email": "not-an-email", "password": "short", "name": "Ceri", "preferred_language": "fr" }),
        )
        .await;
    assert_eq!(response.status(), 422);
    let body = problem(response).await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(fields, ["email", "password", "preferred_language"]);
    assert!(
        body["errors"][1]["message"]
            .as_str()
            .unwrap_or("")
            .contains("10 characters"),
        "{body}"
    );
    assert_eq!(app.login("not-an-email", "short").await.status(), 401);
}

#[tokio::test]
async fn errors_are_in_welsh_when_welsh_is_asked_for() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/api/v1/auth/register"))
        .header("accept-language", "cy-GB, en;q=0.5")
        .json(&json!({ "email": "ceri@ysgol.cymru", "password": "password123", "name": "Ceri" }))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 422);
    let body = problem(response).await;
    assert_eq!(body["errors"][0]["field"], "password");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("cyfrinair"),
        "{body}"
    );
    assert_eq!(body["title"], "Nid yw rhywfaint o'r wybodaeth yn gywir");
}

#[tokio::test]
async fn a_missing_field_is_named_and_malformed_json_is_400() {
    let app = spawn_app().await;
    let missing = app
        .post_json(
            "/api/v1/auth/register",
            &json!({ "email": "ceri@ysgol.cymru", "password": PASSWORD }),
        )
        .await;
    assert_eq!(missing.status(), 422);
    assert_eq!(problem(missing).await["errors"][0]["field"], "name");

    let malformed = app
        .client
        .post(app.url("/api/v1/auth/register"))
        .header("content-type", "application/json")
        .body("{\"email\": ")
        .send()
        .await
        .expect("sent");
    assert_eq!(malformed.status(), 400);
    assert_eq!(problem(malformed).await["code"], "bad_request");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_401() {
    let app = spawn_app().await;
    app.register("ceri@ysgol.cymru", "Ceri").await;
    let wrong_password = problem(app.login("ceri@ysgol.cymru", "Not The Password 1").await).await;
    let unknown_email = problem(app.login("nobody@ysgol.cymru", PASSWORD).await).await;
    assert_eq!(wrong_password["status"], 401);
    assert_eq!(wrong_password, unknown_email);
}

#[tokio::test]
async fn me_needs_a_valid_token() {
    let app = spawn_app().await;
    let token = app.token_for("ceri@ysgol.cymru").await;

    let none = app
        .client
        .get(app.url("/api/v1/me"))
        .send()
        .await
        .expect("sent");
    assert_eq!(none.status(), 401);
    assert_eq!(problem(none).await["code"], "unauthenticated");

    assert_eq!(app.me("garbage").await.status(), 401);

    let mut tampered = token.clone();
    tampered.pop();
    tampered.push(if token.ends_with('A') { 'B' } else { 'A' });
    assert_eq!(app.me(&tampered).await.status(), 401);

    let mut other = app.settings.auth.clone();
    other.token_secret = "a different secret that nobody configured".into();
    let me: Value = app.me(&token).await.json().await.expect("json");
    let person_id = me["id"].as_str().expect("id");
    let forged = TokenKeys::new(&other)
        .issue(person_id, Utc::now())
        .expect("token");
    assert_eq!(app.me(&forged).await.status(), 401);

    let expired = TokenKeys::new(&app.settings.auth)
        .issue(person_id, Utc::now() - chrono::Duration::hours(2))
        .expect("token");
    assert_eq!(app.me(&expired).await.status(), 401);

    assert_eq!(app.me(&token).await.status(), 200);
}

#[tokio::test]
async fn a_deactivated_account_can_no_longer_log_in_or_use_its_token() {
    use diesel::prelude::*;
    use llwybr::db::schema::people;

    let app = spawn_app().await;
    let token = app.token_for("ceri@ysgol.cymru").await;
    let mut conn = app.db();
    diesel::update(people::table.filter(people::email.eq("ceri@ysgol.cymru")))
        .set(people::active.eq(false))
        .execute(&mut conn)
        .expect("deactivate");
    // Refused with a reason the person can act on, rather than a bare "log in again".
    let refused = app.me(&token).await;
    assert_eq!(refused.status(), 403);
    assert_eq!(
        crate::helpers::problem(refused).await["code"],
        "account_deactivated"
    );
    assert_eq!(app.login("ceri@ysgol.cymru", PASSWORD).await.status(), 401);
}

#[tokio::test]
async fn api_logout_clears_the_session_cookie() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/api/v1/auth/logout"))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 204);
    let cookie = response.headers()["set-cookie"].to_str().unwrap_or("");
    assert!(cookie.starts_with("llwybr_session=;"), "{cookie}");
}

/// `%00` reaches the database as a NUL character, which PostgreSQL refuses in text: the
/// client is told so, on either database, instead of a server error.
#[tokio::test]
async fn a_nul_character_is_the_clients_mistake_not_a_server_error() {
    let app = spawn_app().await;
    app.token_for("ceri@ysgol.cymru").await;
    let login = app
        .client
        .post(app.url("/api/v1/auth/login?lang=cy"))
        .json(&json!({"email": "ceri\u{0}@ysgol.cymru", "password": PASSWORD}))
        .send()
        .await
        .expect("sent");
    assert!(login.status().is_client_error(), "{}", login.status());
    let body = problem(login).await;
    assert!(
        body["detail"].as_str().is_some_and(|d| !d.is_empty()),
        "{body}"
    );

    // Someone whose address is confirmed, or the refusal would say so first.
    let confirmed = app.person("dewi@ysgol.cymru", &[], None, None);
    let apply = app
        .post_as(
            &confirmed.token,
            "/api/v1/cohorts/%00/applications",
            &json!({}),
        )
        .await;
    assert!(apply.status().is_client_error(), "{}", apply.status());
    if app.database.is_postgres() {
        let body = problem(apply).await;
        assert_eq!(body["status"], 400);
        assert!(
            body["detail"].as_str().unwrap_or("").contains("NUL"),
            "{body}"
        );
    }
}
