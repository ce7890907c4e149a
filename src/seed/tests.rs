use std::time::Duration;

use chrono::{Datelike, NaiveDate, Weekday};
use diesel::prelude::*;
use tempfile::TempDir;

use super::calendar::{date, wales_time_to_utc};
use super::data::{LOCAL_AUTHORITIES, Seats};
use super::*;
use crate::db::schema::{
    career_entries, cohort_sessions, cohorts, continuum_stages, enrolment_events, enrolments,
    people, programme_target_stages, programmes, role_grants, schools,
};
use crate::domain::role::Role;

/// A migrated SQLite database in a temporary folder, removed when dropped.
struct Database {
    pool: DbPool,
    _dir: TempDir,
}

fn fresh_database() -> anyhow::Result<Database> {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite://{}", dir.path().join("seed.sqlite3").display());
    let pool = db::connect(&url, 4, Duration::from_secs(5))?;
    db::run_migrations(&mut *pool.get()?)?;
    Ok(Database { pool, _dir: dir })
}

async fn seed(pool: &DbPool) -> anyhow::Result<String> {
    let mut out = Vec::new();
    seed_demo(pool, &mut out).await?;
    Ok(String::from_utf8(out)?)
}

fn row_counts(conn: &mut DbConnection) -> QueryResult<Vec<(&'static str, i64)>> {
    Ok(vec![
        ("people", people::table.count().get_result(conn)?),
        ("role grants", role_grants::table.count().get_result(conn)?),
        ("schools", schools::table.count().get_result(conn)?),
        ("programmes", programmes::table.count().get_result(conn)?),
        (
            "target stages",
            programme_target_stages::table.count().get_result(conn)?,
        ),
        ("cohorts", cohorts::table.count().get_result(conn)?),
        ("sessions", cohort_sessions::table.count().get_result(conn)?),
        ("enrolments", enrolments::table.count().get_result(conn)?),
        (
            "enrolment events",
            enrolment_events::table.count().get_result(conn)?,
        ),
        (
            "career entries",
            career_entries::table.count().get_result(conn)?,
        ),
    ])
}

fn account_lines(output: &str) -> usize {
    output
        .lines()
        .filter(|line| line.split("  ").next().and_then(Role::parse).is_some())
        .count()
}

/// The "(N new)" figures of the summary line.
fn new_counts(output: &str) -> Vec<usize> {
    output
        .split('(')
        .skip(1)
        .filter_map(|part| part.split_once(" new)"))
        .filter_map(|(number, _)| number.parse().ok())
        .collect()
}

#[actix_web::test]
async fn seeding_twice_adds_nothing_the_second_time() -> anyhow::Result<()> {
    let database = fresh_database()?;
    let first = seed(&database.pool).await?;
    let after_first = row_counts(&mut *database.pool.get()?)?;
    let second = seed(&database.pool).await?;
    let after_second = row_counts(&mut *database.pool.get()?)?;

    assert_eq!(after_first, after_second);
    assert!(
        after_first.iter().all(|(_, rows)| *rows > 0),
        "{after_first:?}"
    );
    assert_eq!(account_lines(&first), 5, "{first}");
    assert_eq!(account_lines(&second), 5, "{second}");
    assert!(first.contains("programmes: 15 (15 new)"), "{first}");
    assert!(new_counts(&first).iter().all(|new| *new > 0), "{first}");
    assert_eq!(new_counts(&second).len(), 12, "{second}");
    assert!(new_counts(&second).iter().all(|new| *new == 0), "{second}");
    Ok(())
}

