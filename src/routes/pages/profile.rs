use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, web};
use askama::Template;

use super::context::{PageContext, render};
use crate::auth::CurrentUser;
use crate::db::{self, stages};
use crate::domain::stage::{ContinuumStage, StageStanding, standing};
use crate::error::AppResult;
use crate::i18n::request_language;
use crate::routes::api::me::{PersonView, load_view};
use crate::state::AppState;

struct PathwayRow {
    stage: ContinuumStage,
    standing: &'static str,
}

#[derive(Template)]
#[template(path = "pages/profile.html")]
struct ProfilePage {
    page: PageContext,
    profile: PersonView,
    pathway: Vec<PathwayRow>,
}

#[get("/profile")]
pub async fn profile(
    req: HttpRequest,
    state: web::Data<AppState>,
    user: CurrentUser,
) -> AppResult<HttpResponse> {
    let profile = load_view(&state, user.person.id.clone()).await?;
    let all = db::run(&state.pool, |conn| Ok(stages::all(conn)?)).await?;
    let current = profile.stage.as_ref().map(|s| s.position);
    let pathway = all
        .into_iter()
        .map(|stage| {
            let standing = match standing(stage.position, current) {
                StageStanding::Passed => "passed",
                StageStanding::Current => "current",
                StageStanding::Ahead => "ahead",
            };
            PathwayRow { stage, standing }
        })
        .collect();
    let page = PageContext::new(&req, request_language(&req), Some(&user));
    render(
        StatusCode::OK,
        &ProfilePage {
            page,
            profile,
            pathway,
        },
    )
}
