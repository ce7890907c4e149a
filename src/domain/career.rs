//! Career roles, ordered so that a promotion (a move to a higher role) is defined.

/// The roles of a career history, lowest first. `Other` has no place in the order.
pub const CAREER_ROLES: [&str; 9] = [
    "teacher",
    "tlr_holder",
    "middle_leader",
    "assistant_head",
    "deputy_head",
    "acting_head",
    "headteacher",
    "executive_head",
    "other",
];

/// The role's rank in the order, or `None` for `other` and anything unknown.
pub fn rank(role: &str) -> Option<usize> {
    CAREER_ROLES
        .iter()
        .position(|r| *r == role)
        .filter(|_| role != "other")
}

/// A move from `from` to `to` is a promotion when both are ranked and `to` is higher.
pub fn is_promotion(from: &str, to: &str) -> bool {
    matches!((rank(from), rank(to)), (Some(a), Some(b)) if b > a)
}

/// One dated step of a career.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CareerStep {
    pub role: String,
    pub started_on: chrono::NaiveDate,
    pub ended_on: Option<chrono::NaiveDate>,
}

impl CareerStep {
    pub fn is_current(&self, today: chrono::NaiveDate) -> bool {
        self.started_on <= today && self.ended_on.is_none_or(|end| end >= today)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moving_up_the_order_is_a_promotion() {
        assert!(is_promotion("teacher", "middle_leader"));
        assert!(is_promotion("deputy_head", "acting_head"));
        assert!(is_promotion("acting_head", "headteacher"));
        assert!(!is_promotion("headteacher", "deputy_head"));
        assert!(!is_promotion("teacher", "teacher"));
        assert!(!is_promotion("teacher", "other"));
        assert!(!is_promotion("other", "headteacher"));
    }

    #[test]
    fn a_step_is_current_between_its_dates() {
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default();
        let step = CareerStep {
            role: "headteacher".into(),
            started_on: d("2025-09-01"),
            ended_on: None,
        };
        assert!(step.is_current(d("2026-11-23")));
        assert!(!step.is_current(d("2025-08-31")));
        let ended = CareerStep {
            ended_on: Some(d("2026-08-31")),
            ..step
        };
        assert!(!ended.is_current(d("2026-09-01")));
        assert!(ended.is_current(d("2026-08-31")));
    }
}
