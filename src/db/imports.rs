//! CSV imports: the `imports` rows that carry an upload through checking and applying, the
//! look-up maps a file is checked against, and applying checked rows in bulk.
//!
//! Applying is written for files of tens of thousands of rows: what exists is loaded once into
//! maps, new rows go in as multi-row INSERTs (through the backend's own connection, as the
//! connection enum has no multi-row insert), and only rows that change are updated one by one.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{
    audit_log, career_entries, cohorts, continuum_stages, enrolment_events, enrolments, imports,
    local_authorities, people, programmes, role_grants, schools,
};
use crate::domain::enrolment::EnrolmentStatus;
use crate::domain::import::{
    CareerRow, EnrolmentRow, IMPORTABLE_STATUSES, ImportKind, Known, PersonRow, RowError, SchoolRow,
};
use crate::domain::role::Role;

/// Rows per multi-row INSERT: well under SQLite's 32,766 and PostgreSQL's 65,535 parameters.
const BATCH: usize = 1000;

/// Inserts every row of `$rows` (a slice of Insertable structs) in batches.
macro_rules! insert_all {
    ($conn:expr, $table:expr, $rows:expr) => {{
        for chunk in $rows.chunks(BATCH) {
            match &mut *$conn {
                DbConnection::Postgres(c) => {
                    diesel::insert_into($table).values(chunk).execute(c)?
                }
                DbConnection::Sqlite(c) => diesel::insert_into($table).values(chunk).execute(c)?,
            };
        }
    }};
}

#[derive(Debug, Insertable)]
#[diesel(table_name = imports, treat_none_as_default_value = false)]
pub struct NewImport<'a> {
    pub id: &'a str,
    pub kind: &'a str,
    pub file_name: &'a str,
    pub content: &'a str,
    pub status: &'a str,
    pub rows_total: i32,
    pub rows_done: i32,
    pub created_by: Option<&'a str>,
    pub created_at: NaiveDateTime,
}

/// An import as people see it (without the file's content).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = imports)]
pub struct ImportRecord {
    pub id: String,
    pub kind: String,
    pub file_name: String,
    pub status: String,
    pub rows_total: i32,
    pub rows_done: i32,
    pub errors: Option<String>,
    pub summary: Option<String>,
    pub created_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
}

