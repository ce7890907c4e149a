//! Drains the outbox: claims due emails (see `db::outbox::claim_due`), sends them, and records
//! the outcome, retrying failures with exponential backoff.

use std::time::Duration as StdDuration;

use chrono::{Duration, Utc};
use tokio::sync::watch;

use super::Mailer;
use crate::config::MailSettings;
use crate::db::group_commit::Writer;
use crate::db::outbox::OutboxEmail;
use crate::db::{self, DbConnection, DbPool, outbox};
use crate::error::AppError;

const BATCH: i64 = 20;
const LEASE_SECONDS: i64 = 300;
/// The longest one email may take to hand over to the SMTP server. A batch is sent one email
/// after another under one claim, so the whole of it must fit in the lease: past the lease,
/// another process may claim the emails not sent yet and send them too.
const SEND_TIMEOUT: StdDuration = StdDuration::from_secs(10);
/// How long a stopping server waits for the worker: the email being handed over, then the
/// batch's outcomes written.
pub const STOP_WAIT: StdDuration = StdDuration::from_secs(SEND_TIMEOUT.as_secs() + 5);

/// Waits between attempts to record a batch's outcomes. The emails are sent by then: an
/// outcome not recorded within the lease means they go again, so a failed write (a busy pool,
/// a database restarting) is tried again while the lease lasts.
const RECORD_RETRIES: [StdDuration; 4] = [
    StdDuration::from_secs(1),
    StdDuration::from_secs(4),
    StdDuration::from_secs(10),
    StdDuration::from_secs(30),
];
const _: () =
    assert!(BATCH as u64 * SEND_TIMEOUT.as_secs() + 1 + 4 + 10 + 30 < LEASE_SECONDS as u64);

const MAX_BACKOFF_SECONDS: i64 = 6 * 3600;

/// Seconds to wait before the next attempt after `attempts` failures: `base` after the first,
/// doubling after each one more, capped at six hours.
pub fn backoff_seconds(base: u64, attempts: i32) -> i64 {
    let exponent = (attempts - 1).clamp(0, 20) as u32;
    let base = i64::try_from(base).unwrap_or(MAX_BACKOFF_SECONDS);
    base.saturating_mul(2_i64.pow(exponent))
        .min(MAX_BACKOFF_SECONDS)
}

/// Sends due emails until `stop` turns true. A stop is seen between two emails, never in the
/// middle of one: what was sent is recorded and the rest of the batch released, so a deploy
/// neither loses an email nor sends one twice.
pub async fn run(
    pool: DbPool,
    writer: Writer,
    mailer: Mailer,
    settings: MailSettings,
    mut stop: watch::Receiver<bool>,
) {
    let claim_token = uuid::Uuid::new_v4().to_string();
    let mut interval =
        tokio::time::interval(StdDuration::from_millis(settings.poll_interval_ms.max(10)));
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    while !*stop.borrow() {
        tokio::select! {
            _ = interval.tick() => {}
            // Nothing can ask any more once the sender is gone: stop rather than spin.
            changed = stop.changed() => {
                if changed.is_err() {
                    break;
                }
                continue;
            }
        }
        // A full batch means more are probably waiting: a burst of applications should drain
        // as fast as the SMTP server takes it, not a batch per poll.
        loop {
            match drain_once(&pool, &writer, &mailer, &settings, &claim_token, &stop).await {
                Ok(claimed) if claimed == BATCH as usize && !*stop.borrow() => continue,
                Ok(_) => break,
                Err(error) => {
                    tracing::warn!(error = format!("{error:#}"), "outbox pass failed");
                    break;
                }
            }
        }
    }
}

