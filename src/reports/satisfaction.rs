//! Satisfaction by academic year or programme against the consortium's 95% target: the share
//! of answers 4 or 5 to the overall question, and response rates, from the evaluation results.
//!
//! A round belongs to the academic year it opened in and is withheld as on the evaluation
//! results pages, so the two never disagree and neither gives away what the other holds back:
//! an anonymous round's answers count once three people have answered it, and for one authority
//! a round's answers count once three of its people have (anonymous answers name no one, so
//! they never count for an authority). Response rates count every round. A group with fewer
//! than three answers shows its response rate but no satisfaction, and the total is made of the
//! groups shown, so no figure ever stands for one or two people's answers.
//!
//! Three grouped queries, whatever the number of rounds: the rounds, the overall answers per
//! (round, answer) and the invitations and responses per round.

use std::collections::{BTreeMap, HashMap};

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::dsl::{count, count_star, sql, sum};
use diesel::prelude::*;
use diesel::sql_types::{Bool, Integer, Nullable, Text};
use serde::Serialize;

use super::participation::{Breakdown, boxed, label_of, labels};
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
    /// Answers to the overall question, and those of them 4 or 5 (none when too few to show).
    pub answered: i64,
    pub satisfied: Option<i64>,
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

/// Where a round's figures go, and whether its answers are anonymous.
struct RoundPlace {
    year: String,
    programme: String,
    anonymous: bool,
}

/// The rounds the filter keeps, by id.
type Rounds = HashMap<String, RoundPlace>;

/// The questions satisfaction is measured on (one per form at most).
fn overall_questions(conn: &mut DbConnection) -> AppResult<Vec<String>> {
    Ok(evaluation_questions::table
        .filter(evaluation_questions::measure_key.eq("overall"))
        .select(evaluation_questions::id)
        .load(conn)?)
}

fn rounds_in(conn: &mut DbConnection, filter: &Filter) -> AppResult<Rounds> {
    let rows: Vec<(String, NaiveDateTime, String, bool)> = narrowed!(
        evaluation_rounds::table.inner_join(cohorts::table).select((
            evaluation_rounds::id,
            evaluation_rounds::opens_at,
            cohorts::programme_id,
            evaluation_rounds::anonymous,
        )),
        filter
    )
    .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, opens_at, programme, anonymous)| {
            let year = academic_year(opens_at.date()).to_string();
            (
                id,
                RoundPlace {
                    year,
                    programme,
                    anonymous,
                },
            )
        })
        .collect())
}

/// Overall answers per round and answer: (round, answer, how many gave it). For the region
/// they come from each round's tallies (a few rows a round, kept as responses arrive); for an
/// authority, from its people's answers, which leaves out anonymous ones (they name no one).
fn answers_per_round(
    conn: &mut DbConnection,
    filter: &Filter,
) -> AppResult<Vec<(String, Option<i32>, i64)>> {
    let Some(authority) = &filter.authority_id else {
        use evaluation_answer_tallies as tallies;
        let overall = overall_questions(conn)?;
        let per_round: Vec<(String, Option<i32>, Option<i64>)> = tallies::table
            .filter(tallies::question_id.eq_any(overall))
            .filter(tallies::value_int.is_not_null())
            .group_by((tallies::round_id, tallies::value_int))
            .select((tallies::round_id, tallies::value_int, sum(tallies::answers)))
            .load(conn)?;
        return Ok(per_round
            .into_iter()
            .map(|(round, value, count)| (round, value, count.unwrap_or(0)))
            .collect());
    };
    // `|| ''` keeps the planner off the question index, which would start it from every
    // answer of the region; it starts from the authority's people instead, with or without
    // table statistics. Constant SQL, valid on both databases.
    Ok(narrowed!(
        evaluation_answers::table
            .inner_join(
                evaluation_responses::table
                    .inner_join(evaluation_rounds::table.inner_join(cohorts::table)),
            )
            .filter(sql::<Bool>(
                "(evaluation_answers.question_id || '') IN (SELECT evaluation_questions.id \
                 FROM evaluation_questions WHERE evaluation_questions.measure_key = 'overall')",
            ))
            .filter(evaluation_answers::value_int.is_not_null())
            .inner_join(
                evaluation_invitations::table
                    .on(evaluation_responses::invitation_id
                        .eq(evaluation_invitations::id.nullable()))
            )
            .inner_join(people::table.on(people::id.eq(evaluation_invitations::person_id)))
            .inner_join(schools::table.on(people::school_id.eq(schools::id.nullable())))
            .filter(schools::local_authority_id.eq(authority.clone()))
            .group_by((
                sql::<Text>("evaluation_rounds.id"),
                sql::<Nullable<Integer>>("evaluation_answers.value_int"),
            ))
            .select((
                sql::<Text>("evaluation_rounds.id"),
                sql::<Nullable<Integer>>("evaluation_answers.value_int"),
                count_star()
            )),
        filter
    )
    .load(conn)?)
}

