//! Email end to end: the outbox worker talks to a real SMTP server on loopback
//! (`smtp_server.rs`), which refuses, accepts and counts what it is sent.

use std::collections::BTreeMap;
use std::time::Duration;

use diesel::prelude::*;
use llwybr::config::{MailTransport, SmtpTls};
use llwybr::db::outbox::{self, NewOutboxEmail};
use llwybr::db::schema::email_outbox;
use llwybr::domain::language::Language;
use llwybr::i18n::t;
use llwybr::startup::Application;
use serde_json::json;

use crate::helpers::{PASSWORD, TestApp, spawn_app_with};
use crate::smtp_server::{Behaviour, SmtpServer};

/// An app whose outbox sends through `server`, retrying a failure after one second.
async fn app_sending_to(server: &SmtpServer) -> TestApp {
    let port = server.port;
    spawn_app_with(move |settings| {
        settings.mail.transport = MailTransport::Smtp;
        settings.mail.smtp_host = "127.0.0.1".into();
        settings.mail.smtp_port = port;
        settings.mail.smtp_tls = SmtpTls::None;
        settings.mail.retry_base_secs = 1;
    })
    .await
}

/// Long enough for a duplicate to have arrived, had one been sent: the workers poll every 50 ms.
async fn let_the_outbox_settle() {
    tokio::time::sleep(Duration::from_millis(600)).await;
}

fn outbox_of(app: &TestApp, email: &str) -> Vec<outbox::OutboxStatus> {
    let mut conn = app.db();
    outbox::status_for(&mut conn, email).expect("outbox")
}

#[tokio::test]
async fn registering_sends_the_welcome_email_through_smtp() {
    let server = SmtpServer::start().await;
    let app = app_sending_to(&server).await;
    let registered = app
        .post_json(
            "/api/v1/auth/register",
            &json!({ "email": "sian@ysgol.cymru", "password": PASSWORD, "name": "Siân Ŵyn",
                     "preferred_language": "cy" }),
        )
        .await;
    assert_eq!(registered.status(), 201);

    server.wait_for_messages(1).await;
    let_the_outbox_settle().await;
    let received = server.messages();
    assert_eq!(received.len(), 1, "sent once");
    let email = &received[0];
    assert_eq!(email.rcpt_to, ["sian@ysgol.cymru"]);
    assert_eq!(email.mail_from, "llwybr@localhost");

    let message = email.parsed();
    assert_eq!(
        message.subject(),
        Some(t(Language::Cy, "email-welcome-subject").as_str())
    );
    let to = message.to().and_then(|to| to.first()).expect("a To header");
    assert_eq!(to.address(), Some("sian@ysgol.cymru"));
    assert_eq!(to.name(), Some("Siân Ŵyn"), "the name survives encoding");
    let text = message.body_text(0).expect("a text part");
    assert!(text.contains("Siân Ŵyn"), "{text}");
    assert!(
        text.contains("http://llwybr.test/email/confirm?token=") && text.contains("&lang=cy"),
        "{text}"
    );
    assert!(message.body_html(0).is_some(), "an HTML part");

    let outbox = outbox_of(&app, "sian@ysgol.cymru");
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].template, "welcome");
    assert_eq!(outbox[0].attempts, 0);
    assert!(outbox[0].sent_at.is_some());
}

#[tokio::test]
async fn a_refused_email_is_retried_after_the_backoff_and_delivered_once() {
    let server = SmtpServer::start_with(Behaviour {
        refuse_first_data: 1,
        ..Behaviour::default()
    })
    .await;
    let app = app_sending_to(&server).await;
    assert_eq!(
        app.register("ceri@ysgol.cymru", "Ceri Jones")
            .await
            .status(),
        201
    );

    let received = server.wait_for_messages(1).await;
    let_the_outbox_settle().await;
    assert_eq!(server.messages().len(), 1, "delivered exactly once");
    let refusals = server.refusals();
    assert_eq!(refusals.len(), 1, "the first attempt was refused");
    let waited = received[0].received_at.duration_since(refusals[0]);
    assert!(
        waited >= Duration::from_millis(900),
        "retried after {waited:?}, before the one-second backoff"
    );
    assert_eq!(received[0].rcpt_to, ["ceri@ysgol.cymru"]);
    assert_eq!(
        received[0].parsed().subject(),
        Some(t(Language::En, "email-welcome-subject").as_str())
    );

    let outbox = outbox_of(&app, "ceri@ysgol.cymru");
    assert_eq!(outbox.len(), 1);
    assert_eq!(outbox[0].attempts, 1, "one failed attempt recorded");
    assert!(outbox[0].sent_at.is_some());
}

