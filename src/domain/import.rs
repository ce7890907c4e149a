//! CSV imports, without I/O: the kinds of file, their columns and templates, reading a file into
//! rows, and checking every row against what the database already holds (passed in as look-up
//! maps). Every problem is reported with its row and column and a message key, so that each
//! reader sees it in their own language; checking never stops at the first problem.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use super::FieldError;
use super::career::CAREER_ROLES;
use super::email::EmailAddress;
use super::enrolment::EnrolmentStatus;
use super::language::Language;
use super::organisation::{self, SchoolDetails, SchoolInput};
use super::person_name::PersonName;

/// What a file holds.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    Schools,
    People,
    Enrolments,
    Careers,
}

impl ImportKind {
    pub const ALL: [ImportKind; 4] = [
        ImportKind::Schools,
        ImportKind::People,
        ImportKind::Enrolments,
        ImportKind::Careers,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Schools => "schools",
            ImportKind::People => "people",
            ImportKind::Enrolments => "enrolments",
            ImportKind::Careers => "careers",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == value)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            ImportKind::Schools => "import-kind-schools",
            ImportKind::People => "import-kind-people",
            ImportKind::Enrolments => "import-kind-enrolments",
            ImportKind::Careers => "import-kind-careers",
        }
    }

    /// The columns, in template order; those marked `true` must be present in a file.
    pub fn columns(self) -> &'static [(&'static str, bool)] {
        match self {
            ImportKind::Schools => &[
                ("school_number", true),
                ("local_authority", true),
                ("name_en", true),
                ("name_cy", true),
                ("sector", true),
                ("language_medium", true),
                ("support_category", false),
            ],
            ImportKind::People => &[
                ("email", true),
                ("name", true),
                ("preferred_language", false),
                ("school_number", false),
                ("stage", false),
                ("job_title", false),
            ],
            ImportKind::Enrolments => &[
                ("email", true),
                ("programme", true),
                ("cohort", true),
                ("status", true),
                ("applied_on", false),
            ],
            ImportKind::Careers => &[
                ("email", true),
                ("role", true),
                ("started_on", true),
                ("ended_on", false),
                ("school_number", false),
                ("organisation", false),
            ],
        }
    }

    /// A template file: the header and one example row.
    pub fn template(self) -> &'static str {
        match self {
            ImportKind::Schools => {
                "school_number,local_authority,name_en,name_cy,sector,language_medium,support_category\n\
                 6812399,cardiff,Example Primary School,Ysgol Gynradd Enghraifft,primary,welsh,green\n"
            }
            ImportKind::People => {
                "email,name,preferred_language,school_number,stage,job_title\n\
                 ceri.jones@example.cymru,Ceri Jones,cy,6812399,future_middle_leader,Head of science\n"
            }
            ImportKind::Enrolments => {
                "email,programme,cohort,status,applied_on\n\
                 ceri.jones@example.cymru,mldp,Cohort 1 / Carfan 1,completed,2025-09-15\n"
            }
            ImportKind::Careers => {
                "email,role,started_on,ended_on,school_number,organisation\n\
                 ceri.jones@example.cymru,middle_leader,2024-09-01,,6812399,\n"
            }
        }
    }
}

/// One problem in a file: the spreadsheet row (the header is row 1), the column, and the
/// message key that explains it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RowError {
    pub row: usize,
    pub column: String,
    pub key: String,
}

impl RowError {
    pub fn new(row: usize, column: &str, key: &str) -> Self {
        Self {
            row,
            column: column.to_owned(),
            key: key.to_owned(),
        }
    }

    fn from_field(row: usize, error: FieldError) -> Self {
        Self::new(row, &error.field, error.message_key)
    }
}

/// The file's data rows, each with its spreadsheet row number.
#[derive(Debug)]
pub struct Table {
    columns: HashMap<String, usize>,
    pub rows: Vec<(usize, Vec<String>)>,
}

/// The cells of one row, by column name; missing optional columns read as empty.
pub struct Cells<'a> {
    table: &'a Table,
    values: &'a [String],
}

