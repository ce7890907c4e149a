//! Who may apply for a programme: its target stages and its further rules.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::FieldError;
use super::career::{CAREER_ROLES, CareerStep};
use super::role::Role;

/// The longest "appointed within" a programme may ask for: 50 years, a whole career.
pub const MAX_APPOINTED_WITHIN_MONTHS: u32 = 600;

/// Rules beyond the target stages, stored with the programme as JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct EligibilityRules {
    /// The applicant's stage must be at least this far along the continuum (e.g. NPQH from
    /// `future_senior_leader`).
    pub min_stage: Option<String>,
    /// The applicant must hold one of these roles, as a role in Llwybr (e.g. `headteacher`) or
    /// as their current career role (e.g. `acting_head`); empty means any.
    pub roles: Vec<String>,
    /// The applicant must have been appointed to one of `roles` within this many months (New to
    /// Headship: heads and acting heads appointed within the last two years).
    pub appointed_within_months: Option<u32>,
}

impl EligibilityRules {
    /// Whether checking these rules looks at the applicant's career history at all.
    pub fn needs_career(&self) -> bool {
        !self.roles.is_empty() || self.appointed_within_months.is_some()
    }

    /// What is wrong with the rules, each as an error on `field`: a stage not on the
    /// continuum (`known_stages`), a role that is neither Llwybr's nor a career role (no one
    /// would ever hold it, so no one could apply), or a period that is not a number of months.
    pub fn problems(&self, field: &'static str, known_stages: &[String]) -> Vec<FieldError> {
        let mut problems = Vec::new();
        if self
            .min_stage
            .as_ref()
            .is_some_and(|s| !known_stages.contains(s))
        {
            problems.push(FieldError::new(field, "error-stage-unknown"));
        }
        let known_role = |r: &str| Role::parse(r).is_some() || CAREER_ROLES.contains(&r);
        if self.roles.iter().any(|r| !known_role(r)) {
            problems.push(FieldError::new(field, "error-eligibility-role-unknown"));
        }
        if self
            .appointed_within_months
            .is_some_and(|m| !(1..=MAX_APPOINTED_WITHIN_MONTHS).contains(&m))
        {
            problems.push(FieldError::new(field, "error-eligibility-months-invalid"));
        }
        problems
    }

    /// Reads the stored JSON; a blank or unreadable value means no further rules.
    pub fn from_json(value: &str) -> Self {
        serde_json::from_str(value).unwrap_or_default()
    }
}

/// What the rules need to know about the applicant.
pub struct Applicant<'a> {
    pub stage_code: Option<&'a str>,
    pub stage_position: Option<i32>,
    pub roles: &'a [&'a str],
    pub career: &'a [CareerStep],
    pub today: NaiveDate,
}

/// Why someone may not apply: a message key in the i18n catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ineligible {
    StageNotSet,
    StageNotTargeted,
    StageTooEarly,
    RoleMissing,
    AppointmentNotRecent,
}

impl Ineligible {
    pub fn message_key(self) -> &'static str {
        match self {
            Ineligible::StageNotSet => "ineligible-stage-not-set",
            Ineligible::StageNotTargeted => "ineligible-stage-not-targeted",
            Ineligible::StageTooEarly => "ineligible-stage-too-early",
            Ineligible::RoleMissing => "ineligible-role-missing",
            Ineligible::AppointmentNotRecent => "ineligible-appointment-not-recent",
        }
    }
}

