//! Results of evaluations for a round, a cohort, a programme or an academic year: per-question
//! distributions and means, satisfaction on the overall question, response rates, comments and
//! the before/after comparison of a cohort.
//!
//! Who sees what: a cohort's lead and consortium admins see everything of their rounds,
//! comments included (never with a person); a local-authority officer sees only figures made of
//! the people at their authority's schools, never comments, and nothing of anonymous rounds
//! beyond their response rate, since an anonymous answer cannot be placed in an authority.

use std::collections::BTreeMap;

use chrono::{NaiveDateTime, Utc};

use super::{RoundSummary, summarise};
use crate::applications::may_manage;
use crate::auth::CurrentUser;
use crate::db::catalogue;
use crate::db::evaluations::{self as store, AnswerRow, Question, Round};
use crate::db::{self, DbConnection};
use crate::domain::academic_year;
use crate::domain::evaluation::{self as evaluation, Distribution, QuestionKind, RoundKind};
use crate::domain::role::Role;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// What the results are about.
#[derive(Debug, Clone)]
pub enum Scope {
    Round(String),
    Cohort(String),
    /// One programme or all, in one academic year or all.
    Programmes {
        programme_id: Option<String>,
        academic_year: Option<i32>,
    },
}

/// How much of the results the viewer may see.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Audience {
    Full,
    Authority(String),
}