impl Cells<'_> {
    pub fn get(&self, column: &str) -> &str {
        self.table
            .columns
            .get(column)
            .and_then(|i| self.values.get(*i))
            .map(|v| v.trim())
            .unwrap_or_default()
    }
}

impl Table {
    pub fn cells<'a>(&'a self, values: &'a [String]) -> Cells<'a> {
        Cells {
            table: self,
            values,
        }
    }
}

/// Reads the file: the header must name every required column and no unknown one; each row
/// must have as many cells as the header. A byte-order mark (Excel adds one) is ignored.
pub fn read_table(kind: ImportKind, text: &str) -> Result<Table, Vec<RowError>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut errors = Vec::new();
    let mut records = reader.records();
    let header = match records.next() {
        Some(Ok(record)) => record,
        Some(Err(_)) | None => return Err(vec![RowError::new(1, "", "import-error-empty")]),
    };
    // Below any blank lines above it.
    let header_row = 1 + blank_lines_at(text, 0);
    let mut columns = HashMap::new();
    for (i, name) in header.iter().enumerate() {
        let name = name.trim().to_ascii_lowercase();
        if name.is_empty() {
            continue;
        }
        if !kind.columns().iter().any(|(c, _)| *c == name) {
            errors.push(RowError::new(
                header_row,
                &name,
                "import-error-column-unknown",
            ));
        } else if columns.insert(name.clone(), i).is_some() {
            errors.push(RowError::new(
                header_row,
                &name,
                "import-error-column-twice",
            ));
        }
    }
    for (column, required) in kind.columns() {
        if *required && !columns.contains_key(*column) {
            errors.push(RowError::new(
                header_row,
                column,
                "import-error-column-missing",
            ));
        }
    }
    let width = header.len();
    let mut rows = Vec::new();
    // Rows as a spreadsheet numbers them: one after another (a cell may hold a line break, so
    // lines would not do), plus any blank lines the reader skipped, which a spreadsheet shows
    // as empty rows.
    let mut row = header_row;
    for record in records {
        let start = match &record {
            Ok(record) => record.position().map(csv::Position::byte),
            Err(error) => error.position().map(csv::Position::byte),
        };
        row += 1 + start.map_or(0, |byte| blank_lines_at(text, byte));
        match record {
            Ok(record) if record.iter().all(|c| c.trim().is_empty()) => {}
            Ok(record) if record.len() != width => {
                errors.push(RowError::new(row, "", "import-error-row-width"));
            }
            Ok(record) => rows.push((row, record.iter().map(str::to_owned).collect())),
            Err(_) => errors.push(RowError::new(row, "", "import-error-row-unreadable")),
        }
    }
    if rows.is_empty() && errors.is_empty() {
        errors.push(RowError::new(2, "", "import-error-no-rows"));
    }
    if errors.is_empty() {
        Ok(Table { columns, rows })
    } else {
        Err(errors)
    }
}

/// How many blank lines begin at `byte`: the reader places a record where it began looking
/// for it, before the blank lines it skipped (and, after a CRLF, at its LF).
fn blank_lines_at(text: &str, byte: u64) -> usize {
    let bytes = text.as_bytes();
    let mut at = usize::try_from(byte).unwrap_or(usize::MAX);
    if at > 0 && bytes.get(at) == Some(&b'\n') && bytes.get(at - 1) == Some(&b'\r') {
        at += 1;
    }
    let mut blank = 0;
    while let Some(byte) = bytes.get(at) {
        match (byte, bytes.get(at + 1)) {
            (b'\r', Some(b'\n')) => at += 2,
            (b'\r' | b'\n', _) => at += 1,
            _ => break,
        }
        blank += 1;
    }
    blank
}

fn optional_text(
    row: usize,
    column: &str,
    value: &str,
    errors: &mut Vec<RowError>,
) -> Option<String> {
    if value.is_empty() {
        None
    } else if value.chars().count() > 200 || value.chars().any(char::is_control) {
        errors.push(RowError::new(row, column, "admin-error-too-long"));
        None
    } else {
        Some(value.to_owned())
    }
}