#[actix_web::test]
async fn every_seat_taken_is_a_confirmed_enrolment_and_full_cohorts_are_full() -> anyhow::Result<()>
{
    let database = fresh_database()?;
    seed(&database.pool).await?;
    let mut pooled = database.pool.get()?;
    let conn: &mut DbConnection = &mut pooled;
    let mut full_cohorts = 0;
    for programme in PROGRAMMES {
        for cohort in programme.cohorts {
            let (cohort_id, capacity, seats_taken): (String, i32, i32) = cohorts::table
                .inner_join(programmes::table)
                .filter(programmes::code.eq(programme.code))
                .filter(cohorts::name.eq(cohort.name()))
                .select((cohorts::id, cohorts::capacity, cohorts::seats_taken))
                .first(conn)?;
            let confirmed: i64 = enrolments::table
                .filter(enrolments::cohort_id.eq(&cohort_id))
                .filter(enrolments::status.eq("confirmed"))
                .filter(enrolments::active.eq(true))
                .count()
                .get_result(conn)?;
            let events: i64 = enrolment_events::table
                .inner_join(enrolments::table)
                .filter(enrolments::cohort_id.eq(&cohort_id))
                .count()
                .get_result(conn)?;
            let what = format!("{} {}", programme.code, cohort.name());
            assert_eq!(i64::from(seats_taken), confirmed, "{what}");
            assert_eq!(events, confirmed, "{what}");
            assert_eq!(seats_taken, cohort.seats_taken(), "{what}");
            if cohort.seats == Seats::Full {
                assert_eq!(seats_taken, capacity, "{what}");
                full_cohorts += 1;
            }
        }
    }
    assert_eq!(full_cohorts, 5);
    Ok(())
}

#[actix_web::test]
async fn the_demo_accounts_log_in_with_the_printed_passwords() -> anyhow::Result<()> {
    let database = fresh_database()?;
    let output = seed(&database.pool).await?;
    let mut pooled = database.pool.get()?;
    let conn: &mut DbConnection = &mut pooled;
    for account in ACCOUNTS {
        assert!(output.contains(&format!(
            "{}  {}  {}",
            account.role.as_str(),
            account.email,
            account.password
        )));
        let person = crate::db::people::find_by_email(conn, account.email)?
            .ok_or_else(|| anyhow::anyhow!("{} is missing", account.email))?;
        let stored = person.password_hash.unwrap_or_default();
        assert!(
            passwords::verify(account.password, &stored),
            "{}",
            account.email
        );
        let roles: Vec<_> = crate::db::people::grants_of(conn, &person.id)?
            .iter()
            .filter_map(|grant| grant.role())
            .collect();
        assert!(
            roles.contains(&Role::Participant) && roles.contains(&account.role),
            "{}: {roles:?}",
            account.email
        );
    }
    let demo_participant = crate::db::people::find_by_email(conn, &data::participant_email(1))?
        .ok_or_else(|| anyhow::anyhow!("no demo participant"))?;
    assert_eq!(demo_participant.password_hash, None);
    Ok(())
}

#[actix_web::test]
async fn the_la_officer_and_the_headteacher_hold_their_roles_where_they_work() -> anyhow::Result<()>
{
    let database = fresh_database()?;
    seed(&database.pool).await?;
    let mut pooled = database.pool.get()?;
    let conn: &mut DbConnection = &mut pooled;
    let find =
        |conn: &mut DbConnection, email: &str| -> anyhow::Result<crate::db::people::Person> {
            crate::db::people::find_by_email(conn, email)?
                .ok_or_else(|| anyhow::anyhow!("{email} is missing"))
        };
    let teacher = find(conn, "teacher@demo.llwybr.cymru")?;
    let headteacher = find(conn, "headteacher@demo.llwybr.cymru")?;
    let officer = find(conn, "la-officer@demo.llwybr.cymru")?;
    let cardiff: String = crate::db::schema::local_authorities::table
        .filter(crate::db::schema::local_authorities::code.eq("cardiff"))
        .select(crate::db::schema::local_authorities::id)
        .first(conn)?;
    assert_eq!(teacher.school_id, headteacher.school_id);
    assert!(crate::db::people::has_grant(
        conn,
        &headteacher.id,
        Role::Headteacher,
        teacher.school_id.as_deref(),
        None
    )?);
    assert!(crate::db::people::has_grant(
        conn,
        &officer.id,
        Role::LaOfficer,
        None,
        Some(&cardiff)
    )?);
    let careers: i64 = career_entries::table
        .filter(career_entries::person_id.eq_any([&teacher.id, &headteacher.id]))
        .count()
        .get_result(conn)?;
    assert_eq!(careers, 6);
    Ok(())
}

