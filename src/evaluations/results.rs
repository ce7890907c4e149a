//! Results of evaluations for a round, a cohort, a programme or an academic year: per-question
//! distributions and means, satisfaction on the overall question, response rates, comments and
//! the before/after comparison of a cohort.
//!
//! Who sees what: a cohort's lead and consortium admins see everything of their rounds,
//! comments included (never with a person); a local-authority officer sees only figures made of
//! the people at their authority's schools (all their authorities', for an officer of several),
//! never comments, and nothing of anonymous rounds
//! beyond their response rate, since an anonymous answer cannot be placed in an authority.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{NaiveDateTime, NaiveTime, Utc};

use super::{RoundSummary, summarise};
use crate::applications::may_manage;
use crate::auth::CurrentUser;
use crate::db::catalogue;
use crate::db::evaluations::{self as store, Question, Round, RoundFilter};
use crate::db::{self, DbConnection};
use crate::domain::academic_year;
use crate::domain::evaluation::{self as evaluation, Distribution, QuestionKind, RoundKind};
use crate::domain::role::Role;
use crate::error::{AppError, AppResult};
use crate::reports::table::defuse_formula;
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
    /// The people of these authorities' schools: an officer's own (one, or a few).
    Authorities(Vec<String>),
}

/// The authorities `user` is officer of; none for anyone else.
fn authorities_of(user: &CurrentUser) -> Option<Vec<String>> {
    let own = user.officer_of();
    (!own.is_empty()).then_some(own)
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
    /// A single-choice option's label as the form shows it; none for yes/no.
    pub label_en: Option<String>,
    pub label_cy: Option<String>,
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
    /// For a round or a cohort all comments; over programmes and years those of the most
    /// recently opened rounds, at most 200 (all of them in the CSV download).
    pub comments: Vec<Comment>,
    /// How many comments there are in all; more than `comments` holds when only the most recent
    /// are listed.
    pub comments_total: u32,
    /// False for viewers who see aggregated figures only (local-authority officers).
    pub comments_shown: bool,
    /// Anonymous rounds whose answers are held back until enough people have answered.
    pub withheld_rounds: u32,
    /// For a cohort with both kinds of round: end of programme against delayed impact.
    pub comparison: Vec<ComparisonRow>,
}

impl EvaluationResults {
    /// On the exact share, not the rounded one shown (see `Distribution::meets`).
    pub fn target_met(&self) -> Option<bool> {
        (self.overall_answered > 0).then(|| {
            f64::from(self.satisfied) * 100.0
                >= self.satisfaction_target_pct * f64::from(self.overall_answered)
        })
    }
}

fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}

/// How many comments a report over programmes and years lists, newest rounds first: a
/// consortium's year holds hundreds of thousands, more than anyone reads on a page and more
/// than a browser will show. A round's or a cohort's report lists all of its comments.
pub const COMMENTS_LISTED: usize = 200;

/// Which comments a report carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentsWanted {
    /// `COMMENTS_LISTED` for programmes and years, all for a round or a cohort: pages and JSON.
    Listed,
    /// All of them: the CSV download, which analysts read in full.
    All,
}

