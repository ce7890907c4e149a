//! Who may apply for a programme: its target stages and its further rules.

use serde::{Deserialize, Serialize};

/// Rules beyond the target stages, stored with the programme as JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct EligibilityRules {
    /// The applicant's stage must be at least this far along the continuum (e.g. NPQH from
    /// `future_senior_leader`).
    pub min_stage: Option<String>,
    /// The applicant must hold one of these roles (e.g. `headteacher`); empty means any.
    pub roles: Vec<String>,
}

impl EligibilityRules {
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
}

/// Why someone may not apply: a message key in the i18n catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ineligible {
    StageNotSet,
    StageNotTargeted,
    StageTooEarly,
    RoleMissing,
}

impl Ineligible {
    pub fn message_key(self) -> &'static str {
        match self {
            Ineligible::StageNotSet => "ineligible-stage-not-set",
            Ineligible::StageNotTargeted => "ineligible-stage-not-targeted",
            Ineligible::StageTooEarly => "ineligible-stage-too-early",
            Ineligible::RoleMissing => "ineligible-role-missing",
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
    if !rules.roles.is_empty()
        && !rules
            .roles
            .iter()
            .any(|r| applicant.roles.contains(&r.as_str()))
    {
        return Err(Ineligible::RoleMissing);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn applicant<'a>(stage: Option<(&'a str, i32)>, roles: &'a [&'a str]) -> Applicant<'a> {
        Applicant {
            stage_code: stage.map(|s| s.0),
            stage_position: stage.map(|s| s.1),
            roles,
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
            roles: vec![],
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
            min_stage: None,
            roles: vec!["headteacher".into()],
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
