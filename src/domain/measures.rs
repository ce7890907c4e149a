//! Outcome measures: "x% of the people who completed these programmes reached this outcome
//! within n months". The arithmetic of windows, cohort years and percentages, without I/O.
//!
//! The rules, as the consortium reports them:
//! - The event that starts the clock is the day a person completed one of the measure's
//!   programmes (the end date of the cohort they completed). The start event's kind only says
//!   what that completion means: for `qualification_award` (NPQH) the qualification is awarded
//!   on completion, so the two kinds are counted the same way.
//! - A person who completed more than once counts once, from their first completion; their
//!   cohort year is the academic year (September to August) of that first completion.
//! - The window closes `window_months` calendar months after the event; a day past the end of a
//!   shorter month clamps to its last day (31 August 2023 + 6 months = 29 February 2024). An
//!   outcome on the closing day counts.
//! - Until the window has closed (the closing day is over), the person is "in window": counted
//!   in neither the numerator nor the denominator, only reported beside them.

use std::collections::BTreeMap;

use chrono::{Months, NaiveDate};

use super::academic_year::academic_year;
use super::career::{CareerStep, rank};

/// What completing the measure's programmes means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartEvent {
    Completion,
    QualificationAward,
}

impl StartEvent {
    pub const ALL: [Self; 2] = [Self::Completion, Self::QualificationAward];

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == value.trim())
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Completion => "completion",
            Self::QualificationAward => "qualification_award",
        }
    }
}

/// The career outcome a measure looks for after the event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A new role that ranks higher than the one held on the event day.
    Promoted,
    /// A new role as headteacher, acting head or executive head.
    AppointedHead,
}

impl Outcome {
    pub const ALL: [Self; 2] = [Self::Promoted, Self::AppointedHead];

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == value.trim())
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Promoted => "promoted",
            Self::AppointedHead => "appointed_head",
        }
    }
}

/// Roles that count as an appointment to headship.
pub const HEAD_ROLES: [&str; 3] = ["acting_head", "headteacher", "executive_head"];

/// The lowest role of the order: the baseline for someone with no known role (see
/// [`baseline_rank`]).
const BASELINE_ROLE: &str = "teacher";

/// The last day of a window of `months` months that starts on `event`; `None` only for dates
/// beyond chrono's range.
pub fn window_closes_on(event: NaiveDate, months: u32) -> Option<NaiveDate> {
    event.checked_add_months(Months::new(months))
}

/// Where a person stands against a measure on the as-of date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Standing {
    Achieved,
    NotAchieved,
    InWindow,
}

impl Standing {
    pub const ALL: [Self; 3] = [Self::Achieved, Self::NotAchieved, Self::InWindow];

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value.trim())
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Achieved => "achieved",
            Self::NotAchieved => "not_achieved",
            Self::InWindow => "in_window",
        }
    }
}

/// The rank of the role a person held on the event day: the highest-ranked entry current that
/// day; failing that, the most recent ranked entry that started before it (their last known
/// role); failing that, the lowest role (`teacher`), since everyone on a leadership programme is
/// at least a teacher. Entries as `other` have no rank and are ignored.
pub fn baseline_rank(career: &[CareerStep], event: NaiveDate) -> usize {
    let ranked = || {
        career
            .iter()
            .filter_map(|step| rank(&step.role).map(|r| (step, r)))
    };
    ranked()
        .filter(|(step, _)| step.is_current(event))
        .map(|(_, r)| r)
        .max()
        .or_else(|| {
            ranked()
                .filter(|(step, _)| step.started_on <= event)
                .max_by_key(|(step, r)| (step.started_on, *r))
                .map(|(_, r)| r)
        })
        .or_else(|| rank(BASELINE_ROLE))
        .unwrap_or_default()
}

/// One person's result against a measure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub event_on: NaiveDate,
    pub cohort_year: i32,
    pub window_closes_on: NaiveDate,
    pub standing: Standing,
    /// The start of the first career step that met the outcome, when one did.
    pub outcome_on: Option<NaiveDate>,
}

