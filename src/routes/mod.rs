//! Every route, wired in one place: `/healthz` and `/readyz`, the JSON API under `/api/v1`, and
//! the pages.

pub mod api;
pub mod cross_site;
pub mod health;
pub mod pages;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(web::scope("/api/v1").configure(api::configure))
        .configure(pages::configure);
}