#[test]
fn every_stage_named_is_a_stage_of_the_continuum() -> anyhow::Result<()> {
    let database = fresh_database()?;
    let mut pooled = database.pool.get()?;
    let conn: &mut DbConnection = &mut pooled;
    let stages: Vec<String> = continuum_stages::table
        .select(continuum_stages::code)
        .load(conn)?;
    let minimum_stages: Vec<String> = PROGRAMMES
        .iter()
        .filter_map(|programme| {
            serde_json::from_str::<serde_json::Value>(programme.eligibility_rules).ok()
        })
        .filter_map(|rules| rules.get("min_stage")?.as_str().map(str::to_owned))
        .collect();
    let named = PROGRAMMES
        .iter()
        .flat_map(|programme| programme.target_stages.iter().copied())
        .chain(ACCOUNTS.iter().filter_map(|account| account.stage))
        .chain(minimum_stages.iter().map(String::as_str));
    for stage in named {
        assert!(stages.iter().any(|known| known == stage), "{stage}");
    }
    assert_eq!(minimum_stages.len(), 7);
    Ok(())
}

#[test]
fn the_tables_use_only_the_words_the_domain_knows() {
    for school in data::schools() {
        assert!(
            ["primary", "secondary", "all_age", "special", "pru"].contains(&school.sector),
            "{}",
            school.name_en
        );
        assert!(
            ["english", "welsh", "bilingual"].contains(&school.language_medium),
            "{}",
            school.name_en
        );
        assert!(
            ["green", "yellow", "amber", "red"].contains(&school.support_category),
            "{}",
            school.name_en
        );
    }
    for authority in LOCAL_AUTHORITIES {
        assert!(
            (2..=3).contains(&authority.schools.len()),
            "{}",
            authority.code
        );
    }
    for programme in PROGRAMMES {
        assert!(
            ["english", "welsh", "bilingual"].contains(&programme.delivery_language),
            "{}",
            programme.code
        );
        let rules: serde_json::Value =
            serde_json::from_str(programme.eligibility_rules).unwrap_or_default();
        assert!(rules.is_object(), "{}", programme.code);
        for cohort in programme.cohorts {
            let what = format!("{} {}", programme.code, cohort.number);
            assert!(
                ["english", "welsh", "bilingual"].contains(&cohort.language_medium),
                "{what}"
            );
            assert!(
                ["planned", "open", "closed", "running", "completed"].contains(&cohort.status),
                "{what}"
            );
            assert!((12..=24).contains(&cohort.capacity), "{what}");
            assert!(
                (0..=cohort.capacity).contains(&cohort.seats_taken()),
                "{what}"
            );
        }
    }
}

#[test]
fn sessions_fall_on_school_days_within_their_cohort() -> anyhow::Result<()> {
    for programme in PROGRAMMES {
        for cohort in programme.cohorts {
            let (starts_on, ends_on) = (date(cohort.starts_on)?, date(cohort.ends_on)?);
            assert!(date(cohort.applications_open_on)? < date(cohort.applications_close_on)?);
            assert!(date(cohort.applications_close_on)? < starts_on);
            let days = cohort
                .session_days
                .map(date)
                .into_iter()
                .collect::<AppResult<Vec<NaiveDate>>>()?;
            assert!(days.is_sorted(), "{} {}", programme.code, cohort.number);
            for day in days {
                assert!(
                    (starts_on..=ends_on).contains(&day),
                    "{} {day}",
                    programme.code
                );
                assert!(
                    ![Weekday::Sat, Weekday::Sun].contains(&day.weekday()),
                    "{} {day}",
                    programme.code
                );
            }
        }
    }
    Ok(())
}

#[test]
fn demo_times_are_welsh_clock_times() -> anyhow::Result<()> {
    let utc = |day: &str, clock| wales_time_to_utc(date(day)?, clock);
    assert_eq!(
        utc("2026-10-24", (9, 30))?.to_string(),
        "2026-10-24 08:30:00"
    );
    assert_eq!(
        utc("2026-10-25", (9, 30))?.to_string(),
        "2026-10-25 09:30:00"
    );
    assert_eq!(
        utc("2027-03-27", (9, 30))?.to_string(),
        "2027-03-27 09:30:00"
    );
    assert_eq!(
        utc("2027-03-28", (9, 30))?.to_string(),
        "2027-03-28 08:30:00"
    );
    Ok(())
}

