use actix_web::{HttpResponse, get, web};

use crate::db::{self, stages};
use crate::domain::stage::ContinuumStage;
use crate::error::AppResult;
use crate::state::AppState;

/// The twelve stages of the leadership continuum, in order, in English and Welsh. Public.
#[utoipa::path(get, path = "/api/v1/stages", tag = "continuum",
    responses((status = 200, body = [ContinuumStage])))]
#[get("/stages")]
pub async fn list(state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let stages = db::run(&state.pool, |conn| Ok(stages::all(conn)?)).await?;
    Ok(HttpResponse::Ok().json(stages))
}