pub fn insert(conn: &mut DbConnection, import: &NewImport<'_>) -> QueryResult<()> {
    diesel::insert_into(imports::table)
        .values(import)
        .execute(conn)
        .map(drop)
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<ImportRecord>> {
    imports::table
        .find(id)
        .select(ImportRecord::as_select())
        .get_result(conn)
        .optional()
}

pub fn recent(conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<ImportRecord>> {
    imports::table
        .order(imports::created_at.desc())
        .limit(limit)
        .select(ImportRecord::as_select())
        .load(conn)
}

/// Statuses of an import that is still to finish.
pub const UNFINISHED: [&str; 3] = ["pending", "checking", "applying"];

/// Claims one unfinished import whose claim is free or has lapsed (its worker died), by a
/// conditional update, so that however many processes look, one of them runs it. Returns the
/// import's id, kind and content.
pub fn claim_next(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    until: NaiveDateTime,
    only: Option<&str>,
) -> QueryResult<Option<(String, String, String)>> {
    let free = imports::claimed_until
        .is_null()
        .or(imports::claimed_until.lt(now));
    let mut query = imports::table
        .filter(imports::status.eq_any(UNFINISHED))
        .filter(free)
        .order(imports::created_at.asc())
        .select(imports::id)
        .limit(5)
        .into_boxed();
    if let Some(id) = only {
        query = query.filter(imports::id.eq(id));
    }
    let candidates: Vec<String> = query.load(conn)?;
    for id in candidates {
        let won = diesel::update(
            imports::table
                .filter(imports::id.eq(&id))
                .filter(imports::status.eq_any(UNFINISHED))
                .filter(
                    imports::claimed_until
                        .is_null()
                        .or(imports::claimed_until.lt(now)),
                ),
        )
        .set((
            imports::claimed_until.eq(until),
            imports::status.eq("checking"),
            imports::rows_done.eq(0),
        ))
        .execute(conn)?;
        if won == 1 {
            return imports::table
                .find(&id)
                .select((imports::id, imports::kind, imports::content))
                .get_result(conn)
                .optional();
        }
    }
    Ok(None)
}

/// Makes imports applied at the same moment by two processes take turns, for the rest of the
/// transaction: each reads what is there before it writes (the people, careers and
/// applications a file names), so two at once would each add what the other added. SQLite's
/// transactions take turns already.
pub fn take_turn_to_apply(conn: &mut DbConnection) -> QueryResult<()> {
    match conn {
        DbConnection::Postgres(pg) => {
            // Any fixed key: it only has to be the same for every import.
            diesel::sql_query("SELECT pg_advisory_xact_lock(7270150)")
                .execute(pg)
                .map(drop)
        }
        DbConnection::Sqlite(_) => Ok(()),
    }
}

/// Records how far the import has gone and renews the claim from `held` (the lease this worker
/// last wrote) to `renewed`: a long file is still being worked on, and must not be taken up by
/// another process meanwhile. False when the claim is no longer `held`: this worker stalled
/// past its lease and another took the import up.
pub fn set_progress(
    conn: &mut DbConnection,
    id: &str,
    status: &str,
    (rows_total, rows_done): (usize, usize),
    (held, renewed): (NaiveDateTime, NaiveDateTime),
) -> QueryResult<bool> {
    diesel::update(
        imports::table
            .filter(imports::id.eq(id))
            .filter(imports::claimed_until.eq(held)),
    )
    .set((
        imports::status.eq(status),
        imports::rows_total.eq(count(rows_total)),
        imports::rows_done.eq(count(rows_done)),
        imports::claimed_until.eq(Some(renewed)),
    ))
    .execute(conn)
    .map(|n| n == 1)
}

/// Ends an import: `failed` with its problems, `done` with its summary, or `error`. The file
/// itself is dropped: it holds personal data that erasure could not otherwise reach.
pub fn finish(
    conn: &mut DbConnection,
    id: &str,
    status: &str,
    errors: Option<String>,
    summary: Option<String>,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(imports::table.find(id))
        .set((
            imports::status.eq(status),
            imports::errors.eq(errors),
            imports::summary.eq(summary),
            imports::finished_at.eq(now),
            imports::content.eq(""),
            imports::claimed_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)
        .map(drop)
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// What the database holds that a file of `kind` refers to.
pub fn load_known(conn: &mut DbConnection, kind: ImportKind) -> QueryResult<Known> {
    let mut known = Known::default();
    match kind {
        ImportKind::Schools => {
            known.authorities = local_authorities::table
                .select((local_authorities::code, local_authorities::id))
                .load::<(String, String)>(conn)?
                .into_iter()
                .collect();
        }
        ImportKind::People => {
            known.schools = school_ids(conn)?;
            known.stages = continuum_stages::table
                .select(continuum_stages::code)
                .load::<String>(conn)?
                .into_iter()
                .collect();
        }
        ImportKind::Enrolments => {
            known.people = person_ids(conn)?;
            known.cohorts = cohorts::table
                .inner_join(programmes::table)
                .select((programmes::code, cohorts::name, cohorts::id, programmes::id))
                .load::<(String, String, String, String)>(conn)?
                .into_iter()
                .map(|(code, name, cohort, programme)| ((code, name), (cohort, programme)))
                .collect();
            // One read of the applications gives both what each (person, cohort) holds and
            // which programmes each person has a live application to.
            let applications = applications_held(conn)?;
            for held in &applications {
                if held.live {
                    known
                        .live_in_programme
                        .insert((held.person_id.clone(), held.programme_id.clone()));
                }
            }
            known.enrolments = one_per_person_and_cohort(applications)
                .into_iter()
                .map(|(key, held)| (key, (held.status, held.live)))
                .collect();
        }
        ImportKind::Careers => {
            known.people = person_ids(conn)?;
            known.schools = school_ids(conn)?;
        }
    }
    Ok(known)
}

fn school_ids(conn: &mut DbConnection) -> QueryResult<HashMap<String, String>> {
    Ok(schools::table
        .filter(schools::school_number.is_not_null())
        .select((schools::school_number.assume_not_null(), schools::id))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect())
}

fn person_ids(conn: &mut DbConnection) -> QueryResult<HashMap<String, String>> {
    Ok(people::table
        .filter(people::anonymised_at.is_null())
        .select((people::email, people::id))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect())
}

/// How many rows of a file made something new, changed something, or matched what was there.
#[derive(
    Debug,
    Default,
    Clone,
    Copy,
    PartialEq,
    Eq,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
)]
pub struct ImportSummary {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// An audit row owned, so that many can be inserted at once.
#[derive(Debug, Insertable)]
#[diesel(table_name = audit_log, treat_none_as_default_value = false)]
struct AuditInsert {
    id: String,
    actor_id: Option<String>,
    action: &'static str,
    object_type: &'static str,
    object_id: String,
    before_state: Option<String>,
    after_state: Option<String>,
    occurred_at: NaiveDateTime,
}

struct Audit<'a> {
    actor: Option<&'a str>,
    now: NaiveDateTime,
    rows: Vec<AuditInsert>,
}

impl Audit<'_> {
    fn push(
        &mut self,
        action: &'static str,
        object_type: &'static str,
        object_id: &str,
        before: Option<serde_json::Value>,
        after: serde_json::Value,
    ) {
        self.rows.push(AuditInsert {
            id: uuid::Uuid::new_v4().to_string(),
            actor_id: self.actor.map(str::to_owned),
            action,
            object_type,
            object_id: object_id.to_owned(),
            before_state: before.map(|b| b.to_string()),
            after_state: Some(after.to_string()),
            occurred_at: self.now,
        });
    }

    fn write(self, conn: &mut DbConnection) -> QueryResult<()> {
        insert_all!(conn, audit_log::table, &self.rows);
        Ok(())
    }
}

#[derive(Debug, Insertable)]
#[diesel(table_name = schools, treat_none_as_default_value = false)]
struct SchoolInsert<'a> {
    id: String,
    local_authority_id: &'a str,
    school_number: &'a str,
    name_en: &'a str,
    name_cy: &'a str,
    sector: &'a str,
    language_medium: &'a str,
    support_category: Option<&'a str>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

type SchoolState = (
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
);

fn school_json(s: &SchoolState) -> serde_json::Value {
    serde_json::json!({
        "local_authority_id": s.1, "name_en": s.2, "name_cy": s.3, "sector": s.4,
        "language_medium": s.5, "support_category": s.6,
    })
}

/// Equal in everything but the id.
fn same_school(a: &SchoolState, b: &SchoolState) -> bool {
    (&a.1, &a.2, &a.3, &a.4, &a.5, &a.6) == (&b.1, &b.2, &b.3, &b.4, &b.5, &b.6)
}

pub fn apply_schools(
    conn: &mut DbConnection,
    rows: &[SchoolRow],
    actor: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<ImportSummary> {
    let existing: HashMap<String, SchoolState> = schools::table
        .filter(schools::school_number.is_not_null())
        .select((
            schools::school_number.assume_not_null(),
            schools::id,
            schools::local_authority_id,
            schools::name_en,
            schools::name_cy,
            schools::sector,
            schools::language_medium,
            schools::support_category,
        ))
        .load::<(
            String,
            String,
            String,
            String,
            String,
            String,
            String,
            Option<String>,
        )>(conn)?
        .into_iter()
        .map(|(n, id, la, en, cy, sector, medium, cat)| (n, (id, la, en, cy, sector, medium, cat)))
        .collect();
    let mut summary = ImportSummary::default();
    let mut audit = Audit {
        actor,
        now,
        rows: Vec::new(),
    };
    let mut new_rows = Vec::new();
    for row in rows {
        let d = &row.details;
        let wanted: SchoolState = (
            String::new(),
            row.local_authority_id.clone(),
            d.name_en.clone(),
            d.name_cy.clone(),
            d.sector.to_owned(),
            d.language_medium.to_owned(),
            d.support_category.map(str::to_owned),
        );
        match existing.get(&d.school_number) {
            None => {
                let id = uuid::Uuid::new_v4().to_string();
                audit.push("school.imported", "school", &id, None, school_json(&wanted));
                new_rows.push(SchoolInsert {
                    id,
                    local_authority_id: &row.local_authority_id,
                    school_number: &d.school_number,
                    name_en: &d.name_en,
                    name_cy: &d.name_cy,
                    sector: d.sector,
                    language_medium: d.language_medium,
                    support_category: d.support_category,
                    created_at: now,
                    updated_at: now,
                });
                summary.created += 1;
            }
            Some(current) if same_school(current, &wanted) => summary.unchanged += 1,
            Some(current) => {
                diesel::update(schools::table.find(&current.0))
                    .set((
                        schools::local_authority_id.eq(&row.local_authority_id),
                        schools::name_en.eq(&d.name_en),
                        schools::name_cy.eq(&d.name_cy),
                        schools::sector.eq(d.sector),
                        schools::language_medium.eq(d.language_medium),
                        schools::support_category.eq(d.support_category),
                        schools::updated_at.eq(now),
                    ))
                    .execute(conn)?;
                audit.push(
                    "school.imported",
                    "school",
                    &current.0,
                    Some(school_json(current)),
                    school_json(&wanted),
                );
                summary.updated += 1;
            }
        }
    }
    insert_all!(conn, schools::table, &new_rows);
    audit.write(conn)?;
    Ok(summary)
}

#[derive(Debug, Insertable)]
#[diesel(table_name = people, treat_none_as_default_value = false)]
struct PersonInsert<'a> {
    id: String,
    email: &'a str,
    name: &'a str,
    password_hash: Option<&'a str>,
    preferred_language: &'a str,
    school_id: Option<&'a str>,
    stage_code: Option<&'a str>,
    job_title: Option<&'a str>,
    active: bool,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    credentials_changed_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = role_grants, treat_none_as_default_value = false)]