/// The rounds in scope, the same rounds as a database filter, and how much of them the user
/// may see.
fn rounds_in_scope(
    conn: &mut DbConnection,
    user: &CurrentUser,
    scope: &Scope,
) -> AppResult<(Vec<Round>, RoundFilter, Audience)> {
    let cohort_audience = |conn: &mut DbConnection, cohort_id: &str| -> AppResult<Audience> {
        let cohort = catalogue::find_cohort(conn, cohort_id)?.ok_or(AppError::NotFound)?;
        if may_manage(user, &cohort) {
            Ok(Audience::Full)
        } else if let Some(own) = authorities_of(user) {
            Ok(Audience::Authorities(own))
        } else {
            Err(AppError::Forbidden)
        }
    };
    match scope {
        Scope::Round(id) => {
            let round = store::find_round(conn, id)?.ok_or(AppError::NotFound)?;
            let audience = cohort_audience(conn, &round.cohort_id)?;
            Ok((vec![round], RoundFilter::Round(id.clone()), audience))
        }
        Scope::Cohort(id) => {
            let audience = cohort_audience(conn, id)?;
            Ok((
                store::rounds_of_cohort(conn, id)?,
                RoundFilter::Cohort(id.clone()),
                audience,
            ))
        }
        Scope::Programmes {
            programme_id,
            academic_year,
        } => {
            let (audience, lead) = if user.has(Role::ConsortiumAdmin) {
                (Audience::Full, None)
            } else if user.has(Role::ProgrammeLead) {
                (Audience::Full, Some(user.id().to_owned()))
            } else if let Some(own) = authorities_of(user) {
                (Audience::Authorities(own), None)
            } else {
                return Err(AppError::Forbidden);
            };
            // A round belongs to the academic year its opening day falls in: from the first of
            // September up to, not including, the next first of September.
            let (opens_from, opens_before) = match academic_year {
                None => (None, None),
                Some(year) => {
                    let start = |y: i32| {
                        academic_year::academic_year_bounds(y)
                            .map(|(first, _)| first.and_time(NaiveTime::MIN))
                            .ok_or_else(|| {
                                AppError::field("academic_year", "error-evaluation-academic-year")
                            })
                    };
                    (Some(start(*year)?), Some(start(*year + 1)?))
                }
            };
            let filter = RoundFilter::Programmes {
                programme_id: programme_id.clone(),
                lead_id: lead,
                opens_from,
                opens_before,
            };
            Ok((store::rounds_where(conn, &filter)?, filter, audience))
        }
    }
}

/// Distinct forms of the rounds, in the order first met, and their questions.
fn questions_of(conn: &mut DbConnection, rounds: &[Round]) -> AppResult<Vec<Question>> {
    let mut seen: HashSet<&str> = HashSet::new();
    let mut questions = Vec::new();
    for round in rounds {
        if seen.insert(round.form_id.as_str()) {
            questions.extend(store::questions_of(conn, &round.form_id)?);
        }
    }
    Ok(questions)
}

/// What the database counted for one question.
#[derive(Debug, Default)]
struct Tally {
    answered: u32,
    /// Answers by whole-number value (`None` for answers without one).
    by_value: BTreeMap<Option<i32>, u32>,
    /// Single-choice answers by text value.
    by_text: BTreeMap<String, u32>,
}

fn clamp(n: i64) -> u32 {
    u32::try_from(n).unwrap_or(if n < 0 { 0 } else { u32::MAX })
}

fn question_result(question: &Question, tally: &Tally) -> QuestionResult {
    let kind = QuestionKind::parse(&question.kind).unwrap_or(QuestionKind::FreeText);
    let distribution = kind.is_scale().then(|| scale_distribution(&tally.by_value));
    let choices: Vec<ChoiceCount> = match kind {
        QuestionKind::YesNo => {
            // As before aggregation: 1 is yes, any other value or none is no.
            let mut yes_no: BTreeMap<String, u32> = BTreeMap::new();
            for (value, n) in &tally.by_value {
                let key = if *value == Some(1) { "yes" } else { "no" };
                *yes_no.entry(key.to_owned()).or_default() += n;
            }
            yes_no
                .into_iter()
                .filter(|(_, n)| *n > 0)
                .map(|(value, count)| ChoiceCount {
                    value,
                    count,
                    label_en: None,
                    label_cy: None,
                })
                .collect()
        }
        // Every option in the form's order, with its labels, those no one chose included.
        QuestionKind::SingleChoice => {
            let options = super::choice_values(question);
            let mut listed: Vec<ChoiceCount> = options
                .iter()
                .map(|(value, en, cy)| ChoiceCount {
                    value: value.clone(),
                    count: tally.by_text.get(value).copied().unwrap_or(0),
                    label_en: Some(en.clone()),
                    label_cy: Some(cy.clone()),
                })
                .collect();
            listed.extend(
                tally
                    .by_text
                    .iter()
                    .filter(|(text, _)| !options.iter().any(|(value, _, _)| value == *text))
                    .map(|(text, n)| ChoiceCount {
                        value: text.clone(),
                        count: *n,
                        label_en: None,
                        label_cy: None,
                    }),
            );
            listed
        }
        _ => Vec::new(),
    };
    QuestionResult {
        question_id: question.id.clone(),
        prompt_en: question.prompt_en.clone(),
        prompt_cy: question.prompt_cy.clone(),
        kind,
        overall: question.measure_key.as_deref() == Some("overall"),
        answered: tally.answered,
        counts: distribution.map(|d| d.counts),
        mean: distribution.and_then(|d| d.mean()),
        share_4_or_5_pct: distribution.and_then(|d| d.satisfaction_pct()),
        choices,
    }
}

