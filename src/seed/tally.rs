//! What the seed found already there and what it added, for the summary it prints.

use std::fmt;

/// Rows of one kind that the demo data describes: how many are there now, and how many of
/// those this run inserted.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Count {
    pub present: usize,
    pub new: usize,
}

impl Count {
    /// The id of the row found, or of a row that `insert` adds under a fresh id.
    pub fn ensure<E>(
        &mut self,
        found: Option<String>,
        insert: impl FnOnce(&str) -> Result<(), E>,
    ) -> Result<String, E> {
        let id = match found {
            Some(id) => id,
            None => {
                let id = uuid::Uuid::new_v4().to_string();
                insert(&id)?;
                self.new += 1;
                id
            }
        };
        self.present += 1;
        Ok(id)
    }

    /// Like `ensure`, for rows known by their key rather than an id.
    pub fn ensure_row<E>(
        &mut self,
        exists: bool,
        insert: impl FnOnce() -> Result<(), E>,
    ) -> Result<(), E> {
        if !exists {
            insert()?;
            self.new += 1;
        }
        self.present += 1;
        Ok(())
    }

    pub fn found(&mut self, rows: i64) {
        self.present += usize::try_from(rows).unwrap_or_default();
    }

    pub fn inserted(&mut self) {
        self.present += 1;
        self.new += 1;
    }
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tally {
    pub consortia: Count,
    pub local_authorities: Count,
    pub schools: Count,
    pub providers: Count,
    pub programmes: Count,
    pub target_stages: Count,
    pub cohorts: Count,
    pub sessions: Count,
    pub accounts: Count,
    pub participants: Count,
    pub enrolments: Count,
    pub career_entries: Count,
    /// Demo seats not filled because the cohort had no seat left or the participant already
    /// had a live application for the programme (someone used the demo in between).
    pub seats_left_empty: usize,
}

impl Tally {
    pub fn counts(&self) -> [(&'static str, Count); 12] {
        [
            ("consortia", self.consortia),
            ("local authorities", self.local_authorities),
            ("schools", self.schools),
            ("providers", self.providers),
            ("programmes", self.programmes),
            ("target stages", self.target_stages),
            ("cohorts", self.cohorts),
            ("sessions", self.sessions),
            ("accounts", self.accounts),
            ("participants", self.participants),
            ("enrolments", self.enrolments),
            ("career entries", self.career_entries),
        ]
    }
}

impl fmt::Display for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let counts = self
            .counts()
            .map(|(what, count)| format!("{what}: {} ({} new)", count.present, count.new));
        write!(f, "{}", counts.join("; "))?;
        if self.seats_left_empty > 0 {
            write!(f, "; demo seats left empty: {}", self.seats_left_empty)?;
        }
        Ok(())
    }
}
