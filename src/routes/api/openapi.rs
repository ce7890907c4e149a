use actix_web::{HttpResponse, get};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::routes::{api, health};

#[derive(OpenApi)]
#[openapi(
    info(title = "Llwybr API", description = "Leadership development and CPD enrolment. Errors are application/problem+json in the language asked for (Accept-Language or ?lang=en|cy)."),
    paths(
        health::healthz,
        health::readyz,
        api::auth::register,
        api::auth::login,
        api::auth::logout,
        api::auth::request_password_reset,
        api::auth::reset_password,
        api::me::me,
        api::me::update,
        api::me::confirm_again,
        api::calendar::feed,
        api::calendar::reset,
        api::calendar::cohort,
        api::stages::list,
        api::programmes::create,
        api::programmes::list,
        api::programmes::update,
        api::cohorts::create,
        api::cohorts::update,
        api::cohorts::roster,
        api::cohorts::roster_csv,
        api::applications::apply,
        api::applications::mine,
        api::applications::withdraw,
        api::applications::endorse,
        api::applications::decline,
        api::applications::defer,
        api::applications::move_to_cohort,
        api::sessions::create,
        api::sessions::list,
        api::sessions::change,
        api::sessions::remove,
        api::sessions::record,
        api::sessions::summary,
        api::sessions::complete,
        api::sessions::not_complete,
        api::evaluations::open_round,
        api::evaluations::cohort_rounds,
        api::evaluations::change_round,
        api::evaluations::round_results,
        api::evaluations::round_results_csv,
        api::evaluations::cohort_results,
        api::evaluations::cohort_results_csv,
        api::evaluations::programme_results,
        api::evaluations::programme_results_csv,
        api::evaluations::mine,
        api::evaluations::form,
        api::evaluations::respond,
        api::evaluations::create_form,
        api::evaluations::list_forms,
        api::evaluations::show_form,
        api::admin::upload_import,
        api::admin::show_import,
        api::admin::list_imports,
        api::admin::import_template,
        api::admin::search_people,
        api::admin::show_person,
        api::admin::deactivate_person,
        api::admin::reactivate_person,
        api::admin::invite_person,
        api::admin::erase_person,
        api::admin::grant_role,
        api::admin::revoke_role,
        api::admin::list_authorities,
        api::admin::create_authority,
        api::admin::update_authority,
        api::admin::list_schools,
        api::admin::create_school,
        api::admin::update_school,
        api::admin::search_audit,
        api::admin::export_me,
        api::career::mine,
        api::career::add_mine,
        api::career::update_mine,
        api::career::delete_mine,
        api::career::of_person,
        api::career::add_for_person,
        api::career::correct,
        api::career::delete_entry,
        api::measures::figures,
        api::measures::people,
        api::measures::list,
        api::measures::create,
        api::measures::update,
        api::reports::participation_report,
        api::reports::participation_people,
        api::reports::satisfaction_report,
        api::reports::pipeline_report,
        document,
    ),
    components(schemas(crate::error::Problem, crate::error::ProblemField)),
    modifiers(&BearerAuth),
    tags(
        (name = "accounts", description = "Registration, sign-in and the current person"),
        (name = "continuum", description = "The leadership continuum"),
        (name = "catalogue", description = "Programmes and cohorts"),
        (name = "applications", description = "Applying, endorsement, the waiting list and rosters"),
        (name = "calendar", description = "Session calendars (iCalendar): your private feed, a cohort's download"),
        (name = "attendance", description = "Sessions, registers, the completion rule and completion"),
        (name = "evaluations", description = "Evaluation rounds, answering by emailed link, results (JSON and CSV), satisfaction and response rates"),
        (name = "administration", description = "For consortium admins: CSV imports, people and roles, local authorities and schools, the audit log, erasure"),
        (name = "outcomes", description = "Outcome measures per cohort year, the people behind each figure (JSON, CSV, XLSX), and their definitions"),
        (name = "reports", description = "Consortium reports: participation against the baseline year and target, the people behind a figure, satisfaction against 95% with response rates, the succession pipeline; JSON, CSV or XLSX"),
        (name = "operations", description = "Health and readiness"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// This document: OpenAPI 3 for every API route.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "operations", responses((status = 200, description = "The OpenAPI document")))]
#[get("/openapi.json")]
pub async fn document() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
