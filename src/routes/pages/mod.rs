//! Server-rendered pages (askama templates under `templates/`). Forms post back to the same
//! path and work without JavaScript.

pub mod account;
pub mod assets;
pub mod context;
pub mod error_page;
pub mod home;
pub mod language;
pub mod profile;
pub mod session;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(home::home)
        .service(assets::stylesheet)
        .service(account::register_form)
        .service(account::register)
        .service(account::login_form)
        .service(account::login)
        .service(account::logout)
        .service(account::forgot_form)
        .service(account::forgot)
        .service(account::reset_form)
        .service(account::reset)
        .service(profile::profile)
        .service(language::switch);
}