fn authority_of(user: &CurrentUser) -> Option<String> {
    user.grants
        .iter()
        .filter(|g| g.role() == Some(Role::LaOfficer))
        .find_map(|g| g.local_authority_id.clone())
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct QuestionResult {
    pub question_id: String,
    pub prompt_en: String,
    pub prompt_cy: String,
    pub kind: QuestionKind,
    /// Whether this is the question satisfaction is measured on.
    pub overall: bool,
    pub answered: u32,
    /// For 1-5 questions: how many answered 1, 2, 3, 4 and 5.
    pub counts: Option<[u32; 5]>,
    pub mean: Option<f64>,
    /// For 1-5 questions: the share of answers 4 or 5, in percent.
    pub share_4_or_5_pct: Option<f64>,
    /// For yes/no and single-choice questions: each value and how many chose it.
    pub choices: Vec<ChoiceCount>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ChoiceCount {
    pub value: String,
    pub count: u32,
}

/// A free-text answer, quotable: the person is never part of it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Comment {
    pub question_id: String,
    pub text: String,
}

/// One 1-5 question at the end of the programme and months later.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ComparisonRow {
    pub question_id: String,
    pub prompt_en: String,
    pub prompt_cy: String,
    pub before_mean: Option<f64>,
    pub after_mean: Option<f64>,
    pub before_share_4_or_5_pct: Option<f64>,
    pub after_share_4_or_5_pct: Option<f64>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct EvaluationResults {
    pub rounds: Vec<RoundSummary>,
    pub invited: u32,
    pub responded: u32,
    pub response_rate_pct: Option<f64>,
    /// Answers of 4 or 5 to the overall question.
    pub satisfied: u32,
    /// Answers to the overall question.
    pub overall_answered: u32,
    /// `satisfied` of `overall_answered`, in percent; none without answers.
    pub satisfaction_pct: Option<f64>,
    pub satisfaction_target_pct: f64,
    pub questions: Vec<QuestionResult>,
    pub comments: Vec<Comment>,
    /// False for viewers who see aggregated figures only (local-authority officers).
    pub comments_shown: bool,
    /// Anonymous rounds whose answers are held back until enough people have answered.
    pub withheld_rounds: u32,
    /// For a cohort with both kinds of round: end of programme against delayed impact.
    pub comparison: Vec<ComparisonRow>,
}

impl EvaluationResults {
    pub fn target_met(&self) -> Option<bool> {
        self.satisfaction_pct
            .map(|pct| pct >= self.satisfaction_target_pct)
    }
}

fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

/// The rounds in scope and how much of them the user may see.
fn rounds_in_scope(
    conn: &mut DbConnection,
    user: &CurrentUser,
    scope: &Scope,
) -> AppResult<(Vec<Round>, Audience)> {
    let cohort_audience = |conn: &mut DbConnection, cohort_id: &str| -> AppResult<Audience> {
        let cohort = catalogue::find_cohort(conn, cohort_id)?.ok_or(AppError::NotFound)?;
        if may_manage(user, &cohort) {
            Ok(Audience::Full)
        } else if let Some(la) = authority_of(user) {
            Ok(Audience::Authority(la))
        } else {
            Err(AppError::Forbidden)
        }
    };
    match scope {
        Scope::Round(id) => {
            let round = store::find_round(conn, id)?.ok_or(AppError::NotFound)?;
            let audience = cohort_audience(conn, &round.cohort_id)?;
            Ok((vec![round], audience))
        }
        Scope::Cohort(id) => {
            let audience = cohort_audience(conn, id)?;
            Ok((store::rounds_of_cohort(conn, id)?, audience))
        }
        Scope::Programmes {
            programme_id,
            academic_year,
        } => {
            let (audience, lead) = if user.has(Role::ConsortiumAdmin) {
                (Audience::Full, None)
            } else if user.has(Role::ProgrammeLead) {
                (Audience::Full, Some(user.id().to_owned()))
            } else if let Some(la) = authority_of(user) {
                (Audience::Authority(la), None)
            } else {
                return Err(AppError::Forbidden);
            };
            let rounds = store::rounds_of_programme(conn, programme_id.as_deref())?
                .into_iter()
                .filter(|(_, lead_id)| lead.is_none() || *lead_id == lead)
                .map(|(round, _)| round)
                .filter(|round| {
                    academic_year
                        .is_none_or(|y| academic_year::academic_year(round.opens_at.date()) == y)
                })
                .collect();
            Ok((rounds, audience))
        }
    }
}

/// Distinct forms of the rounds, in the order first met, and their questions.
fn questions_of(conn: &mut DbConnection, rounds: &[Round]) -> AppResult<Vec<Question>> {
    let mut forms: Vec<&str> = Vec::new();
    for round in rounds {
        if !forms.contains(&round.form_id.as_str()) {
            forms.push(&round.form_id);
        }
    }
    let mut questions = Vec::new();
    for form in forms {
        questions.extend(store::questions_of(conn, form)?);
    }
    Ok(questions)
}

fn question_result(question: &Question, answers: &[&AnswerRow]) -> QuestionResult {
    let kind = QuestionKind::parse(&question.kind).unwrap_or(QuestionKind::FreeText);
    let distribution = kind
        .is_scale()
        .then(|| Distribution::of(answers.iter().filter_map(|a| a.value_int)));
    let mut choices: BTreeMap<String, u32> = BTreeMap::new();
    match kind {
        QuestionKind::YesNo => {
            for answer in answers {
                let value = if answer.value_int == Some(1) {
                    "yes"
                } else {
                    "no"
                };
                *choices.entry(value.to_owned()).or_default() += 1;
            }
        }
        QuestionKind::SingleChoice => {
            for text in answers.iter().filter_map(|a| a.value_text.as_ref()) {
                *choices.entry(text.clone()).or_default() += 1;
            }
        }
        _ => {}
    }
    QuestionResult {
        question_id: question.id.clone(),
        prompt_en: question.prompt_en.clone(),
        prompt_cy: question.prompt_cy.clone(),
        kind,
        overall: question.measure_key.as_deref() == Some("overall"),
        answered: u32::try_from(answers.len()).unwrap_or(u32::MAX),
        counts: distribution.map(|d| d.counts),
        mean: distribution.and_then(|d| d.mean()),
        share_4_or_5_pct: distribution.and_then(|d| d.satisfaction_pct()),
        choices: choices
            .into_iter()
            .map(|(value, count)| ChoiceCount { value, count })
            .collect(),
    }
}

fn distribution_of(answers: &[AnswerRow], question_id: &str, rounds: &[&str]) -> Distribution {
    Distribution::of(
        answers
            .iter()
            .filter(|a| a.question_id == question_id && rounds.contains(&a.round_id.as_str()))
            .filter_map(|a| a.value_int),
    )
}

fn comparison(
    rounds: &[Round],
    questions: &[Question],
    answers: &[AnswerRow],
) -> Vec<ComparisonRow> {
    let of_kind = |kind: RoundKind| -> Vec<&str> {
        rounds
            .iter()
            .filter(|r| r.kind == kind.as_str())
            .map(|r| r.id.as_str())
            .collect()
    };
    let before = of_kind(RoundKind::EndOfProgramme);
    let after = of_kind(RoundKind::DelayedImpact);
    if before.is_empty() || after.is_empty() {
        return Vec::new();
    }
    questions
        .iter()
        .filter(|q| QuestionKind::parse(&q.kind).is_some_and(QuestionKind::is_scale))
        .map(|q| {
            let b = distribution_of(answers, &q.id, &before);
            let a = distribution_of(answers, &q.id, &after);
            ComparisonRow {
                question_id: q.id.clone(),
                prompt_en: q.prompt_en.clone(),
                prompt_cy: q.prompt_cy.clone(),
                before_mean: b.mean(),
                after_mean: a.mean(),
                before_share_4_or_5_pct: b.satisfaction_pct(),
                after_share_4_or_5_pct: a.satisfaction_pct(),
            }
        })
        .collect()
}

pub fn compute(
    conn: &mut DbConnection,
    user: &CurrentUser,
    scope: &Scope,
) -> AppResult<EvaluationResults> {
    let (rounds, audience) = rounds_in_scope(conn, user, scope)?;
    let authority = match &audience {
        Audience::Full => None,
        Audience::Authority(la) => Some(la.as_str()),
    };
    let ids: Vec<String> = rounds.iter().map(|r| r.id.clone()).collect();
    let tallies = store::invitation_tallies(conn, &ids, authority)?;
    let at = now();
    let summaries: Vec<RoundSummary> = rounds.iter().map(|r| summarise(r, &tallies, at)).collect();
    // With one or two answers in, an anonymous round's figures are as good as a name: they are
    // held back until enough people have answered.
    let withheld: Vec<&str> = rounds
        .iter()
        .zip(&summaries)
        .filter(|(round, summary)| {
            round.anonymous && summary.responded < evaluation::MIN_ANONYMOUS_RESPONSES
        })
        .map(|(round, _)| round.id.as_str())
        .collect();
    let answers: Vec<AnswerRow> = store::answers(conn, &ids, authority)?
        .into_iter()
        .filter(|a| !withheld.contains(&a.round_id.as_str()))
        .collect();
    let questions = questions_of(conn, &rounds)?;
    let invited: u32 = summaries.iter().map(|s| s.invited).sum();
    let responded: u32 = summaries.iter().map(|s| s.responded).sum();

    let mut by_question: BTreeMap<&str, Vec<&AnswerRow>> = BTreeMap::new();
    for answer in &answers {
        by_question
            .entry(answer.question_id.as_str())
            .or_default()
            .push(answer);
    }
    let results: Vec<QuestionResult> = questions
        .iter()
        .map(|q| {
            let mine = by_question.get(q.id.as_str()).map(Vec::as_slice);
            question_result(q, mine.unwrap_or_default())
        })
        .collect();
    let mut overall = Distribution::default();
    for result in results.iter().filter(|r| r.overall) {
        if let Some(counts) = result.counts {
            overall.add(&Distribution { counts });
        }
    }
    let comments_shown = audience == Audience::Full;
    let comments = if comments_shown {
        let free_text: Vec<&str> = questions
            .iter()
            .filter(|q| q.kind == QuestionKind::FreeText.as_str())
            .map(|q| q.id.as_str())
            .collect();
        // `answers` come in text order: comments are never in the order they were given.
        answers
            .iter()
            .filter(|a| free_text.contains(&a.question_id.as_str()))
            .filter_map(|a| {
                a.value_text.as_ref().map(|text| Comment {
                    question_id: a.question_id.clone(),
                    text: text.clone(),
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    let comparison = match scope {
        Scope::Cohort(_) => comparison(&rounds, &questions, &answers),
        _ => Vec::new(),
    };
    Ok(EvaluationResults {
        rounds: summaries,
        invited,
        responded,
        response_rate_pct: evaluation::percent(responded, invited),
        satisfied: overall.satisfied(),
        overall_answered: overall.total(),
        satisfaction_pct: overall.satisfaction_pct(),
        satisfaction_target_pct: evaluation::SATISFACTION_TARGET_PCT,
        questions: results,
        comments,
        comments_shown,
        withheld_rounds: u32::try_from(withheld.len()).unwrap_or(u32::MAX),
        comparison,
    })
}

pub async fn load(
    state: &AppState,
    user: CurrentUser,
    scope: Scope,
) -> AppResult<EvaluationResults> {
    db::run(&state.pool, move |conn| compute(conn, &user, &scope)).await
}

/// The results as CSV: one line per question (with its distribution, mean and share of 4 or 5),
/// then the response rate and satisfaction, then the comments if the viewer may read them.
pub fn to_csv(results: &EvaluationResults) -> AppResult<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let fmt = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    let mut write = |record: &[String]| writer.write_record(record).map_err(anyhow::Error::from);
    write(
        &[
            "section",
            "question_id",
            "prompt_en",
            "prompt_cy",
            "answered",
            "n1",
            "n2",
            "n3",
            "n4",
            "n5",
            "mean",
            "share_4_or_5_pct",
            "text",
        ]
        .map(str::to_owned),
    )?;
    let blank = || String::new();
    for q in &results.questions {
        let counts = q
            .counts
            .map(|c| c.map(|n| n.to_string()))
            .unwrap_or_default();
        let choices = q
            .choices
            .iter()
            .map(|c| format!("{}={}", c.value, c.count))
            .collect::<Vec<_>>()
            .join("; ");
        write(&[
            "question".into(),
            q.question_id.clone(),
            q.prompt_en.clone(),
            q.prompt_cy.clone(),
            q.answered.to_string(),
            counts[0].clone(),
            counts[1].clone(),
            counts[2].clone(),
            counts[3].clone(),
            counts[4].clone(),
            fmt(q.mean),
            fmt(q.share_4_or_5_pct),
            choices,
        ])?;
    }
    write(&[
        "response_rate".into(),
        blank(),
        format!("{} of {} invited", results.responded, results.invited),
        format!("{} o {} a wahoddwyd", results.responded, results.invited),
        results.responded.to_string(),
        blank(),
        blank(),
        blank(),
        blank(),
        blank(),
        blank(),
        fmt(results.response_rate_pct),
        blank(),
    ])?;
    write(&[
        "satisfaction".into(),
        blank(),
        "Answers of 4 or 5 to the overall question".into(),
        "Atebion 4 neu 5 i'r cwestiwn cyffredinol".into(),
        results.overall_answered.to_string(),
        blank(),
        blank(),
        blank(),
        results.satisfied.to_string(),
        blank(),
        blank(),
        fmt(results.satisfaction_pct),
        blank(),
    ])?;
    for comment in &results.comments {
        let mut row = vec![blank(); 13];
        row[0] = "comment".into();
        row[1] = comment.question_id.clone();
        row[12] = comment.text.clone();
        write(&row)?;
    }
    writer
        .into_inner()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("could not write the CSV: {e}")))
}