#[tokio::test]
async fn two_outbox_workers_on_one_database_never_send_an_email_twice() {
    const EMAILS: usize = 60;
    // A slow relay keeps the first worker busy with its batch while the second claims another.
    let server = SmtpServer::start_with(Behaviour {
        delay_per_message: Duration::from_millis(15),
        ..Behaviour::default()
    })
    .await;
    let app = app_sending_to(&server).await;
    // A second server process on the same database (the same SQLite file, or the same
    // PostgreSQL database), with its own outbox worker.
    let second = Application::build(app.settings.clone())
        .await
        .expect("a second application builds");
    tokio::spawn(second.run_until_stopped());

    {
        let mut conn = app.db();
        let now = chrono::Utc::now().naive_utc();
        conn.transaction::<_, diesel::result::Error, _>(|conn| {
            for i in 0..EMAILS {
                outbox::enqueue(
                    conn,
                    &NewOutboxEmail {
                        id: uuid::Uuid::new_v4().to_string(),
                        recipient_email: format!("athro{i:02}@ysgol.cymru"),
                        recipient_name: format!("Athro {i}"),
                        language: "cy".into(),
                        template: "notice".into(),
                        subject: format!("Neges {i}"),
                        body_text: "Helo".into(),
                        body_html: "<p>Helo</p>".into(),
                        created_at: now,
                        attempts: 0,
                        next_attempt_at: now,
                        about_person_id: None,
                    },
                )?;
            }
            Ok(())
        })
        .expect("emails queued");
    }

    server.wait_for_messages(EMAILS).await;
    let_the_outbox_settle().await;
    let received = server.messages();
    let mut times_received = BTreeMap::<String, usize>::new();
    for message in &received {
        assert_eq!(message.rcpt_to.len(), 1);
        *times_received
            .entry(message.rcpt_to[0].clone())
            .or_default() += 1;
    }
    assert_eq!(times_received.len(), EMAILS, "every email arrived");
    let twice: Vec<_> = times_received.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "sent more than once: {twice:?}");
    assert_eq!(received.len(), EMAILS);

    let mut conn = app.db();
    let unsent: i64 = email_outbox::table
        .filter(email_outbox::sent_at.is_null())
        .count()
        .get_result(&mut conn)
        .expect("count");
    assert_eq!(unsent, 0);
    // The claim token stays on a sent email: two different ones show both workers took part.
    let claimants: Vec<Option<String>> = email_outbox::table
        .select(email_outbox::claim_token)
        .distinct()
        .load(&mut conn)
        .expect("claimants");
    assert_eq!(claimants.len(), 2, "both workers sent some: {claimants:?}");
}

/// A server that stops takes its outbox worker down between two emails, not in the middle of
/// one: the emails it claimed but did not try are given back at once, so that the next worker
/// sends them at its next pass rather than after the claim runs out, and nothing is sent twice.
#[tokio::test]
async fn a_worker_stopped_in_a_batch_gives_back_what_it_did_not_send() {
    use llwybr::db::group_commit::Writer;
    use llwybr::mail::{Mailer, worker};

    // This app's own worker polls once at its start and then not for an hour.
    let app = spawn_app_with(|settings| settings.mail.poll_interval_ms = 3_600_000).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    {
        let mut conn = app.db();
        let now = chrono::Utc::now().naive_utc();
        for i in 0..3 {
            outbox::enqueue(
                &mut conn,
                &NewOutboxEmail {
                    id: uuid::Uuid::new_v4().to_string(),
                    recipient_email: format!("athro{i}@ysgol.cymru"),
                    recipient_name: format!("Athro {i}"),
                    language: "cy".into(),
                    template: "notice".into(),
                    subject: format!("Neges {i}"),
                    body_text: "Helo".into(),
                    body_html: "<p>Helo</p>".into(),
                    created_at: now,
                    attempts: 0,
                    next_attempt_at: now,
                    about_person_id: None,
                },
            )
            .expect("queued");
        }
    }
    let writer = Writer::start(app.database.url()).expect("writer");
    let mailer = Mailer::from_settings(&app.settings.mail).expect("mailer");
    let (stop, stopped) = tokio::sync::watch::channel(true);
    let claimed = worker::drain_once(
        &app.pool,
        &writer,
        &mailer,
        &app.settings.mail,
        "stopping",
        &stopped,
    )
    .await
    .expect("a pass");
    assert_eq!(claimed, 3);
    assert!(app.sent_emails().is_empty(), "nothing sent once stopped");
    let still_claimed: i64 = email_outbox::table
        .filter(email_outbox::claimed_until.is_not_null())
        .count()
        .get_result(&mut app.db())
        .expect("count");
    assert_eq!(still_claimed, 0, "the claims are given back");

    stop.send(false).expect("a receiver");
    let sent = worker::drain_once(
        &app.pool,
        &writer,
        &mailer,
        &app.settings.mail,
        "next",
        &stopped,
    )
    .await
    .expect("a pass");
    assert_eq!(sent, 3, "another worker sends them at once");
    assert_eq!(app.sent_emails().len(), 3);
}
