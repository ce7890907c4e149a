//! Logging: `tracing` with `RUST_LOG` for the level, one line per request (method, path,
//! status, latency, request id), and the request id echoed in `x-request-id`.

use std::io::IsTerminal;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};
use tracing::Instrument;
use tracing_subscriber::EnvFilter;

use crate::config::LogFormat;

pub const REQUEST_ID_HEADER: HeaderName = HeaderName::from_static("x-request-id");

/// The id of the request being served, for log lines and error pages.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let colour = std::io::stdout().is_terminal();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(colour);
    // A second call (several apps in one test binary) finds a subscriber already set: fine.
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder.compact().try_init(),
    };
}

// A request id from a trusted proxy is kept if it looks like one; anything else is replaced.
fn incoming_request_id(req: &ServiceRequest) -> Option<String> {
    let value = req.headers().get(&REQUEST_ID_HEADER)?.to_str().ok()?;
    let plausible = !value.is_empty()
        && value.len() <= 64
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    plausible.then(|| value.to_owned())
}

/// Paths whose last part is a credential: a calendar feed's address (calendar apps cannot send
/// a header) and an evaluation's link (it answers as the person it was sent to, unsigned in).
const PATHS_WITH_TOKENS: [(&str, &str); 3] = [
    ("/calendar/", "/calendar/{token}.ics"),
    ("/evaluations/respond/", "/evaluations/respond/{token}"),
    (
        "/api/v1/evaluations/respond/",
        "/api/v1/evaluations/respond/{token}",
    ),
];

/// The path as it may be logged, with any token in it left out.
pub fn loggable_path(path: &str) -> String {
    PATHS_WITH_TOKENS
        .iter()
        .find(|(prefix, _)| path.starts_with(prefix))
        .map_or_else(|| path.to_owned(), |(_, shown)| (*shown).to_owned())
}

/// Logs one line per request. Only the path is logged, never the query string, headers or
/// body, so tokens and passwords cannot reach the log.
pub async fn log_requests(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let request_id = incoming_request_id(&req).unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    req.extensions_mut().insert(RequestId(request_id.clone()));
    let method = req.method().to_string();
    let path = loggable_path(req.path());
    let started = Instant::now();
    let span = tracing::info_span!("request", request_id = %request_id);
    let result = next.call(req).instrument(span.clone()).await;
    let latency_ms = (started.elapsed().as_secs_f64() * 1000.0 * 10.0).round() / 10.0;
    let _entered = span.enter();
    match result {
        Ok(mut response) => {
            let status = response.status().as_u16();
            if let Ok(value) = HeaderValue::from_str(&request_id) {
                response.headers_mut().insert(REQUEST_ID_HEADER, value);
            }
            if status >= 500 {
                tracing::error!(%method, %path, status, latency_ms, "request");
            } else {
                tracing::info!(%method, %path, status, latency_ms, "request");
            }
            Ok(response)
        }
        Err(error) => {
            let status = error.as_response_error().status_code().as_u16();
            tracing::error!(%method, %path, status, latency_ms, "request failed");
            Err(error)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::loggable_path;

    #[test]
    fn calendar_feed_tokens_never_reach_the_log() {
        assert_eq!(
            loggable_path("/calendar/0123abcd.ics"),
            "/calendar/{token}.ics"
        );
        assert_eq!(loggable_path("/api/v1/me/calendar"), "/api/v1/me/calendar");
    }

    #[test]
    fn evaluation_links_never_reach_the_log() {
        for (path, shown) in [
            (
                "/evaluations/respond/9f8e7d6c",
                "/evaluations/respond/{token}",
            ),
            (
                "/api/v1/evaluations/respond/9f8e7d6c",
                "/api/v1/evaluations/respond/{token}",
            ),
        ] {
            assert_eq!(loggable_path(path), shown);
        }
        assert_eq!(loggable_path("/evaluations"), "/evaluations");
    }
}
