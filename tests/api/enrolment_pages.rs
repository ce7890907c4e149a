use llwybr::domain::role::Role;

use crate::helpers::{PASSWORD, TestApp, client, spawn_app};

/// A browser signed in as `email`.
async fn browser(app: &TestApp, email: &str) -> reqwest::Client {
    let browser = client();
    let signed_in = browser
        .post(app.url("/login"))
        .form(&[("email", email), ("password", PASSWORD)])
        .send()
        .await
        .expect("sent");
    assert_eq!(signed_in.status(), 303, "{email} signs in");
    browser
}

/// Adds, through the cohort page's form, a session held yesterday from 09:30 to 15:30.
async fn add_session_held_yesterday(lead: &reqwest::Client, app: &TestApp, cohort: &str) {
    let yesterday = |time: &str| {
        (chrono::Utc::now() - chrono::Duration::days(1))
            .format(&format!("%Y-%m-%dT{time}"))
            .to_string()
    };
    let added = lead
        .post(app.url(&format!("/lead/cohorts/{cohort}/sessions")))
        .form(&[
            ("title_en", "Leading change"),
            ("title_cy", "Arwain newid"),
            ("starts_at", yesterday("09:30").as_str()),
            ("ends_at", yesterday("15:30").as_str()),
            ("venue", "Canolfan Bridgend"),
            ("online_url", ""),
        ])
        .send()
        .await
        .expect("sent");
    assert_eq!(added.status(), 303);
}

async fn page(browser: &reqwest::Client, app: &TestApp, path: &str) -> (u16, String) {
    let response = browser.get(app.url(path)).send().await.expect("sent");
    (
        response.status().as_u16(),
        response.text().await.expect("body"),
    )
}

#[tokio::test]
async fn apply_endorse_and_see_the_roster_in_the_browser() {
    let app = spawn_app().await;
    let school = app.school("Ysgol Gymraeg Nant Caerau");
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (_, cohort) = app
        .programme_with_cohort(&lead, "mldp", true, &["future_middle_leader"], 10)
        .await;
    app.person(
        "athro@ysgol.cymru",
        &[],
        Some(&school),
        Some("future_middle_leader"),
    );
    app.person(
        "pennaeth@ysgol.cymru",
        &[Role::Headteacher],
        Some(&school),
        None,
    );

    let teacher = browser(&app, "athro@ysgol.cymru").await;
    let (status, catalogue) = page(
        &teacher,
        &app,
        "/programmes?stage=future_middle_leader&open=true",
    )
    .await;
    assert_eq!(status, 200);
    assert!(catalogue.contains("Middle Leadership Development Programme"));
    assert!(catalogue.contains(&format!("action=\"/cohorts/{cohort}/apply\"")));
    let applied = teacher
        .post(app.url(&format!("/cohorts/{cohort}/apply")))
        .send()
        .await
        .expect("sent");
    assert_eq!(applied.status(), 303);
    assert_eq!(
        applied.headers()["location"],
        "/applications?notice=awaiting_endorsement"
    );
    let (_, mine) = page(&teacher, &app, "/applications?notice=awaiting_endorsement").await;
    assert!(mine.contains("Waiting for your headteacher"));
    assert!(mine.contains("It now waits for your headteacher"));

    let head = browser(&app, "pennaeth@ysgol.cymru").await;
    let (status, pending) = page(&head, &app, "/endorsements").await;
    assert_eq!(status, 200);
    assert!(pending.contains("athro@ysgol.cymru"));
    let form = pending
        .split("action=\"/applications/")
        .nth(1)
        .unwrap_or("");
    let application_id: String = form.chars().take_while(|c| *c != '/').collect();
    let endorsed = head
        .post(app.url(&format!("/applications/{application_id}/endorse")))
        .send()
        .await
        .expect("sent");
    assert_eq!(endorsed.status(), 303);
    let (_, after) = page(&head, &app, "/endorsements").await;
    assert!(after.contains("Nothing is waiting for you."));
    assert!(
        after.contains("Your staff&#39;s professional learning")
            && after.contains("Place confirmed"),
        "{after}"
    );

    let (_, mine) = page(&teacher, &app, "/applications").await;
    assert!(mine.contains("Place confirmed"));
    let (status, _) = page(&teacher, &app, "/endorsements").await;
    assert_eq!(status, 403, "only headteachers see endorsements");

    let lead_browser = browser(&app, "lead@consortiwm.cymru").await;
    let (_, cohorts) = page(&lead_browser, &app, "/lead").await;
    assert!(cohorts.contains(&format!("/lead/cohorts/{cohort}")));
    let (status, roster) = page(&lead_browser, &app, &format!("/lead/cohorts/{cohort}")).await;
    assert_eq!(status, 200);
    assert!(roster.contains("athro@ysgol.cymru") && roster.contains("Place confirmed"));
    let (status, _) = page(&teacher, &app, &format!("/lead/cohorts/{cohort}")).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn withdraw_from_the_applications_page_and_read_it_in_welsh() {
    let app = spawn_app().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (_, cohort) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 2)
        .await;
    app.person("athro@ysgol.cymru", &[], None, None);
    let teacher = browser(&app, "athro@ysgol.cymru").await;
    let applied = teacher
        .post(app.url(&format!("/cohorts/{cohort}/apply")))
        .send()
        .await
        .expect("sent");
    assert_eq!(
        applied.headers()["location"],
        "/applications?notice=confirmed"
    );

    let (_, welsh) = page(&teacher, &app, "/applications?lang=cy").await;
    assert!(welsh.contains("Lle wedi&#39;i gadarnhau"), "{welsh}");
    let form = welsh.split("action=\"/applications/").nth(1).unwrap_or("");
    let application_id: String = form.chars().take_while(|c| *c != '/').collect();
    let withdrawn = teacher
        .post(app.url(&format!("/applications/{application_id}/withdraw")))
        .send()
        .await
        .expect("sent");
    assert_eq!(withdrawn.status(), 303);
    let (_, after) = page(&teacher, &app, "/applications").await;
    assert!(after.contains("Withdrawn"));

    let (_, catalogue) = page(&teacher, &app, "/programmes?lang=cy").await;
    assert!(
        catalogue.contains("Dau le ar ôl"),
        "Welsh plural for two places"
    );
}

