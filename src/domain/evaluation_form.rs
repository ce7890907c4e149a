//! What makes an evaluation form well built: a lead or admin writes one, and every round that
//! uses it asks its questions in both languages. Checked as a whole so that whoever wrote it
//! sees every problem at once, each named like `questions[2].prompt_cy` (0-based, as the JSON
//! array is indexed).

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::FieldError;
use super::evaluation::QuestionKind;

pub const MAX_QUESTIONS: usize = 40;
pub const MIN_OPTIONS: usize = 2;
pub const MAX_OPTIONS: usize = 20;
pub const MAX_CODE_CHARS: usize = 40;
pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_PROMPT_CHARS: usize = 500;
pub const MAX_OPTION_CHARS: usize = 200;
/// The measure results report satisfaction from.
pub const OVERALL: &str = "overall";

/// One answer a single-choice question offers.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ChoiceDraft {
    /// What is stored when chosen; unique within the question.
    pub value: String,
    pub label_en: String,
    pub label_cy: String,
}

/// A question as written, before checking.
#[derive(Debug, Default, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct QuestionDraft {
    /// `likert`, `rating`, `single_choice`, `yes_no` or `free_text`.
    pub kind: String,
    pub prompt_en: String,
    pub prompt_cy: String,
    pub required: bool,
    /// Single choice only: 2 to 20 options.
    pub options: Vec<ChoiceDraft>,
    /// `overall` marks the satisfaction question (one at most, likert or rating).
    pub measure_key: Option<String>,
}