/// Assesses one person, whose first event was `event` and whose career is `career`, on `as_of`.
/// `None` when the event comes after `as_of` or the window's end is beyond the calendar.
pub fn assess(
    outcome: Outcome,
    window_months: u32,
    event: NaiveDate,
    career: &[CareerStep],
    as_of: NaiveDate,
) -> Option<Assessment> {
    // Looking back from a day in the past, what came after it had not happened yet.
    if event > as_of {
        return None;
    }
    let closes = window_closes_on(event, window_months)?;
    let baseline = baseline_rank(career, event);
    let outcome_on = career
        .iter()
        .filter(|step| step.started_on > event && step.started_on <= closes.min(as_of))
        .filter(|step| match outcome {
            Outcome::Promoted => rank(&step.role).is_some_and(|r| r > baseline),
            Outcome::AppointedHead => HEAD_ROLES.contains(&step.role.as_str()),
        })
        .map(|step| step.started_on)
        .min();
    let standing = if closes >= as_of {
        Standing::InWindow
    } else if outcome_on.is_some() {
        Standing::Achieved
    } else {
        Standing::NotAchieved
    };
    Some(Assessment {
        event_on: event,
        cohort_year: academic_year(event),
        window_closes_on: closes,
        standing,
        outcome_on,
    })
}

/// Each person's first event, from every (person, completion day) pair.
pub fn first_events<'a>(
    completions: impl IntoIterator<Item = (&'a str, NaiveDate)>,
) -> BTreeMap<&'a str, NaiveDate> {
    let mut first: BTreeMap<&str, NaiveDate> = BTreeMap::new();
    for (person, day) in completions {
        first
            .entry(person)
            .and_modify(|d| *d = (*d).min(day))
            .or_insert(day);
    }
    first
}

/// One cohort year's figures.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct YearTally {
    pub achieved: i64,
    pub not_achieved: i64,
    pub in_window: i64,
}

impl YearTally {
    pub fn add(&mut self, standing: Standing) {
        match standing {
            Standing::Achieved => self.achieved += 1,
            Standing::NotAchieved => self.not_achieved += 1,
            Standing::InWindow => self.in_window += 1,
        }
    }

    pub fn numerator(&self) -> i64 {
        self.achieved
    }

    /// People whose window has closed.
    pub fn denominator(&self) -> i64 {
        self.achieved + self.not_achieved
    }

    pub fn pct(&self) -> Option<f64> {
        percent(self.numerator(), self.denominator())
    }

    /// Whether the share reaches `target_pct`, on the exact share rather than the rounded one
    /// shown: 999 of 2,000 is 49.95%, shown as 50.0, and misses a 50% target.
    pub fn meets(&self, target_pct: i32) -> Option<bool> {
        let whole = self.denominator();
        (whole > 0).then(|| self.numerator() * 100 >= i64::from(target_pct) * whole)
    }
}

/// Tallies assessments by cohort year, earliest year first.
pub fn by_cohort_year<'a>(
    assessments: impl IntoIterator<Item = &'a Assessment>,
) -> BTreeMap<i32, YearTally> {
    let mut years: BTreeMap<i32, YearTally> = BTreeMap::new();
    for assessment in assessments {
        years
            .entry(assessment.cohort_year)
            .or_default()
            .add(assessment.standing);
    }
    years
}