#[tokio::test]
async fn applying_without_signing_in_leads_to_the_login_page() {
    let app = spawn_app().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (_, cohort) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 2)
        .await;
    let (_, catalogue) = page(&client(), &app, "/programmes").await;
    assert!(catalogue.contains("Log in to apply"));
    let anonymous = client()
        .post(app.url(&format!("/cohorts/{cohort}/apply")))
        .send()
        .await
        .expect("sent");
    assert_eq!(anonymous.status(), 303);
    assert_eq!(anonymous.headers()["location"], "/login");
}

#[tokio::test]
async fn the_lead_takes_the_register_and_marks_completion_and_the_teacher_gets_a_certificate() {
    let app = spawn_app().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (_, cohort) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 5)
        .await;
    let teacher_person = app.person("athro@ysgol.cymru", &[], None, None);
    let applied = app
        .post_as(
            &teacher_person.token,
            &format!("/api/v1/cohorts/{cohort}/applications"),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(applied.status(), 201);

    let lead_browser = browser(&app, "lead@consortiwm.cymru").await;
    // A session already held, so that it counts towards attendance.
    add_session_held_yesterday(&lead_browser, &app, &cohort).await;
    let bad = lead_browser
        .post(app.url(&format!("/lead/cohorts/{cohort}/sessions")))
        .form(&[
            ("title_en", ""),
            ("title_cy", "x"),
            ("starts_at", "soon"),
            ("ends_at", ""),
            ("venue", ""),
        ])
        .send()
        .await
        .expect("sent");
    assert_eq!(bad.status(), 422);

    let (_, cohort_page) = page(&lead_browser, &app, &format!("/lead/cohorts/{cohort}")).await;
    assert!(cohort_page.contains("Leading change"));
    let session_id: String = cohort_page
        .split("/lead/sessions/")
        .nth(1)
        .unwrap_or("")
        .chars()
        .take_while(|c| *c != '/')
        .collect();
    let (status, register) = page(
        &lead_browser,
        &app,
        &format!("/lead/sessions/{session_id}/register"),
    )
    .await;
    assert_eq!(status, 200);
    let field: String = register
        .split("name=\"status_")
        .nth(1)
        .unwrap_or("")
        .chars()
        .take_while(|c| *c != '"')
        .collect();
    let saved = lead_browser
        .post(app.url(&format!("/lead/sessions/{session_id}/register")))
        .form(&[(format!("status_{field}"), "present")])
        .send()
        .await
        .expect("sent");
    assert_eq!(saved.status(), 303);
    let (_, cohort_page) = page(&lead_browser, &app, &format!("/lead/cohorts/{cohort}")).await;
    assert!(
        cohort_page.contains("1 / 1 (100%)"),
        "attendance shows on the cohort page"
    );

    let completed = lead_browser
        .post(app.url(&format!("/lead/applications/{field}/complete")))
        .form(&[
            ("back", format!("/lead/cohorts/{cohort}")),
            ("override_reason", String::new()),
        ])
        .send()
        .await
        .expect("sent");
    assert_eq!(completed.status(), 303);
    assert_eq!(
        completed.headers()["location"].to_str().unwrap_or(""),
        format!("/lead/cohorts/{cohort}")
    );

    let teacher = browser(&app, "athro@ysgol.cymru").await;
    let (_, mine) = page(&teacher, &app, "/applications").await;
    assert!(mine.contains("Completed"));
    assert!(mine.contains(&format!("/certificates/{field}")));
    let (status, certificate) = page(&teacher, &app, &format!("/certificates/{field}")).await;
    assert_eq!(status, 200);
    assert!(certificate.contains("Middle Leadership Development Programme"));
    assert!(certificate.contains("Rhaglen Datblygu Arweinyddiaeth Ganol"));

    app.wait_for_email("athro@ysgol.cymru", "").await;
    let (_, emails) = page(&teacher, &app, "/emails").await;
    assert!(
        emails.contains("Your place on Middle Leadership Development Programme is confirmed"),
        "{emails}"
    );
}