struct GrantInsert {
    id: String,
    person_id: String,
    role: &'static str,
    school_id: Option<String>,
    local_authority_id: Option<String>,
    programme_id: Option<String>,
    granted_by: Option<String>,
    granted_at: NaiveDateTime,
}

/// A person's fields that an import may set.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
struct PersonState {
    name: String,
    preferred_language: String,
    school_id: Option<String>,
    stage_code: Option<String>,
    job_title: Option<String>,
}

fn to_json(value: &impl serde::Serialize) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or_default()
}

/// People are known by email. A blank optional cell leaves what is there; a new person gets no
/// password (they are invited to choose one) and the participant role.
pub fn apply_people(
    conn: &mut DbConnection,
    rows: &[PersonRow],
    actor: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<ImportSummary> {
    let existing: HashMap<String, (String, PersonState)> = people::table
        .select((
            people::email,
            people::id,
            people::name,
            people::preferred_language,
            people::school_id,
            people::stage_code,
            people::job_title,
        ))
        .load::<(
            String,
            String,
            String,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
        )>(conn)?
        .into_iter()
        .map(|(email, id, name, language, school, stage, job)| {
            let state = PersonState {
                name,
                preferred_language: language,
                school_id: school,
                stage_code: stage,
                job_title: job,
            };
            (email, (id, state))
        })
        .collect();
    let mut summary = ImportSummary::default();
    let mut audit = Audit {
        actor,
        now,
        rows: Vec::new(),
    };
    let mut new_people = Vec::new();
    let mut new_grants = Vec::new();
    for row in rows {
        let language = row.preferred_language.map(|l| l.code());
        match existing.get(&row.email) {
            None => {
                let id = uuid::Uuid::new_v4().to_string();
                let state = PersonState {
                    name: row.name.clone(),
                    preferred_language: language.unwrap_or("en").to_owned(),
                    school_id: row.school_id.clone(),
                    stage_code: row.stage_code.clone(),
                    job_title: row.job_title.clone(),
                };
                let mut after = to_json(&state);
                after["email"] = serde_json::Value::from(row.email.as_str());
                audit.push("person.imported", "person", &id, None, after);
                new_grants.push(GrantInsert {
                    id: uuid::Uuid::new_v4().to_string(),
                    person_id: id.clone(),
                    role: Role::Participant.as_str(),
                    school_id: None,
                    local_authority_id: None,
                    programme_id: None,
                    granted_by: actor.map(str::to_owned),
                    granted_at: now,
                });
                new_people.push(PersonInsert {
                    id,
                    email: &row.email,
                    name: &row.name,
                    password_hash: None,
                    preferred_language: language.unwrap_or("en"),
                    school_id: row.school_id.as_deref(),
                    stage_code: row.stage_code.as_deref(),
                    job_title: row.job_title.as_deref(),
                    active: true,
                    created_at: now,
                    updated_at: now,
                    credentials_changed_at: now,
                });
                summary.created += 1;
            }
            Some((id, current)) => {
                let wanted = PersonState {
                    name: row.name.clone(),
                    preferred_language: language
                        .map(str::to_owned)
                        .unwrap_or_else(|| current.preferred_language.clone()),
                    school_id: row.school_id.clone().or_else(|| current.school_id.clone()),
                    stage_code: row
                        .stage_code
                        .clone()
                        .or_else(|| current.stage_code.clone()),
                    job_title: row.job_title.clone().or_else(|| current.job_title.clone()),
                };
                if &wanted == current {
                    summary.unchanged += 1;
                    continue;
                }
                diesel::update(people::table.find(id))
                    .set((
                        people::name.eq(&wanted.name),
                        people::preferred_language.eq(&wanted.preferred_language),
                        people::school_id.eq(&wanted.school_id),
                        people::stage_code.eq(&wanted.stage_code),
                        people::job_title.eq(&wanted.job_title),
                        people::updated_at.eq(now),
                    ))
                    .execute(conn)?;
                audit.push(
                    "person.imported",
                    "person",
                    id,
                    Some(to_json(current)),
                    to_json(&wanted),
                );
                summary.updated += 1;
            }
        }
    }
    insert_all!(conn, people::table, &new_people);
    insert_all!(conn, role_grants::table, &new_grants);
    audit.write(conn)?;
    Ok(summary)
}

#[derive(Debug, Insertable)]
#[diesel(table_name = enrolments, treat_none_as_default_value = false)]
struct EnrolmentInsert<'a> {
    id: String,
    person_id: &'a str,
    cohort_id: &'a str,
    programme_id: &'a str,
    status: &'a str,
    active: bool,
    waitlist_ticket: Option<i64>,
    eligibility_override_reason: Option<&'a str>,
    applied_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = enrolment_events, treat_none_as_default_value = false)]
