use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, web};
use askama::Template;

use super::context::{Page, PageContext, render};
use crate::db::{self, stages};
use crate::domain::stage::ContinuumStage;
use crate::error::AppResult;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "pages/home.html")]
struct HomePage {
    page: PageContext,
    stages: Vec<ContinuumStage>,
}

#[get("/")]
pub async fn home(state: web::Data<AppState>, page: Page) -> AppResult<HttpResponse> {
    let stages = db::run(&state.pool, |conn| Ok(stages::all(conn)?)).await?;
    render(
        StatusCode::OK,
        &HomePage {
            page: page.context,
            stages,
        },
    )
}
