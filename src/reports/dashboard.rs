//! The consortium dashboard: participation by year (against the baseline and the target), by
//! authority and by programme; satisfaction by year against 95%; the 3-year outcome measures.
//! Each is the same report the API answers, so the dashboard and its downloads always agree.
//! The succession pipeline has its own page, linked from the dashboard: counting it too would
//! take the page past a second on a consortium of 50,000 people.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::participation::{self, Breakdown, Participation, YearTotals};
use super::satisfaction::{self, Satisfaction, SatisfactionBy};
use crate::db::schema::local_authorities;
use crate::db::{self, DbConnection, DbPool};
use crate::error::AppResult;
use crate::outcomes::measures::{self, MeasureFigures};

#[derive(Debug, Clone)]
pub struct Dashboard {
    pub by_year: Participation,
    pub by_authority: Participation,
    pub by_programme: Participation,
    pub satisfaction: Satisfaction,
    /// The 3-year outcome measures, as `/reports/measures` shows them.
    pub measures: Vec<MeasureFigures>,
}

/// Every figure of the dashboard for `request` (its `by` is ignored), as of `today`. The six
/// reports are independent, so each runs on its own connection at the same time: the page takes
/// about as long as the slowest. The breakdowns by authority and programme share the totals of
/// the one by year (the years from the baseline, as the chart shows them), which holds them.
pub async fn load(
    pool: &DbPool,
    request: &participation::Request,
    today: NaiveDate,
) -> AppResult<Dashboard> {
    let participation_by = |by: Breakdown| {
        let request = participation::Request {
            by,
            from_baseline: true,
            ..request.clone()
        };
        let counted_elsewhere = (by != Breakdown::Year).then_some(YearTotals::default());
        db::run_report(pool, move |conn| {
            participation::report_with(conn, &request, counted_elsewhere)
        })
    };
    let satisfaction_filter = satisfaction::Filter {
        opens: None,
        programme_id: request.programme_id.clone(),
        authority_id: request.authority_id.clone(),
    };
    let authority = request.authority_id.clone();
    let (by_year, by_authority, by_programme, satisfaction, measures) = tokio::try_join!(
        participation_by(Breakdown::Year),
        participation_by(Breakdown::LocalAuthority),
        participation_by(Breakdown::Programme),
        db::run_report(pool, move |conn| satisfaction::report(
            conn,
            SatisfactionBy::Year,
            None,
            &satisfaction_filter
        )),
        db::run_report(pool, move |conn| Ok(measures::figures(
            conn,
            authority.as_deref(),
            today
        )?)),
    )?;
    let totals = YearTotals::of(&by_year);
    let by_authority = by_authority.with_totals(totals);
    let by_programme = by_programme.with_totals(totals);
    Ok(Dashboard {
        by_year,
        by_authority,
        by_programme,
        satisfaction,
        measures,
    })
}

/// Every local authority's id and names, for the filters.
pub fn authority_names(conn: &mut DbConnection) -> AppResult<Vec<(String, String, String)>> {
    Ok(local_authorities::table
        .order(local_authorities::name_en.asc())
        .select((
            local_authorities::id,
            local_authorities::name_en,
            local_authorities::name_cy,
        ))
        .load(conn)?)
}
