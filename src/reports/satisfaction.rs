//! Satisfaction by academic year or programme against the consortium's 95% target: the share
//! of answers 4 or 5 to the overall question, and response rates, from the evaluation results.
//!
//! A round belongs to the academic year it opened in, as on the evaluation results pages, so
//! the two never disagree. Anonymous rounds count in the region's figures; for one authority
//! only answers that can be placed in it count, which anonymous ones cannot (their response
//! rates still count, invitations being named). A group with fewer answers than an anonymous
//! round needs before it shows any (three) shows its response rate but no satisfaction, so no
//! figure ever stands for one or two people's answers.
//!
//! Two grouped queries, whatever the number of rounds: the distribution of overall answers per
//! (year, programme, answer) and the invitations and responses per (year, programme).

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::dsl::{count, count_star, sql, sum};
use diesel::prelude::*;
use diesel::sql_types::{Bool, Integer, Nullable, Text};
use serde::Serialize;

use super::participation::{Breakdown, academic_year_sql, boxed, label_of, labels};
use crate::db::DbConnection;
use crate::db::schema::{
    cohorts, evaluation_answer_tallies, evaluation_answers, evaluation_invitations,
    evaluation_questions, evaluation_responses, evaluation_rounds, people, schools,
};
use crate::domain::academic_year::{academic_year, academic_year_bounds, academic_year_label};
use crate::domain::evaluation::{Distribution, MIN_ANONYMOUS_RESPONSES, SATISFACTION_TARGET_PCT};
use crate::error::AppResult;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SatisfactionBy {
    Year,
    Programme,
}

impl SatisfactionBy {
    pub fn parse(value: &str) -> Option<Self> {
        match value.trim() {
            "year" => Some(Self::Year),
            "programme" => Some(Self::Programme),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Year => "year",
            Self::Programme => "programme",
        }
    }
}

/// Which rounds a figure is made of.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Rounds opening between these days, both included.
    pub opens: Option<(NaiveDate, NaiveDate)>,
    pub programme_id: Option<String>,
    pub authority_id: Option<String>,
}