#[tokio::test]
async fn a_participant_makes_their_calendar_address_from_the_applications_page() {
    let app = spawn_app().await;
    app.person("athro@ysgol.cymru", &[], None, None);
    let teacher = browser(&app, "athro@ysgol.cymru").await;
    let (_, before) = page(&teacher, &app, "/applications").await;
    assert!(before.contains("action=\"/applications/calendar\""));
    let made = teacher
        .post(app.url("/applications/calendar"))
        .send()
        .await
        .expect("sent");
    assert_eq!(made.status(), 303);
    let (_, after) = page(&teacher, &app, "/applications").await;
    let url: String = after
        .split("<code>")
        .nth(1)
        .unwrap_or("")
        .chars()
        .take_while(|c| *c != '<')
        .collect();
    assert!(
        url.starts_with("http://llwybr.test/calendar/") && url.ends_with(".ics"),
        "{url}"
    );
    let feed = app
        .client
        .get(app.url(url.trim_start_matches("http://llwybr.test")))
        .send()
        .await
        .expect("sent");
    assert_eq!(feed.status(), 200);
    assert!(
        feed.text()
            .await
            .expect("body")
            .starts_with("BEGIN:VCALENDAR")
    );

    // Shared by mistake: the page replaces it, and the old address answers nothing.
    let replaced = teacher
        .post(app.url("/applications/calendar/replace"))
        .send()
        .await
        .expect("sent");
    assert_eq!(replaced.status(), 303);
    let (_, later) = page(&teacher, &app, "/applications?notice=calendar-replaced").await;
    assert!(later.contains("Your calendar has a new address"), "{later}");
    assert!(!later.contains(&url), "a new address is shown");
    let old = app
        .client
        .get(app.url(url.trim_start_matches("http://llwybr.test")))
        .send()
        .await
        .expect("sent");
    assert_eq!(old.status(), 404);
}

