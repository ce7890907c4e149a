//! CSV imports: the demo files from the README, a broken file, the page form, the CLI, access
//! and a file of 50,000 people.

use std::time::{Duration, Instant};

use diesel::prelude::*;
use llwybr::db::schema::{audit_log, career_entries, enrolments, people, schools};
use llwybr::domain::role::Role;
use serde_json::Value;

use crate::helpers::{TestApp, TestPerson, problem, spawn_app};

pub fn fixture(name: &str) -> String {
    let path = format!(
        "{}/tests/fixtures/demo-import/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub async fn seeded_app() -> (TestApp, TestPerson) {
    let app = spawn_app().await;
    llwybr::seed::seed_demo(&app.pool, &mut std::io::sink())
        .await
        .expect("demo data");
    let admin = app.person("gweinyddwr@csc.cymru", &[Role::ConsortiumAdmin], None, None);
    (app, admin)
}

/// Uploads `body` as a `kind` file and waits until the import has finished.
pub async fn import(app: &TestApp, token: &str, kind: &str, body: &str, language: &str) -> Value {
    let response = app
        .client
        .post(app.url(&format!(
            "/api/v1/admin/imports/{kind}?file_name={kind}.csv"
        )))
        .bearer_auth(token)
        .header("content-type", "text/csv")
        .header("accept-language", language)
        .body(body.to_owned())
        .send()
        .await
        .expect("request sent");
    assert_eq!(
        response.status(),
        202,
        "{}",
        response.text().await.unwrap_or_default()
    );
    let started: Value = response.json().await.expect("json");
    let id = started["id"].as_str().expect("id").to_owned();
    wait_for_import(app, token, &id, language).await
}

pub async fn wait_for_import(app: &TestApp, token: &str, id: &str, language: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let view: Value = app
            .client
            .get(app.url(&format!("/api/v1/admin/imports/{id}")))
            .bearer_auth(token)
            .header("accept-language", language)
            .send()
            .await
            .expect("request sent")
            .json()
            .await
            .expect("json");
        let status = view["status"].as_str().unwrap_or_default();
        if ["done", "failed", "error"].contains(&status) {
            return view;
        }
        assert!(Instant::now() < deadline, "import still {status}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn counts(app: &TestApp) -> (i64, i64, i64, i64, i64) {
    let mut conn = app.db();
    (
        schools::table
            .count()
            .get_result(&mut conn)
            .expect("schools"),
        people::table.count().get_result(&mut conn).expect("people"),
        enrolments::table
            .count()
            .get_result(&mut conn)
            .expect("enrolments"),
        career_entries::table
            .count()
            .get_result(&mut conn)
            .expect("careers"),
        audit_log::table
            .count()
            .get_result(&mut conn)
            .expect("audit"),
    )
}

fn summary(view: &Value) -> (u64, u64, u64) {
    assert_eq!(view["status"], "done", "{view}");
    let s = &view["summary"];
    (
        s["created"].as_u64().unwrap_or(99),
        s["updated"].as_u64().unwrap_or(99),
        s["unchanged"].as_u64().unwrap_or(99),
    )
}

#[tokio::test]
async fn the_demo_files_import_in_order_and_a_second_time_change_nothing() {
    let (app, admin) = seeded_app().await;
    let before = counts(&app);
    let kinds = ["schools", "people", "enrolments", "careers"];
    let expected = [5, 8, 5, 6];
    for (kind, created) in kinds.iter().zip(expected) {
        let view = import(
            &app,
            &admin.token,
            kind,
            &fixture(&format!("{kind}.csv")),
            "en",
        )
        .await;
        assert_eq!(summary(&view), (created, 0, 0), "{kind}");
    }
    let after = counts(&app);
    assert_eq!(after.0, before.0 + 5);
    assert_eq!(after.1, before.1 + 8);
    assert_eq!(after.2, before.2 + 5);
    assert_eq!(after.3, before.3 + 6);
    assert!(after.4 > before.4, "imports are audited");

    for (kind, rows) in kinds.iter().zip(expected) {
        let view = import(
            &app,
            &admin.token,
            kind,
            &fixture(&format!("{kind}.csv")),
            "en",
        )
        .await;
        assert_eq!(summary(&view), (0, 0, rows), "{kind} again");
    }
    assert_eq!(
        counts(&app),
        after,
        "a second import adds and records nothing"
    );

    // An imported person is a participant without a password, at their school and stage.
    let mut conn = app.db();
    let (password, stage): (Option<String>, Option<String>) = people::table
        .filter(people::email.eq("siwan.evans@penygroes.example.cymru"))
        .select((people::password_hash, people::stage_code))
        .first(&mut conn)
        .expect("imported person");
    assert_eq!(password, None);
    assert_eq!(stage.as_deref(), Some("new_headteacher"));

    // A changed row updates, and says so.
    let changed = fixture("people.csv").replace("Year 5 teacher", "Year 6 teacher");
    let view = import(&app, &admin.token, "people", &changed, "en").await;
    assert_eq!(summary(&view), (0, 1, 7));
}

#[tokio::test]
async fn a_broken_file_names_every_bad_row_in_welsh_and_imports_nothing() {
    let (app, admin) = seeded_app().await;
    let view = import(&app, &admin.token, "schools", &fixture("schools.csv"), "en").await;
    assert_eq!(summary(&view).0, 5);
    let before = counts(&app);

    let view = import(
        &app,
        &admin.token,
        "people",
        &fixture("broken/people.csv"),
        "cy",
    )
    .await;
    assert_eq!(view["status"], "failed");
    let problems: Vec<(u64, String)> = view["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .map(|p| {
            (
                p["row"].as_u64().unwrap_or(0),
                p["column"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    let expected = [
        (3, "email"),
        (4, "name"),
        (5, "preferred_language"),
        (5, "school_number"),
        (6, "stage"),
        (7, "email"),
    ];
    assert_eq!(
        problems,
        expected.map(|(r, c)| (r, c.to_owned())).to_vec(),
        "{view}"
    );
    let messages: Vec<&str> = view["problems"]
        .as_array()
        .expect("problems")
        .iter()
        .filter_map(|p| p["message"].as_str())
        .collect();
    assert!(
        messages[3].contains("Mewnforiwch yr ysgolion"),
        "{messages:?}"
    );
    assert!(messages[5].contains("ailadrodd"), "{messages:?}");
    assert_eq!(
        counts(&app),
        before,
        "nothing imported, not even the good first row"
    );

    // The same problems, in English, for an English reader.
    let id = view["id"].as_str().expect("id");
    let english = wait_for_import(&app, &admin.token, id, "en").await;
    assert_eq!(
        english["problems"][5]["message"],
        "This row repeats an earlier row of the file."
    );
}

#[tokio::test]
async fn a_bad_header_is_reported_before_any_row() {
    let (app, admin) = seeded_app().await;
    let view = import(
        &app,
        &admin.token,
        "careers",
        "email,job,started_on\nx,y,z\n",
        "en",
    )
    .await;
    assert_eq!(view["status"], "failed");
    let problems = view["problems"].as_array().expect("problems");
    assert_eq!(problems.len(), 2, "{view}");
    assert_eq!(problems[0]["row"], 1);
    assert_eq!(problems[0]["column"], "job");
    assert_eq!(problems[1]["column"], "role");
}

#[tokio::test]
async fn only_consortium_admins_may_import() {
    let (app, _) = seeded_app().await;
    let lead = app.person("arweinydd@csc.cymru", &[Role::ProgrammeLead], None, None);
    let response = app
        .client
        .post(app.url("/api/v1/admin/imports/people"))
        .bearer_auth(&lead.token)
        .body("email,name\na@b.cymru,A\n")
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 403);
    let anonymous = app
        .client
        .post(app.url("/api/v1/admin/imports/people"))
        .body("email,name\na@b.cymru,A\n")
        .send()
        .await
        .expect("sent");
    assert_eq!(anonymous.status(), 401);
    let page = app
        .client
        .get(app.url("/admin/imports"))
        .bearer_auth(&lead.token)
        .send()
        .await
        .expect("sent");
    assert_eq!(page.status(), 403);
    let template = app
        .get_as(&lead.token, "/api/v1/admin/import-templates/people.csv")
        .await;
    assert_eq!(template.status(), 403);
}

#[tokio::test]
async fn an_empty_upload_is_refused_and_templates_download() {
    let (app, admin) = seeded_app().await;
    let response = app
        .client
        .post(app.url("/api/v1/admin/imports/people?lang=cy"))
        .bearer_auth(&admin.token)
        .body("")
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 422);
    let body = problem(response).await;
    assert_eq!(body["errors"][0]["field"], "file");
    assert_eq!(
        body["errors"][0]["message"],
        "Dewiswch ffeil CSV i'w llwytho i fyny."
    );

    for kind in ["schools", "people", "enrolments", "careers"] {
        let response = app
            .get_as(
                &admin.token,
                &format!("/api/v1/admin/import-templates/{kind}.csv"),
            )
            .await;
        assert_eq!(response.status(), 200);
        let text = response.text().await.expect("text");
        assert_eq!(
            text,
            llwybr::domain::import::ImportKind::parse(kind)
                .expect("kind")
                .template()
        );
    }
}

/// What a browser sends for the upload form.
fn multipart_body(kind: &str, file_name: &str, content: &str) -> (String, String) {
    let boundary = "----llwybrtest7MA4YWxkTrZu0gW";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n{kind}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
         Content-Type: text/csv\r\n\r\n{content}\r\n--{boundary}--\r\n"
    );
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn the_upload_page_shows_progress_then_every_problem() {
    let (app, admin) = seeded_app().await;
    let (content_type, body) = multipart_body("people", "pobl.csv", &fixture("broken/people.csv"));
    let response = app
        .client
        .post(app.url("/admin/imports"))
        .bearer_auth(&admin.token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 303);
    let location = response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .expect("location")
        .to_owned();
    let id = location.trim_start_matches("/admin/imports/").to_owned();
    wait_for_import(&app, &admin.token, &id, "en").await;
    let page = app
        .client
        .get(app.url(&format!("{location}?lang=cy")))
        .bearer_auth(&admin.token)
        .send()
        .await
        .expect("sent");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(html.contains("pobl.csv"));
    assert!(html.contains("Heb ei fewnforio"), "{html}");
    assert!(
        html.contains("Nid oes ysgol gyda&#39;r rhif hwn")
            || html.contains("Nid oes ysgol gyda'r rhif hwn"),
        "{html}"
    );
    assert!(
        !html.contains("http-equiv=\"refresh\""),
        "a finished import stops refreshing"
    );

    // A form without a file is sent back with the problem named.
    let (content_type, body) = multipart_body("people", "", "");
    let response = app
        .client
        .post(app.url("/admin/imports"))
        .bearer_auth(&admin.token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .expect("html")
            .contains("Choose a CSV file to upload.")
    );
}

#[tokio::test]
async fn fifty_thousand_people_import_in_one_go() {
    let (app, admin) = seeded_app().await;
    let rows = 50_000;
    let mut csv = String::from("email,name,preferred_language,stage\n");
    for i in 0..rows {
        csv.push_str(&format!(
            "athro.{i:05}@ysgolion.example.cymru,Athro {i},cy,nqt\n"
        ));
    }
    let started = Instant::now();
    let view = import(&app, &admin.token, "people", &csv, "en").await;
    let first = started.elapsed();
    assert_eq!(summary(&view), (rows, 0, 0));
    assert_eq!(view["rows_total"], rows);
    let started = Instant::now();
    let again = import(&app, &admin.token, "people", &csv, "en").await;
    assert_eq!(summary(&again), (0, 0, rows));
    eprintln!(
        "50,000 people: {first:?} new, {:?} again (debug build)",
        started.elapsed()
    );
    // Generous for a debug build on a busy machine; the release figure is in the README.
    assert!(first < Duration::from_secs(90), "{first:?}");
}

fn llwybr_import(app: &TestApp, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_llwybr"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("LLWYBR_ENVIRONMENT", "test")
        .env("DATABASE_URL", app.database.url())
        .env("LLWYBR__MAIL__FILE_DIR", app.mail_dir.path())
        .env("RUST_LOG", "warn")
        .arg("import")
        .args(args)
        .output()
        .expect("llwybr runs")
}

#[tokio::test]
async fn the_cli_imports_the_same_way_and_prints_every_problem() {
    let (app, _) = seeded_app().await;
    let dir = format!("{}/tests/fixtures/demo-import", env!("CARGO_MANIFEST_DIR"));
    let ok = llwybr_import(&app, &["schools", &format!("{dir}/schools.csv")]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("5 new, 0 updated, 0 unchanged"));
    let before = counts(&app);
    let bad = llwybr_import(
        &app,
        &[
            "people",
            &format!("{dir}/broken/people.csv"),
            "--lang",
            "cy",
        ],
    );
    assert!(!bad.status.success());
    let out = String::from_utf8_lossy(&bad.stdout);
    assert!(out.contains("problemau a ganfuwyd: 6"), "{out}");
    assert!(
        out.contains("rhes 5, colofn school_number: Nid oes ysgol gyda'r rhif hwn"),
        "{out}"
    );
    assert!(out.contains("rhes 7, colofn email:"), "{out}");
    assert_eq!(counts(&app), before);
    let again = llwybr_import(&app, &["schools", &format!("{dir}/schools.csv")]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("0 new, 0 updated, 5 unchanged"));
}

#[tokio::test]
async fn an_unfinished_import_page_refreshes_itself_and_shows_progress() {
    let (app, admin) = seeded_app().await;
    let id = uuid::Uuid::new_v4().to_string();
    {
        use llwybr::db::schema::imports;
        let mut conn = app.db();
        let now = chrono::Utc::now().naive_utc();
        // Claimed by a worker that is still busy with it: this server leaves it alone.
        diesel::insert_into(imports::table)
            .values((
                imports::id.eq(&id),
                imports::kind.eq("people"),
                imports::file_name.eq("mawr.csv"),
                imports::content.eq("email,name\n"),
                imports::status.eq("checking"),
                imports::rows_total.eq(50_000),
                imports::rows_done.eq(20_000),
                imports::created_at.eq(now),
                imports::claimed_until.eq(Some(now + chrono::Duration::minutes(10))),
            ))
            .execute(&mut conn)
            .expect("import row");
    }
    let page = app
        .client
        .get(app.url(&format!("/admin/imports/{id}?lang=cy")))
        .bearer_auth(&admin.token)
        .send()
        .await
        .expect("sent");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(html.contains("http-equiv=\"refresh\""), "{html}");
    assert!(html.contains("20000 o 50000 rhes wedi"), "{html}");
    assert!(html.contains("Yn gwirio"), "{html}");
}

#[tokio::test]
async fn the_administration_routes_are_documented() {
    let app = spawn_app().await;
    let document: Value = app
        .client
        .get(app.url("/api/v1/openapi.json"))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("json");
    for (path, method) in [
        ("/api/v1/admin/imports/{kind}", "post"),
        ("/api/v1/admin/imports/{id}", "get"),
        ("/api/v1/admin/import-templates/{kind}", "get"),
        ("/api/v1/admin/people", "get"),
        ("/api/v1/admin/people/{id}/erase", "post"),
        ("/api/v1/admin/people/{id}/deactivate", "post"),
        ("/api/v1/admin/people/{id}/invite", "post"),
        ("/api/v1/admin/people/{id}/roles", "post"),
        ("/api/v1/admin/people/{id}/roles/{grant_id}", "delete"),
        ("/api/v1/admin/schools/{id}", "put"),
        ("/api/v1/admin/local-authorities", "post"),
        ("/api/v1/admin/audit", "get"),
        ("/api/v1/me/export", "get"),
    ] {
        assert!(
            document["paths"][path][method].is_object(),
            "{method} {path} is not documented"
        );
    }
    assert!(document["paths"]["/api/v1/admin/audit"]["delete"].is_null());
}

/// An imported application that holds a seat (completed or not) counts in its cohort's seats as
/// one made in Llwybr does, and a completed one stops the person applying to the programme
/// again; a file that would give someone a second live application to a programme is refused.
#[tokio::test]
async fn imported_applications_hold_their_seats_and_a_completed_one_counts_as_live() {
    use llwybr::db::schema::cohorts;

    let app = spawn_app().await;
    let admin = app.person("gweinyddwr@csc.cymru", &[Role::ConsortiumAdmin], None, None);
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (_, cohort) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 2)
        .await;
    let finished = app.person("gorffennodd@ysgol.cymru", &[], None, None);
    let stopped = app.person("stopiodd@ysgol.cymru", &[], None, None);
    let newcomer = app.person("newydd@ysgol.cymru", &[], None, None);
    let seats_taken = || -> i32 {
        cohorts::table
            .find(&cohort)
            .select(cohorts::seats_taken)
            .first(&mut app.db())
            .expect("the cohort")
    };

    let twice = "email,programme,cohort,status,applied_on\n\
        gorffennodd@ysgol.cymru,mldp,Cohort 1,completed,2026-01-10\n\
        gorffennodd@ysgol.cymru,mldp,Cohort 1,completed,2026-01-10\n";
    let view = import(&app, &admin.token, "enrolments", twice, "en").await;
    assert_eq!(view["status"], "failed", "{view}");
    assert!(
        view["problems"][0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("already has a live or completed application"),
        "{view}"
    );
    assert_eq!(seats_taken(), 0, "nothing imported");
    let history = "email,programme,cohort,status,applied_on\n\
        gorffennodd@ysgol.cymru,mldp,Cohort 1,completed,2026-01-10\n\
        stopiodd@ysgol.cymru,mldp,Cohort 1,not_completed,2026-01-11\n";
    let view = import(&app, &admin.token, "enrolments", history, "en").await;
    assert_eq!(summary(&view), (2, 0, 0));
    assert_eq!(seats_taken(), 2, "both hold their seats");

    let again = app.apply(&finished.token, &cohort).await;
    assert_eq!(again.status(), 409, "a completer does not apply again");
    let late: Value = app
        .apply(&newcomer.token, &cohort)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(late["status"], "waitlisted", "no seat is left: {late}");
    let retry: Value = app
        .apply(&stopped.token, &cohort)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(retry["status"], "waitlisted", "{retry}");
    assert_eq!(seats_taken(), 2);

    // Marking the one who stopped as having completed after all is refused while they have a
    // live application to the programme (their new one).
    let completed = "email,programme,cohort,status,applied_on\n\
        stopiodd@ysgol.cymru,mldp,Cohort 1,completed,2026-01-11\n";
    let view = import(&app, &admin.token, "enrolments", completed, "en").await;
    assert_eq!(view["status"], "failed", "{view}");
    assert_eq!(seats_taken(), 2);
}

/// A file is checked against the applications there when it was uploaded; one made between
/// the check and the applying must not be overwritten by it. Applying reads them again and
/// undoes everything when a row would change an application under way.
#[tokio::test]
async fn applying_refuses_to_overwrite_an_application_made_since_the_check() {
    use llwybr::db::imports::{Stopped, apply_enrolments};
    use llwybr::db::schema::cohorts;
    use llwybr::domain::import::EnrolmentRow;

    let app = spawn_app().await;
    let lead = app.person("lead@consortiwm.cymru", &[Role::ProgrammeLead], None, None);
    let (programme, cohort) = app
        .programme_with_cohort(&lead, "mldp", false, &[], 5)
        .await;
    let teacher = app.person("athro@ysgol.cymru", &[], None, None);
    assert_eq!(app.apply(&teacher.token, &cohort).await.status(), 201);
    let person_id: String = people::table
        .filter(people::email.eq("athro@ysgol.cymru"))
        .select(people::id)
        .first(&mut app.db())
        .expect("person");

    let rows = vec![EnrolmentRow {
        row: 2,
        person_id,
        cohort_id: cohort.clone(),
        programme_id: programme,
        status: "withdrawn",
        applied_on: None,
    }];
    let now = chrono::Utc::now().naive_utc();
    match apply_enrolments(&mut app.db(), &rows, None, now) {
        Err(Stopped::Changed(errors)) => {
            assert_eq!(errors.len(), 1);
            assert_eq!(
                (errors[0].row, errors[0].key.as_str()),
                (2, "import-error-enrolment-live")
            );
        }
        other => panic!("applied over a live application: {other:?}"),
    }
    let statuses: Vec<String> = enrolments::table
        .select(enrolments::status)
        .load(&mut app.db())
        .expect("statuses");
    assert_eq!(statuses, ["confirmed"]);
    let taken: i32 = cohorts::table
        .find(&cohort)
        .select(cohorts::seats_taken)
        .first(&mut app.db())
        .expect("seats");
    assert_eq!(taken, 1);
}

/// A file past the limit is refused before it reaches Llwybr's code: the answer is still a
/// problem in the reader's language, not actix's English plain text.
#[tokio::test]
async fn a_file_too_large_is_refused_in_the_readers_language() {
    let app = spawn_app().await;
    let admin = app.person("admin@csc.cymru", &[Role::ConsortiumAdmin], None, None);
    let body = "email,name\n".repeat(llwybr::admin::imports::MAX_FILE_BYTES / 11 + 2);
    let refused = app
        .client
        .post(app.url("/api/v1/admin/imports/people?lang=cy"))
        .bearer_auth(&admin.token)
        .header("content-type", "text/csv")
        .body(body)
        .send()
        .await
        .expect("sent");
    assert_eq!(refused.status(), 413);
    let problem = problem(refused).await;
    assert_eq!(problem["code"], "too_large");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap_or("")
            .contains("Rhy fawr")
            || problem["title"] == "Rhy fawr",
        "{problem}"
    );
}

/// A worker that stalled past its lease, and whose import another worker took up, renews
/// nothing and so stops, instead of both running the file.
#[tokio::test]
async fn a_worker_whose_claim_was_taken_up_keeps_nothing() {
    use chrono::Timelike;
    use llwybr::db::imports::{claim_next, set_progress};
    use llwybr::db::schema::imports;

    let app = crate::helpers::spawn_app_with(|settings| {
        settings.imports.poll_interval_ms = 3_600_000;
    })
    .await;
    let mut conn = app.db();
    let id = llwybr::admin::imports::submit(
        &mut conn,
        None,
        llwybr::domain::import::ImportKind::Schools,
        "schools.csv",
        "school_number,name_en\n",
    )
    .expect("stored");
    let now = chrono::Utc::now()
        .naive_utc()
        .with_nanosecond(0)
        .expect("a time");
    let ours = now + chrono::Duration::minutes(10);
    let claimed = claim_next(&mut conn, now, ours, Some(&id)).expect("claim");
    assert!(claimed.is_some());
    let renewed = ours + chrono::Duration::minutes(1);
    assert!(set_progress(&mut conn, &id, "checking", (1, 0), (ours, renewed)).expect("renew"));

    // Another worker takes it up once the lease has lapsed.
    let theirs = renewed + chrono::Duration::minutes(30);
    diesel::update(imports::table.find(&id))
        .set(imports::claimed_until.eq(Some(theirs)))
        .execute(&mut conn)
        .expect("taken up");
    let later = renewed + chrono::Duration::minutes(1);
    assert!(!set_progress(&mut conn, &id, "checking", (1, 1), (renewed, later)).expect("renew"));
    let held: Option<chrono::NaiveDateTime> = imports::table
        .find(&id)
        .select(imports::claimed_until)
        .first(&mut conn)
        .expect("import");
    assert_eq!(held, Some(theirs), "the other worker's claim stands");
}