struct EventInsert {
    id: String,
    enrolment_id: String,
    from_status: Option<String>,
    to_status: &'static str,
    actor_id: Option<String>,
    reason: Option<&'static str>,
    occurred_at: NaiveDateTime,
}

fn morning(date: Option<NaiveDate>, now: NaiveDateTime) -> NaiveDateTime {
    date.and_then(|d| d.and_hms_opt(9, 0, 0)).unwrap_or(now)
}

/// An application already in the database, as an import of applications sees it.
#[derive(Debug, Clone, Queryable)]
struct Held {
    id: String,
    person_id: String,
    cohort_id: String,
    programme_id: String,
    status: String,
    live: bool,
    applied_at: NaiveDateTime,
}

fn applications_held(conn: &mut DbConnection) -> QueryResult<Vec<Held>> {
    enrolments::table
        .select((
            enrolments::id,
            enrolments::person_id,
            enrolments::cohort_id,
            enrolments::programme_id,
            enrolments::status,
            enrolments::active,
            enrolments::applied_at,
        ))
        .load(conn)
}

/// The application a row of a file for (person, cohort) refers to. A person may have several
/// in one cohort (withdrawn, then applied again): the live one, as there is at most one and it
/// is what the person holds now, or else the latest. Checking a file and applying it must pick
/// the same one, whatever order the database returns them in.
fn one_per_person_and_cohort(held: Vec<Held>) -> HashMap<(String, String), Held> {
    let mut chosen: HashMap<(String, String), Held> = HashMap::new();
    for application in held {
        let key = (application.person_id.clone(), application.cohort_id.clone());
        let rank = |a: &Held| (a.live, a.applied_at, a.id.clone());
        match chosen.get(&key) {
            Some(kept) if rank(kept) >= rank(&application) => {}
            _ => {
                chosen.insert(key, application);
            }
        }
    }
    chosen
}