/// Invitations and responses per round (for an authority, those of its people).
fn invitations_per_round(
    conn: &mut DbConnection,
    filter: &Filter,
) -> AppResult<HashMap<String, (i64, i64)>> {
    let per_round: Vec<(String, i64, i64)> = match &filter.authority_id {
        None => evaluation_invitations::table
            .group_by(evaluation_invitations::round_id)
            .select((
                evaluation_invitations::round_id,
                count_star(),
                count(evaluation_invitations::responded_at),
            ))
            .load(conn)?,
        Some(authority) => narrowed!(
            evaluation_invitations::table
                .inner_join(evaluation_rounds::table.inner_join(cohorts::table))
                .inner_join(people::table.on(people::id.eq(evaluation_invitations::person_id)))
                .inner_join(schools::table.on(people::school_id.eq(schools::id.nullable())))
                .filter(schools::local_authority_id.eq(authority.clone()))
                // As in `invitation_tallies`: an erased person's answers no longer count for
                // the authority, so neither does their response.
                .filter(people::anonymised_at.is_null())
                .group_by(evaluation_invitations::round_id)
                .select((
                    evaluation_invitations::round_id,
                    count_star(),
                    count(evaluation_invitations::responded_at),
                )),
            filter
        )
        .load(conn)?,
    };
    Ok(per_round
        .into_iter()
        .map(|(round, invited, responded)| (round, (invited, responded)))
        .collect())
}

#[derive(Default)]
struct Tally {
    invited: i64,
    responded: i64,
    answers: Distribution,
}

impl Tally {
    /// Enough answers to show their satisfaction without it standing for one or two people.
    fn shown(&self) -> bool {
        self.answers.total() >= MIN_ANONYMOUS_RESPONSES
    }

    fn row(&self, key: String, label_en: String, label_cy: String) -> SatisfactionRow {
        let answered = self.answers.total();
        let shown = self.shown();
        let satisfaction_pct = self.answers.satisfaction_pct().filter(|_| shown);
        SatisfactionRow {
            key,
            label_en,
            label_cy,
            invited: self.invited,
            responded: self.responded,
            response_rate_pct: super::participation::percent(self.responded, self.invited),
            answered: i64::from(answered),
            satisfied: shown.then(|| i64::from(self.answers.satisfied())),
            satisfaction_pct,
            target_met: self
                .answers
                .meets(SATISFACTION_TARGET_PCT)
                .filter(|_| shown),
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
    let rounds = rounds_in(conn, &filter)?;
    let invited = invitations_per_round(conn, &filter)?;
    // As on the evaluation results pages: an anonymous round's answers are left out until
    // three people have answered it, and so are an authority's, named round or not, until
    // three of its people have. Their invitations and responses still count.
    let withheld = |round: &str, place: &RoundPlace| {
        (place.anonymous || filter.authority_id.is_some())
            && invited.get(round).map_or(0, |(_, responded)| *responded)
                < i64::from(MIN_ANONYMOUS_RESPONSES)
    };
    let group_of = |place: &RoundPlace| match by {
        SatisfactionBy::Year => place.year.clone(),
        SatisfactionBy::Programme => place.programme.clone(),
    };
    let mut groups: BTreeMap<String, Tally> = BTreeMap::new();
    let mut total = Tally::default();
    for (round, (invitations, responses)) in &invited {
        let Some(place) = rounds.get(round) else {
            continue;
        };
        let tally = groups.entry(group_of(place)).or_default();
        tally.invited += invitations;
        tally.responded += responses;
        total.invited += invitations;
        total.responded += responses;
    }
    for (round, value, count) in answers_per_round(conn, &filter)? {
        let Some(place) = rounds.get(&round).filter(|place| !withheld(&round, place)) else {
            continue;
        };
        groups
            .entry(group_of(place))
            .or_default()
            .answers
            .add_answers(value, count);
    }
    // The total is made of the groups shown: with a group too small to show in it, the total
    // less the others would give that group's answers away.
    for tally in groups.values().filter(|tally| tally.shown()) {
        total.answers.add(&tally.answers);
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
        assert_eq!(row.satisfied, Some(3));
        assert_eq!(row.target_met, Some(false));
        assert_eq!(
            crate::domain::evaluation::percent(3, 4),
            row.satisfaction_pct
        );
    }
}