/// `part` of `whole` as a percentage to one decimal; none when `whole` is 0.
pub fn percent(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_measure_meets_its_target_on_the_exact_share() {
        let tally = YearTally {
            achieved: 999,
            not_achieved: 1001,
            in_window: 0,
        };
        assert_eq!(tally.pct(), Some(50.0), "shown rounded");
        assert_eq!(tally.meets(50), Some(false));
        assert_eq!(YearTally::default().meets(50), None);
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    fn step(role: &str, from: &str, to: Option<&str>) -> CareerStep {
        CareerStep {
            role: role.into(),
            started_on: d(from),
            ended_on: to.map(d),
        }
    }

    const LATER: &str = "2030-01-01";

    #[test]
    fn windows_clamp_to_the_end_of_shorter_months() {
        assert_eq!(window_closes_on(d("2023-08-31"), 6), Some(d("2024-02-29")));
        assert_eq!(window_closes_on(d("2022-08-31"), 6), Some(d("2023-02-28")));
        assert_eq!(window_closes_on(d("2021-07-15"), 36), Some(d("2024-07-15")));
        // A leap day three years on lands on the 28th of a common year.
        assert_eq!(window_closes_on(d("2024-02-29"), 36), Some(d("2027-02-28")));
        assert_eq!(window_closes_on(d("2024-02-29"), 48), Some(d("2028-02-29")));
        assert_eq!(window_closes_on(d("2023-01-31"), 1), Some(d("2023-02-28")));
    }

    #[test]
    fn a_promotion_on_the_closing_day_counts_and_a_day_later_does_not() {
        let event = d("2021-07-15");
        let on_the_day = [
            step("teacher", "2015-09-01", Some("2024-07-14")),
            step("middle_leader", "2024-07-15", None),
        ];
        let a = assess(Outcome::Promoted, 36, event, &on_the_day, d(LATER)).expect("in range");
        assert_eq!(a.standing, Standing::Achieved);
        assert_eq!(a.outcome_on, Some(d("2024-07-15")));
        let day_late = [
            step("teacher", "2015-09-01", Some("2024-07-15")),
            step("middle_leader", "2024-07-16", None),
        ];
        let a = assess(Outcome::Promoted, 36, event, &day_late, d(LATER)).expect("in range");
        assert_eq!(a.standing, Standing::NotAchieved);
        assert_eq!(a.outcome_on, None);
    }

    #[test]
    fn looking_back_leaves_out_what_had_not_happened_yet() {
        let event = d("2021-07-15");
        let career = [
            step("teacher", "2015-09-01", Some("2022-08-31")),
            step("middle_leader", "2022-09-01", None),
        ];
        assert_eq!(
            assess(Outcome::Promoted, 36, event, &career, d("2021-07-14")),
            None,
            "not completed yet on the day looked at"
        );
        let before_the_promotion =
            assess(Outcome::Promoted, 36, event, &career, d("2022-06-30")).expect("in range");
        assert_eq!(before_the_promotion.standing, Standing::InWindow);
        assert_eq!(before_the_promotion.outcome_on, None);
        let after =
            assess(Outcome::Promoted, 36, event, &career, d("2022-09-01")).expect("in range");
        assert_eq!(after.standing, Standing::InWindow);
        assert_eq!(after.outcome_on, Some(d("2022-09-01")));
    }

    #[test]
    fn the_boundary_holds_at_the_end_of_february_in_a_leap_year() {
        // 31 August 2023 + 6 months closes on 29 February 2024.
        let event = d("2023-08-31");
        let career = [
            step("teacher", "2010-09-01", None),
            step("tlr_holder", "2024-02-29", None),
        ];
        let a = assess(Outcome::Promoted, 6, event, &career, d(LATER)).expect("in range");
        assert_eq!(a.window_closes_on, d("2024-02-29"));
        assert_eq!(a.standing, Standing::Achieved);
        let late = [
            step("teacher", "2010-09-01", None),
            step("tlr_holder", "2024-03-01", None),
        ];
        let a = assess(Outcome::Promoted, 6, event, &late, d(LATER)).expect("in range");
        assert_eq!(a.standing, Standing::NotAchieved);
    }

    #[test]
    fn people_whose_window_is_open_are_in_window_whatever_happened() {
        let event = d("2024-07-10");
        let promoted = [
            step("teacher", "2010-09-01", Some("2025-08-31")),
            step("middle_leader", "2025-09-01", None),
        ];
        let a = assess(Outcome::Promoted, 36, event, &promoted, d("2026-12-01")).expect("ok");
        assert_eq!(a.standing, Standing::InWindow);
        assert_eq!(a.outcome_on, Some(d("2025-09-01")));
        // On the closing day itself the window is still open; the day after, it has closed.
        let a = assess(Outcome::Promoted, 36, event, &[], d("2027-07-10")).expect("ok");
        assert_eq!(a.standing, Standing::InWindow);
        let a = assess(Outcome::Promoted, 36, event, &[], d("2027-07-11")).expect("ok");
        assert_eq!(a.standing, Standing::NotAchieved);
    }

    #[test]
    fn promotion_is_judged_against_the_role_held_on_the_event_day() {
        let event = d("2020-07-01");
        // Already a deputy: a move to assistant head is not a promotion, acting head is.
        let deputy = [
            step("deputy_head", "2018-09-01", Some("2021-08-31")),
            step("assistant_head", "2021-09-01", Some("2022-08-31")),
        ];
        let a = assess(Outcome::Promoted, 36, event, &deputy, d(LATER)).expect("ok");
        assert_eq!(a.standing, Standing::NotAchieved);
        let acting = [
            step("deputy_head", "2018-09-01", Some("2021-08-31")),
            step("acting_head", "2021-09-01", None),
        ];
        let a = assess(Outcome::Promoted, 36, event, &acting, d(LATER)).expect("ok");
        assert_eq!(a.standing, Standing::Achieved);
        // A promotion that started before the event does not count.
        let before = [step("middle_leader", "2020-06-01", None)];
        let a = assess(Outcome::Promoted, 36, event, &before, d(LATER)).expect("ok");
        assert_eq!(a.standing, Standing::NotAchieved);
        // `other` is not a promotion from anything.
        let other = [step("other", "2021-01-01", None)];
        let a = assess(Outcome::Promoted, 36, event, &other, d(LATER)).expect("ok");
        assert_eq!(a.standing, Standing::NotAchieved);
    }

    #[test]
    fn without_a_role_on_the_event_day_the_last_known_role_or_teacher_is_the_baseline() {
        let event = d("2020-07-01");
        // A gap on the event day: the last role before it (middle leader) is the baseline.
        let gap = [
            step("middle_leader", "2015-09-01", Some("2019-08-31")),
            step("middle_leader", "2021-01-01", None),
        ];
        assert_eq!(
            baseline_rank(&gap, event),
            rank("middle_leader").unwrap_or(99)
        );
        let a = assess(Outcome::Promoted, 36, event, &gap, d(LATER)).expect("ok");
        assert_eq!(a.standing, Standing::NotAchieved);
        // No history before the event: teacher, so any higher role is a promotion.
        let none_before = [step("tlr_holder", "2021-01-01", None)];
        assert_eq!(baseline_rank(&none_before, event), 0);
        let a = assess(Outcome::Promoted, 36, event, &none_before, d(LATER)).expect("ok");
        assert_eq!(a.standing, Standing::Achieved);
        let still_teacher = [step("teacher", "2021-01-01", None)];
        let a = assess(Outcome::Promoted, 36, event, &still_teacher, d(LATER)).expect("ok");
        assert_eq!(a.standing, Standing::NotAchieved);
    }

    #[test]
    fn headship_means_head_acting_head_or_executive_head() {
        let event = d("2019-07-01");
        for (role, counts) in [
            ("headteacher", true),
            ("acting_head", true),
            ("executive_head", true),
            ("deputy_head", false),
            ("other", false),
        ] {
            let career = [
                step("deputy_head", "2015-09-01", None),
                step(role, "2021-04-01", None),
            ];
            let a = assess(Outcome::AppointedHead, 36, event, &career, d(LATER)).expect("ok");
            assert_eq!(a.standing == Standing::Achieved, counts, "{role}");
        }
    }

    #[test]
    fn someone_who_completed_twice_counts_once_from_their_first_completion() {
        let firsts = first_events([
            ("ann", d("2022-07-01")),
            ("ben", d("2021-07-01")),
            ("ann", d("2019-07-01")),
        ]);
        assert_eq!(firsts.len(), 2);
        assert_eq!(firsts["ann"], d("2019-07-01"));
        // Promoted 3 years and 2 months after the first completion: too late, even though it
        // is within 3 years of the second.
        let career = [
            step("teacher", "2010-09-01", None),
            step("middle_leader", "2022-09-01", None),
        ];
        let a = assess(Outcome::Promoted, 36, firsts["ann"], &career, d(LATER)).expect("ok");
        assert_eq!(a.cohort_year, 2018);
        assert_eq!(a.standing, Standing::NotAchieved);
    }

    #[test]
    fn cohort_years_are_academic_years_of_the_first_event() {
        let assessed = |event: &str| {
            assess(Outcome::Promoted, 36, d(event), &[], d(LATER))
                .expect("ok")
                .cohort_year
        };
        assert_eq!(assessed("2021-08-31"), 2020);
        assert_eq!(assessed("2021-09-01"), 2021);
        assert_eq!(assessed("2022-07-20"), 2021);
    }

    #[test]
    fn tallies_count_closed_windows_only_and_percentages_round_to_one_decimal() {
        let make = |year: i32, standing: Standing| Assessment {
            event_on: d("2020-07-01"),
            cohort_year: year,
            window_closes_on: d("2023-07-01"),
            standing,
            outcome_on: None,
        };
        let all = [
            make(2019, Standing::Achieved),
            make(2019, Standing::NotAchieved),
            make(2019, Standing::NotAchieved),
            make(2019, Standing::InWindow),
            make(2023, Standing::InWindow),
        ];
        let years = by_cohort_year(&all);
        let y2019 = years[&2019];
        assert_eq!(
            (y2019.numerator(), y2019.denominator(), y2019.in_window),
            (1, 3, 1)
        );
        assert_eq!(y2019.pct(), Some(33.3));
        assert_eq!(years[&2023].pct(), None);
        assert_eq!(percent(2, 3), Some(66.7));
        assert_eq!(percent(1, 8), Some(12.5));
        assert_eq!(percent(0, 0), None);
        assert_eq!(percent(3, 3), Some(100.0));
    }

    #[test]
    fn kinds_parse_from_their_names() {
        assert_eq!(
            StartEvent::parse("completion"),
            Some(StartEvent::Completion)
        );
        assert_eq!(
            StartEvent::parse("qualification_award"),
            Some(StartEvent::QualificationAward)
        );
        assert_eq!(
            Outcome::parse("appointed_head"),
            Some(Outcome::AppointedHead)
        );
        assert_eq!(Outcome::parse("retired"), None);
        assert_eq!(Standing::parse("in_window"), Some(Standing::InWindow));
    }
}
