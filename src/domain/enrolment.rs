//! The application lifecycle as an explicit state machine:
//!
//! ```text
//! apply ──► awaiting_endorsement ──endorse──► (seat?) ──► confirmed
//!   │              │                              └────► waitlisted ──promote──► confirmed
//!   │              └──decline──► declined
//!   └──(no endorsement needed)──► (seat?) ──► confirmed | waitlisted
//! awaiting_endorsement | confirmed | waitlisted ──withdraw──► withdrawn
//! awaiting_endorsement | confirmed | waitlisted ──defer────► deferred (a new application follows in a later cohort)
//! confirmed | waitlisted ──move──► the same status in another cohort of the programme
//! confirmed ──complete──► completed   confirmed ──not complete──► not_completed
//! ```
//!
//! Pure: the database layer asks `next` before it writes, and a refusal changes nothing.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EnrolmentStatus {
    AwaitingEndorsement,
    Declined,
    Confirmed,
    Waitlisted,
    Withdrawn,
    Deferred,
    Completed,
    NotCompleted,
}

impl EnrolmentStatus {
    pub const ALL: [EnrolmentStatus; 8] = [
        EnrolmentStatus::AwaitingEndorsement,
        EnrolmentStatus::Declined,
        EnrolmentStatus::Confirmed,
        EnrolmentStatus::Waitlisted,
        EnrolmentStatus::Withdrawn,
        EnrolmentStatus::Deferred,
        EnrolmentStatus::Completed,
        EnrolmentStatus::NotCompleted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EnrolmentStatus::AwaitingEndorsement => "awaiting_endorsement",
            EnrolmentStatus::Declined => "declined",
            EnrolmentStatus::Confirmed => "confirmed",
            EnrolmentStatus::Waitlisted => "waitlisted",
            EnrolmentStatus::Withdrawn => "withdrawn",
            EnrolmentStatus::Deferred => "deferred",
            EnrolmentStatus::Completed => "completed",
            EnrolmentStatus::NotCompleted => "not_completed",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        EnrolmentStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == value)
    }

    /// The message key of the status's name, for pages.
    pub fn label_key(self) -> &'static str {
        match self {
            EnrolmentStatus::AwaitingEndorsement => "status-awaiting-endorsement",
            EnrolmentStatus::Declined => "status-declined",
            EnrolmentStatus::Confirmed => "status-confirmed",
            EnrolmentStatus::Waitlisted => "status-waitlisted",
            EnrolmentStatus::Withdrawn => "status-withdrawn",
            EnrolmentStatus::Deferred => "status-deferred",
            EnrolmentStatus::Completed => "status-completed",
            EnrolmentStatus::NotCompleted => "status-not-completed",
        }
    }

    /// The statuses of an application still under way: waiting for a decision, a seat or its
    /// cohort. Unlike `is_active`, a completed one is not.
    pub const UNDER_WAY: [EnrolmentStatus; 3] = [
        EnrolmentStatus::AwaitingEndorsement,
        EnrolmentStatus::Confirmed,
        EnrolmentStatus::Waitlisted,
    ];

    /// An active application blocks another one to the same programme. A completed programme
    /// also blocks re-applying; a declined, withdrawn, deferred or failed one does not.
    pub fn is_active(self) -> bool {
        matches!(
            self,
            EnrolmentStatus::AwaitingEndorsement
                | EnrolmentStatus::Confirmed
                | EnrolmentStatus::Waitlisted
                | EnrolmentStatus::Completed
        )
    }

    /// Holds a seat in its cohort.
    pub fn holds_seat(self) -> bool {
        matches!(
            self,
            EnrolmentStatus::Confirmed | EnrolmentStatus::Completed | EnrolmentStatus::NotCompleted
        )
    }
}

/// What can happen to an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnrolmentEvent {
    /// The headteacher endorses; a seat is then sought.
    Endorse {
        seat_available: bool,
    },
    Decline,
    /// A waitlisted person is given a freed seat.
    Promote,
    Withdraw,
    Defer,
    /// A lead moves the person to another cohort of the same programme.
    Move {
        seat_available: bool,
    },
    Complete,
    NotComplete,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("an application that is {} cannot be changed that way", from.as_str())]
pub struct IllegalTransition {
    pub from: EnrolmentStatus,
}

/// Where a new application starts.
pub fn on_apply(requires_endorsement: bool, seat_available: bool) -> EnrolmentStatus {
    match (requires_endorsement, seat_available) {
        (true, _) => EnrolmentStatus::AwaitingEndorsement,
        (false, true) => EnrolmentStatus::Confirmed,
        (false, false) => EnrolmentStatus::Waitlisted,
    }
}

