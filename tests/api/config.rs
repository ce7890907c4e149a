use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn llwybr() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_llwybr"));
    command
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("DATABASE_URL")
        .env_remove("LLWYBR_ENVIRONMENT")
        .env("RUST_LOG", "info");
    command
}

#[test]
fn production_refuses_the_default_token_secret_and_says_why() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let output = llwybr()
        .env("LLWYBR_ENVIRONMENT", "production")
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/x.sqlite3", dir.path().display()),
        )
        .env_remove("LLWYBR__AUTH__TOKEN_SECRET")
        .output()
        .expect("run llwybr");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("default token secret"), "{stderr}");
    assert!(stderr.contains("LLWYBR__AUTH__TOKEN_SECRET"), "{stderr}");
}

#[test]
fn a_reminder_lead_time_that_would_remind_no_one_is_refused() {
    for days in ["0", "-2", "100000"] {
        let dir = tempfile::tempdir().expect("temporary folder");
        let output = llwybr()
            .env(
                "DATABASE_URL",
                format!("sqlite://{}/x.sqlite3", dir.path().display()),
            )
            .env("LLWYBR__REMINDERS__DAYS_BEFORE", days)
            .arg("migrate")
            .output()
            .expect("run llwybr");
        assert_eq!(output.status.code(), Some(2), "{days}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("reminders.days_before"), "{stderr}");
    }
}

#[test]
fn a_sender_address_that_is_not_one_is_refused_at_start() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let output = llwybr()
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/x.sqlite3", dir.path().display()),
        )
        .env("LLWYBR__MAIL__FROM", "llwybr at consortiwm.cymru")
        .arg("migrate")
        .output()
        .expect("run llwybr");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("mail.from"), "{stderr}");
}

#[test]
fn a_mistyped_database_url_stops_the_service_without_creating_a_file() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let output = llwybr()
        .env(
            "DATABASE_URL",
            format!("postgress://{}/llwybr", dir.path().display()),
        )
        .arg("migrate")
        .output()
        .expect("run llwybr");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("'postgress' is not supported"));
    assert_eq!(
        std::fs::read_dir(dir.path())
            .map(|d| d.count())
            .unwrap_or(1),
        0
    );
}

/// Serves on the port given as LLWYBR__SERVER__PORT, and stops cleanly on SIGTERM.
#[test]
fn environment_variables_override_settings_and_sigterm_stops_cleanly() {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let dir = tempfile::tempdir().expect("temporary folder");
    let mut child = llwybr()
        .env("LLWYBR__SERVER__PORT", port.to_string())
        .env("LLWYBR__MAIL__FILE_DIR", dir.path().join("mail"))
        .env(
            "DATABASE_URL",
            format!("sqlite://{}/llwybr.sqlite3", dir.path().display()),
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start llwybr");

    let deadline = Instant::now() + Duration::from_secs(30);
    let answered = loop {
        if let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            use std::io::{Read, Write};
            let _ = stream.write_all(
                b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
            );
            let mut response = String::new();
            let _ = stream.read_to_string(&mut response);
            break response;
        }
        assert!(
            Instant::now() < deadline,
            "the server did not start on port {port}"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(answered.starts_with("HTTP/1.1 200"), "{answered}");
    assert!(
        dir.path().join("llwybr.sqlite3").exists(),
        "DATABASE_URL was honoured"
    );

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the server did not stop after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(100));
    };
    let output = child.wait_with_output().expect("output");
    let log = String::from_utf8_lossy(&output.stderr).to_string()
        + &String::from_utf8_lossy(&output.stdout);
    assert!(status.success(), "exit {status:?}: {log}");
    assert!(log.contains("Llwybr stopped"), "{log}");
    assert!(
        log.contains("path=/healthz") || log.contains("\"path\":\"/healthz\""),
        "one line per request: {log}"
    );
}
