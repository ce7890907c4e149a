//! Programmes, the stages they target, their cohorts and the cohorts' sessions.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::calendar::{ClockTime, date, wales_time_to_utc};
use super::data::{Cohort, Delivery, Programme};
use super::organisations::Ids;
use super::tally::{Count, Tally};
use crate::db::DbConnection;
use crate::db::schema::{cohort_sessions, cohorts, programme_target_stages, programmes};
use crate::error::AppResult;

pub fn ensure_programme(
    conn: &mut DbConnection,
    tally: &mut Tally,
    programme: &Programme,
    providers: &Ids,
    now: NaiveDateTime,
) -> AppResult<String> {
    let provider_id = providers.get(programme.provider)?;
    let found = programmes::table
        .filter(programmes::code.eq(programme.code))
        .select(programmes::id)
        .first(conn)
        .optional()?;
    let programme_id = tally.programmes.ensure(found, |id| {
        diesel::insert_into(programmes::table)
            .values((
                programmes::id.eq(id),
                programmes::code.eq(programme.code),
                programmes::title_en.eq(programme.title_en),
                programmes::title_cy.eq(programme.title_cy),
                programmes::description_en.eq(programme.description_en),
                programmes::description_cy.eq(programme.description_cy),
                programmes::provider_id.eq(provider_id),
                programmes::delivery_language.eq(programme.delivery_language),
                programmes::requires_endorsement.eq(programme.requires_endorsement),
                programmes::completion_min_attendance_pct
                    .eq(programme.completion_min_attendance_pct),
                programmes::eligibility_rules.eq(programme.eligibility_rules),
                programmes::active.eq(true),
                programmes::created_at.eq(now),
                programmes::updated_at.eq(now),
            ))
            .execute(conn)
            .map(drop)
    })?;
    for stage in programme.target_stages {
        ensure_target_stage(conn, &mut tally.target_stages, &programme_id, stage)?;
    }
    Ok(programme_id)
}

fn ensure_target_stage(
    conn: &mut DbConnection,
    count: &mut Count,
    programme_id: &str,
    stage_code: &str,
) -> QueryResult<()> {
    let exists = programme_target_stages::table
        .find((programme_id, stage_code))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    count.ensure_row(exists, || {
        diesel::insert_into(programme_target_stages::table)
            .values((
                programme_target_stages::programme_id.eq(programme_id),
                programme_target_stages::stage_code.eq(stage_code),
            ))
            .execute(conn)
            .map(drop)
    })
}

/// The cohort, created with no seat taken: demo participants then take their seats one by one.
pub fn ensure_cohort(
    conn: &mut DbConnection,
    count: &mut Count,
    programme_id: &str,
    cohort: &Cohort,
    lead_id: &str,
    now: NaiveDateTime,
) -> AppResult<String> {
    let name = cohort.name();
    let found = cohorts::table
        .filter(cohorts::programme_id.eq(programme_id))
        .filter(cohorts::name.eq(&name))
        .select(cohorts::id)
        .first(conn)
        .optional()?;
    let venue = match cohort.delivery {
        Delivery::Venue(venue) | Delivery::Blended(venue) => Some(venue),
        Delivery::Online => None,
    };
    let (starts_on, ends_on) = (date(cohort.starts_on)?, date(cohort.ends_on)?);
    let (opens_on, closes_on) = (
        date(cohort.applications_open_on)?,
        date(cohort.applications_close_on)?,
    );
    let id = count.ensure(found, |id| {
        diesel::insert_into(cohorts::table)
            .values((
                cohorts::id.eq(id),
                cohorts::programme_id.eq(programme_id),
                cohorts::name.eq(&name),
                cohorts::capacity.eq(cohort.capacity),
                cohorts::seats_taken.eq(0),
                cohorts::waitlist_counter.eq(0_i64),
                cohorts::starts_on.eq(starts_on),
                cohorts::ends_on.eq(ends_on),
                cohorts::applications_open_on.eq(opens_on),
                cohorts::applications_close_on.eq(closes_on),
                cohorts::language_medium.eq(cohort.language_medium),
                cohorts::status.eq(cohort.status),
                cohorts::lead_id.eq(lead_id),
                cohorts::venue.eq(venue),
                cohorts::created_at.eq(now),
                cohorts::updated_at.eq(now),
            ))
            .execute(conn)
            .map(drop)
    })?;
    Ok(id)
}

/// Gives a cohort its sessions unless it has some: once a lead has changed, moved or removed
/// sessions, the seed leaves the cohort's timetable alone.
pub fn ensure_sessions(
    conn: &mut DbConnection,
    count: &mut Count,
    programme: &Programme,
    cohort: &Cohort,
    cohort_id: &str,
    now: NaiveDateTime,
) -> AppResult<()> {
    let existing = cohort_sessions::table
        .filter(cohort_sessions::cohort_id.eq(cohort_id))
        .count()
        .get_result::<i64>(conn)?;
    if existing > 0 {
        count.found(existing);
        return Ok(());
    }
    for (position, ((title_en, title_cy), day)) in programme
        .sessions
        .iter()
        .zip(cohort.session_days)
        .enumerate()
    {
        let meeting = Meeting::of(programme, cohort, position);
        let day = date(day)?;
        diesel::insert_into(cohort_sessions::table)
            .values((
                cohort_sessions::id.eq(uuid::Uuid::new_v4().to_string()),
                cohort_sessions::cohort_id.eq(cohort_id),
                cohort_sessions::title_en.eq(*title_en),
                cohort_sessions::title_cy.eq(*title_cy),
                cohort_sessions::starts_at.eq(wales_time_to_utc(day, meeting.starts)?),
                cohort_sessions::ends_at.eq(wales_time_to_utc(day, meeting.ends)?),
                cohort_sessions::venue.eq(meeting.venue),
                cohort_sessions::online_url.eq(meeting.online_url),
                cohort_sessions::created_at.eq(now),
            ))
            .execute(conn)?;
        count.inserted();
    }
    Ok(())
}

/// Where one session meets and for how long: a school day in a venue, or a twilight session
/// online after the school day.
struct Meeting {
    venue: Option<&'static str>,
    online_url: Option<String>,
    starts: ClockTime,
    ends: ClockTime,
}

impl Meeting {
    fn of(programme: &Programme, cohort: &Cohort, position: usize) -> Self {
        let online = || Meeting {
            venue: None,
            online_url: Some(format!(
                "https://meet.demo.llwybr.cymru/{}-{}-{}",
                programme.code,
                cohort.number,
                position + 1
            )),
            starts: (16, 0),
            ends: (17, 30),
        };
        let in_person = |venue| Meeting {
            venue: Some(venue),
            online_url: None,
            starts: (9, 30),
            ends: (15, 30),
        };
        match cohort.delivery {
            Delivery::Venue(venue) => in_person(venue),
            Delivery::Online => online(),
            Delivery::Blended(_) if position == 1 => online(),
            Delivery::Blended(venue) => in_person(venue),
        }
    }
}