/// Whether an application in `status` holds a seat in its cohort, and whether it is live (a
/// completed one is: it stops the person applying to the programme again).
fn seat_and_live(status: &str) -> (i32, bool) {
    EnrolmentStatus::parse(status)
        .map_or((0, false), |s| (i32::from(s.holds_seat()), s.is_active()))
}

/// Why applying a checked file of applications stopped, undoing all of it.
#[derive(Debug)]
pub enum Stopped {
    Database(diesel::result::Error),
    /// The database no longer fits the file as it was checked: an application the file would
    /// change is under way now, or changed while it was applied.
    Changed(Vec<RowError>),
}

impl From<diesel::result::Error> for Stopped {
    fn from(error: diesel::result::Error) -> Self {
        Stopped::Database(error)
    }
}

/// Historic applications, known by (person, cohort); each gets its history entry. Those that
/// hold a seat (completed or not) count in their cohort's seats taken, as any other does, so
/// that the cohort takes no more people than it has room for after them.
pub fn apply_enrolments(
    conn: &mut DbConnection,
    rows: &[EnrolmentRow],
    actor: Option<&str>,
    now: NaiveDateTime,
) -> Result<ImportSummary, Stopped> {
    // Read again here, inside the transaction that applies the file: a file is checked
    // against what was there then, and an application may have been made since.
    let existing: HashMap<(String, String), (String, String)> =
        one_per_person_and_cohort(applications_held(conn)?)
            .into_iter()
            .map(|(key, held)| (key, (held.id, held.status)))
            .collect();
    let mut summary = ImportSummary::default();
    let mut audit = Audit {
        actor,
        now,
        rows: Vec::new(),
    };
    let mut new_rows = Vec::new();
    let mut events = Vec::new();
    let mut seats_taken: HashMap<&str, i32> = HashMap::new();
    let mut changed = Vec::new();
    let event = |enrolment_id: &str, from: Option<String>, to: &'static str| EventInsert {
        id: uuid::Uuid::new_v4().to_string(),
        enrolment_id: enrolment_id.to_owned(),
        from_status: from,
        to_status: to,
        actor_id: actor.map(str::to_owned),
        reason: Some("import"),
        occurred_at: now,
    };
    for row in rows {
        let key = (row.person_id.clone(), row.cohort_id.clone());
        let (seat, live) = seat_and_live(row.status);
        match existing.get(&key) {
            None => {
                *seats_taken.entry(&row.cohort_id).or_default() += seat;
                let id = uuid::Uuid::new_v4().to_string();
                events.push(event(&id, None, row.status));
                audit.push(
                    "enrolment.imported",
                    "enrolment",
                    &id,
                    None,
                    serde_json::json!({ "person_id": row.person_id, "cohort_id": row.cohort_id, "status": row.status }),
                );
                new_rows.push(EnrolmentInsert {
                    id,
                    person_id: &row.person_id,
                    cohort_id: &row.cohort_id,
                    programme_id: &row.programme_id,
                    status: row.status,
                    active: live,
                    waitlist_ticket: None,
                    eligibility_override_reason: None,
                    applied_at: morning(row.applied_on, now),
                    updated_at: now,
                });
                summary.created += 1;
            }
            Some((_, status)) if status == row.status => summary.unchanged += 1,
            Some((_, status)) if !IMPORTABLE_STATUSES.contains(&status.as_str()) => {
                changed.push(RowError::new(
                    row.row,
                    "status",
                    "import-error-enrolment-live",
                ));
            }
            Some((id, status)) => {
                *seats_taken.entry(&row.cohort_id).or_default() += seat - seat_and_live(status).0;
                // Only from the status read: on PostgreSQL a withdrawal or a move may commit
                // between the read and this write.
                let updated = diesel::update(
                    enrolments::table
                        .find(id)
                        .filter(enrolments::status.eq(status)),
                )
                .set((
                    enrolments::status.eq(row.status),
                    enrolments::active.eq(live),
                    enrolments::updated_at.eq(now),
                ))
                .execute(conn)?;
                if updated == 0 {
                    changed.push(RowError::new(
                        row.row,
                        "status",
                        "import-error-changed-meanwhile",
                    ));
                    continue;
                }
                events.push(event(id, Some(status.clone()), row.status));
                audit.push(
                    "enrolment.imported",
                    "enrolment",
                    id,
                    Some(serde_json::json!({ "status": status })),
                    serde_json::json!({ "status": row.status }),
                );
                summary.updated += 1;
            }
        }
    }
    if !changed.is_empty() {
        return Err(Stopped::Changed(changed));
    }
    insert_all!(conn, enrolments::table, &new_rows);
    insert_all!(conn, enrolment_events::table, &events);
    for (cohort_id, change) in seats_taken.into_iter().filter(|(_, change)| *change != 0) {
        diesel::update(cohorts::table.find(cohort_id))
            .set(cohorts::seats_taken.eq(cohorts::seats_taken + change))
            .execute(conn)?;
    }
    audit.write(conn)?;
    Ok(summary)
}