#[test]
fn demo_participants_have_different_names() {
    let seated: usize = PROGRAMMES
        .iter()
        .flat_map(|programme| programme.cohorts.iter())
        .map(|cohort| usize::try_from(cohort.seats_taken()).unwrap_or_default())
        .sum();
    let mut names: Vec<String> = (1..=seated).map(data::participant_name).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), seated);
}

#[actix_web::test]
async fn both_demo_measures_have_closed_years_either_side_of_target_and_open_ones()
-> anyhow::Result<()> {
    let database = fresh_database()?;
    seed(&database.pool).await?;
    let mut pooled = database.pool.get()?;
    let as_of = date("2026-12-01")?;
    let figures = crate::outcomes::measures::figures(&mut pooled, None, as_of)?;
    let summary = |code: &str| -> Vec<(i32, i64, i64, Option<f64>, i64)> {
        figures
            .iter()
            .filter(|f| f.measure.code == code)
            .flat_map(|f| &f.years)
            .map(|y| {
                (
                    y.cohort_year,
                    y.numerator,
                    y.denominator,
                    y.pct,
                    y.in_window,
                )
            })
            .collect()
    };
    // The moves of seed::outcomes::HISTORY, counted by hand (a move at 36 months counts).
    assert_eq!(
        summary("mldp-promoted-3y"),
        vec![
            (2018, 4, 6, Some(66.7), 0),
            (2019, 2, 6, Some(33.3), 0),
            (2020, 3, 5, Some(60.0), 0),
            (2021, 3, 6, Some(50.0), 0),
            (2022, 2, 5, Some(40.0), 0),
            (2023, 0, 0, None, 5),
            (2024, 0, 0, None, 4),
        ]
    );
    assert_eq!(
        summary("npqh-headship-3y"),
        vec![
            (2018, 3, 4, Some(75.0), 0),
            (2019, 2, 4, Some(50.0), 0),
            (2020, 4, 5, Some(80.0), 0),
            (2021, 3, 4, Some(75.0), 0),
            (2022, 2, 4, Some(50.0), 0),
            (2023, 0, 0, None, 4),
            (2024, 0, 0, None, 3),
        ]
    );
    Ok(())
}

#[actix_web::test]
async fn past_years_show_growth_on_the_baseline_and_rising_satisfaction() -> anyhow::Result<()> {
    use crate::reports::participation::{self, Breakdown, Filter};
    use crate::reports::satisfaction::{self, SatisfactionBy};
    let database = fresh_database()?;
    seed(&database.pool).await?;
    seed(&database.pool).await?;
    let mut conn = database.pool.get()?;
    let conn = &mut *conn;
    let mut participants = [0_i64; 3];
    let mut satisfied = [0_i64; 3];
    let mut answered = [0_i64; 3];
    for code in [
        "aspiring-senior-leaders",
        "future-leaders",
        "coaching-mentoring",
    ] {
        let programme = crate::db::catalogue::find_programme_by_code(conn, code)?
            .ok_or_else(|| anyhow::anyhow!("no {code}"))?;
        let filter = Filter {
            programme_id: Some(programme.id.clone()),
            ..Filter::default()
        };
        let years = participation::grouped(conn, Breakdown::Year, &filter)?;
        let by_satisfaction = satisfaction::report(
            conn,
            SatisfactionBy::Year,
            None,
            &satisfaction::Filter {
                programme_id: Some(programme.id),
                ..satisfaction::Filter::default()
            },
        )?;
        for (i, year) in ["2023", "2024", "2025"].into_iter().enumerate() {
            let group = years
                .iter()
                .find(|g| g.key.as_deref() == Some(year))
                .ok_or_else(|| anyhow::anyhow!("{code} has no {year}"))?;
            participants[i] += group.participants;
            let row = by_satisfaction
                .rows
                .iter()
                .find(|r| r.key == year)
                .ok_or_else(|| anyhow::anyhow!("{code} has no evaluation in {year}"))?;
            satisfied[i] += row.satisfied.unwrap_or_default();
            answered[i] += row.answered;
        }
    }
    // Seeded twice, counted once: 18 in the baseline year 2023/24, 28 (over the target of 27)
    // in 2025/26; satisfaction 13 of 15, 17 of 19, 23 of 24.
    assert_eq!(participants, [18, 22, 28]);
    assert_eq!(satisfied, [13, 17, 23]);
    assert_eq!(answered, [15, 19, 24]);
    Ok(())
}
