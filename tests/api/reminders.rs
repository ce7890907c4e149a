use diesel::prelude::*;
use llwybr::db::schema::{cohort_sessions, email_outbox, session_reminders};
use llwybr::domain::role::Role;
use serde_json::{Value, json};

use crate::helpers::{TestApp, spawn_app, spawn_app_with};

/// A session in the cohort 30 hours from now, inside the reminder window; returns its id.
fn session_tomorrow(app: &TestApp, cohort: &str) -> String {
    let id = uuid::Uuid::new_v4().to_string();
    let tomorrow = chrono::Utc::now().naive_utc() + chrono::Duration::hours(30);
    diesel::insert_into(cohort_sessions::table)
        .values((
            cohort_sessions::id.eq(&id),
            cohort_sessions::cohort_id.eq(cohort),
            cohort_sessions::title_en.eq("Coaching conversations"),
            cohort_sessions::title_cy.eq("Sgyrsiau hyfforddi"),
            cohort_sessions::starts_at.eq(tomorrow),
            cohort_sessions::ends_at.eq(tomorrow + chrono::Duration::hours(3)),
            cohort_sessions::venue.eq("Canolfan Merthyr"),
            cohort_sessions::created_at.eq(chrono::Utc::now().naive_utc()),
        ))
        .execute(&mut app.db())
        .expect("session");
    id
}

/// An app whose own reminder job and mail worker wait an hour between passes, so that the test
/// queues reminders itself and sees them before they are sent.
async fn app_holding_mail() -> TestApp {
    spawn_app_with(|settings| {
        settings.mail.poll_interval_ms = 3_600_000;
        settings.reminders.interval_secs = 3_600;
    })
    .await
}

fn queue_reminders(app: &TestApp) -> usize {
    llwybr::reminders::queue_due(
        &mut app.db(),
        "http://llwybr.test",
        2,
        chrono::Utc::now().naive_utc(),
    )
    .expect("a reminder pass")
}

/// The reminder emails waiting to be sent, as (recipient, plain text).
fn unsent_reminders(app: &TestApp) -> Vec<(String, String)> {
    email_outbox::table
        .filter(email_outbox::template.eq("session_reminder"))
        .filter(email_outbox::sent_at.is_null())
        .select((email_outbox::recipient_email, email_outbox::body_text))
        .load(&mut app.db())
        .expect("the outbox")
}

#[tokio::test]
async fn confirmed_participants_are_reminded_once_before_a_session() {
    let app = spawn_app().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (_, cohort) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 1)
        .await;
    let seated = app.person("lle@ysgol.cymru", &[], None, None);
    let waiting = app.person("aros@ysgol.cymru", &[], None, None);
    for person in [&seated, &waiting] {
        app.post_as(
            &person.token,
            &format!("/api/v1/cohorts/{cohort}/applications"),
            &json!({}),
        )
        .await;
    }
    session_tomorrow(&app, &cohort);
    let reminder = app
        .wait_for_email("lle@ysgol.cymru", "Reminder: Coaching conversations")
        .await;
    assert!(
        reminder.text.contains("Canolfan Merthyr"),
        "{}",
        reminder.text
    );

    // Several passes at once, as from several server processes, queue nothing more.
    let passes: Vec<_> = (0..4)
        .map(|_| {
            let pool = app.pool.clone();
            std::thread::spawn(move || {
                let mut conn = pool.get().expect("connection");
                llwybr::reminders::queue_due(
                    &mut conn,
                    "http://llwybr.test",
                    2,
                    chrono::Utc::now().naive_utc(),
                )
                .expect("a pass")
            })
        })
        .collect();
    let queued: usize = passes.into_iter().map(|p| p.join().expect("pass")).sum();
    assert_eq!(queued, 0);
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let reminders: Vec<_> = app
        .sent_emails()
        .into_iter()
        .filter(|e| e.subject.starts_with("Reminder"))
        .collect();
    assert_eq!(
        reminders.len(),
        1,
        "one reminder, to the confirmed participant only"
    );
    assert_eq!(reminders[0].to, "lle@ysgol.cymru");
}

#[tokio::test]
async fn a_reminder_not_yet_sent_is_taken_back_from_someone_who_gives_up_their_seat() {
    let app = app_holding_mail().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (_, cohort) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 5)
        .await;
    let leaving = app.person("gadael@ysgol.cymru", &[], None, None);
    let staying = app.person("aros@ysgol.cymru", &[], None, None);
    let mut applications = Vec::new();
    for person in [&leaving, &staying] {
        let applied: Value = app
            .apply(&person.token, &cohort)
            .await
            .json()
            .await
            .expect("json");
        assert_eq!(applied["status"], "confirmed");
        applications.push(applied["id"].as_str().expect("id").to_owned());
    }
    session_tomorrow(&app, &cohort);
    assert_eq!(queue_reminders(&app), 2);
    assert_eq!(unsent_reminders(&app).len(), 2);

    let withdrawn = app
        .post_as(
            &leaving.token,
            &format!("/api/v1/applications/{}/withdraw", applications[0]),
            &json!({}),
        )
        .await;
    assert_eq!(withdrawn.status(), 200);
    let waiting = unsent_reminders(&app);
    assert_eq!(waiting.len(), 1, "{waiting:?}");
    assert_eq!(waiting[0].0, "aros@ysgol.cymru");
    let remembered: Vec<String> = session_reminders::table
        .select(session_reminders::enrolment_id)
        .load(&mut app.db())
        .expect("reminders");
    assert_eq!(remembered, vec![applications[1].clone()]);
    assert_eq!(queue_reminders(&app), 0, "no seat, no reminder");
}

#[tokio::test]
async fn a_session_moved_after_its_reminder_was_queued_is_reminded_at_its_new_time_only() {
    let app = app_holding_mail().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (_, cohort) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 5)
        .await;
    let teacher = app.person("athro@ysgol.cymru", &[], None, None);
    assert_eq!(app.apply(&teacher.token, &cohort).await.status(), 201);
    let session = session_tomorrow(&app, &cohort);
    assert_eq!(queue_reminders(&app), 1);

    // Later, still inside the two days' window, as a clock in Wales shows it.
    let later = llwybr::domain::wales_time::from_utc(
        chrono::Utc::now().naive_utc() + chrono::Duration::hours(40),
    );
    let typed = |at: chrono::NaiveDateTime| at.format("%Y-%m-%dT%H:%M").to_string();
    let moved = app
        .client
        .put(app.url(&format!("/api/v1/sessions/{session}")))
        .bearer_auth(&lead.token)
        .json(&json!({
            "title_en": "Coaching conversations", "title_cy": "Sgyrsiau hyfforddi",
            "starts_at": typed(later), "ends_at": typed(later + chrono::Duration::hours(3)),
            "venue": "Canolfan Merthyr"
        }))
        .send()
        .await
        .expect("sent");
    assert_eq!(moved.status(), 200);
    assert!(
        unsent_reminders(&app).is_empty(),
        "the old time is not sent"
    );

    assert_eq!(queue_reminders(&app), 1);
    let waiting = unsent_reminders(&app);
    assert_eq!(waiting.len(), 1);
    let new_time = later.format("%d/%m/%Y").to_string();
    assert!(waiting[0].1.contains(&new_time), "{}", waiting[0].1);
    let new_time = later.format("%H:%M").to_string();
    assert!(waiting[0].1.contains(&new_time), "{}", waiting[0].1);
}
