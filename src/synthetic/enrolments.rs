//! Cohorts over the academic years and the applications to them, with their history.
//!
//! Each person applies to several programmes of their stage and the stages around it, each at
//! most once (so never two live applications to one programme). The applications to one
//! programme in one academic year fill its cohorts in turn: a cohort takes seats up to its
//! capacity, then keeps a short waiting list if it has not started yet, and otherwise the next
//! cohort opens. Cohorts that have ended hold finished applications (mostly completed); running
//! and coming ones hold confirmed, waitlisted and awaiting ones.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use rand::Rng;
use rand::seq::SliceRandom;

use super::catalogue::Programme;
use super::ids::text;
use super::insert::insert_rows;
use super::people::{Staff, date};
use super::{Context, at, pick_weighted, random_time};
use crate::db::DbConnection;
use crate::db::schema::{cohort_sessions, cohorts, enrolment_events, enrolments};
use crate::domain::enrolment::EnrolmentStatus;

const CAPACITIES: [i32; 6] = [16, 18, 20, 24, 24, 30];
/// A full cohort that has not ended keeps at most this many people waiting.
const MAX_WAITING: u32 = 8;
const VENUES: [&str; 4] = [
    "Canolfan Glyn Taf, Abercynon",
    "Canolfan Ddysgu Pen-y-bont, Bridgend",
    "Cyncoed Campus, Cardiff Metropolitan University",
    "Taf Leadership Partners, Pontypridd",
];
/// Enrolments written per round of INSERTs, with their history.
const ENROLMENTS_PER_ROUND: usize = 20_000;

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Ended,
    Running,
    Coming,
}

pub struct Cohort {
    pub id: String,
    pub programme: usize,
    /// Index of the academic year, 0 the earliest.
    pub year: usize,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub phase: Phase,
    pub lead: usize,
    name: String,
    capacity: i32,
    seats_taken: i32,
    waiting: u32,
    waitlist_counter: i64,
    applications_open_on: NaiveDate,
    applications_close_on: NaiveDate,
    language_medium: &'static str,
    venue: &'static str,
}

pub struct Enrolment {
    pub id: u128,
    pub person: u32,
    pub cohort: u32,
    pub status: EnrolmentStatus,
    waitlist_ticket: Option<i64>,
    applied_at: NaiveDateTime,
}

pub struct Plan {
    pub cohorts: Vec<Cohort>,
    pub enrolments: Vec<Enrolment>,
}

/// The academic years: `years` of them, the last the one that holds `today`.
pub struct Years {
    pub first: i32,
    pub count: usize,
}

impl Years {
    pub fn starting(&self, index: usize) -> i32 {
        self.first + i32::try_from(index).unwrap_or_default()
    }

    /// "2025/26"
    pub fn label(&self, index: usize) -> String {
        let year = self.starting(index);
        format!("{year}/{:02}", (year + 1) % 100)
    }
}

