use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::helpers::spawn_app;

fn llwybr(app: &crate::helpers::TestApp) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_llwybr"));
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("LLWYBR_ENVIRONMENT", "test")
        .env("DATABASE_URL", app.database.url())
        .env("LLWYBR__MAIL__FILE_DIR", app.mail_dir.path())
        .env("RUST_LOG", "warn");
    command
}

fn run_with_stdin(mut command: Command, stdin: &str) -> std::process::Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start llwybr");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write password");
    child.wait_with_output().expect("llwybr finishes")
}

/// `llwybr create-admin` for `email`, named Gweinyddwr, with `stdin` as its input.
fn create_admin(app: &crate::helpers::TestApp, email: &str, stdin: &str) -> std::process::Output {
    let mut command = llwybr(app);
    command.args(["create-admin", "--email", email, "--name", "Gweinyddwr"]);
    run_with_stdin(command, stdin)
}

#[tokio::test]
async fn create_admin_reads_the_password_from_standard_input() {
    let app = spawn_app().await;
    let output = create_admin(&app, "Admin@Consortiwm.Cymru", "Pont Menai 1826 hir\n");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("admin@consortiwm.cymru"));

    let login = app
        .login("admin@consortiwm.cymru", "Pont Menai 1826 hir")
        .await;
    assert_eq!(login.status(), 200);
    let token: Value = login.json().await.expect("json");
    let me: Value = app
        .me(token["access_token"].as_str().unwrap_or(""))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        me["roles"],
        serde_json::json!(["participant", "consortium_admin"])
    );

    // Running it again for the same address grants nothing twice and keeps the password.
    let output = create_admin(&app, "admin@consortiwm.cymru", "A Different Password 42\n");
    assert!(output.status.success());
    assert_eq!(
        app.login("admin@consortiwm.cymru", "Pont Menai 1826 hir")
            .await
            .status(),
        200
    );
    let me: Value = app
        .me(token["access_token"].as_str().unwrap_or(""))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(me["roles"].as_array().map(Vec::len), Some(2));
}

/// Someone may register the admin's address before the operator runs `create-admin`: the
/// role then comes with the operator's password, and the squatter is signed out.
#[tokio::test]
async fn create_admin_takes_an_unconfirmed_account_from_whoever_registered_it() {
    let app = spawn_app().await;
    let squatter = app.token_for("admin@consortiwm.cymru").await;
    let output = create_admin(&app, "admin@consortiwm.cymru", "Pont Menai 1826 hir\n");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("never confirmed"));
    assert_eq!(app.me(&squatter).await.status(), 401, "signed out");
    assert_eq!(
        app.login("admin@consortiwm.cymru", crate::helpers::PASSWORD)
            .await
            .status(),
        401,
        "the squatter's password no longer works"
    );
    let login: Value = app
        .login("admin@consortiwm.cymru", "Pont Menai 1826 hir")
        .await
        .json()
        .await
        .expect("json");
    let me: Value = app
        .me(login["access_token"].as_str().unwrap_or(""))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(me["email_confirmed"], true);
    assert_eq!(
        me["name"], "Gweinyddwr",
        "the name given, not the registrant's"
    );
    assert!(
        me["roles"]
            .as_array()
            .is_some_and(|r| r.contains(&serde_json::json!("consortium_admin")))
    );
}

#[tokio::test]
async fn create_admin_refuses_a_weak_or_missing_password() {
    let app = spawn_app().await;
    let mut weak = llwybr(&app);
    weak.args([
        "create-admin",
        "--email",
        "admin@consortiwm.cymru",
        "--name",
        "Gweinyddwr",
    ]);
    let output = run_with_stdin(weak, "short\n");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("at least 10 characters"));

    let mut empty = llwybr(&app);
    empty.args([
        "create-admin",
        "--email",
        "admin@consortiwm.cymru",
        "--name",
        "Gweinyddwr",
    ]);
    let output = run_with_stdin(empty, "");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("no password"));
    assert_eq!(
        app.login("admin@consortiwm.cymru", "short").await.status(),
        401
    );
}