/// The 1-5 distribution of counted values; values outside 1-5 are ignored, as `Distribution::of`
/// does.
fn scale_distribution(by_value: &BTreeMap<Option<i32>, u32>) -> Distribution {
    let mut distribution = Distribution::default();
    for (value, n) in by_value {
        if let Some(slot) = value
            .and_then(|v| usize::try_from(v - 1).ok())
            .and_then(|i| distribution.counts.get_mut(i))
        {
            *slot += n;
        }
    }
    distribution
}

/// Round, question, whole-number value and how many answers had it.
type RoundValueCount = (String, String, Option<i32>, i64);

/// End of programme against delayed impact, from per-round counts of one cohort's rounds.
fn comparison(
    rounds: &[Round],
    questions: &[Question],
    counts: &[RoundValueCount],
    withheld: &HashSet<&str>,
) -> Vec<ComparisonRow> {
    let of_kind = |kind: RoundKind| -> HashSet<&str> {
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
    let distribution_of = |question_id: &str, of: &HashSet<&str>| -> Distribution {
        let mut by_value: BTreeMap<Option<i32>, u32> = BTreeMap::new();
        for (round_id, question, value, n) in counts {
            if question == question_id
                && of.contains(round_id.as_str())
                && !withheld.contains(round_id.as_str())
            {
                *by_value.entry(*value).or_default() += clamp(*n);
            }
        }
        scale_distribution(&by_value)
    };
    questions
        .iter()
        .filter(|q| QuestionKind::parse(&q.kind).is_some_and(QuestionKind::is_scale))
        .map(|q| {
            let b = distribution_of(&q.id, &before);
            let a = distribution_of(&q.id, &after);
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

/// The withheld rounds as filters of at most `MAX_IDS_PER_QUERY` ids each.
fn chunks_of(withheld: &[&str]) -> Vec<RoundFilter> {
    withheld
        .chunks(store::MAX_IDS_PER_QUERY)
        .map(|chunk| RoundFilter::Ids(chunk.iter().map(|id| (*id).to_owned()).collect()))
        .collect()
}

/// Whether counts from the database add to a tally or, being a withheld round's, come off it.
#[derive(Clone, Copy)]
enum Counted {
    In,
    Withheld,
}

impl Counted {
    fn apply(self, slot: &mut u32, n: i64) {
        *slot = match self {
            Self::In => slot.saturating_add(clamp(n)),
            Self::Withheld => slot.saturating_sub(clamp(n)),
        };
    }
}

/// Per question, the answers counted by the database, less those of withheld rounds.
fn answer_tallies(
    conn: &mut DbConnection,
    filter: &RoundFilter,
    authority: Option<&[String]>,
    questions: &[Question],
    withheld: &[&str],
) -> AppResult<HashMap<String, Tally>> {
    let single_choice: Vec<String> = questions
        .iter()
        .filter(|q| q.kind == QuestionKind::SingleChoice.as_str())
        .map(|q| q.id.clone())
        .collect();
    let mut tallies: HashMap<String, Tally> = HashMap::new();
    // Withheld rounds hold at most a couple of responses each (in the viewer's slice): counting
    // the whole scope and taking theirs away, counted the same way, is exact, and spares a
    // `NOT IN` list of every one.
    let withheld_filters = chunks_of(withheld);
    let add = |tallies: &mut HashMap<String, Tally>,
               rows: Vec<(String, Option<i32>, i64)>,
               counted: Counted| {
        for (question, value, n) in rows {
            let tally = tallies.entry(question).or_default();
            counted.apply(&mut tally.answered, n);
            counted.apply(tally.by_value.entry(value).or_default(), n);
        }
    };
    add(
        &mut tallies,
        store::answer_counts(conn, filter, authority)?,
        Counted::In,
    );
    for chunk in &withheld_filters {
        add(
            &mut tallies,
            store::answer_counts(conn, chunk, authority)?,
            Counted::Withheld,
        );
    }
    for tally in tallies.values_mut() {
        tally.by_value.retain(|_, n| *n > 0);
    }
    if !single_choice.is_empty() {
        let add_text = |tallies: &mut HashMap<String, Tally>,
                        rows: Vec<(String, String, i64)>,
                        counted: Counted| {
            for (question, text, n) in rows {
                let by_text = &mut tallies.entry(question).or_default().by_text;
                counted.apply(by_text.entry(text).or_default(), n);
            }
        };
        add_text(
            &mut tallies,
            store::choice_counts(conn, filter, authority, &single_choice)?,
            Counted::In,
        );
        for chunk in &withheld_filters {
            add_text(
                &mut tallies,
                store::choice_counts(conn, chunk, authority, &single_choice)?,
                Counted::Withheld,
            );
        }
        for tally in tallies.values_mut() {
            tally.by_text.retain(|_, n| *n > 0);
        }
    }
    Ok(tallies)
}

/// How many rounds' comments one query reads when only the most recent are wanted: about a
/// dozen comments a round, so one query usually gives `COMMENTS_LISTED`.
const ROUNDS_PER_COMMENT_QUERY: usize = 50;

/// The comments the viewer is shown, withheld rounds left out.
fn comments_of(
    conn: &mut DbConnection,
    scope: &Scope,
    (filter, rounds): (&RoundFilter, &[Round]),
    withheld: &HashSet<&str>,
    wanted: CommentsWanted,
) -> AppResult<Vec<Comment>> {
    let limit = match (scope, wanted) {
        (Scope::Programmes { .. }, CommentsWanted::Listed) => Some(COMMENTS_LISTED),
        _ => None,
    };
    let rows: Vec<store::CommentRow> = match limit {
        None => store::comments(conn, filter, false)?
            .into_iter()
            .filter(|c| !withheld.contains(c.round_id.as_str()))
            .collect(),
        Some(limit) => {
            // Newest rounds first (`rounds` come oldest first), a batch of rounds at a time,
            // until enough: reading every comment of a consortium to list 200 would take seconds.
            let newest: Vec<&str> = rounds
                .iter()
                .rev()
                .map(|r| r.id.as_str())
                .filter(|id| !withheld.contains(id))
                .collect();
            let mut listed = Vec::new();
            for batch in newest.chunks(ROUNDS_PER_COMMENT_QUERY) {
                if listed.len() >= limit {
                    break;
                }
                let ids = batch.iter().map(|id| (*id).to_owned()).collect();
                let mut by_round: HashMap<String, Vec<store::CommentRow>> = HashMap::new();
                for row in store::comments(conn, &RoundFilter::Ids(ids), true)? {
                    by_round.entry(row.round_id.clone()).or_default().push(row);
                }
                for id in batch {
                    listed.extend(by_round.remove(*id).unwrap_or_default());
                }
            }
            listed.truncate(limit);
            // Grouped by question as the page shows them, newest rounds first within each.
            listed.sort_by(|a, b| a.question_id.cmp(&b.question_id));
            listed
        }
    };
    Ok(rows
        .into_iter()
        .map(|c| Comment {
            question_id: c.question_id,
            text: c.text,
        })
        .collect())
}

/// The results with the comments pages and JSON list (see `COMMENTS_LISTED`).
pub fn compute(
    conn: &mut DbConnection,
    user: &CurrentUser,
    scope: &Scope,
) -> AppResult<EvaluationResults> {
    compute_with(conn, user, scope, CommentsWanted::Listed)
}

pub fn compute_with(
    conn: &mut DbConnection,
    user: &CurrentUser,
    scope: &Scope,
    wanted: CommentsWanted,
) -> AppResult<EvaluationResults> {
    let (rounds, filter, audience) = rounds_in_scope(conn, user, scope)?;
    let authority = match &audience {
        Audience::Full => None,
        Audience::Authorities(own) => Some(own.as_slice()),
    };
    let tallies = store::invitation_tallies(conn, &filter, authority)?;
    let at = now();
    let summaries: Vec<RoundSummary> = rounds.iter().map(|r| summarise(r, &tallies, at)).collect();
    // With one or two answers in, an anonymous round's figures are as good as a name: they are
    // held back until enough people have answered. So are a local-authority officer's, named
    // round or not: their slice of a cohort is their authority's staff, often one or two people
    // whom the participation reports name.
    let withheld: Vec<&str> = rounds
        .iter()
        .zip(&summaries)
        .filter(|(round, summary)| {
            (round.anonymous || authority.is_some())
                && summary.responded < evaluation::MIN_ANONYMOUS_RESPONSES
        })
        .map(|(round, _)| round.id.as_str())
        .collect();
    let withheld_set: HashSet<&str> = withheld.iter().copied().collect();
    let questions = questions_of(conn, &rounds)?;
    let invited: u32 = summaries.iter().map(|s| s.invited).sum();
    let responded: u32 = summaries.iter().map(|s| s.responded).sum();

    let counted = answer_tallies(conn, &filter, authority, &questions, &withheld)?;
    let none = Tally::default();
    let results: Vec<QuestionResult> = questions
        .iter()
        .map(|q| question_result(q, counted.get(&q.id).unwrap_or(&none)))
        .collect();
    let mut overall = Distribution::default();
    for result in results.iter().filter(|r| r.overall) {
        if let Some(counts) = result.counts {
            overall.add(&Distribution { counts });
        }
    }
    let comments_shown = audience == Audience::Full;
    // Free-text answers always hold text (empty ones are not stored), so their count is the
    // number of comments.
    let comments_total: u32 = results
        .iter()
        .filter(|r| r.kind == QuestionKind::FreeText)
        .map(|r| r.answered)
        .sum();
    let (comments, comments_total) = if comments_shown {
        let listed = comments_of(conn, scope, (&filter, &rounds), &withheld_set, wanted)?;
        (listed, comments_total)
    } else {
        (Vec::new(), 0)
    };
    let comparison = match scope {
        Scope::Cohort(_) => comparison(
            &rounds,
            &questions,
            &counts_by_round(conn, &rounds, authority)?,
            &withheld_set,
        ),
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
        comments_total,
        comments_shown,
        withheld_rounds: u32::try_from(withheld.len()).unwrap_or(u32::MAX),
        comparison,
    })
}

/// Per-round answer counts of one cohort's rounds (a handful), under the viewer's rules: for a
/// local-authority officer only their authority's answers, as in their other figures.
fn counts_by_round(
    conn: &mut DbConnection,
    rounds: &[Round],
    authority: Option<&[String]>,
) -> AppResult<Vec<RoundValueCount>> {
    let mut rows = Vec::new();
    for round in rounds {
        let filter = RoundFilter::Round(round.id.clone());
        for (question, value, n) in store::answer_counts(conn, &filter, authority)? {
            rows.push((round.id.clone(), question, value, n));
        }
    }
    Ok(rows)
}

pub async fn load(
    state: &AppState,
    user: CurrentUser,
    scope: Scope,
    wanted: CommentsWanted,
) -> AppResult<EvaluationResults> {
    db::run_report(&state.pool, move |conn| {
        compute_with(conn, &user, &scope, wanted)
    })
    .await
}

/// The results as CSV: one line per question (with its distribution, mean and share of 4 or 5),
/// then the response rate and satisfaction, then the comments if the viewer may read them.
pub fn to_csv(results: &EvaluationResults) -> AppResult<Vec<u8>> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let fmt = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    let mut write = |record: &[String]| {
        writer
            .write_record(record.iter().map(|cell| defuse_formula(cell)))
            .map_err(anyhow::Error::from)
    };
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