pub fn plan(
    cx: &mut Context<'_>,
    staff: &Staff,
    programmes: &[Programme],
    years: &Years,
    total: usize,
) -> anyhow::Result<Plan> {
    let people = staff.people.len();
    let per_person = applications_per_person(cx, people, programmes.len(), total)?;
    // The programmes a person at each stage is likely to apply to: their stage, the one
    // before and the two after.
    let suitable: Vec<Vec<usize>> = staff
        .stages
        .iter()
        .map(|stage| {
            programmes
                .iter()
                .enumerate()
                .filter(|(_, p)| {
                    p.stage_positions
                        .iter()
                        .any(|&s| s >= stage.position - 1 && s <= stage.position + 2)
                })
                .map(|(i, _)| i)
                .collect()
        })
        .collect();
    let year_weights: Vec<u32> = (0..years.count)
        .map(|i| 100 + 10 * u32::try_from(i).unwrap_or_default())
        .collect();

    // (programme, year, tie-break, person)
    let mut drafts: Vec<(u16, u8, u32, u32)> = Vec::with_capacity(total);
    let mut others: Vec<usize> = Vec::new();
    for (person, &wanted) in per_person.iter().enumerate() {
        let mut chosen = suitable[staff.people[person].stage].clone();
        chosen.shuffle(&mut cx.rng);
        if chosen.len() < wanted {
            others.clear();
            others.extend((0..programmes.len()).filter(|p| !chosen.contains(p)));
            others.shuffle(&mut cx.rng);
            chosen.extend(others.iter().take(wanted - chosen.len()));
        }
        for &programme in chosen.iter().take(wanted) {
            let year = pick_weighted(&mut cx.rng, &year_weights);
            drafts.push((
                u16::try_from(programme)?,
                u8::try_from(year)?,
                cx.rng.random(),
                u32::try_from(person)?,
            ));
        }
    }
    drafts.sort_unstable();

    let mut cohorts: Vec<Cohort> = Vec::new();
    let mut enrolments = Vec::with_capacity(total);
    let mut group: Option<(u16, u8)> = None;
    let mut number = 0;
    for (programme, year, _, person) in drafts {
        let p = usize::from(programme);
        if group != Some((programme, year)) {
            group = Some((programme, year));
            number = 1;
            cohorts.push(new_cohort(
                cx,
                staff,
                programmes,
                years,
                p,
                usize::from(year),
                number,
            ));
        }
        let (status, ticket) = loop {
            let Some(cohort) = cohorts.last_mut() else {
                anyhow::bail!("no cohort to apply to");
            };
            let mut status = draw_status(cx, cohort.phase, programmes[p].requires_endorsement);
            let full = cohort.seats_taken >= cohort.capacity;
            if status == EnrolmentStatus::Waitlisted && !full {
                status = EnrolmentStatus::Confirmed;
            }
            if status.holds_seat() && full {
                if cohort.phase == Phase::Coming && cohort.waiting < MAX_WAITING {
                    status = EnrolmentStatus::Waitlisted;
                } else {
                    number += 1;
                    let next =
                        new_cohort(cx, staff, programmes, years, p, usize::from(year), number);
                    cohorts.push(next);
                    continue;
                }
            }
            let mut ticket = None;
            if status == EnrolmentStatus::Waitlisted {
                cohort.waitlist_counter += 1;
                cohort.waiting += 1;
                ticket = Some(cohort.waitlist_counter);
            }
            if status.holds_seat() {
                cohort.seats_taken += 1;
            }
            break (status, ticket);
        };
        let cohort_index = cohorts.len() - 1;
        let cohort = &cohorts[cohort_index];
        let last_day = cohort.applications_close_on.min(cx.today);
        let applied_at =
            random_time(&mut cx.rng, cohort.applications_open_on, last_day).min(cx.now);
        enrolments.push(Enrolment {
            id: 0,
            person,
            cohort: u32::try_from(cohort_index)?,
            status,
            waitlist_ticket: ticket,
            applied_at,
        });
    }
    Ok(Plan {
        cohorts,
        enrolments,
    })
}

/// How many applications each person makes: `total` in all, about the same for everyone but
/// not exactly, and never more than there are programmes.
fn applications_per_person(
    cx: &mut Context<'_>,
    people: usize,
    programmes: usize,
    total: usize,
) -> anyhow::Result<Vec<usize>> {
    if total > 0 && people == 0 {
        anyhow::bail!("enrolments need people");
    }
    if total > people * programmes {
        anyhow::bail!(
            "{total} enrolments are more than {people} people can make to {programmes} programmes"
        );
    }
    if people == 0 {
        return Ok(Vec::new());
    }
    let mut counts = vec![total / people; people];
    let mut left = total - counts.iter().sum::<usize>();
    while left > 0 {
        let person = cx.rng.random_range(0..people);
        if counts[person] < programmes {
            counts[person] += 1;
            left -= 1;
        }
    }
    for _ in 0..people {
        let from = cx.rng.random_range(0..people);
        let to = cx.rng.random_range(0..people);
        let moved = cx.rng.random_range(0..=counts[from] / 2);
        if from != to && counts[to] + moved <= programmes {
            counts[from] -= moved;
            counts[to] += moved;
        }
    }
    Ok(counts)
}

