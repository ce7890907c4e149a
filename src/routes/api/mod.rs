//! The JSON API, `/api/v1`. Errors are `application/problem+json` in the request's language.

pub mod applications;
pub mod auth;
pub mod cohorts;
pub mod me;
pub mod openapi;
pub mod programmes;
pub mod stages;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(auth::register)
        .service(auth::login)
        .service(auth::logout)
        .service(auth::request_password_reset)
        .service(auth::reset_password)
        .service(me::me)
        .service(stages::list)
        .service(programmes::create)
        .service(programmes::list)
        .service(cohorts::create)
        .service(cohorts::update)
        .service(cohorts::roster)
        .service(applications::apply)
        .service(applications::mine)
        .service(applications::withdraw)
        .service(applications::endorse)
        .service(applications::decline)
        .service(openapi::document);
}
