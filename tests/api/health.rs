use crate::helpers::spawn_app;

#[tokio::test]
async fn healthz_answers_and_every_response_has_a_request_id() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/healthz"))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 200);
    let id = response
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert_eq!(id.len(), 36, "a UUID request id, got {id:?}");
    let body: serde_json::Value = response.json().await.expect("json");
    assert_eq!(body["status"], "ok");
}

#[tokio::test]
async fn a_plausible_incoming_request_id_is_kept_and_a_strange_one_replaced() {
    let app = spawn_app().await;
    let kept = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "lb-1234_abc")
        .send()
        .await
        .expect("sent");
    assert_eq!(kept.headers()["x-request-id"], "lb-1234_abc");
    let replaced = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "<script>alert(1)</script>")
        .send()
        .await
        .expect("sent");
    assert_ne!(
        replaced.headers()["x-request-id"],
        "<script>alert(1)</script>"
    );
}

#[tokio::test]
async fn readyz_is_ready_while_the_database_answers() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/readyz"))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn readyz_is_503_when_the_database_is_gone() {
    let app = spawn_app().await;
    if !app.database.is_postgres() {
        // Only a server-based database can be taken away under a running process; this runs in
        // the PostgreSQL pass (TEST_DATABASE_URL).
        return;
    }
    app.database.drop_now();
    let response = app
        .client
        .get(app.url("/readyz"))
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 503);
}

#[tokio::test]
async fn security_headers_are_set() {
    let app = spawn_app().await;
    let response = app.client.get(app.url("/")).send().await.expect("sent");
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    assert_eq!(response.headers()["x-frame-options"], "DENY");
    assert_eq!(response.headers()["referrer-policy"], "same-origin");
}