#[tokio::test]
async fn a_lead_creates_a_programme_and_a_cohort_and_changes_its_places_through_the_pages() {
    let app = spawn_app().await;
    app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let lead = browser(&app, "lead@consortiwm.cymru").await;
    let programme = lead
        .post(app.url("/lead/programmes"))
        .form(&[
            ("code", "npqh"),
            (
                "title_en",
                "National Professional Qualification for Headship",
            ),
            (
                "title_cy",
                "Cymhwyster Proffesiynol Cenedlaethol ar gyfer Prifathrawiaeth",
            ),
            ("description_en", "Preparation for headship."),
            ("description_cy", "Paratoi ar gyfer prifathrawiaeth."),
            ("delivery_language", "bilingual"),
            ("target_stages", "future_senior_leader"),
            ("target_stages", "future_headteacher"),
            ("requires_endorsement", "true"),
        ])
        .send()
        .await
        .expect("sent");
    assert_eq!(programme.status(), 303);
    let listed = app.catalogue().await;
    assert_eq!(
        listed[0]["target_stages"],
        serde_json::json!(["future_headteacher", "future_senior_leader"])
    );
    let programme_id = listed[0]["id"].as_str().unwrap_or("").to_owned();

    let duplicate = lead
        .post(app.url("/lead/programmes"))
        .form(&[("code", "npqh"), ("title_en", "x")])
        .send()
        .await
        .expect("sent");
    assert_eq!(duplicate.status(), 422);

    let day =
        |days: i64| (chrono::Utc::now().date_naive() + chrono::Duration::days(days)).to_string();
    let cohort = lead
        .post(app.url("/lead/cohorts"))
        .form(&[
            ("programme_id", programme_id.as_str()),
            ("name", "Cohort 1"),
            ("capacity", "2"),
            ("starts_on", day(40).as_str()),
            ("ends_on", day(300).as_str()),
            ("applications_close_on", day(20).as_str()),
            ("language_medium", "welsh"),
            ("venue", ""),
        ])
        .send()
        .await
        .expect("sent");
    assert_eq!(cohort.status(), 303);
    let location = cohort.headers()["location"]
        .to_str()
        .unwrap_or("")
        .to_owned();
    assert!(location.starts_with("/lead/cohorts/"));
    let (status, cohort_page) = page(&lead, &app, &location).await;
    assert_eq!(status, 200);
    assert!(cohort_page.contains("Cohort 1"));

    let shrink = lead
        .post(app.url(&format!("{location}/settings")))
        .form(&[("capacity", "0"), ("status", "open")])
        .send()
        .await
        .expect("sent");
    assert_eq!(shrink.status(), 422);
    let closed = lead
        .post(app.url(&format!("{location}/settings")))
        .form(&[
            ("capacity", "5"),
            ("status", "closed"),
            ("applications_close_on", ""),
        ])
        .send()
        .await
        .expect("sent");
    assert_eq!(closed.status(), 303);
    let listed = app.catalogue().await;
    assert_eq!(listed[0]["cohorts"][0]["capacity"], 5);
    assert_eq!(listed[0]["cohorts"][0]["status"], "closed");
}

#[tokio::test]
async fn a_lead_moves_someone_to_another_cohort_from_the_cohort_page() {
    let app = spawn_app().await;
    let lead_person = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (programme, first) = app
        .programme_with_cohort(&lead_person, "mldp", false, &[], 3)
        .await;
    let day =
        |days: i64| (chrono::Utc::now().date_naive() + chrono::Duration::days(days)).to_string();
    let second: serde_json::Value = app
        .post_as(
            &lead_person.token,
            &format!("/api/v1/programmes/{programme}/cohorts"),
            &serde_json::json!({"name": "Cohort 2", "capacity": 3, "starts_on": day(90), "ends_on": day(200), "language_medium": "welsh"}),
        )
        .await
        .json()
        .await
        .expect("json");
    let teacher = app.person("athro@ysgol.cymru", &[], None, None);
    app.post_as(
        &teacher.token,
        &format!("/api/v1/cohorts/{first}/applications"),
        &serde_json::json!({}),
    )
    .await;

    let lead = browser(&app, "lead@consortiwm.cymru").await;
    let (_, cohort_page) = page(&lead, &app, &format!("/lead/cohorts/{first}")).await;
    let application: String = cohort_page
        .split("/lead/applications/")
        .find(|part| part.contains("/move\""))
        .unwrap_or("")
        .chars()
        .take_while(|c| *c != '/')
        .collect();
    let moved = lead
        .post(app.url(&format!("/lead/applications/{application}/move")))
        .form(&[
            ("cohort_id", second["id"].as_str().unwrap_or("")),
            ("back", &format!("/lead/cohorts/{first}")),
        ])
        .send()
        .await
        .expect("sent");
    assert_eq!(moved.status(), 303);
    let mine: Vec<serde_json::Value> = app
        .get_as(&teacher.token, "/api/v1/me/applications")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(mine[0]["cohort_name"], "Cohort 2");
    assert_eq!(mine[0]["status"], "confirmed");
}

