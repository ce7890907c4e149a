//! Attendance at a cohort's sessions and the programme's completion rule.
//!
//! The rule: a participant completes when they were present at no less than the programme's
//! `completion_min_attendance_pct` of the sessions held so far. Apologies are recorded, so that
//! a lead can tell a warned absence from a silent one, but they do not count as attendance.
//!
//! With no session held there is no evidence either way, so the rule counts as met only when
//! the programme asks for no attendance at all (0%). Otherwise completing someone needs an
//! override reason, which then stands in the record for the missing registers.

use serde::{Deserialize, Serialize};

/// What the register says about one participant at one session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AttendanceStatus {
    Present,
    Absent,
    /// Absent, having told the lead beforehand.
    Apologies,
}

impl AttendanceStatus {
    pub const ALL: [AttendanceStatus; 3] = [
        AttendanceStatus::Present,
        AttendanceStatus::Absent,
        AttendanceStatus::Apologies,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AttendanceStatus::Present => "present",
            AttendanceStatus::Absent => "absent",
            AttendanceStatus::Apologies => "apologies",
        }
    }

    /// Exactly the stored names: a register is written by programs, which should not guess.
    pub fn parse(value: &str) -> Option<Self> {
        AttendanceStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == value)
    }

    pub fn counts_as_attended(self) -> bool {
        self == AttendanceStatus::Present
    }
}

/// How often one participant was there: sessions held so far, and how many of them they
/// attended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttendanceTally {
    held: u32,
    attended: u32,
}

impl AttendanceTally {
    /// A participant cannot attend more sessions than were held; a larger count (a register
    /// for a session that has not started yet) is capped.
    pub fn new(held: u32, attended: u32) -> Self {
        Self {
            held,
            attended: attended.min(held),
        }
    }

    /// Counts the statuses of the sessions held; `None` is a session with no entry for them,
    /// which counts as missed.
    pub fn from_register<I>(held_sessions: I) -> Self
    where
        I: IntoIterator<Item = Option<AttendanceStatus>>,
    {
        let (held, attended) =
            held_sessions
                .into_iter()
                .fold((0u32, 0u32), |(held, attended), status| {
                    let was_there = status.is_some_and(AttendanceStatus::counts_as_attended);
                    (held + 1, attended + u32::from(was_there))
                });
        Self::new(held, attended)
    }

    pub fn held(self) -> u32 {
        self.held
    }

    pub fn attended(self) -> u32 {
        self.attended
    }

    /// Whole percent of the sessions held that were attended, rounded down (for display; the
    /// rule itself is decided in whole numbers by `meets`). `None` before any session is held.
    pub fn percentage(self) -> Option<u32> {
        (self.held > 0).then(|| {
            let pct = u64::from(self.attended) * 100 / u64::from(self.held);
            u32::try_from(pct).unwrap_or(100)
        })
    }

    /// Whether the attendance meets a rule of `min_pct` percent. Decided by cross-multiplying
    /// (`attended × 100 ≥ min_pct × held`), so that 4 of 5 meets 80% exactly and no rounding
    /// of a fraction can tip the answer. A rule outside 0..=100 is read as its nearest bound.
    pub fn meets(self, min_pct: i32) -> bool {
        let min_pct = u64::from(min_pct.clamp(0, 100).unsigned_abs());
        if self.held == 0 {
            return min_pct == 0;
        }
        u64::from(self.attended) * 100 >= min_pct * u64::from(self.held)
    }
}

#[cfg(test)]
mod tests {
    use super::AttendanceStatus as A;
    use super::*;

    #[test]
    fn statuses_round_trip_and_only_presence_counts() {
        for status in A::ALL {
            assert_eq!(A::parse(status.as_str()), Some(status));
        }
        assert_eq!(A::parse("Present"), None);
        assert_eq!(A::parse("late"), None);
        assert!(A::Present.counts_as_attended());
        assert!(!A::Absent.counts_as_attended());
        assert!(!A::Apologies.counts_as_attended());
    }

    #[test]
    fn exactly_the_required_share_meets_the_rule() {
        assert!(AttendanceTally::new(5, 4).meets(80));
        assert!(!AttendanceTally::new(5, 3).meets(80));
        assert!(AttendanceTally::new(10, 8).meets(80));
        assert!(!AttendanceTally::new(10, 7).meets(80));
    }

    #[test]
    fn thirds_are_judged_without_rounding() {
        // 2 of 3 is 66.66…%: it meets 66% but not 67%, whatever a float would round it to.
        assert!(AttendanceTally::new(3, 2).meets(66));
        assert!(!AttendanceTally::new(3, 2).meets(67));
        assert_eq!(AttendanceTally::new(3, 2).percentage(), Some(66));
        // 1 of 3 against 33⅓%: 100 ≥ 99, so a 33% rule is met.
        assert!(AttendanceTally::new(3, 1).meets(33));
        assert!(!AttendanceTally::new(3, 1).meets(34));
    }

    #[test]
    fn a_full_attendance_rule_needs_every_session() {
        assert!(AttendanceTally::new(6, 6).meets(100));
        assert!(!AttendanceTally::new(6, 5).meets(100));
    }

    #[test]
    fn no_session_held_meets_only_a_rule_that_asks_for_none() {
        let nothing_yet = AttendanceTally::new(0, 0);
        assert!(!nothing_yet.meets(80));
        assert!(!nothing_yet.meets(1));
        assert!(nothing_yet.meets(0));
        assert_eq!(nothing_yet.percentage(), None);
    }

    #[test]
    fn a_zero_rule_is_met_by_anyone_once_sessions_are_held() {
        assert!(AttendanceTally::new(4, 0).meets(0));
    }

    #[test]
    fn rules_out_of_range_are_read_as_their_bounds() {
        assert!(AttendanceTally::new(4, 0).meets(-10));
        assert!(!AttendanceTally::new(4, 3).meets(150));
        assert!(AttendanceTally::new(4, 4).meets(150));
    }

    #[test]
    fn attendance_beyond_the_sessions_held_is_capped() {
        let tally = AttendanceTally::new(2, 5);
        assert_eq!(tally.attended(), 2);
        assert_eq!(tally.percentage(), Some(100));
    }

    #[test]
    fn apologies_and_missing_entries_count_as_missed() {
        let tally = AttendanceTally::from_register([
            Some(A::Present),
            Some(A::Apologies),
            None,
            Some(A::Present),
            Some(A::Absent),
        ]);
        assert_eq!((tally.held(), tally.attended()), (5, 2));
        assert_eq!(tally.percentage(), Some(40));
        assert!(!tally.meets(80));
    }

    #[test]
    fn large_counts_do_not_overflow() {
        let tally = AttendanceTally::new(u32::MAX, u32::MAX - 1);
        assert!(tally.meets(99));
        assert_eq!(tally.percentage(), Some(99));
    }
}