#[derive(Debug, Insertable)]
#[diesel(table_name = career_entries, treat_none_as_default_value = false)]
struct CareerInsert<'a> {
    id: String,
    person_id: &'a str,
    role: &'a str,
    school_id: Option<&'a str>,
    organisation_name: Option<&'a str>,
    started_on: NaiveDate,
    ended_on: Option<NaiveDate>,
    recorded_by: Option<&'a str>,
    reason: Option<&'a str>,
    created_at: NaiveDateTime,
}

type CareerState = (Option<NaiveDate>, Option<String>, Option<String>);

/// The ids of the people a file of people names, by their addresses.
pub fn people_named(conn: &mut DbConnection, rows: &[PersonRow]) -> QueryResult<Vec<String>> {
    let emails: Vec<&str> = rows.iter().map(|r| r.email.as_str()).collect();
    let mut ids = Vec::with_capacity(emails.len());
    for chunk in emails.chunks(BATCH) {
        ids.extend(
            people::table
                .filter(people::email.eq_any(chunk))
                .select(people::id)
                .load::<String>(conn)?,
        );
    }
    Ok(ids)
}

/// Career steps, known by (person, role, start date).
pub fn apply_careers(
    conn: &mut DbConnection,
    rows: &[CareerRow],
    actor: Option<&str>,
    now: NaiveDateTime,
) -> QueryResult<ImportSummary> {
    let existing: HashMap<(String, String, NaiveDate), (String, CareerState)> =
        career_entries::table
            .select((
                career_entries::person_id,
                career_entries::role,
                career_entries::started_on,
                career_entries::id,
                career_entries::ended_on,
                career_entries::school_id,
                career_entries::organisation_name,
            ))
            .load::<(
                String,
                String,
                NaiveDate,
                String,
                Option<NaiveDate>,
                Option<String>,
                Option<String>,
            )>(conn)?
            .into_iter()
            .map(|(p, r, s, id, end, school, org)| ((p, r, s), (id, (end, school, org))))
            .collect();
    let mut summary = ImportSummary::default();
    let mut audit = Audit {
        actor,
        now,
        rows: Vec::new(),
    };
    let mut new_rows = Vec::new();
    for row in rows {
        let key = (row.person_id.clone(), row.role.to_owned(), row.started_on);
        let wanted: CareerState = (
            row.ended_on,
            row.school_id.clone(),
            row.organisation.clone(),
        );
        let json = |s: &CareerState| serde_json::json!({ "ended_on": s.0, "school_id": s.1, "organisation": s.2 });
        match existing.get(&key) {
            None => {
                let id = uuid::Uuid::new_v4().to_string();
                let mut after = json(&wanted);
                after["person_id"] = serde_json::Value::from(row.person_id.as_str());
                after["role"] = serde_json::Value::from(row.role);
                after["started_on"] = serde_json::Value::from(row.started_on.to_string());
                audit.push("career.imported", "career_entry", &id, None, after);
                new_rows.push(CareerInsert {
                    id,
                    person_id: &row.person_id,
                    role: row.role,
                    school_id: row.school_id.as_deref(),
                    organisation_name: row.organisation.as_deref(),
                    started_on: row.started_on,
                    ended_on: row.ended_on,
                    recorded_by: actor,
                    reason: Some("import"),
                    created_at: now,
                });
                summary.created += 1;
            }
            Some((_, current)) if *current == wanted => summary.unchanged += 1,
            Some((id, current)) => {
                diesel::update(career_entries::table.find(id))
                    .set((
                        career_entries::ended_on.eq(row.ended_on),
                        career_entries::school_id.eq(&row.school_id),
                        career_entries::organisation_name.eq(&row.organisation),
                    ))
                    .execute(conn)?;
                audit.push(
                    "career.imported",
                    "career_entry",
                    id,
                    Some(json(current)),
                    json(&wanted),
                );
                summary.updated += 1;
            }
        }
    }
    insert_all!(conn, career_entries::table, &new_rows);
    audit.write(conn)?;
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn held(id: &str, status: &str, live: bool, day: u32) -> Held {
        Held {
            id: id.into(),
            person_id: "p".into(),
            cohort_id: "c".into(),
            programme_id: "prog".into(),
            status: status.into(),
            live,
            applied_at: NaiveDate::from_ymd_opt(2026, 9, day)
                .and_then(|d| d.and_hms_opt(9, 0, 0))
                .unwrap_or_default(),
        }
    }

    #[test]
    fn the_live_application_of_a_person_in_a_cohort_is_the_one_a_file_refers_to() {
        let withdrawn_later = held("a", "withdrawn", false, 20);
        let confirmed = held("b", "confirmed", true, 10);
        let withdrawn_earlier = held("c", "withdrawn", false, 1);
        for order in [
            vec![
                withdrawn_later.clone(),
                confirmed.clone(),
                withdrawn_earlier.clone(),
            ],
            vec![
                confirmed.clone(),
                withdrawn_earlier.clone(),
                withdrawn_later.clone(),
            ],
        ] {
            let chosen = one_per_person_and_cohort(order);
            assert_eq!(chosen.len(), 1);
            assert_eq!(chosen[&("p".to_owned(), "c".to_owned())].id, "b");
        }
    }

    #[test]
    fn without_a_live_one_the_latest_is_chosen() {
        for order in [
            vec![
                held("x", "withdrawn", false, 1),
                held("y", "withdrawn", false, 2),
            ],
            vec![
                held("y", "withdrawn", false, 2),
                held("x", "withdrawn", false, 1),
            ],
        ] {
            let chosen = one_per_person_and_cohort(order);
            assert_eq!(chosen[&("p".to_owned(), "c".to_owned())].id, "y");
        }
    }
}