#[tokio::test]
async fn a_lead_changes_a_programme_and_a_cohorts_dates_through_the_pages() {
    let app = spawn_app().await;
    let api_lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (programme, cohort) = app
        .programme_with_cohort(&api_lead, "nth", false, &[], 10)
        .await;
    let lead = browser(&app, "lead@consortiwm.cymru").await;
    let (_, overview) = page(&lead, &app, "/lead").await;
    assert!(
        overview.contains(&format!("href=\"/lead/programmes/{programme}\"")),
        "{overview}"
    );
    let path = format!("/lead/programmes/{programme}");
    let (status, form) = page(&lead, &app, &path).await;
    assert_eq!(status, 200);
    assert!(form.contains("value=\"Middle Leadership Development Programme\""));

    let mut fields = vec![
        ("title_en", "New to Headship"),
        ("title_cy", "Newydd i Brifathrawiaeth"),
        ("description_en", "For heads in their first two years."),
        (
            "description_cy",
            "Ar gyfer penaethiaid yn eu dwy flynedd gyntaf.",
        ),
        ("delivery_language", "welsh"),
        ("requires_endorsement", "true"),
        ("completion_min_attendance_pct", "75"),
        ("target_stages", "new_headteacher"),
        ("min_stage", ""),
        ("roles", "headteacher"),
        ("roles", "acting_head"),
        ("appointed_within_months", "0"),
        ("active", "true"),
    ];
    let refused = lead
        .post(app.url(&format!("{path}?lang=cy")))
        .form(&fields)
        .send()
        .await
        .expect("sent");
    assert_eq!(refused.status(), 422);
    let body = refused.text().await.expect("body");
    assert!(body.contains("misoedd ers penodi"), "{body}");
    assert!(
        body.contains("value=\"acting_head\" checked"),
        "what was ticked stays ticked"
    );
    let unchanged = app.catalogue().await;
    assert_eq!(
        unchanged[0]["title_en"],
        "Middle Leadership Development Programme"
    );

    fields.retain(|(name, _)| *name != "appointed_within_months");
    fields.push(("appointed_within_months", "24"));
    let saved = lead
        .post(app.url(&path))
        .form(&fields)
        .send()
        .await
        .expect("sent");
    assert_eq!(saved.status(), 303);
    assert_eq!(
        saved.headers()["location"],
        format!("{path}?saved=1").as_str()
    );
    let listed = app.catalogue().await;
    let changed = &listed[0];
    assert_eq!(changed["title_en"], "New to Headship");
    assert_eq!(changed["delivery_language"], "welsh");
    assert_eq!(changed["requires_endorsement"], true);
    assert_eq!(
        changed["target_stages"],
        serde_json::json!(["new_headteacher"])
    );
    assert_eq!(
        changed["eligibility"],
        serde_json::json!({"min_stage": null, "roles": ["headteacher", "acting_head"], "appointed_within_months": 24})
    );

    // Taking the programme out of the catalogue: the box left unticked.
    fields.retain(|(name, _)| *name != "active");
    let withdrawn = lead
        .post(app.url(&path))
        .form(&fields)
        .send()
        .await
        .expect("sent");
    assert_eq!(withdrawn.status(), 303);
    let (_, overview) = page(&lead, &app, "/lead").await;
    assert!(overview.contains("not in the catalogue"), "{overview}");

    let day =
        |days: i64| (chrono::Utc::now().date_naive() + chrono::Duration::days(days)).to_string();
    let settings = format!("/lead/cohorts/{cohort}/settings");
    let backwards = lead
        .post(app.url(&settings))
        .form(&[
            ("form", "settings"),
            ("capacity", "10"),
            ("starts_on", day(90).as_str()),
            ("ends_on", day(80).as_str()),
            ("status", "open"),
        ])
        .send()
        .await
        .expect("sent");
    assert_eq!(backwards.status(), 422);
    let shown = backwards.text().await.expect("html");
    assert!(
        shown.contains(&format!(
            "name=\"ends_on\" type=\"date\" value=\"{}\"",
            day(80)
        )),
        "the refused dates are shown as typed: {shown}"
    );
    let moved = lead
        .post(app.url(&settings))
        .form(&[
            ("capacity", "10"),
            ("starts_on", day(90).as_str()),
            ("ends_on", day(270).as_str()),
            ("status", "open"),
        ])
        .send()
        .await
        .expect("sent");
    assert_eq!(moved.status(), 303);
    let (_, cohort_page) = page(&lead, &app, &format!("/lead/cohorts/{cohort}")).await;
    assert!(cohort_page.contains(&format!("value=\"{}\"", day(90))));
    assert!(cohort_page.contains(&format!("value=\"{}\"", day(270))));
    // An emptied closing date takes it away.
    let unclosed = lead
        .post(app.url(&settings))
        .form(&[
            ("capacity", "10"),
            ("applications_close_on", ""),
            ("status", "open"),
        ])
        .send()
        .await
        .expect("sent");
    assert_eq!(unclosed.status(), 303);
    let close_on: Option<chrono::NaiveDate> = {
        use diesel::prelude::*;
        use llwybr::db::schema::cohorts;
        cohorts::table
            .find(&cohort)
            .select(cohorts::applications_close_on)
            .first(&mut app.db())
            .expect("cohort")
    };
    assert_eq!(close_on, None);

    // A lead for another programme only may not open this one's page.
    let admin = app.person("admin@csc.cymru", &[Role::ConsortiumAdmin], None, None);
    let (elsewhere, _) = app
        .programme_with_cohort(&admin, "mldp", false, &[], 10)
        .await;
    app.person("arall@darparwr.cymru", &[], None, None);
    let other_id = {
        use diesel::prelude::*;
        use llwybr::db::schema::people;
        people::table
            .filter(people::email.eq("arall@darparwr.cymru"))
            .select(people::id)
            .first::<String>(&mut app.db())
            .expect("person")
    };
    let granted = app
        .post_as(
            &admin.token,
            &format!("/api/v1/admin/people/{other_id}/roles"),
            &serde_json::json!({"role": "programme_lead", "programme_id": elsewhere}),
        )
        .await;
    assert!(granted.status().is_success());
    let other = browser(&app, "arall@darparwr.cymru").await;
    let (status, _) = page(&other, &app, &path).await;
    assert_eq!(status, 403);
    let (_, their_overview) = page(&other, &app, "/lead").await;
    assert!(their_overview.contains(&format!("/lead/programmes/{elsewhere}")));
    assert!(!their_overview.contains(&format!("/lead/programmes/{programme}")));
    assert!(
        !their_overview.contains("action=\"/lead/programmes\""),
        "no form to add programmes"
    );
}