/// A new form as written, before checking.
#[derive(Debug, Default, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct FormDraft {
    /// Lowercase letters, digits and hyphens; unique.
    pub code: String,
    pub title_en: String,
    pub title_cy: String,
    /// 1 to 40 questions, asked in this order.
    pub questions: Vec<QuestionDraft>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidQuestion {
    pub kind: QuestionKind,
    pub prompt_en: String,
    pub prompt_cy: String,
    pub required: bool,
    pub options: Vec<ChoiceDraft>,
    pub measure_key: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidForm {
    pub code: String,
    pub title_en: String,
    pub title_cy: String,
    pub questions: Vec<ValidQuestion>,
}

fn valid_code(code: &str) -> bool {
    !code.is_empty()
        && code.chars().count() <= MAX_CODE_CHARS
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// A trimmed, non-empty text of at most `max` characters, or the problem with it.
fn text(errors: &mut Vec<FieldError>, field: String, value: &str, max: usize) -> Option<String> {
    let value = value.trim();
    if value.is_empty() {
        errors.push(FieldError::new(field, "error-evaluation-form-required"));
        None
    } else if value.chars().count() > max {
        errors.push(FieldError::new(field, "error-evaluation-form-too-long"));
        None
    } else {
        Some(value.to_owned())
    }
}

fn check_question(
    errors: &mut Vec<FieldError>,
    index: usize,
    draft: &QuestionDraft,
) -> Option<ValidQuestion> {
    let at = |name: &str| format!("questions[{index}].{name}");
    let before = errors.len();
    let kind = QuestionKind::parse(draft.kind.trim());
    if kind.is_none() {
        errors.push(FieldError::new(at("kind"), "error-evaluation-form-kind"));
    }
    let prompt_en = text(errors, at("prompt_en"), &draft.prompt_en, MAX_PROMPT_CHARS);
    let prompt_cy = text(errors, at("prompt_cy"), &draft.prompt_cy, MAX_PROMPT_CHARS);
    let mut options = Vec::new();
    if kind == Some(QuestionKind::SingleChoice) {
        if !(MIN_OPTIONS..=MAX_OPTIONS).contains(&draft.options.len()) {
            errors.push(FieldError::new(
                at("options"),
                "error-evaluation-form-option-count",
            ));
        }
        let mut seen = HashSet::new();
        for (n, option) in draft.options.iter().enumerate() {
            let field = |name: &str| format!("questions[{index}].options[{n}].{name}");
            let value = text(errors, field("value"), &option.value, MAX_OPTION_CHARS);
            if let Some(value) = &value
                && !seen.insert(value.clone())
            {
                errors.push(FieldError::new(
                    field("value"),
                    "error-evaluation-form-option-duplicate",
                ));
            }
            let label_en = text(
                errors,
                field("label_en"),
                &option.label_en,
                MAX_OPTION_CHARS,
            );
            let label_cy = text(
                errors,
                field("label_cy"),
                &option.label_cy,
                MAX_OPTION_CHARS,
            );
            if let (Some(value), Some(label_en), Some(label_cy)) = (value, label_en, label_cy) {
                options.push(ChoiceDraft {
                    value,
                    label_en,
                    label_cy,
                });
            }
        }
    } else if kind.is_some() && !draft.options.is_empty() {
        errors.push(FieldError::new(
            at("options"),
            "error-evaluation-form-options-not-allowed",
        ));
    }
    let measure_key = match draft.measure_key.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(OVERALL) => {
            if kind.is_some_and(|k| !k.is_scale()) {
                errors.push(FieldError::new(
                    at("measure_key"),
                    "error-evaluation-form-overall-kind",
                ));
            }
            Some(OVERALL.to_owned())
        }
        Some(_) => {
            errors.push(FieldError::new(
                at("measure_key"),
                "error-evaluation-form-measure-key",
            ));
            None
        }
    };
    if errors.len() > before {
        return None;
    }
    Some(ValidQuestion {
        kind: kind?,
        prompt_en: prompt_en?,
        prompt_cy: prompt_cy?,
        required: draft.required,
        options,
        measure_key,
    })
}

/// Checks a whole form; returns it trimmed and ready to store, or every problem.
pub fn validate_form(draft: &FormDraft) -> Result<ValidForm, Vec<FieldError>> {
    let mut errors = Vec::new();
    let code = draft.code.trim();
    if code.is_empty() {
        errors.push(FieldError::new("code", "error-evaluation-form-required"));
    } else if !valid_code(code) {
        errors.push(FieldError::new("code", "error-evaluation-form-code"));
    }
    let title_en = text(
        &mut errors,
        "title_en".into(),
        &draft.title_en,
        MAX_TITLE_CHARS,
    );
    let title_cy = text(
        &mut errors,
        "title_cy".into(),
        &draft.title_cy,
        MAX_TITLE_CHARS,
    );
    if !(1..=MAX_QUESTIONS).contains(&draft.questions.len()) {
        errors.push(FieldError::new(
            "questions",
            "error-evaluation-form-question-count",
        ));
    }
    let mut questions = Vec::new();
    let mut overall_seen = false;
    for (index, draft) in draft.questions.iter().enumerate() {
        let marks_overall = draft.measure_key.as_deref().map(str::trim) == Some(OVERALL);
        if marks_overall && std::mem::replace(&mut overall_seen, true) {
            errors.push(FieldError::new(
                format!("questions[{index}].measure_key"),
                "error-evaluation-form-overall-twice",
            ));
        }
        if let Some(question) = check_question(&mut errors, index, draft) {
            questions.push(question);
        }
    }
    match (title_en, title_cy, errors.is_empty()) {
        (Some(title_en), Some(title_cy), true) => Ok(ValidForm {
            code: code.to_owned(),
            title_en,
            title_cy,
            questions,
        }),
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn question(kind: &str) -> QuestionDraft {
        QuestionDraft {
            kind: kind.into(),
            prompt_en: "How was it?".into(),
            prompt_cy: "Sut oedd e?".into(),
            required: true,
            options: if kind == "single_choice" {
                vec![choice("a"), choice("b")]
            } else {
                vec![]
            },
            measure_key: None,
        }
    }

    fn choice(value: &str) -> ChoiceDraft {
        ChoiceDraft {
            value: value.into(),
            label_en: format!("Option {value}"),
            label_cy: format!("Dewis {value}"),
        }
    }

    fn form(questions: Vec<QuestionDraft>) -> FormDraft {
        FormDraft {
            code: "coaching-2026".into(),
            title_en: "Coaching".into(),
            title_cy: "Hyfforddi".into(),
            questions,
        }
    }

    fn fields(draft: &FormDraft) -> Vec<(String, &'static str)> {
        let mut all: Vec<_> = validate_form(draft)
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| (e.field.to_string(), e.message_key))
            .collect();
        all.sort();
        all
    }

    #[test]
    fn a_form_with_every_kind_is_accepted_and_trimmed() {
        let mut overall = question("likert");
        overall.measure_key = Some("overall".into());
        overall.prompt_en = "  Overall?  ".into();
        let valid = validate_form(&form(vec![
            overall,
            question("rating"),
            question("single_choice"),
            question("yes_no"),
            question("free_text"),
        ]))
        .expect("valid");
        assert_eq!(valid.questions.len(), 5);
        assert_eq!(valid.questions[0].prompt_en, "Overall?");
        assert_eq!(valid.questions[0].measure_key.as_deref(), Some("overall"));
        assert_eq!(valid.questions[2].options.len(), 2);
    }

    #[test]
    fn the_form_itself_needs_a_code_titles_and_questions() {
        let draft = FormDraft {
            code: "Bad Code!".into(),
            ..Default::default()
        };
        assert_eq!(
            fields(&draft),
            vec![
                ("code".into(), "error-evaluation-form-code"),
                ("questions".into(), "error-evaluation-form-question-count"),
                ("title_cy".into(), "error-evaluation-form-required"),
                ("title_en".into(), "error-evaluation-form-required"),
            ]
        );
        let too_many = form(vec![question("likert"); MAX_QUESTIONS + 1]);
        assert_eq!(
            fields(&too_many),
            vec![("questions".into(), "error-evaluation-form-question-count")]
        );
        assert!(validate_form(&form(vec![question("likert"); MAX_QUESTIONS])).is_ok());
    }

    #[test]
    fn every_question_problem_is_named_by_its_position() {
        let mut unknown = question("essay");
        unknown.prompt_cy = " ".into();
        let mut few = question("single_choice");
        few.options = vec![choice("a")];
        let mut clash = question("single_choice");
        clash.options = vec![choice("a"), choice("a"), ChoiceDraft::default()];
        let mut with_options = question("yes_no");
        with_options.options = vec![choice("a"), choice("b")];
        assert_eq!(
            fields(&form(vec![unknown, few, clash, with_options])),
            vec![
                ("questions[0].kind".into(), "error-evaluation-form-kind"),
                (
                    "questions[0].prompt_cy".into(),
                    "error-evaluation-form-required"
                ),
                (
                    "questions[1].options".into(),
                    "error-evaluation-form-option-count"
                ),
                (
                    "questions[2].options[1].value".into(),
                    "error-evaluation-form-option-duplicate"
                ),
                (
                    "questions[2].options[2].label_cy".into(),
                    "error-evaluation-form-required"
                ),
                (
                    "questions[2].options[2].label_en".into(),
                    "error-evaluation-form-required"
                ),
                (
                    "questions[2].options[2].value".into(),
                    "error-evaluation-form-required"
                ),
                (
                    "questions[3].options".into(),
                    "error-evaluation-form-options-not-allowed"
                ),
            ]
        );
    }

    #[test]
    fn single_choice_takes_at_most_twenty_options() {
        let mut many = question("single_choice");
        many.options = (0..=MAX_OPTIONS).map(|n| choice(&n.to_string())).collect();
        assert_eq!(
            fields(&form(vec![many])),
            vec![(
                "questions[0].options".into(),
                "error-evaluation-form-option-count"
            )]
        );
    }

    #[test]
    fn only_one_scale_question_may_be_the_overall_one() {
        let overall = |kind: &str, key: &str| QuestionDraft {
            measure_key: Some(key.into()),
            ..question(kind)
        };
        assert_eq!(
            fields(&form(vec![
                overall("likert", "overall"),
                overall("rating", "overall"),
                overall("free_text", "overall"),
                overall("rating", "happiness"),
            ])),
            vec![
                (
                    "questions[1].measure_key".into(),
                    "error-evaluation-form-overall-twice"
                ),
                (
                    "questions[2].measure_key".into(),
                    "error-evaluation-form-overall-kind"
                ),
                (
                    "questions[2].measure_key".into(),
                    "error-evaluation-form-overall-twice"
                ),
                (
                    "questions[3].measure_key".into(),
                    "error-evaluation-form-measure-key"
                ),
            ]
        );
        assert!(validate_form(&form(vec![overall("rating", "overall")])).is_ok());
    }
}