fn new_cohort(
    cx: &mut Context<'_>,
    staff: &Staff,
    programmes: &[Programme],
    years: &Years,
    programme: usize,
    year: usize,
    number: u32,
) -> Cohort {
    let start_year = years.starting(year);
    let year_starts = date(start_year, 9, 1);
    let starts_on = year_starts + Duration::days(cx.rng.random_range(7..170));
    let ends_on =
        (starts_on + Duration::days(cx.rng.random_range(90..260))).min(date(start_year + 1, 7, 20));
    let phase = if ends_on < cx.today {
        Phase::Ended
    } else if starts_on <= cx.today {
        Phase::Running
    } else {
        Phase::Coming
    };
    let mut applications_open_on = starts_on - Duration::days(cx.rng.random_range(90..150));
    let mut applications_close_on = starts_on - Duration::days(cx.rng.random_range(7..30));
    if phase == Phase::Coming {
        // Applications to a cohort still to come have been arriving for a while already.
        applications_open_on = applications_open_on.min(cx.today - Duration::days(30));
        applications_close_on = applications_close_on.max(applications_open_on);
    }
    let language_medium = match programmes[programme].delivery_language {
        "bilingual" => ["english", "english", "welsh", "bilingual"][cx.rng.random_range(0..4)],
        "welsh" => "welsh",
        _ => "english",
    };
    let suffix = if cx.offset > 0 {
        format!(" ({})", cx.offset)
    } else {
        String::new()
    };
    Cohort {
        id: cx.ids.next_text(),
        programme,
        year,
        starts_on,
        ends_on,
        phase,
        lead: staff.leads[cx.rng.random_range(0..staff.leads.len())],
        name: format!(
            "{} cohort {number} / carfan {number}{suffix}",
            years.label(year)
        ),
        capacity: CAPACITIES[cx.rng.random_range(0..CAPACITIES.len())],
        seats_taken: 0,
        waiting: 0,
        waitlist_counter: 0,
        applications_open_on,
        applications_close_on,
        language_medium,
        venue: VENUES[cx.rng.random_range(0..VENUES.len())],
    }
}

fn draw_status(cx: &mut Context<'_>, phase: Phase, endorsement: bool) -> EnrolmentStatus {
    use EnrolmentStatus::*;
    let choices: &[(EnrolmentStatus, u32)] = match phase {
        Phase::Ended => &[
            (Completed, 74),
            (NotCompleted, 7),
            (Withdrawn, 9),
            (Declined, 4),
            (Deferred, 3),
        ],
        Phase::Running => &[
            (Confirmed, 82),
            (Withdrawn, 8),
            (Waitlisted, 2),
            (Declined, 3),
            (Deferred, 3),
        ],
        Phase::Coming => &[
            (Confirmed, 55),
            (Waitlisted, 14),
            (AwaitingEndorsement, 14),
            (Withdrawn, 8),
            (Declined, 5),
            (Deferred, 4),
        ],
    };
    let weights: Vec<u32> = choices.iter().map(|c| c.1).collect();
    let status = choices[pick_weighted(&mut cx.rng, &weights)].0;
    // Without an endorsement step nobody waits for one or is declined by their headteacher.
    match status {
        AwaitingEndorsement | Declined if !endorsement => Confirmed,
        other => other,
    }
}

pub struct Written {
    pub cohorts: usize,
    pub sessions: usize,
    pub enrolments: usize,
    pub events: usize,
}