/// A register refused because someone withdrew while the lead filled it in comes back with
/// every tick as it was, and the reason beside the person it is about.
#[tokio::test]
async fn a_refused_register_keeps_every_tick_and_names_the_person() {
    let app = spawn_app().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (_, cohort) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 5)
        .await;
    let staying = app.person("aros@ysgol.cymru", &[], None, None);
    let leaving = app.person("gadael@ysgol.cymru", &[], None, None);
    let mut ids = Vec::new();
    for person in [&staying, &leaving] {
        let applied: serde_json::Value = app
            .apply(&person.token, &cohort)
            .await
            .json()
            .await
            .expect("json");
        ids.push(applied["id"].as_str().unwrap_or("").to_owned());
    }
    let lead_browser = browser(&app, "lead@consortiwm.cymru").await;
    add_session_held_yesterday(&lead_browser, &app, &cohort).await;
    let (_, cohort_page) = page(&lead_browser, &app, &format!("/lead/cohorts/{cohort}")).await;
    let session_id: String = cohort_page
        .split("/lead/sessions/")
        .nth(1)
        .unwrap_or("")
        .chars()
        .take_while(|c| *c != '/')
        .collect();
    // The lead opens the register; meanwhile one participant withdraws.
    let withdrawn = app
        .post_as(
            &leaving.token,
            &format!("/api/v1/applications/{}/withdraw", ids[1]),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(withdrawn.status(), 200);
    let refused = lead_browser
        .post(app.url(&format!("/lead/sessions/{session_id}/register")))
        .form(&[
            (format!("status_{}", ids[0]), "apologies"),
            (format!("status_{}", ids[1]), "present"),
        ])
        .send()
        .await
        .expect("sent");
    assert_eq!(refused.status(), 422);
    let body = refused.text().await.expect("html");
    assert!(
        body.contains(&format!(
            "name=\"status_{}\" value=\"apologies\" checked",
            ids[0]
        )),
        "the tick stays: {body}"
    );
    assert!(body.contains("gadael: "), "the person is named: {body}");
}

