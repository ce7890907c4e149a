//! Evaluations: what a question accepts, when a round takes answers, and the arithmetic the
//! consortium reports (distributions, means, satisfaction), bucketed by academic year.
//!
//! Satisfaction is the share of answers of 4 or 5 ("agree" or "strongly agree", "good" or
//! better) to the form's overall question, among everyone who answered it: the consortium's
//! target is 95%.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::FieldError;

/// The consortium's satisfaction target, in percent.
pub const SATISFACTION_TARGET_PCT: f64 = 95.0;

/// Answers an anonymous round needs before any figure or comment of it is shown: below that,
/// whoever knows who answered could read their answers.
pub const MIN_ANONYMOUS_RESPONSES: u32 = 3;

/// The longest free-text answer kept: a long paragraph, not a document.
pub const MAX_TEXT_CHARS: usize = 4000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// 1 strongly disagree .. 5 strongly agree.
    Likert,
    /// 1 poor .. 5 excellent.
    Rating,
    /// One of the question's options.
    SingleChoice,
    YesNo,
    FreeText,
}

impl QuestionKind {
    pub const ALL: [QuestionKind; 5] = [
        QuestionKind::Likert,
        QuestionKind::Rating,
        QuestionKind::SingleChoice,
        QuestionKind::YesNo,
        QuestionKind::FreeText,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            QuestionKind::Likert => "likert",
            QuestionKind::Rating => "rating",
            QuestionKind::SingleChoice => "single_choice",
            QuestionKind::YesNo => "yes_no",
            QuestionKind::FreeText => "free_text",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        QuestionKind::ALL.into_iter().find(|k| k.as_str() == value)
    }

    /// Answered with a number from 1 to 5, so distributions and means apply.
    pub fn is_scale(self) -> bool {
        matches!(self, QuestionKind::Likert | QuestionKind::Rating)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RoundKind {
    EndOfProgramme,
    /// After one session of the cohort.
    Session,
    /// Months after completion: has the programme changed practice?
    DelayedImpact,
}

impl RoundKind {
    pub const ALL: [RoundKind; 3] = [
        RoundKind::EndOfProgramme,
        RoundKind::Session,
        RoundKind::DelayedImpact,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RoundKind::EndOfProgramme => "end_of_programme",
            RoundKind::Session => "session",
            RoundKind::DelayedImpact => "delayed_impact",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        RoundKind::ALL.into_iter().find(|k| k.as_str() == value)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            RoundKind::EndOfProgramme => "evaluation-kind-end_of_programme",
            RoundKind::Session => "evaluation-kind-session",
            RoundKind::DelayedImpact => "evaluation-kind-delayed_impact",
        }
    }
}

/// Whether a round takes answers at `now`: from its opening (inclusive) to its close
/// (exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundWindow {
    NotYetOpen,
    Open,
    Closed,
}

pub fn window(
    opens_at: NaiveDateTime,
    closes_at: NaiveDateTime,
    now: NaiveDateTime,
) -> RoundWindow {
    if now < opens_at {
        RoundWindow::NotYetOpen
    } else if now < closes_at {
        RoundWindow::Open
    } else {
        RoundWindow::Closed
    }
}

/// The dates of a new round: it must close after it opens, and not already be over.
pub fn round_dates(
    opens_at: NaiveDateTime,
    closes_at: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<(), FieldError> {
    if closes_at <= opens_at {
        return Err(FieldError::new(
            "closes_on",
            "error-evaluation-closes-before-opens",
        ));
    }
    if closes_at <= now {
        return Err(FieldError::new(
            "closes_on",
            "error-evaluation-closes-in-past",
        ));
    }
    Ok(())
}

/// Reminders every 1 to 60 days, or none.
pub fn reminder_interval(days: Option<i64>) -> Result<Option<i32>, FieldError> {
    match days {
        None => Ok(None),
        Some(d @ 1..=60) => Ok(i32::try_from(d).ok()),
        Some(_) => Err(FieldError::new(
            "reminder_every_days",
            "error-evaluation-reminder-range",
        )),
    }
}

/// What a question needs to check an answer.
#[derive(Debug, Clone)]
pub struct QuestionRule {
    pub id: String,
    pub kind: QuestionKind,
    pub required: bool,
    /// The values a single-choice answer may take.
    pub options: Vec<String>,
}

/// An answer as it will be stored: a number for scales, choices and yes/no (1 yes, 0 no), text
/// for free text and the chosen option's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidAnswer {
    pub question_id: String,
    pub value_int: Option<i32>,
    pub value_text: Option<String>,
}

