use serde_json::json;

use crate::helpers::{PASSWORD, problem, spawn_app, token_in_link};

const NEW_PASSWORD: &str = "Cwm Rhondda 1907 coch";

#[tokio::test]
async fn a_forgotten_password_is_reset_once_by_the_emailed_link() {
    let app = spawn_app().await;
    let old_token = app.token_for("ceri@ysgol.cymru").await;

    let asked = app
        .post_json(
            "/api/v1/auth/password-reset",
            &json!({ "email": "Ceri@ysgol.cymru" }),
        )
        .await;
    assert_eq!(asked.status(), 202);
    let email = app
        .wait_for_email("ceri@ysgol.cymru", "Reset your Llwybr password")
        .await;
    assert!(
        email.text.contains(&format!(
            "{}/password/reset?token=",
            app.settings.public_url()
        )),
        "{}",
        email.text
    );
    let token = token_in_link(&email.text);
    assert_eq!(token.len(), 64);

    let confirmed = app
        .post_json(
            "/api/v1/auth/password-reset/confirm",
            &json!({ "token": token, "password": NEW_PASSWORD }),
        )
        .await;
    assert_eq!(confirmed.status(), 204);
    assert_eq!(app.login("ceri@ysgol.cymru", PASSWORD).await.status(), 401);
    assert_eq!(
        app.login("ceri@ysgol.cymru", NEW_PASSWORD).await.status(),
        200
    );
    assert_eq!(
        app.me(&old_token).await.status(),
        401,
        "tokens from before the reset stop working"
    );

    let again = app
        .post_json(
            "/api/v1/auth/password-reset/confirm",
            &json!({ "token": token, "password": "Another Good Password 9" }),
        )
        .await;
    assert_eq!(again.status(), 422);
    assert_eq!(problem(again).await["errors"][0]["field"], "token");
    assert_eq!(
        app.login("ceri@ysgol.cymru", NEW_PASSWORD).await.status(),
        200
    );
}

#[tokio::test]
async fn an_expired_reset_link_does_nothing() {
    use diesel::prelude::*;
    use llwybr::db::schema::password_resets;

    let app = spawn_app().await;
    app.register("ceri@ysgol.cymru", "Ceri").await;
    app.post_json(
        "/api/v1/auth/password-reset",
        &json!({ "email": "ceri@ysgol.cymru" }),
    )
    .await;
    let token = token_in_link(&app.wait_for_email("ceri@ysgol.cymru", "Reset").await.text);
    let mut conn = app.db();
    let past = chrono::Utc::now().naive_utc() - chrono::Duration::minutes(1);
    diesel::update(password_resets::table)
        .set(password_resets::expires_at.eq(past))
        .execute(&mut conn)
        .expect("expire");

    let confirmed = app
        .post_json(
            "/api/v1/auth/password-reset/confirm",
            &json!({ "token": token, "password": NEW_PASSWORD }),
        )
        .await;
    assert_eq!(confirmed.status(), 422);
    assert_eq!(app.login("ceri@ysgol.cymru", PASSWORD).await.status(), 200);
}

#[tokio::test]
async fn a_weak_new_password_is_refused_and_the_token_is_kept() {
    let app = spawn_app().await;
    app.register("ceri@ysgol.cymru", "Ceri").await;
    app.post_json(
        "/api/v1/auth/password-reset",
        &json!({ "email": "ceri@ysgol.cymru" }),
    )
    .await;
    let token = token_in_link(&app.wait_for_email("ceri@ysgol.cymru", "Reset").await.text);
    let weak = app
        .post_json(
            "/api/v1/auth/password-reset/confirm",
            &json!({ "token": token, "password": "short" }),
        )
        .await;
    assert_eq!(weak.status(), 422);
    assert_eq!(problem(weak).await["errors"][0]["field"], "password");
    let good = app
        .post_json(
            "/api/v1/auth/password-reset/confirm",
            &json!({ "token": token, "password": NEW_PASSWORD }),
        )
        .await;
    assert_eq!(good.status(), 204);
}

#[tokio::test]
async fn an_unknown_address_gets_the_same_answer_and_no_email() {
    let app = spawn_app().await;
    app.register("ceri@ysgol.cymru", "Ceri").await;
    app.wait_for_email("ceri@ysgol.cymru", "Welcome").await;
    let asked = app
        .post_json(
            "/api/v1/auth/password-reset",
            &json!({ "email": "nobody@ysgol.cymru" }),
        )
        .await;
    assert_eq!(asked.status(), 202);
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let emails = app.sent_emails();
    assert_eq!(emails.len(), 1, "only the welcome email");
    assert!(emails.iter().all(|e| e.to != "nobody@ysgol.cymru"));
}

