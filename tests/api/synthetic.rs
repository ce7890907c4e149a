use std::collections::HashMap;
use std::process::Command;

use diesel::prelude::*;
use diesel::sql_types::BigInt;
use llwybr::db::schema::{
    cohorts, enrolments, evaluation_answers, evaluation_questions, people, programmes,
};
use llwybr::synthetic::{GenerateError, Options, generate};

use crate::helpers::spawn_app;

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn count_of(conn: &mut llwybr::db::DbConnection, sql: &str) -> i64 {
    diesel::sql_query(sql)
        .get_result::<Count>(conn)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .n
}

#[tokio::test]
async fn a_small_synthetic_consortium_has_the_counts_asked_for_and_keeps_every_rule() {
    let app = spawn_app().await;
    let options = Options {
        people: 500,
        enrolments: 3_000,
        answers: 10_000,
        seed: 7,
        ..Options::default()
    };
    let mut conn = app.db();
    let summary = tokio::task::spawn_blocking(move || {
        let summary = generate(&mut conn, &options, &mut |_, _| {}).expect("generated");
        (summary, conn)
    })
    .await
    .expect("the generator finishes");
    let (summary, mut conn) = summary;
    assert_eq!(summary.people, 500);
    assert_eq!(summary.enrolments, 3_000);
    assert_eq!(summary.evaluation_answers, 10_000);

    let total = |conn: &mut llwybr::db::DbConnection, table: &str| {
        count_of(conn, &format!("SELECT COUNT(*) AS n FROM {table}"))
    };
    assert_eq!(total(&mut conn, "people"), 500);
    assert_eq!(total(&mut conn, "enrolments"), 3_000);
    assert_eq!(total(&mut conn, "evaluation_answers"), 10_000);
    assert_eq!(
        total(&mut conn, "evaluation_responses"),
        i64::try_from(summary.evaluation_responses).unwrap_or_default()
    );
    assert_eq!(
        total(&mut conn, "career_entries"),
        i64::try_from(summary.career_entries).unwrap_or_default()
    );
    assert!(summary.cohorts > 0 && summary.schools > 0 && summary.evaluation_rounds > 0);

    // No cohort is overbooked, and its seat count is the applications holding a seat.
    let cohorts: Vec<(String, i32, i32)> = cohorts::table
        .select((cohorts::id, cohorts::capacity, cohorts::seats_taken))
        .load(&mut conn)
        .expect("cohorts");
    let applications: Vec<(String, String)> = enrolments::table
        .select((enrolments::cohort_id, enrolments::status))
        .load(&mut conn)
        .expect("enrolments");
    let mut seated: HashMap<String, i32> = HashMap::new();
    for (cohort, status) in &applications {
        if matches!(status.as_str(), "confirmed" | "completed" | "not_completed") {
            *seated.entry(cohort.clone()).or_default() += 1;
        }
    }
    for (id, capacity, seats_taken) in &cohorts {
        assert!(seats_taken <= capacity, "cohort {id} is overbooked");
        assert_eq!(
            seated.get(id).copied().unwrap_or(0),
            *seats_taken,
            "cohort {id}"
        );
    }

    // Every application's person and cohort exist, and the cohort is of its programme.
    assert_eq!(
        count_of(
            &mut conn,
            "SELECT COUNT(*) AS n FROM enrolments e \
             LEFT JOIN people p ON p.id = e.person_id \
             LEFT JOIN cohorts c ON c.id = e.cohort_id \
             WHERE p.id IS NULL OR c.id IS NULL OR c.programme_id <> e.programme_id"
        ),
        0
    );
    // One live application per person per programme.
    assert_eq!(
        count_of(
            &mut conn,
            "SELECT COUNT(*) AS n FROM (SELECT person_id, programme_id FROM enrolments \
             WHERE active GROUP BY person_id, programme_id HAVING COUNT(*) > 1) twice"
        ),
        0
    );
    // Rating answers are 1 to 5; comments are text.
    let scale_answers: Vec<Option<i32>> = evaluation_answers::table
        .inner_join(evaluation_questions::table)
        .filter(evaluation_questions::kind.eq_any(["likert", "rating"]))
        .select(evaluation_answers::value_int)
        .load(&mut conn)
        .expect("answers");
    assert!(!scale_answers.is_empty());
    assert!(
        scale_answers
            .iter()
            .all(|v| v.is_some_and(|v| (1..=5).contains(&v)))
    );
    assert_eq!(
        count_of(
            &mut conn,
            "SELECT COUNT(*) AS n FROM evaluation_answers a \
             JOIN evaluation_questions q ON q.id = a.question_id \
             WHERE q.kind = 'free_text' AND a.value_text IS NULL"
        ),
        0
    );
    // The programmes the measures are about are there and taken.
    for code in ["mldp", "npqh"] {
        let programme: String = programmes::table
            .filter(programmes::code.eq(code))
            .select(programmes::id)
            .first(&mut conn)
            .expect("the programme");
        let taken: i64 = enrolments::table
            .filter(enrolments::programme_id.eq(programme))
            .count()
            .get_result(&mut conn)
            .expect("count");
        assert!(taken > 0, "nobody applied to {code}");
    }
    // Everyone has a career history, some with a promotion.
    assert_eq!(
        count_of(
            &mut conn,
            "SELECT COUNT(*) AS n FROM (SELECT DISTINCT person_id FROM career_entries) people"
        ),
        500
    );
    assert!(summary.career_entries > 500);

    // A second run into a database that holds people is refused, and adds nothing.
    let again = generate(&mut conn, &Options::default(), &mut |_, _| {});
    assert!(matches!(again, Err(GenerateError::NotEmpty(500))));
    let people_now: i64 = people::table.count().get_result(&mut conn).expect("count");
    assert_eq!(people_now, 500);
}

#[tokio::test]
async fn the_command_refuses_a_database_with_people_in_the_readers_language() {
    let app = spawn_app().await;
    app.person("someone@example.cymru", &[], None, None);
    let output = Command::new(env!("CARGO_BIN_EXE_llwybr"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("LLWYBR_ENVIRONMENT", "test")
        .env("DATABASE_URL", app.database.url())
        .env("RUST_LOG", "warn")
        .args([
            "generate-synthetic",
            "--people",
            "20",
            "--enrolments",
            "40",
            "--answers",
            "0",
            "--lang",
            "cy",
        ])
        .output()
        .expect("llwybr runs");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--force"), "{stderr}");
    assert!(stderr.contains("Mae 1 o bobl"), "{stderr}");

    let output = Command::new(env!("CARGO_BIN_EXE_llwybr"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("LLWYBR_ENVIRONMENT", "test")
        .env("DATABASE_URL", app.database.url())
        .env("RUST_LOG", "warn")
        .args([
            "generate-synthetic",
            "--people",
            "20",
            "--enrolments",
            "40",
            "--answers",
            "0",
            "--force",
        ])
        .output()
        .expect("llwybr runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("40 enrolments"));
    let mut conn = app.db();
    let people_now: i64 = people::table.count().get_result(&mut conn).expect("count");
    assert_eq!(people_now, 21);
}