/// Checks an applicant against a programme. `target_stages` empty means open to every stage,
/// including people who have not set one; `min_stage_position` is the position of
/// `rules.min_stage`, looked up by the caller.
pub fn check(
    applicant: &Applicant<'_>,
    target_stages: &[String],
    rules: &EligibilityRules,
    min_stage_position: Option<i32>,
) -> Result<(), Ineligible> {
    if !target_stages.is_empty() {
        let stage = applicant.stage_code.ok_or(Ineligible::StageNotSet)?;
        if !target_stages.iter().any(|s| s == stage) {
            return Err(Ineligible::StageNotTargeted);
        }
    }
    if let Some(min) = min_stage_position {
        let position = applicant.stage_position.ok_or(Ineligible::StageNotSet)?;
        if position < min {
            return Err(Ineligible::StageTooEarly);
        }
    }
    let wanted = |role: &str| rules.roles.iter().any(|r| r == role);
    if !rules.roles.is_empty() {
        let granted = applicant.roles.iter().any(|r| wanted(r));
        let in_post = applicant
            .career
            .iter()
            .any(|step| step.is_current(applicant.today) && wanted(&step.role));
        if !granted && !in_post {
            return Err(Ineligible::RoleMissing);
        }
    }
    if let Some(months) = rules.appointed_within_months {
        let earliest = applicant
            .today
            .checked_sub_months(Months::new(months))
            .unwrap_or(NaiveDate::MIN);
        let recent = applicant.career.iter().any(|step| {
            (rules.roles.is_empty() || wanted(&step.role)) && step.started_on >= earliest
        });
        if !recent {
            return Err(Ineligible::AppointmentNotRecent);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_name_known_stages_roles_and_a_real_period() {
        let known = vec!["future_senior_leader".to_owned()];
        let good = EligibilityRules {
            min_stage: Some("future_senior_leader".into()),
            roles: vec!["headteacher".into(), "acting_head".into()],
            appointed_within_months: Some(24),
        };
        assert!(good.problems("eligibility", &known).is_empty());
        let bad = EligibilityRules {
            min_stage: Some("astronaut".into()),
            roles: vec!["headteacher".into(), "head teacher".into()],
            appointed_within_months: Some(0),
        };
        let keys: Vec<&str> = bad
            .problems("eligibility", &known)
            .iter()
            .map(|e| e.message_key)
            .collect();
        assert_eq!(
            keys,
            [
                "error-stage-unknown",
                "error-eligibility-role-unknown",
                "error-eligibility-months-invalid"
            ]
        );
        let too_long = EligibilityRules {
            appointed_within_months: Some(MAX_APPOINTED_WITHIN_MONTHS + 1),
            ..EligibilityRules::default()
        };
        assert_eq!(too_long.problems("eligibility", &known).len(), 1);
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_default()
    }

    fn applicant<'a>(stage: Option<(&'a str, i32)>, roles: &'a [&'a str]) -> Applicant<'a> {
        Applicant {
            stage_code: stage.map(|s| s.0),
            stage_position: stage.map(|s| s.1),
            roles,
            career: &[],
            today: day("2026-11-23"),
        }
    }

    #[test]
    fn no_target_stages_means_open_to_everyone() {
        let rules = EligibilityRules::default();
        assert_eq!(check(&applicant(None, &[]), &[], &rules, None), Ok(()));
    }

    #[test]
    fn target_stages_need_a_matching_stage() {
        let rules = EligibilityRules::default();
        let targets = vec!["future_middle_leader".to_owned()];
        assert_eq!(
            check(&applicant(None, &[]), &targets, &rules, None),
            Err(Ineligible::StageNotSet)
        );
        assert_eq!(
            check(&applicant(Some(("nqt", 2)), &[]), &targets, &rules, None),
            Err(Ineligible::StageNotTargeted)
        );
        assert_eq!(
            check(
                &applicant(Some(("future_middle_leader", 6)), &[]),
                &targets,
                &rules,
                None
            ),
            Ok(())
        );
    }

    #[test]
    fn npqh_is_only_from_future_senior_leader_up() {
        let rules = EligibilityRules {
            min_stage: Some("future_senior_leader".into()),
            ..Default::default()
        };
        assert_eq!(
            check(
                &applicant(Some(("future_middle_leader", 6)), &[]),
                &[],
                &rules,
                Some(7)
            ),
            Err(Ineligible::StageTooEarly)
        );
        assert_eq!(
            check(
                &applicant(Some(("future_senior_leader", 7)), &[]),
                &[],
                &rules,
                Some(7)
            ),
            Ok(())
        );
        assert_eq!(
            check(
                &applicant(Some(("future_headteacher", 9)), &[]),
                &[],
                &rules,
                Some(7)
            ),
            Ok(())
        );
    }

    #[test]
    fn a_role_rule_needs_one_of_the_roles() {
        let rules = EligibilityRules {
            roles: vec!["headteacher".into()],
            ..Default::default()
        };
        assert_eq!(
            check(&applicant(None, &["participant"]), &[], &rules, None),
            Err(Ineligible::RoleMissing)
        );
        assert_eq!(
            check(
                &applicant(None, &["participant", "headteacher"]),
                &[],
                &rules,
                None
            ),
            Ok(())
        );
    }

    #[test]
    fn new_to_headship_needs_a_headship_that_began_within_two_years() {
        let rules = EligibilityRules {
            roles: vec!["headteacher".into(), "acting_head".into()],
            appointed_within_months: Some(24),
            ..Default::default()
        };
        let step = |role: &str, from: &str| CareerStep {
            role: role.into(),
            started_on: day(from),
            ended_on: None,
        };
        let check_career = |career: &[CareerStep]| {
            let applicant = Applicant {
                career,
                ..applicant(None, &[])
            };
            check(&applicant, &[], &rules, None)
        };
        assert_eq!(check_career(&[step("acting_head", "2025-01-06")]), Ok(()));
        assert_eq!(
            check_career(&[step("headteacher", "2024-11-23")]),
            Ok(()),
            "exactly two years ago counts"
        );
        assert_eq!(
            check_career(&[step("headteacher", "2024-11-22")]),
            Err(Ineligible::AppointmentNotRecent)
        );
        assert_eq!(
            check_career(&[step("deputy_head", "2026-09-01")]),
            Err(Ineligible::RoleMissing)
        );
        let ended = CareerStep {
            ended_on: Some(day("2026-08-31")),
            ..step("acting_head", "2026-01-01")
        };
        assert_eq!(
            check_career(&[ended]),
            Err(Ineligible::RoleMissing),
            "no longer in post"
        );
    }

    #[test]
    fn stored_rules_are_read_forgivingly() {
        assert_eq!(EligibilityRules::from_json(""), EligibilityRules::default());
        assert_eq!(
            EligibilityRules::from_json(
                r#"{"min_stage":"future_senior_leader","appointed_within_months":24}"#
            )
            .min_stage,
            Some("future_senior_leader".to_owned())
        );
    }
}