#[tokio::test]
async fn the_reset_email_follows_the_persons_language() {
    let app = spawn_app().await;
    app.post_json(
        "/api/v1/auth/register",
        &json!({ "email": "gwen@ysgol.cymru", "password": PASSWORD, "name": "Gwen", "preferred_language": "cy" }),
    )
    .await;
    app.post_json(
        "/api/v1/auth/password-reset",
        &json!({ "email": "gwen@ysgol.cymru" }),
    )
    .await;
    let email = app
        .wait_for_email("gwen@ysgol.cymru", "Ailosod eich cyfrinair")
        .await;
    assert!(email.text.contains("munud"), "{}", email.text);
    // The link opens the page in Welsh too, whatever the browser asks for, and the form posts
    // back in Welsh.
    let start = email.text.find("/password/reset?").expect("a link");
    let path: String = email.text[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();
    assert!(path.ends_with("&lang=cy"), "{path}");
    let page = app
        .client
        .get(app.url(&path))
        .header("accept-language", "en-GB")
        .send()
        .await
        .expect("sent")
        .text()
        .await
        .expect("html");
    assert!(page.contains("Dewis cyfrinair newydd"), "{page}");
    assert!(
        page.contains("action=\"/password/reset?lang=cy\""),
        "{page}"
    );
}

/// Once a password is chosen, every other link still out is spent, and no link that sets a
/// password is shown again on the emails page, where anyone at a signed-in screen could read it.
#[tokio::test]
async fn choosing_a_password_spends_every_other_link_and_none_is_shown_in_llwybr() {
    let app = spawn_app().await;
    let session = app.token_for("ceri@ysgol.cymru").await;
    let address = json!({ "email": "ceri@ysgol.cymru" });
    let ask = || app.post_json("/api/v1/auth/password-reset", &address);
    assert_eq!(ask().await.status(), 202);
    // One link a minute at most: asking again at once sends nothing, and says the same.
    assert_eq!(ask().await.status(), 202);
    {
        use diesel::prelude::*;
        use llwybr::db::schema::password_resets;
        let earlier = chrono::Utc::now().naive_utc() - chrono::Duration::minutes(2);
        diesel::update(password_resets::table)
            .set(password_resets::created_at.eq(earlier))
            .execute(&mut app.db())
            .expect("the links sent two minutes ago");
    }
    assert_eq!(ask().await.status(), 202);
    let mut tokens = Vec::new();
    for _ in 0..100 {
        tokens = app
            .sent_emails()
            .iter()
            .filter(|e| e.to == "ceri@ysgol.cymru" && e.subject.contains("Reset"))
            .map(|e| token_in_link(&e.text))
            .collect();
        if tokens.len() == 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // Time for a third, were one on its way.
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    let resets = app
        .sent_emails()
        .iter()
        .filter(|e| e.to == "ceri@ysgol.cymru" && e.subject.contains("Reset"))
        .count();
    assert_eq!((tokens.len(), resets), (2, 2), "two reset emails");

    let page = app.get_as(&session, "/emails").await;
    assert_eq!(page.status(), 200);
    let page = page.text().await.expect("html");
    assert!(page.contains("Reset your Llwybr password"), "{page}");
    assert!(page.contains("shown in your inbox only"), "{page}");
    for token in &tokens {
        assert!(!page.contains(token.as_str()), "a live link on the page");
    }

    let used = app
        .post_json(
            "/api/v1/auth/password-reset/confirm",
            &json!({ "token": tokens[1], "password": NEW_PASSWORD }),
        )
        .await;
    assert_eq!(used.status(), 204);
    let other = app
        .post_json(
            "/api/v1/auth/password-reset/confirm",
            &json!({ "token": tokens[0], "password": "Somebody Else's 42 Password" }),
        )
        .await;
    assert_eq!(other.status(), 422, "the other link is spent");
    assert_eq!(
        app.login("ceri@ysgol.cymru", NEW_PASSWORD).await.status(),
        200
    );
}

/// An address that cannot be one is refused, beside the field and keeping what was typed: the
/// person would otherwise wait for an email that never comes. A well-formed one gets the same
/// answer whether or not it has an account.
#[tokio::test]
async fn a_malformed_address_is_refused_but_an_unknown_one_is_not() {
    let app = spawn_app().await;
    let typed = crate::helpers::client()
        .post(app.url("/password/forgot"))
        .form(&[("email", "ceri@ysgol")])
        .send()
        .await
        .expect("sent");
    assert_eq!(typed.status(), 422);
    let html = typed.text().await.expect("html");
    assert!(html.contains("value=\"ceri@ysgol\""), "{html}");
    assert!(html.contains("id=\"email-error\""), "{html}");
    let api = app
        .client
        .post(app.url("/api/v1/auth/password-reset"))
        .json(&serde_json::json!({"email": "ceri@ysgol"}))
        .send()
        .await
        .expect("sent");
    assert_eq!(api.status(), 422);
    let unknown = app
        .client
        .post(app.url("/api/v1/auth/password-reset"))
        .json(&serde_json::json!({"email": "nobody@ysgol.cymru"}))
        .send()
        .await
        .expect("sent");
    assert_eq!(unknown.status(), 202);
}
