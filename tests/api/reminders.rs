use diesel::prelude::*;
use llwybr::db::schema::cohort_sessions;
use llwybr::domain::role::Role;
use serde_json::json;

use crate::helpers::spawn_app;

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
    let tomorrow = chrono::Utc::now().naive_utc() + chrono::Duration::hours(30);
    {
        let mut conn = app.db();
        diesel::insert_into(cohort_sessions::table)
            .values((
                cohort_sessions::id.eq(uuid::Uuid::new_v4().to_string()),
                cohort_sessions::cohort_id.eq(&cohort),
                cohort_sessions::title_en.eq("Coaching conversations"),
                cohort_sessions::title_cy.eq("Sgyrsiau hyfforddi"),
                cohort_sessions::starts_at.eq(tomorrow),
                cohort_sessions::ends_at.eq(tomorrow + chrono::Duration::hours(3)),
                cohort_sessions::venue.eq("Canolfan Merthyr"),
                cohort_sessions::created_at.eq(chrono::Utc::now().naive_utc()),
            ))
            .execute(&mut conn)
            .expect("session");
    }
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