/// Checks every answer against its question; returns them all or every problem at once, each
/// keyed `answers.<question id>`. Answers to questions that are not on the form are refused too,
/// so nothing a client invents is stored.
pub fn validate_answers(
    questions: &[QuestionRule],
    raw: &HashMap<String, String>,
) -> Result<Vec<ValidAnswer>, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut answers = Vec::new();
    for unknown in raw
        .keys()
        .filter(|k| !questions.iter().any(|q| &q.id == *k))
    {
        errors.push(FieldError::new(
            format!("answers.{unknown}"),
            "error-evaluation-unknown-question",
        ));
    }
    for question in questions {
        let field = || format!("answers.{}", question.id);
        let value = raw.get(&question.id).map(|v| v.trim()).unwrap_or("");
        if value.is_empty() {
            if question.required {
                errors.push(FieldError::new(field(), "error-evaluation-required"));
            }
            continue;
        }
        let parsed = match question.kind {
            QuestionKind::Likert | QuestionKind::Rating => match value.parse::<i32>() {
                Ok(n @ 1..=5) => Ok((Some(n), None)),
                _ => Err("error-evaluation-scale"),
            },
            QuestionKind::YesNo => match value.to_ascii_lowercase().as_str() {
                "yes" | "true" | "1" => Ok((Some(1), None)),
                "no" | "false" | "0" => Ok((Some(0), None)),
                _ => Err("error-evaluation-yes-no"),
            },
            QuestionKind::SingleChoice => {
                if question.options.iter().any(|o| o == value) {
                    Ok((None, Some(value.to_owned())))
                } else {
                    Err("error-evaluation-choice")
                }
            }
            QuestionKind::FreeText => {
                if value.chars().count() > MAX_TEXT_CHARS {
                    Err("error-evaluation-text-too-long")
                } else {
                    Ok((None, Some(value.to_owned())))
                }
            }
        };
        match parsed {
            Ok((value_int, value_text)) => answers.push(ValidAnswer {
                question_id: question.id.clone(),
                value_int,
                value_text,
            }),
            Err(key) => errors.push(FieldError::new(field(), key)),
        }
    }
    if errors.is_empty() {
        Ok(answers)
    } else {
        Err(errors)
    }
}

/// How the answers to one 1-5 question fall: counts of 1, 2, 3, 4 and 5.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Distribution {
    pub counts: [u32; 5],
}

impl Distribution {
    /// Values outside 1-5 are ignored: validation never stores them.
    pub fn of(values: impl IntoIterator<Item = i32>) -> Self {
        let mut counts = [0u32; 5];
        for value in values {
            if let Some(slot) = usize::try_from(value - 1)
                .ok()
                .and_then(|i| counts.get_mut(i))
            {
                *slot += 1;
            }
        }
        Self { counts }
    }

    pub fn total(&self) -> u32 {
        self.counts.iter().sum()
    }

    /// The mean, to two decimals; none without answers.
    pub fn mean(&self) -> Option<f64> {
        let total = self.total();
        if total == 0 {
            return None;
        }
        let sum: u32 = self
            .counts
            .iter()
            .zip(1u32..)
            .map(|(count, value)| count * value)
            .sum();
        Some(round2(f64::from(sum) / f64::from(total)))
    }

    /// Answers of 4 or 5.
    pub fn satisfied(&self) -> u32 {
        self.counts[3] + self.counts[4]
    }

    /// Share of answers of 4 or 5, in percent to one decimal; none without answers.
    pub fn satisfaction_pct(&self) -> Option<f64> {
        percent(self.satisfied(), self.total())
    }

    /// Whether satisfaction reaches `target_pct`, on the exact share rather than the rounded
    /// one shown: 189 of 199 is 94.97%, shown as 95.0, and misses a 95% target.
    pub fn meets(&self, target_pct: f64) -> Option<bool> {
        let total = self.total();
        (total > 0).then(|| f64::from(self.satisfied()) * 100.0 >= target_pct * f64::from(total))
    }