/// Completing someone below the attendance rule without a reason is refused beside their row,
/// in words for a person; "not completed" asks to be confirmed, and a lead can still complete
/// them afterwards.
#[tokio::test]
async fn completion_below_the_rule_asks_for_a_reason_and_not_completed_can_be_put_right() {
    let app = spawn_app().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (_, cohort) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 5)
        .await;
    let teacher = app.person("athro@ysgol.cymru", &[], None, None);
    let applied: serde_json::Value = app
        .apply(&teacher.token, &cohort)
        .await
        .json()
        .await
        .expect("json");
    let id = applied["id"].as_str().unwrap_or("").to_owned();
    let lead_browser = browser(&app, "lead@consortiwm.cymru").await;
    add_session_held_yesterday(&lead_browser, &app, &cohort).await;
    let (_, before) = page(&lead_browser, &app, &format!("/lead/cohorts/{cohort}")).await;
    assert!(
        before.contains("Yes, record not completed"),
        "not completed is behind a confirmation"
    );

    let complete = |reason: &'static str| {
        lead_browser
            .post(app.url(&format!("/lead/applications/{id}/complete")))
            .form(&[
                ("back", format!("/lead/cohorts/{cohort}")),
                ("override_reason", reason.to_owned()),
            ])
            .send()
    };
    let refused = complete("").await.expect("sent");
    assert_eq!(refused.status(), 422);
    let body = refused.text().await.expect("html");
    assert!(
        body.contains(&format!("id=\"override-{id}-error\""))
            && body.contains("give a reason here"),
        "the reason is asked for beside the person: {body}"
    );
    assert!(
        !body.contains("override_reason."),
        "no API field in the words"
    );
    assert!(
        !body.contains("<details open>"),
        "the add-a-session form stays shut"
    );

    let not_completed = lead_browser
        .post(app.url(&format!("/lead/applications/{id}/not-complete")))
        .form(&[("back", format!("/lead/cohorts/{cohort}"))])
        .send()
        .await
        .expect("sent");
    assert_eq!(not_completed.status(), 303);
    let status = || async {
        let mine: Vec<serde_json::Value> = app
            .get_as(&teacher.token, "/api/v1/me/applications")
            .await
            .json()
            .await
            .expect("json");
        mine[0]["status"].as_str().unwrap_or("").to_owned()
    };
    assert_eq!(status().await, "not_completed");
    let corrected = complete("Attended the make-up session in another cohort")
        .await
        .expect("sent");
    assert_eq!(corrected.status(), 303);
    assert_eq!(status().await, "completed");
}