fn date(row: usize, column: &str, value: &str, errors: &mut Vec<RowError>) -> Option<NaiveDate> {
    match super::day::parse(value) {
        Some(date) => Some(date),
        None => {
            errors.push(RowError::new(row, column, "import-error-date"));
            None
        }
    }
}

/// What the database already holds, by natural key: enough to check every row without a
/// query per row.
#[derive(Debug, Default)]
pub struct Known {
    /// Local authority code -> id.
    pub authorities: HashMap<String, String>,
    /// School number -> id.
    pub schools: HashMap<String, String>,
    /// Continuum stage codes.
    pub stages: HashSet<String>,
    /// Email -> person id (not erased).
    pub people: HashMap<String, String>,
    /// (programme code, cohort name) -> (cohort id, programme id).
    pub cohorts: HashMap<(String, String), (String, String)>,
    /// (person id, cohort id) -> (status, live), for applications already there.
    pub enrolments: HashMap<(String, String), (String, bool)>,
    /// (person id, programme id) of the live applications already there: a person has one
    /// live application to a programme at most, and a completed one counts as live.
    pub live_in_programme: HashSet<(String, String)>,
}

#[derive(Debug, Clone)]
pub struct SchoolRow {
    pub row: usize,
    pub local_authority_id: String,
    pub details: SchoolDetails,
}

#[derive(Debug, Clone)]
pub struct PersonRow {
    pub row: usize,
    pub email: String,
    pub name: String,
    pub preferred_language: Option<Language>,
    pub school_id: Option<String>,
    pub stage_code: Option<String>,
    pub job_title: Option<String>,
}

/// The statuses a historic application may be imported with: finished ones only, so that an
/// import never takes a seat or jumps a waiting list.
pub const IMPORTABLE_STATUSES: [&str; 3] = ["completed", "not_completed", "withdrawn"];