/// One pass over the due emails; returns how many were claimed (sent or failed).
///
/// The claim and the outcomes are written where the requests' writes go: on SQLite, a commit
/// by any other connection throws away the page cache of the group-commit thread, which then
/// reads back from the file the pages each application needs.
pub async fn drain_once(
    pool: &DbPool,
    writer: &Writer,
    mailer: &Mailer,
    settings: &MailSettings,
    claim_token: &str,
    stop: &watch::Receiver<bool>,
) -> anyhow::Result<usize> {
    let token = claim_token.to_owned();
    let claimed = writer
        .run(pool, move |conn| {
            db::transaction::<_, AppError, _>(conn, |conn| {
                Ok(outbox::claim_due(
                    conn,
                    &token,
                    Utc::now().naive_utc(),
                    Duration::seconds(LEASE_SECONDS),
                    BATCH,
                )?)
            })
        })
        .await?;
    let count = claimed.len();
    let mut outcomes = Vec::with_capacity(count);
    let mut untried = Vec::new();
    for email in claimed {
        if *stop.borrow() {
            untried.push(email.id);
            continue;
        }
        let outcome = tokio::time::timeout(SEND_TIMEOUT, mailer.send(&settings.from, &email))
            .await
            .unwrap_or_else(|_| {
                Err(anyhow::anyhow!(
                    "the mail server took longer than {} s",
                    SEND_TIMEOUT.as_secs()
                ))
            });
        outcomes.push((email, outcome));
    }
    // One transaction records the whole batch: under a burst, a commit per email would compete
    // with the requests that queued them. A crash before it commits resends at most this batch.
    let outcomes = std::sync::Arc::new(outcomes);
    let untried = std::sync::Arc::new(untried);
    let mut waits = RECORD_RETRIES.iter();
    loop {
        let (token, outcomes, untried) =
            (claim_token.to_owned(), outcomes.clone(), untried.clone());
        let max_attempts = settings.max_attempts;
        let retry_base = settings.retry_base_secs;
        let recorded = writer
            .run(pool, move |conn| {
                db::transaction::<_, AppError, _>(conn, |conn| {
                    record_outcomes(conn, &outcomes, &token, max_attempts, retry_base)
                        .map_err(AppError::Internal)?;
                    outbox::release(conn, &untried, &token)?;
                    Ok(())
                })
            })
            .await;
        match (recorded, waits.next()) {
            (Ok(()), _) => return Ok(count),
            (Err(error), None) => return Err(error.into()),
            (Err(error), Some(wait)) => {
                tracing::warn!(error = %error, "recording sent emails failed; trying again");
                tokio::time::sleep(*wait).await;
            }
        }
    }
}

fn record_outcomes(
    conn: &mut DbConnection,
    outcomes: &[(OutboxEmail, anyhow::Result<()>)],
    token: &str,
    max_attempts: i32,
    retry_base: u64,
) -> anyhow::Result<()> {
    let now = Utc::now().naive_utc();
    let mut sent = Vec::new();
    for (email, outcome) in outcomes {
        let Err(error) = outcome else {
            sent.push(email.id.clone());
            continue;
        };
        let attempts = email.attempts + 1;
        // After the last attempt the email stays in the table, parked far ahead, with its
        // error, for an admin to see.
        let retry_at = if attempts >= max_attempts {
            now + Duration::days(365 * 100)
        } else {
            now + Duration::seconds(backoff_seconds(retry_base, attempts))
        };
        tracing::warn!(email_id = %email.id, template = %email.template, attempts, error = format!("{error:#}"), "email not sent");
        outbox::mark_failed(conn, &email.id, token, &format!("{error:#}"), retry_at)?;
    }
    outbox::mark_sent(conn, &sent, token, now)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_starts_at_the_base_doubles_and_is_capped() {
        assert_eq!(backoff_seconds(30, 1), 30);
        assert_eq!(backoff_seconds(30, 2), 60);
        assert_eq!(backoff_seconds(30, 4), 240);
        assert_eq!(backoff_seconds(30, 50), 6 * 3600);
        assert_eq!(backoff_seconds(1, 1), 1);
        assert_eq!(backoff_seconds(0, 3), 0);
        assert_eq!(backoff_seconds(u64::MAX, 1), 6 * 3600);
    }
}