impl Filter {
    pub fn in_year(&self, year: Option<i32>) -> Self {
        Self {
            opens: year.and_then(academic_year_bounds),
            ..self.clone()
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SatisfactionRow {
    /// The academic year or programme id.
    pub key: String,
    pub label_en: String,
    pub label_cy: String,
    pub invited: i64,
    pub responded: i64,
    pub response_rate_pct: Option<f64>,
    /// Answers to the overall question, and those of them 4 or 5.
    pub answered: i64,
    pub satisfied: i64,
    /// None without answers, or with too few to show.
    pub satisfaction_pct: Option<f64>,
    pub target_met: Option<bool>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Satisfaction {
    pub by: SatisfactionBy,
    pub year: Option<i32>,
    pub programme_id: Option<String>,
    pub authority_id: Option<String>,
    pub target_pct: f64,
    pub total: SatisfactionRow,
    pub rows: Vec<SatisfactionRow>,
}

fn day_start(day: NaiveDate) -> NaiveDateTime {
    day.and_time(NaiveTime::MIN)
}

macro_rules! narrowed {
    ($from:expr, $filter:expr) => {{
        let filter: &Filter = $filter;
        let mut query = boxed($from);
        if let Some((from, to)) = filter.opens {
            query = query
                .filter(evaluation_rounds::opens_at.ge(day_start(from)))
                .filter(evaluation_rounds::opens_at.lt(day_start(to + chrono::Days::new(1))));
        }
        if let Some(programme) = &filter.programme_id {
            query = query.filter(cohorts::programme_id.eq(programme.clone()));
        }
        query
    }};
}

/// (academic year, programme, answer, how many gave it).
type AnswerCount = (String, String, Option<i32>, i64);

/// The questions satisfaction is measured on (one per form at most).
fn overall_questions(conn: &mut DbConnection) -> AppResult<Vec<String>> {
    Ok(evaluation_questions::table
        .filter(evaluation_questions::measure_key.eq("overall"))
        .select(evaluation_questions::id)
        .load(conn)?)
}

/// The academic year and programme of each round, by its id.
type Rounds = HashMap<String, (String, String)>;

/// The academic year and programme of each round the filter keeps.
fn rounds_in(conn: &mut DbConnection, filter: &Filter) -> AppResult<Rounds> {
    let rows: Vec<(String, NaiveDateTime, String)> = narrowed!(
        evaluation_rounds::table.inner_join(cohorts::table).select((
            evaluation_rounds::id,
            evaluation_rounds::opens_at,
            cohorts::programme_id
        )),
        filter
    )
    .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, opens_at, programme)| {
            (id, (academic_year(opens_at.date()).to_string(), programme))
        })
        .collect())
}

/// For the whole region the answers come from each round's tallies (a few rows a round, kept as
/// responses arrive), read only for the overall questions, and the rounds are placed in a year
/// and programme afterwards.
fn region_distributions(conn: &mut DbConnection, rounds: &Rounds) -> AppResult<Vec<AnswerCount>> {
    use evaluation_answer_tallies as tallies;
    let overall = overall_questions(conn)?;
    let per_round: Vec<(String, Option<i32>, Option<i64>)> = tallies::table
        .filter(tallies::question_id.eq_any(overall))
        .filter(tallies::value_int.is_not_null())
        .group_by((tallies::round_id, tallies::value_int))
        .select((tallies::round_id, tallies::value_int, sum(tallies::answers)))
        .load(conn)?;
    Ok(per_round
        .into_iter()
        .filter_map(|(round, value, count)| {
            rounds.get(&round).map(|(year, programme)| {
                (year.clone(), programme.clone(), value, count.unwrap_or(0))
            })
        })
        .collect())
}

/// Invitations and responses per round, for the region, placed as the answers are.
fn region_invitations(
    conn: &mut DbConnection,
    rounds: &Rounds,
) -> AppResult<Vec<(String, String, i64, i64)>> {
    let per_round: Vec<(String, i64, i64)> = evaluation_invitations::table
        .group_by(evaluation_invitations::round_id)
        .select((
            evaluation_invitations::round_id,
            count_star(),
            count(evaluation_invitations::responded_at),
        ))
        .load(conn)?;
    Ok(per_round
        .into_iter()
        .filter_map(|(round, invited, responded)| {
            rounds
                .get(&round)
                .map(|(year, programme)| (year.clone(), programme.clone(), invited, responded))
        })
        .collect())
}

/// Overall answers per (year, programme): the counts of 1 to 5.
fn distributions(
    conn: &mut DbConnection,
    filter: &Filter,
    region_rounds: Option<&Rounds>,
) -> AppResult<HashMap<(String, String), Distribution>> {
    let year = academic_year_sql(conn, "evaluation_rounds.opens_at");
    let group = (
        sql::<Text>(&year),
        sql::<Text>("cohorts.programme_id"),
        sql::<Nullable<Integer>>("evaluation_answers.value_int"),
    );
    let select = (
        sql::<Text>(&year),
        sql::<Text>("cohorts.programme_id"),
        sql::<Nullable<Integer>>("evaluation_answers.value_int"),
        count_star(),
    );
    // `|| ''` keeps the planner off the question index, which would start it from every
    // answer of the region; it starts from the authority's people instead, with or without
    // table statistics. Constant SQL, valid on both databases.
    let from = evaluation_answers::table
        .inner_join(
            evaluation_responses::table
                .inner_join(evaluation_rounds::table.inner_join(cohorts::table)),
        )
        .filter(sql::<Bool>(
            "(evaluation_answers.question_id || '') IN (SELECT evaluation_questions.id \
             FROM evaluation_questions WHERE evaluation_questions.measure_key = 'overall')",
        ))
        .filter(evaluation_answers::value_int.is_not_null());
    let rows: Vec<AnswerCount> =
        match (&filter.authority_id, region_rounds) {
            (None, Some(rounds)) => region_distributions(conn, rounds)?,
            (None, None) => {
                let rounds = rounds_in(conn, filter)?;
                region_distributions(conn, &rounds)?
            }
            (Some(authority), _) => narrowed!(
                from.inner_join(evaluation_invitations::table.on(
                    evaluation_responses::invitation_id.eq(evaluation_invitations::id.nullable())
                ),)
                    .inner_join(people::table.on(people::id.eq(evaluation_invitations::person_id)))
                    .inner_join(schools::table.on(people::school_id.eq(schools::id.nullable())))
                    .filter(schools::local_authority_id.eq(authority.clone()))
                    .group_by(group)
                    .select(select),
                filter
            )
            .load(conn)?,
        };
    let mut found: HashMap<(String, String), Distribution> = HashMap::new();
    for (year, programme, value, count) in rows {
        let Some(slot) = value
            .and_then(|v| usize::try_from(v - 1).ok())
            .filter(|i| *i < 5)
        else {
            continue;
        };
        let distribution = found.entry((year, programme)).or_default();
        distribution.counts[slot] += u32::try_from(count).unwrap_or(u32::MAX);
    }
    Ok(found)
}

/// Invitations and responses per (year, programme).
fn invitations(
    conn: &mut DbConnection,
    filter: &Filter,
    region_rounds: Option<&Rounds>,
) -> AppResult<HashMap<(String, String), (i64, i64)>> {
    let year = academic_year_sql(conn, "evaluation_rounds.opens_at");
    let group = (sql::<Text>(&year), sql::<Text>("cohorts.programme_id"));
    let select = (
        sql::<Text>(&year),
        sql::<Text>("cohorts.programme_id"),
        count_star(),
        count(evaluation_invitations::responded_at),
    );
    let from = evaluation_invitations::table
        .inner_join(evaluation_rounds::table.inner_join(cohorts::table));
    let rows: Vec<(String, String, i64, i64)> = match (&filter.authority_id, region_rounds) {
        (None, Some(rounds)) => region_invitations(conn, rounds)?,
        (None, None) => {
            let rounds = rounds_in(conn, filter)?;
            region_invitations(conn, &rounds)?
        }
        (Some(authority), _) => narrowed!(
            from.inner_join(people::table.on(people::id.eq(evaluation_invitations::person_id)))
                .inner_join(schools::table.on(people::school_id.eq(schools::id.nullable())))
                .filter(schools::local_authority_id.eq(authority.clone()))
                .group_by(group)
                .select(select),
            filter
        )
        .load(conn)?,
    };
    Ok(rows
        .into_iter()
        .map(|(year, programme, invited, responded)| ((year, programme), (invited, responded)))
        .collect())
}

#[derive(Default)]
struct Tally {
    invited: i64,
    responded: i64,
    answers: Distribution,
}

impl Tally {
    fn row(&self, key: String, label_en: String, label_cy: String) -> SatisfactionRow {
        let answered = self.answers.total();
        let shown = answered >= MIN_ANONYMOUS_RESPONSES;
        let satisfaction_pct = self.answers.satisfaction_pct().filter(|_| shown);
        SatisfactionRow {
            key,
            label_en,
            label_cy,
            invited: self.invited,
            responded: self.responded,
            response_rate_pct: super::participation::percent(self.responded, self.invited),
            answered: i64::from(answered),
            satisfied: if shown {
                i64::from(self.answers.satisfied())
            } else {
                0
            },
            satisfaction_pct,
            target_met: satisfaction_pct.map(|pct| pct >= SATISFACTION_TARGET_PCT),
        }
    }
}

pub fn report(
    conn: &mut DbConnection,
    by: SatisfactionBy,
    year: Option<i32>,
    filter: &Filter,
) -> AppResult<Satisfaction> {
    let filter = if year.is_some() {
        filter.in_year(year)
    } else {
        filter.clone()
    };
    // For the region both counts place rounds in a year and programme: one list for both.
    let region_rounds = match filter.authority_id {
        None => Some(rounds_in(conn, &filter)?),
        Some(_) => None,
    };
    let answers = distributions(conn, &filter, region_rounds.as_ref())?;
    let invited = invitations(conn, &filter, region_rounds.as_ref())?;
    let group_of = |(year, programme): &(String, String)| match by {
        SatisfactionBy::Year => year.clone(),
        SatisfactionBy::Programme => programme.clone(),
    };
    let mut groups: BTreeMap<String, Tally> = BTreeMap::new();
    let mut total = Tally::default();
    for (key, (invitations, responses)) in &invited {
        let tally = groups.entry(group_of(key)).or_default();
        tally.invited += invitations;
        tally.responded += responses;
        total.invited += invitations;
        total.responded += responses;
    }
    for (key, distribution) in &answers {
        groups
            .entry(group_of(key))
            .or_default()
            .answers
            .add(distribution);
        total.answers.add(distribution);
    }
    let keys: Vec<String> = groups.keys().cloned().collect();
    let names = labels(
        conn,
        match by {
            SatisfactionBy::Year => Breakdown::Year,
            SatisfactionBy::Programme => Breakdown::Programme,
        },
        &keys,
    )?;
    let mut rows: Vec<(i64, SatisfactionRow)> = groups
        .into_iter()
        .map(|(key, tally)| {
            let label = label_of(&names, Some(&key));
            (label.order, tally.row(key, label.en, label.cy))
        })
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.label_en.cmp(&b.1.label_en)));
    let (total_en, total_cy) = (
        crate::i18n::t(crate::domain::language::Language::En, "report-total"),
        crate::i18n::t(crate::domain::language::Language::Cy, "report-total"),
    );
    Ok(Satisfaction {
        by,
        year,
        programme_id: filter.programme_id.clone(),
        authority_id: filter.authority_id.clone(),
        target_pct: SATISFACTION_TARGET_PCT,
        total: total.row(
            year.map(academic_year_label).unwrap_or_default(),
            total_en,
            total_cy,
        ),
        rows: rows.into_iter().map(|(_, row)| row).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_few_answers_show_a_response_rate_but_no_satisfaction() {
        let tally = Tally {
            invited: 4,
            responded: 2,
            answers: Distribution::of([5, 4]),
        };
        let row = tally.row("2025".into(), "2025/26".into(), "2025/26".into());
        assert_eq!(row.response_rate_pct, Some(50.0));
        assert_eq!(row.satisfaction_pct, None);
        assert_eq!(row.target_met, None);
        let tally = Tally {
            invited: 4,
            responded: 4,
            answers: Distribution::of([5, 4, 4, 2]),
        };
        let row = tally.row("2025".into(), "2025/26".into(), "2025/26".into());
        assert_eq!(row.satisfaction_pct, Some(75.0));
        assert_eq!(row.satisfied, 3);
        assert_eq!(row.target_met, Some(false));
        assert_eq!(
            crate::domain::evaluation::percent(3, 4),
            row.satisfaction_pct
        );
    }
}