fn seat_or_wait(seat_available: bool) -> EnrolmentStatus {
    if seat_available {
        EnrolmentStatus::Confirmed
    } else {
        EnrolmentStatus::Waitlisted
    }
}

/// The status after `event`, or why it cannot happen.
pub fn next(
    from: EnrolmentStatus,
    event: EnrolmentEvent,
) -> Result<EnrolmentStatus, IllegalTransition> {
    use EnrolmentEvent as E;
    use EnrolmentStatus as S;
    let to = match (from, event) {
        (S::AwaitingEndorsement, E::Endorse { seat_available }) => seat_or_wait(seat_available),
        (S::AwaitingEndorsement, E::Decline) => S::Declined,
        (S::Waitlisted, E::Promote) => S::Confirmed,
        (S::AwaitingEndorsement | S::Confirmed | S::Waitlisted, E::Withdraw) => S::Withdrawn,
        (S::AwaitingEndorsement | S::Confirmed | S::Waitlisted, E::Defer) => S::Deferred,
        (S::Confirmed | S::Waitlisted, E::Move { seat_available }) => seat_or_wait(seat_available),
        // A lead who recorded "not completed" in error, or before the last sessions were
        // counted, may complete them after all.
        (S::Confirmed | S::NotCompleted, E::Complete) => S::Completed,
        (S::Confirmed, E::NotComplete) => S::NotCompleted,
        _ => return Err(IllegalTransition { from }),
    };
    Ok(to)
}

#[cfg(test)]
mod tests {
    use super::EnrolmentEvent as E;
    use super::EnrolmentStatus as S;
    use super::*;

    #[test]
    fn statuses_round_trip_through_their_names() {
        for status in S::ALL {
            assert_eq!(S::parse(status.as_str()), Some(status));
        }
        assert_eq!(S::parse("applied"), None);
    }

    #[test]
    fn an_application_waits_for_endorsement_when_the_programme_needs_it() {
        assert_eq!(on_apply(true, true), S::AwaitingEndorsement);
        assert_eq!(on_apply(false, true), S::Confirmed);
        assert_eq!(on_apply(false, false), S::Waitlisted);
    }

    #[test]
    fn endorsement_leads_to_a_seat_or_the_waiting_list() {
        assert_eq!(
            next(
                S::AwaitingEndorsement,
                E::Endorse {
                    seat_available: true
                }
            ),
            Ok(S::Confirmed)
        );
        assert_eq!(
            next(
                S::AwaitingEndorsement,
                E::Endorse {
                    seat_available: false
                }
            ),
            Ok(S::Waitlisted)
        );
        assert_eq!(next(S::AwaitingEndorsement, E::Decline), Ok(S::Declined));
        assert_eq!(next(S::Waitlisted, E::Promote), Ok(S::Confirmed));
    }

    #[test]
    fn only_a_confirmed_participant_completes_or_not() {
        assert_eq!(next(S::Confirmed, E::Complete), Ok(S::Completed));
        assert_eq!(next(S::Confirmed, E::NotComplete), Ok(S::NotCompleted));
        for from in [
            S::AwaitingEndorsement,
            S::Waitlisted,
            S::Declined,
            S::Withdrawn,
        ] {
            assert_eq!(next(from, E::Complete), Err(IllegalTransition { from }));
        }
    }

    #[test]
    fn finished_applications_cannot_change() {
        let events = [
            E::Endorse {
                seat_available: true,
            },
            E::Decline,
            E::Promote,
            E::Withdraw,
            E::Defer,
            E::Move {
                seat_available: true,
            },
            E::Complete,
            E::NotComplete,
        ];
        for from in [
            S::Declined,
            S::Withdrawn,
            S::Deferred,
            S::Completed,
            S::NotCompleted,
        ] {
            for event in events {
                // The one way on: "not completed" recorded in error is put right.
                if (from, event) == (S::NotCompleted, E::Complete) {
                    assert_eq!(next(from, event), Ok(S::Completed));
                    continue;
                }
                assert!(
                    next(from, event).is_err(),
                    "{from:?} must not accept {event:?}"
                );
            }
        }
    }

    #[test]
    fn endorsing_twice_or_promoting_a_confirmed_person_is_illegal() {
        assert!(
            next(
                S::Confirmed,
                E::Endorse {
                    seat_available: true
                }
            )
            .is_err()
        );
        assert!(next(S::Confirmed, E::Promote).is_err());
        assert!(next(S::Waitlisted, E::Decline).is_err());
    }

    #[test]
    fn activity_and_seats_follow_the_status() {
        assert!(S::Waitlisted.is_active() && !S::Waitlisted.holds_seat());
        assert!(S::Confirmed.is_active() && S::Confirmed.holds_seat());
        assert!(!S::Withdrawn.is_active() && !S::Withdrawn.holds_seat());
        assert!(S::Completed.is_active());
    }
}