pub fn insert(
    conn: &mut DbConnection,
    cx: &mut Context<'_>,
    plan: &mut Plan,
    staff: &Staff,
    programmes: &[Programme],
) -> anyhow::Result<Written> {
    let mut cohort_rows = Vec::with_capacity(plan.cohorts.len());
    let mut session_rows = Vec::with_capacity(plan.cohorts.len() * 3);
    for cohort in &plan.cohorts {
        let created_at = at(cohort.applications_open_on, 8).min(cx.now);
        cohort_rows.push(CohortRow {
            id: cohort.id.clone(),
            programme_id: programmes[cohort.programme].id.clone(),
            name: cohort.name.clone(),
            capacity: cohort.capacity,
            seats_taken: cohort.seats_taken,
            waitlist_counter: cohort.waitlist_counter,
            starts_on: cohort.starts_on,
            ends_on: cohort.ends_on,
            applications_open_on: Some(cohort.applications_open_on),
            applications_close_on: Some(cohort.applications_close_on),
            language_medium: cohort.language_medium,
            status: match cohort.phase {
                Phase::Ended => "completed",
                Phase::Running => "running",
                Phase::Coming if cohort.applications_close_on < cx.today => "closed",
                Phase::Coming => "open",
            },
            lead_id: Some(staff.people[cohort.lead].id.clone()),
            venue: Some(cohort.venue),
            created_at,
            updated_at: created_at,
        });
        let middle = cohort.starts_on + (cohort.ends_on - cohort.starts_on) / 2;
        for (n, day) in [cohort.starts_on, middle, cohort.ends_on]
            .into_iter()
            .enumerate()
        {
            session_rows.push(SessionRow {
                id: cx.ids.next_text(),
                cohort_id: cohort.id.clone(),
                title_en: format!("Session {}", n + 1),
                title_cy: format!("Sesiwn {}", n + 1),
                starts_at: at(day, 9),
                ends_at: at(day, 15),
                venue: Some(cohort.venue),
                online_url: None,
                created_at,
            });
        }
    }
    let cohort_count = insert_rows!(conn, cohorts::table, &cohort_rows, 16);
    drop(cohort_rows);
    (cx.progress)("cohorts", cohort_count);
    let session_count = insert_rows!(conn, cohort_sessions::table, &session_rows, 9);
    drop(session_rows);
    (cx.progress)("cohort_sessions", session_count);

    let mut written = Written {
        cohorts: cohort_count,
        sessions: session_count,
        enrolments: 0,
        events: 0,
    };
    let mut rows = Vec::with_capacity(ENROLMENTS_PER_ROUND);
    let mut events = Vec::with_capacity(ENROLMENTS_PER_ROUND * 3);
    let mut reported = 0;
    for index in 0..plan.enrolments.len() {
        let id = cx.ids.next();
        plan.enrolments[index].id = id;
        let e = &plan.enrolments[index];
        let cohort = &plan.cohorts[e.cohort as usize];
        let programme = &programmes[cohort.programme];
        let person = &staff.people[e.person as usize];
        let head = person
            .school
            .map(|s| staff.heads[s])
            .filter(|&h| h != e.person as usize)
            .map(|h| staff.people[h].id.clone());
        let lead = staff.people[cohort.lead].id.clone();
        let enrolment_id = text(id);
        let mut history = History {
            enrolment_id: &enrolment_id,
            events: &mut events,
            last: None,
            at: e.applied_at,
        };
        let endorsed = programme.requires_endorsement;
        let end_of_cohort = at(cohort.ends_on, 16).min(cx.now);
        let some_time_after = |cx: &mut Context<'_>, from: NaiveDateTime| {
            let until = end_of_cohort.max(from);
            from + Duration::seconds(cx.rng.random_range(0..=(until - from).num_seconds().max(0)))
        };
        let mut endorsed_at = None;
        use EnrolmentStatus::*;
        let first = if endorsed {
            AwaitingEndorsement
        } else {
            e.status
        };
        let person_id = Some(person.id.clone());
        let seat_or_wait = |s: EnrolmentStatus| {
            if s == Waitlisted {
                Waitlisted
            } else {
                Confirmed
            }
        };
        match (endorsed, e.status) {
            (_, AwaitingEndorsement) => history.push(cx, AwaitingEndorsement, &person_id, 0),
            (true, Declined) => {
                history.push(cx, AwaitingEndorsement, &person_id, 0);
                history.push(cx, Declined, &head, 10);
            }
            (_, status) => {
                let seated = seat_or_wait(status);
                if endorsed {
                    history.push(cx, first, &person_id, 0);
                    history.push(cx, seated, &head, 10);
                    endorsed_at = Some(history.at);
                } else {
                    history.push(cx, seated, &person_id, 0);
                }
                match status {
                    Completed | NotCompleted => {
                        history.at = end_of_cohort.max(history.at);
                        history.push(cx, status, &Some(lead.clone()), 0);
                    }
                    Withdrawn | Deferred | Declined => {
                        history.at = some_time_after(cx, history.at);
                        history.push(cx, status, &person_id, 0);
                    }
                    _ => {}
                }
            }
        }
        let updated_at = history.at;
        rows.push(EnrolmentRow {
            id: enrolment_id,
            person_id: person.id.clone(),
            cohort_id: cohort.id.clone(),
            programme_id: programme.id.clone(),
            status: e.status.as_str(),
            active: e.status.is_active(),
            waitlist_ticket: e.waitlist_ticket,
            endorsed_by: endorsed_at.and(head),
            endorsed_at,
            eligibility_override_reason: None,
            applied_at: e.applied_at,
            updated_at,
            school_id: person.school_id.clone(),
        });
        if rows.len() == ENROLMENTS_PER_ROUND || index + 1 == plan.enrolments.len() {
            written.enrolments += insert_rows!(conn, enrolments::table, &rows, 13);
            written.events += insert_rows!(conn, enrolment_events::table, &events, 7);
            rows.clear();
            events.clear();
            if written.enrolments - reported >= 100_000 || index + 1 == plan.enrolments.len() {
                (cx.progress)("enrolments", written.enrolments);
                reported = written.enrolments;
            }
        }
    }
    (cx.progress)("enrolment_events", written.events);
    Ok(written)
}

