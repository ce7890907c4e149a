//! The JSON API, `/api/v1`. Errors are `application/problem+json` in the request's language.

pub mod admin;
pub mod applications;
pub mod auth;
pub mod calendar;
pub mod career;
pub mod cohorts;
pub mod evaluations;
pub mod json_body;
pub mod me;
pub mod measures;
pub mod openapi;
pub mod optional_json;
pub mod programmes;
pub mod reports;
pub mod sessions;
pub mod stages;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(auth::register)
        .service(auth::login)
        .service(auth::logout)
        .service(auth::request_password_reset)
        .service(auth::reset_password)
        .service(me::me)
        .service(me::update)
        .service(me::confirm_again)
        .service(calendar::feed)
        .service(calendar::reset)
        .service(calendar::cohort)
        .service(stages::list)
        .service(programmes::create)
        .service(programmes::list)
        .service(programmes::update)
        .service(cohorts::create)
        .service(cohorts::update)
        .service(cohorts::roster_csv)
        .service(cohorts::roster)
        .service(applications::apply)
        .service(applications::mine)
        .service(applications::withdraw)
        .service(applications::endorse)
        .service(applications::decline)
        .service(applications::defer)
        .service(applications::move_to_cohort)
        .service(sessions::create)
        .service(sessions::list)
        .service(sessions::change)
        .service(sessions::remove)
        .service(sessions::record)
        .service(sessions::summary)
        .service(sessions::complete)
        .service(sessions::not_complete)
        .service(evaluations::open_round)
        .service(evaluations::cohort_rounds)
        .service(evaluations::change_round)
        .service(evaluations::round_results_csv)
        .service(evaluations::round_results)
        .service(evaluations::cohort_results_csv)
        .service(evaluations::cohort_results)
        .service(evaluations::programme_results_csv)
        .service(evaluations::programme_results)
        .service(evaluations::mine)
        .service(evaluations::form)
        .service(evaluations::respond)
        .service(evaluations::create_form)
        .service(evaluations::list_forms)
        .service(evaluations::show_form)
        .service(career::mine)
        .service(career::add_mine)
        .service(career::update_mine)
        .service(career::delete_mine)
        .service(career::of_person)
        .service(career::add_for_person)
        .service(career::correct)
        .service(career::delete_entry)
        .service(measures::figures)
        .service(measures::people)
        .service(measures::list)
        .service(measures::create)
        .service(measures::update)
        .service(reports::participation_report)
        .service(reports::participation_people)
        .service(reports::satisfaction_report)
        .service(reports::pipeline_report)
        .service(openapi::document)
        .configure(admin::configure);
}
