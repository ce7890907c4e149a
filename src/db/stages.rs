use diesel::prelude::*;

use super::DbConnection;
use super::schema::continuum_stages;
use crate::domain::stage::ContinuumStage;

type StageRow = (String, i32, String, String, String, String);

fn from_row(
    (code, position, name_en, name_cy, description_en, description_cy): StageRow,
) -> ContinuumStage {
    ContinuumStage {
        code,
        position,
        name_en,
        name_cy,
        description_en,
        description_cy,
    }
}

/// The twelve stages, in continuum order.
pub fn all(conn: &mut DbConnection) -> QueryResult<Vec<ContinuumStage>> {
    continuum_stages::table
        .order(continuum_stages::position.asc())
        .select((
            continuum_stages::code,
            continuum_stages::position,
            continuum_stages::name_en,
            continuum_stages::name_cy,
            continuum_stages::description_en,
            continuum_stages::description_cy,
        ))
        .load::<StageRow>(conn)
        .map(|rows| rows.into_iter().map(from_row).collect())
}

pub fn exists(conn: &mut DbConnection, code: &str) -> QueryResult<bool> {
    continuum_stages::table
        .filter(continuum_stages::code.eq(code))
        .count()
        .get_result::<i64>(conn)
        .map(|n| n > 0)
}