/// The events of one application, each a little after the one before.
struct History<'a> {
    enrolment_id: &'a str,
    events: &'a mut Vec<EventRow>,
    last: Option<EnrolmentStatus>,
    at: NaiveDateTime,
}

impl History<'_> {
    fn push(
        &mut self,
        cx: &mut Context<'_>,
        to: EnrolmentStatus,
        actor: &Option<String>,
        within_days: i64,
    ) {
        if within_days > 0 {
            let later =
                self.at + Duration::seconds(cx.rng.random_range(3_600..within_days * 86_400));
            self.at = later.min(cx.now).max(self.at);
        }
        self.events.push(EventRow {
            id: cx.ids.next_text(),
            enrolment_id: self.enrolment_id.to_owned(),
            from_status: self.last.map(EnrolmentStatus::as_str),
            to_status: to.as_str(),
            actor_id: actor.clone(),
            reason: None,
            occurred_at: self.at,
        });
        self.last = Some(to);
    }
}

#[derive(Insertable)]
#[diesel(table_name = cohorts, treat_none_as_default_value = false)]
struct CohortRow {
    id: String,
    programme_id: String,
    name: String,
    capacity: i32,
    seats_taken: i32,
    waitlist_counter: i64,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    applications_open_on: Option<NaiveDate>,
    applications_close_on: Option<NaiveDate>,
    language_medium: &'static str,
    status: &'static str,
    lead_id: Option<String>,
    venue: Option<&'static str>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = cohort_sessions, treat_none_as_default_value = false)]
struct SessionRow {
    id: String,
    cohort_id: String,
    title_en: String,
    title_cy: String,
    starts_at: NaiveDateTime,
    ends_at: NaiveDateTime,
    venue: Option<&'static str>,
    online_url: Option<String>,
    created_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = enrolments, treat_none_as_default_value = false)]
struct EnrolmentRow {
    id: String,
    person_id: String,
    cohort_id: String,
    programme_id: String,
    status: &'static str,
    active: bool,
    waitlist_ticket: Option<i64>,
    endorsed_by: Option<String>,
    endorsed_at: Option<NaiveDateTime>,
    eligibility_override_reason: Option<String>,
    applied_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    school_id: Option<String>,
}

#[derive(Insertable)]
#[diesel(table_name = enrolment_events, treat_none_as_default_value = false)]
struct EventRow {
    id: String,
    enrolment_id: String,
    from_status: Option<&'static str>,
    to_status: &'static str,
    actor_id: Option<String>,
    reason: Option<&'static str>,
    occurred_at: NaiveDateTime,
}