    pub fn add(&mut self, other: &Distribution) {
        for (mine, theirs) in self.counts.iter_mut().zip(other.counts) {
            *mine += theirs;
        }
    }

    /// `count` answers of `value`; values outside 1-5 are ignored, as in `of`.
    pub fn add_answers(&mut self, value: Option<i32>, count: i64) {
        if let Some(slot) = value
            .and_then(|v| usize::try_from(v - 1).ok())
            .and_then(|i| self.counts.get_mut(i))
        {
            *slot = slot.saturating_add(u32::try_from(count).unwrap_or(u32::MAX));
        }
    }
}

/// `part` of `whole` in percent, to one decimal; none when `whole` is 0.
pub fn percent(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| (f64::from(part) * 1000.0 / f64::from(whole)).round() / 10.0)
}

fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(date: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(&format!("{date} 12:00:00"), "%Y-%m-%d %H:%M:%S")
            .expect("a test date")
    }

    fn form() -> Vec<QuestionRule> {
        let q = |id: &str, kind, required| QuestionRule {
            id: id.into(),
            kind,
            required,
            options: if kind == QuestionKind::SingleChoice {
                vec!["online".into(), "in_person".into()]
            } else {
                vec![]
            },
        };
        vec![
            q("overall", QuestionKind::Likert, true),
            q("content", QuestionKind::Rating, true),
            q("mode", QuestionKind::SingleChoice, false),
            q("again", QuestionKind::YesNo, false),
            q("comment", QuestionKind::FreeText, false),
        ]
    }

    fn raw(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn fields(errors: &[FieldError]) -> Vec<(String, &'static str)> {
        let mut all: Vec<_> = errors
            .iter()
            .map(|e| (e.field.to_string(), e.message_key))
            .collect();
        all.sort();
        all
    }

    #[test]
    fn a_complete_answer_is_stored_in_its_typed_columns() {
        let answers = validate_answers(
            &form(),
            &raw(&[
                ("overall", "5"),
                ("content", " 4 "),
                ("mode", "online"),
                ("again", "no"),
                ("comment", "Da iawn"),
            ]),
        )
        .expect("valid");
        assert_eq!(answers.len(), 5);
        assert_eq!(answers[0].value_int, Some(5));
        assert_eq!(answers[1].value_int, Some(4));
        assert_eq!(answers[2].value_text.as_deref(), Some("online"));
        assert_eq!(answers[3].value_int, Some(0));
        assert_eq!(answers[4].value_text.as_deref(), Some("Da iawn"));
    }

    #[test]
    fn optional_questions_may_be_left_blank() {
        let answers = validate_answers(
            &form(),
            &raw(&[("overall", "3"), ("content", "2"), ("comment", "  ")]),
        )
        .expect("valid");
        assert_eq!(answers.len(), 2);
    }

    #[test]
    fn every_problem_is_named_by_its_question() {
        let errors = validate_answers(
            &form(),
            &raw(&[
                ("overall", "6"),
                ("mode", "by pigeon"),
                ("again", "perhaps"),
                ("comment", &"x".repeat(MAX_TEXT_CHARS + 1)),
                ("invented", "1"),
            ]),
        )
        .expect_err("invalid");
        assert_eq!(
            fields(&errors),
            vec![
                ("answers.again".into(), "error-evaluation-yes-no"),
                ("answers.comment".into(), "error-evaluation-text-too-long"),
                ("answers.content".into(), "error-evaluation-required"),
                (
                    "answers.invented".into(),
                    "error-evaluation-unknown-question"
                ),
                ("answers.mode".into(), "error-evaluation-choice"),
                ("answers.overall".into(), "error-evaluation-scale"),
            ]
        );
    }

    #[test]
    fn scales_take_whole_numbers_from_one_to_five_only() {
        for bad in ["0", "6", "-1", "4.5", "five", "99999999999"] {
            let errors = validate_answers(&form(), &raw(&[("overall", bad), ("content", "3")]))
                .expect_err(bad);
            assert_eq!(
                fields(&errors),
                vec![("answers.overall".into(), "error-evaluation-scale")]
            );
        }
    }

    #[test]
    fn a_round_is_open_from_its_opening_until_its_close() {
        let (opens, closes) = (at("2026-07-01"), at("2026-07-15"));
        assert_eq!(
            window(opens, closes, at("2026-06-30")),
            RoundWindow::NotYetOpen
        );
        assert_eq!(window(opens, closes, opens), RoundWindow::Open);
        assert_eq!(window(opens, closes, at("2026-07-14")), RoundWindow::Open);
        assert_eq!(window(opens, closes, closes), RoundWindow::Closed);
    }

    #[test]
    fn round_dates_must_close_after_opening_and_in_the_future() {
        let now = at("2026-07-01");
        assert!(round_dates(at("2026-07-01"), at("2026-07-10"), now).is_ok());
        assert_eq!(
            round_dates(at("2026-07-10"), at("2026-07-10"), now).map_err(|e| e.message_key),
            Err("error-evaluation-closes-before-opens")
        );
        assert_eq!(
            round_dates(at("2026-06-01"), at("2026-06-10"), now).map_err(|e| e.message_key),
            Err("error-evaluation-closes-in-past")
        );
    }

    #[test]
    fn reminders_are_every_one_to_sixty_days_or_never() {
        assert_eq!(reminder_interval(None), Ok(None));
        assert_eq!(reminder_interval(Some(7)), Ok(Some(7)));
        assert!(reminder_interval(Some(0)).is_err());
        assert!(reminder_interval(Some(61)).is_err());
    }

    #[test]
    fn satisfaction_is_the_share_of_fours_and_fives() {
        // 19 of 20 satisfied: exactly the 95% target.
        let mut values = vec![5; 12];
        values.extend([4; 7]);
        values.push(2);
        let distribution = Distribution::of(values);
        assert_eq!(distribution.counts, [0, 1, 0, 7, 12]);
        assert_eq!(distribution.satisfied(), 19);
        assert_eq!(distribution.satisfaction_pct(), Some(95.0));
        // (2 + 28 + 60) / 20
        assert_eq!(distribution.mean(), Some(4.5));
    }

    #[test]
    fn the_target_is_met_on_the_exact_share_not_the_rounded_one() {
        let mut distribution = Distribution::default();
        distribution.add_answers(Some(5), 189);
        distribution.add_answers(Some(2), 10);
        assert_eq!(distribution.satisfaction_pct(), Some(95.0), "shown rounded");
        assert_eq!(distribution.meets(SATISFACTION_TARGET_PCT), Some(false));
        distribution.add_answers(Some(4), 1);
        assert_eq!(
            distribution.meets(SATISFACTION_TARGET_PCT),
            Some(true),
            "190 of 200"
        );
        assert_eq!(Distribution::default().meets(SATISFACTION_TARGET_PCT), None);
    }

    #[test]
    fn threes_are_not_satisfied_and_shares_round_to_one_decimal() {
        let distribution = Distribution::of([3, 4, 5]);
        assert_eq!(distribution.satisfaction_pct(), Some(66.7));
        assert_eq!(distribution.mean(), Some(4.0));
        assert_eq!(Distribution::of([1, 2]).mean(), Some(1.5));
        assert_eq!(Distribution::of([1, 1, 2]).mean(), Some(1.33));
    }

    #[test]
    fn no_answers_means_no_figure_rather_than_zero() {
        let empty = Distribution::of([]);
        assert_eq!(empty.satisfaction_pct(), None);
        assert_eq!(empty.mean(), None);
        assert_eq!(percent(0, 0), None);
        assert_eq!(percent(1, 3), Some(33.3));
    }

    #[test]
    fn distributions_add_up_across_rounds() {
        let mut all = Distribution::of([5, 4]);
        all.add(&Distribution::of([1, 5]));
        assert_eq!(all.counts, [1, 0, 0, 1, 2]);
        assert_eq!(all.satisfaction_pct(), Some(75.0));
    }

    #[test]
    fn kinds_round_trip_through_their_stored_names() {
        for kind in QuestionKind::ALL {
            assert_eq!(QuestionKind::parse(kind.as_str()), Some(kind));
        }
        for kind in RoundKind::ALL {
            assert_eq!(RoundKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(RoundKind::parse("whenever"), None);
    }
}
