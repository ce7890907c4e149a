//! Demo data (see `llwybr seed-demo`): the Central South Consortium with its authorities and
//! schools, the programmes named in the consortium's documents with cohorts and sessions, demo
//! participants in their seats, and one account per role.
//!
//! Loading twice changes nothing: each row is looked up by its natural key (code, school
//! number, email, cohort name) and only missing rows are inserted; rows that exist are never
//! changed, because people may have edited them while trying the demo.

mod accounts;
mod calendar;
mod catalogue;
pub(crate) mod data;
mod evaluations;
mod organisations;
mod outcomes;
mod participants;
mod participation_history;
mod tally;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::io::Write;

use anyhow::Context;
use chrono::Utc;

use self::data::{ACCOUNTS, PROGRAMMES};
use self::participants::Seating;
use self::tally::Tally;
use crate::auth::passwords;
use crate::db::{self, DbConnection, DbPool};
use crate::domain::password::NewPassword;
use crate::error::{AppError, AppResult};

/// Argon2 hashes of the demo passwords, by password.
type PasswordHashes = BTreeMap<&'static str, String>;

pub async fn seed_demo(pool: &DbPool, out: &mut impl Write) -> anyhow::Result<()> {
    let hashes = hash_demo_passwords().await?;
    let tally = db::run(pool, move |conn| {
        db::transaction(conn, |conn| load(conn, &hashes))
    })
    .await
    .context("could not load the demo data")?;
    write_report(out, &tally).context("could not print the demo accounts")
}

/// Checks the demo passwords against the rules people's own passwords must meet, then hashes
/// each distinct one once. Hashing is slow on purpose, so it runs on a blocking thread and
/// before the transaction, which it would otherwise hold open.
async fn hash_demo_passwords() -> anyhow::Result<PasswordHashes> {
    let mut demo_passwords = Vec::new();
    for account in ACCOUNTS {
        NewPassword::parse("password", account.password, Some(account.email)).map_err(|e| {
            anyhow::anyhow!(
                "the demo password of {} is refused: {}",
                account.email,
                e.message_key
            )
        })?;
        demo_passwords.push(account.password);
    }
    demo_passwords.sort_unstable();
    demo_passwords.dedup();
    tokio::task::spawn_blocking(move || {
        demo_passwords
            .into_iter()
            .map(|password| Ok((password, passwords::hash(password)?)))
            .collect()
    })
    .await?
}

fn load(conn: &mut DbConnection, hashes: &PasswordHashes) -> AppResult<Tally> {
    let now = Utc::now().naive_utc();
    let mut tally = Tally::default();
    let places = organisations::ensure_places(conn, &mut tally, now)?;
    let providers = organisations::ensure_providers(conn, &mut tally.providers, now)?;
    let demo_accounts = accounts::ensure_accounts(conn, &mut tally, &places, hashes, now)?;
    let lead_id = &demo_accounts.programme_lead_id;
    let mut next_participant = 1;
    for programme in PROGRAMMES {
        let programme_id =
            catalogue::ensure_programme(conn, &mut tally, programme, &providers, now)?;
        for cohort in programme.cohorts {
            let cohort_id = catalogue::ensure_cohort(
                conn,
                &mut tally.cohorts,
                &programme_id,
                cohort,
                lead_id,
                now,
            )?;
            catalogue::ensure_sessions(
                conn,
                &mut tally.sessions,
                programme,
                cohort,
                &cohort_id,
                now,
            )?;
            let seating = Seating {
                programme,
                programme_id: &programme_id,
                cohort,
                cohort_id: &cohort_id,
                first_number: next_participant,
            };
            participants::fill_seats(conn, &mut tally, &places, &seating, now)?;
            next_participant += seating.seats();
        }
    }
    evaluations::ensure_finished_cohort(conn, lead_id, now)?;
    outcomes::ensure_history(conn, &places, lead_id, now)?;
    participation_history::ensure_history(conn, &mut tally, &places, lead_id, now)?;
    Ok(tally)
}

fn write_report(out: &mut impl Write, tally: &Tally) -> std::io::Result<()> {
    for account in ACCOUNTS {
        writeln!(
            out,
            "{}  {}  {}",
            account.role.as_str(),
            account.email,
            account.password
        )?;
    }
    if tally.accounts.new < tally.accounts.present {
        writeln!(
            out,
            "(accounts that were already there keep the password they had)"
        )?;
    }
    writeln!(out, "{tally}")
}

/// The demo tables contradict themselves: a bug in this module, never bad input.
fn bad_data(message: String) -> AppError {
    AppError::Internal(anyhow::anyhow!("demo data: {message}"))
}