#[derive(Debug, Clone)]
pub struct EnrolmentRow {
    pub row: usize,
    pub person_id: String,
    pub cohort_id: String,
    pub programme_id: String,
    pub status: &'static str,
    pub applied_on: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct CareerRow {
    pub row: usize,
    pub person_id: String,
    pub role: &'static str,
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
    pub school_id: Option<String>,
    pub organisation: Option<String>,
}

/// The rows of a file, checked.
#[derive(Debug)]
pub enum CheckedRows {
    Schools(Vec<SchoolRow>),
    People(Vec<PersonRow>),
    Enrolments(Vec<EnrolmentRow>),
    Careers(Vec<CareerRow>),
}

impl CheckedRows {
    pub fn len(&self) -> usize {
        match self {
            CheckedRows::Schools(r) => r.len(),
            CheckedRows::People(r) => r.len(),
            CheckedRows::Enrolments(r) => r.len(),
            CheckedRows::Careers(r) => r.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Checks every row of `table`, calling `progress` with the number of rows checked every
/// `every` rows. Either every row is good, or every problem is returned.
pub fn check(
    kind: ImportKind,
    table: &Table,
    known: &Known,
    every: usize,
    mut progress: impl FnMut(usize),
) -> Result<CheckedRows, Vec<RowError>> {
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    let mut out = match kind {
        ImportKind::Schools => CheckedRows::Schools(Vec::new()),
        ImportKind::People => CheckedRows::People(Vec::new()),
        ImportKind::Enrolments => CheckedRows::Enrolments(Vec::new()),
        ImportKind::Careers => CheckedRows::Careers(Vec::new()),
    };
    for (done, (row, values)) in table.rows.iter().enumerate() {
        let cells = table.cells(values);
        let row = *row;
        match &mut out {
            CheckedRows::Schools(rows) => {
                rows.extend(school(row, &cells, known, &mut seen, &mut errors))
            }
            CheckedRows::People(rows) => {
                rows.extend(person(row, &cells, known, &mut seen, &mut errors))
            }
            CheckedRows::Enrolments(rows) => {
                rows.extend(enrolment(row, &cells, known, &mut seen, &mut errors))
            }
            CheckedRows::Careers(rows) => {
                rows.extend(career(row, &cells, known, &mut seen, &mut errors))
            }
        }
        if every > 0 && (done + 1) % every == 0 {
            progress(done + 1);
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Flags a second row with the same natural key.
fn first_time(
    row: usize,
    column: &str,
    key: String,
    seen: &mut HashSet<String>,
    errors: &mut Vec<RowError>,
) -> bool {
    if seen.insert(key) {
        true
    } else {
        errors.push(RowError::new(row, column, "import-error-duplicate"));
        false
    }
}

fn school(
    row: usize,
    cells: &Cells<'_>,
    known: &Known,
    seen: &mut HashSet<String>,
    errors: &mut Vec<RowError>,
) -> Option<SchoolRow> {
    let before = errors.len();
    let details = organisation::check_school(&SchoolInput {
        school_number: cells.get("school_number"),
        name_en: cells.get("name_en"),
        name_cy: cells.get("name_cy"),
        sector: cells.get("sector"),
        language_medium: cells.get("language_medium"),
        support_category: cells.get("support_category"),
    })
    .map_err(|e| errors.extend(e.into_iter().map(|e| RowError::from_field(row, e))))
    .ok();
    let authority = cells.get("local_authority").to_ascii_lowercase();
    let authority_id = if authority.is_empty() {
        errors.push(RowError::new(
            row,
            "local_authority",
            "admin-error-required",
        ));
        None
    } else {
        let id = known.authorities.get(&authority).cloned();
        if id.is_none() {
            errors.push(RowError::new(
                row,
                "local_authority",
                "import-error-authority-unknown",
            ));
        }
        id
    };
    let details = details?;
    let unique = first_time(
        row,
        "school_number",
        details.school_number.clone(),
        seen,
        errors,
    );
    match authority_id {
        Some(local_authority_id) if unique && errors.len() == before => Some(SchoolRow {
            row,
            local_authority_id,
            details,
        }),
        _ => None,
    }
}

fn school_id(
    row: usize,
    cells: &Cells<'_>,
    known: &Known,
    errors: &mut Vec<RowError>,
) -> Option<Option<String>> {
    let number = cells.get("school_number");
    if number.is_empty() {
        return Some(None);
    }
    match known.schools.get(number) {
        Some(id) => Some(Some(id.clone())),
        None => {
            errors.push(RowError::new(
                row,
                "school_number",
                "import-error-school-unknown",
            ));
            None
        }
    }
}

fn person(
    row: usize,
    cells: &Cells<'_>,
    known: &Known,
    seen: &mut HashSet<String>,
    errors: &mut Vec<RowError>,
) -> Option<PersonRow> {
    let before = errors.len();
    let email = EmailAddress::parse("email", cells.get("email"))
        .map_err(|e| errors.push(RowError::from_field(row, e)))
        .ok();
    let name = PersonName::parse("name", cells.get("name"))
        .map_err(|e| errors.push(RowError::from_field(row, e)))
        .ok();
    let language = match cells.get("preferred_language") {
        "" => Some(None),
        value => match Language::parse(&value.to_ascii_lowercase()) {
            Some(language) => Some(Some(language)),
            None => {
                errors.push(RowError::new(
                    row,
                    "preferred_language",
                    "error-language-invalid",
                ));
                None
            }
        },
    };
    let school_id = school_id(row, cells, known, errors);
    let stage = match cells.get("stage") {
        "" => Some(None),
        code => {
            let code = code.to_ascii_lowercase();
            if known.stages.contains(&code) {
                Some(Some(code))
            } else {
                errors.push(RowError::new(row, "stage", "import-error-stage-unknown"));
                None
            }
        }
    };
    let job_title = optional_text(row, "job_title", cells.get("job_title"), errors);
    let email = email?.into_inner();
    if !first_time(row, "email", email.clone(), seen, errors) || errors.len() != before {
        return None;
    }
    Some(PersonRow {
        row,
        email,
        name: name?.into_inner(),
        preferred_language: language?,
        school_id: school_id?,
        stage_code: stage?,
        job_title,
    })
}

fn known_person(
    row: usize,
    cells: &Cells<'_>,
    known: &Known,
    errors: &mut Vec<RowError>,
) -> Option<String> {
    let email = EmailAddress::parse("email", cells.get("email"))
        .map_err(|e| errors.push(RowError::from_field(row, e)))
        .ok()?;
    let id = known.people.get(email.as_str()).cloned();
    if id.is_none() {
        errors.push(RowError::new(row, "email", "import-error-person-unknown"));
    }
    id
}

fn enrolment(
    row: usize,
    cells: &Cells<'_>,
    known: &Known,
    seen: &mut HashSet<String>,
    errors: &mut Vec<RowError>,
) -> Option<EnrolmentRow> {
    let before = errors.len();
    let person_id = known_person(row, cells, known, errors);
    let programme = cells.get("programme").to_ascii_lowercase();
    let cohort_name = cells.get("cohort");
    let cohort = if programme.is_empty() {
        errors.push(RowError::new(row, "programme", "admin-error-required"));
        None
    } else if cohort_name.is_empty() {
        errors.push(RowError::new(row, "cohort", "admin-error-required"));
        None
    } else {
        let found = known
            .cohorts
            .get(&(programme.clone(), cohort_name.to_owned()))
            .cloned();
        if found.is_none() {
            errors.push(RowError::new(row, "cohort", "import-error-cohort-unknown"));
        }
        found
    };
    let wanted = cells.get("status").to_ascii_lowercase().replace('-', "_");
    let status = IMPORTABLE_STATUSES.iter().find(|s| **s == wanted).copied();
    if status.is_none() {
        errors.push(RowError::new(row, "status", "import-error-status"));
    }
    let applied_on = match cells.get("applied_on") {
        "" => Some(None),
        value => date(row, "applied_on", value, errors).map(Some),
    };
    let (person_id, (cohort_id, programme_id)) = (person_id?, cohort?);
    // A finished application already there (a completed one is live too) may be imported again
    // or corrected; one still running is the lead's to change.
    let existing = known
        .enrolments
        .get(&(person_id.clone(), cohort_id.clone()));
    let finished = |status: &str| IMPORTABLE_STATUSES.contains(&status);
    if existing.is_some_and(|(status, live)| *live && !finished(status)) {
        errors.push(RowError::new(row, "status", "import-error-enrolment-live"));
    } else if existing.is_some_and(|(status, _)| !finished(status)) {
        // Declined or deferred: a decision taken in Llwybr, which a file does not overturn.
        errors.push(RowError::new(
            row,
            "status",
            "import-error-enrolment-decided",
        ));
    } else if status.is_some_and(|s| EnrolmentStatus::parse(s).is_some_and(|s| s.is_active())) {
        // The one live application to the programme may be this row's own.
        let live_elsewhere = existing.is_none_or(|(_, live)| !live)
            && known
                .live_in_programme
                .contains(&(person_id.clone(), programme_id.clone()));
        if live_elsewhere || !seen.insert(format!("live\u{1f}{person_id}\u{1f}{programme_id}")) {
            errors.push(RowError::new(
                row,
                "status",
                "import-error-enrolment-programme-live",
            ));
        }
    }
    let key = format!("{person_id}\u{1f}{cohort_id}");
    if !first_time(row, "email", key, seen, errors) || errors.len() != before {
        return None;
    }
    Some(EnrolmentRow {
        row,
        person_id,
        cohort_id,
        programme_id,
        status: status?,
        applied_on: applied_on?,
    })
}

fn career(
    row: usize,
    cells: &Cells<'_>,
    known: &Known,
    seen: &mut HashSet<String>,
    errors: &mut Vec<RowError>,
) -> Option<CareerRow> {
    let before = errors.len();
    let person_id = known_person(row, cells, known, errors);
    let wanted = cells.get("role").to_ascii_lowercase().replace('-', "_");
    let role = CAREER_ROLES.iter().find(|r| **r == wanted).copied();
    if role.is_none() {
        errors.push(RowError::new(row, "role", "import-error-career-role"));
    }
    let started_on = match cells.get("started_on") {
        "" => {
            errors.push(RowError::new(row, "started_on", "admin-error-required"));
            None
        }
        value => date(row, "started_on", value, errors),
    };
    let ended_on = match cells.get("ended_on") {
        "" => Some(None),
        value => date(row, "ended_on", value, errors).map(Some),
    };
    if let (Some(start), Some(Some(end))) = (started_on, ended_on)
        && end < start
    {
        errors.push(RowError::new(
            row,
            "ended_on",
            "import-error-ends-before-start",
        ));
    }
    let school_id = school_id(row, cells, known, errors);
    let organisation = optional_text(row, "organisation", cells.get("organisation"), errors);
    let (person_id, role, started_on) = (person_id?, role?, started_on?);
    let key = format!("{person_id}\u{1f}{role}\u{1f}{started_on}");
    if !first_time(row, "started_on", key, seen, errors) || errors.len() != before {
        return None;
    }
    Some(CareerRow {
        row,
        person_id,
        role,
        started_on,
        ended_on: ended_on?,
        school_id: school_id?,
        organisation,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Known {
        let mut known = Known::default();
        known.authorities.insert("cardiff".into(), "la-1".into());
        known.schools.insert("6812345".into(), "school-1".into());
        known.stages.insert("future_middle_leader".into());
        known
            .people
            .insert("ceri@ysgol.cymru".into(), "person-1".into());
        known.cohorts.insert(
            ("mldp".into(), "Cohort 1".into()),
            ("cohort-1".into(), "programme-1".into()),
        );
        known
    }

    fn errors_of(kind: ImportKind, text: &str) -> Vec<(usize, String, String)> {
        let result = read_table(kind, text).and_then(|t| check(kind, &t, &known(), 0, |_| {}));
        match result {
            Ok(_) => Vec::new(),
            Err(errors) => errors
                .into_iter()
                .map(|e| (e.row, e.column, e.key))
                .collect(),
        }
    }

    fn e(row: usize, column: &str, key: &str) -> (usize, String, String) {
        (row, column.into(), key.into())
    }

    #[test]
    fn every_template_is_a_good_file_once_its_references_exist() {
        let mut known = known();
        known.schools.insert("6812399".into(), "school-2".into());
        known
            .people
            .insert("ceri.jones@example.cymru".into(), "person-2".into());
        known.cohorts.insert(
            ("mldp".into(), "Cohort 1 / Carfan 1".into()),
            ("cohort-2".into(), "programme-1".into()),
        );
        for kind in ImportKind::ALL {
            let table = read_table(kind, kind.template()).expect("template reads");
            let rows = check(kind, &table, &known, 0, |_| {}).expect("template checks");
            assert_eq!(rows.len(), 1, "{kind:?}");
        }
    }

    #[test]
    fn every_bad_cell_is_named_by_row_and_column() {
        let text = "email,name,preferred_language,school_number,stage\n\
                    ceri@ysgol.cymru,Ceri,cy,6812345,future_middle_leader\n\
                    not-an-email,,fr,6899999,wizard\n\
                    CERI@ysgol.cymru,Ceri again,,,\n";
        assert_eq!(
            errors_of(ImportKind::People, text),
            [
                e(3, "email", "error-email-invalid"),
                e(3, "name", "error-name-missing"),
                e(3, "preferred_language", "error-language-invalid"),
                e(3, "school_number", "import-error-school-unknown"),
                e(3, "stage", "import-error-stage-unknown"),
                e(4, "email", "import-error-duplicate"),
            ]
        );
    }

    #[test]
    fn the_header_is_checked_before_the_rows() {
        assert_eq!(
            errors_of(ImportKind::Schools, "school_number,name_en,colour\n1,2,3\n"),
            [
                e(1, "colour", "import-error-column-unknown"),
                e(1, "local_authority", "import-error-column-missing"),
                e(1, "name_cy", "import-error-column-missing"),
                e(1, "sector", "import-error-column-missing"),
                e(1, "language_medium", "import-error-column-missing"),
            ]
        );
        assert_eq!(
            errors_of(ImportKind::Schools, ""),
            [e(1, "", "import-error-empty")]
        );
    }

    #[test]
    fn a_short_row_and_a_bom_are_handled() {
        let text = "\u{feff}email,role,started_on\nceri@ysgol.cymru,teacher\n";
        assert_eq!(
            errors_of(ImportKind::Careers, text),
            [e(2, "", "import-error-row-width")]
        );
    }

    #[test]
    fn rows_are_named_as_a_spreadsheet_numbers_them() {
        let header = "email,name,preferred_language,school_number,stage";
        let good = "ceri@ysgol.cymru,Ceri,cy,6812345,future_middle_leader";
        let bad = "not-an-email,Dewi,cy,,";
        for end in ["\n", "\r\n"] {
            // A blank line is an empty row.
            let text = [header, good, "", bad, ""].join(end);
            assert_eq!(
                errors_of(ImportKind::People, &text),
                [e(4, "email", "error-email-invalid")],
                "{end:?}"
            );
            let text = [header, good, bad, ""].join(end);
            assert_eq!(
                errors_of(ImportKind::People, &text),
                [e(3, "email", "error-email-invalid")],
                "{end:?}"
            );
            // A line break inside a cell is still one row.
            let quoted = "dewi@ysgol.cymru,\"Dewi\nJones\",cy,,";
            let text = [header, quoted, bad, ""].join(end);
            assert_eq!(
                errors_of(ImportKind::People, &text),
                [e(3, "email", "error-email-invalid")],
                "{end:?}"
            );
            // So is a blank line above the header.
            let text = ["", header, bad, ""].join(end);
            assert_eq!(
                errors_of(ImportKind::People, &text),
                [e(3, "email", "error-email-invalid")],
                "{end:?}"
            );
        }
    }

    #[test]
    fn an_application_declined_in_llwybr_is_not_overturned_by_a_file() {
        let mut known = known();
        known.enrolments.insert(
            ("person-1".into(), "cohort-1".into()),
            ("declined".into(), false),
        );
        let text = "email,programme,cohort,status,applied_on\n\
                    ceri@ysgol.cymru,mldp,Cohort 1,completed,2025-09-01\n";
        let table = read_table(ImportKind::Enrolments, text).expect("reads");
        let errors = check(ImportKind::Enrolments, &table, &known, 0, |_| {})
            .err()
            .unwrap_or_default();
        assert_eq!(
            errors
                .into_iter()
                .map(|e| (e.row, e.column, e.key))
                .collect::<Vec<_>>(),
            [e(2, "status", "import-error-enrolment-decided")]
        );
    }

    #[test]
    fn historic_enrolments_need_a_known_cohort_and_a_finished_status() {
        let text = "email,programme,cohort,status,applied_on\n\
                    ceri@ysgol.cymru,mldp,Cohort 1,completed,2025-09-01\n\
                    ceri@ysgol.cymru,mldp,Cohort 9,confirmed,01/09/2025\n";
        assert_eq!(
            errors_of(ImportKind::Enrolments, text),
            [
                e(3, "cohort", "import-error-cohort-unknown"),
                e(3, "status", "import-error-status"),
                e(3, "applied_on", "import-error-date"),
            ]
        );
    }

    #[test]
    fn a_career_step_cannot_end_before_it_starts() {
        let text = "email,role,started_on,ended_on\n\
                    ceri@ysgol.cymru,headteacher,2024-09-01,2023-08-31\n\
                    nobody@ysgol.cymru,wizard,2024-09-01,\n";
        assert_eq!(
            errors_of(ImportKind::Careers, text),
            [
                e(2, "ended_on", "import-error-ends-before-start"),
                e(3, "email", "import-error-person-unknown"),
                e(3, "role", "import-error-career-role"),
            ]
        );
    }

    #[test]
    fn progress_is_reported_as_rows_are_checked() {
        let mut text = String::from("email,name\n");
        for i in 0..25 {
            text.push_str(&format!("p{i}@ysgol.cymru,Person {i}\n"));
        }
        let table = read_table(ImportKind::People, &text).expect("reads");
        let mut seen = Vec::new();
        let rows = check(ImportKind::People, &table, &known(), 10, |n| seen.push(n)).expect("ok");
        assert_eq!(rows.len(), 25);
        assert_eq!(seen, [10, 20]);
    }
}
