use actix_web::http::header::{CacheControl, CacheDirective};
use actix_web::{HttpResponse, get};

const STYLESHEET: &str = include_str!("../../../templates/static/site.css");

#[get("/static/site.css")]
pub async fn stylesheet() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header(CacheControl(vec![
            CacheDirective::Public,
            CacheDirective::MaxAge(3600),
        ]))
        .body(STYLESHEET)
}
