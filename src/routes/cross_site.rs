//! Refuses a change that another site asks a visitor's browser to make. The session cookie is
//! SameSite=Lax, which keeps it off other sites' form posts in today's browsers; this holds where
//! a browser says where a request came from, whatever its cookie rules, and covers the sign-in
//! form, which needs no cookie: another site could otherwise sign a visitor in to an account of
//! its choosing and read what they then type.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HOST, HeaderMap, ORIGIN};
use actix_web::middleware::Next;
use actix_web::{Error, web};

use crate::error::AppError;
use crate::state::AppState;

pub async fn refuse_cross_site(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    let public_url = req
        .app_data::<web::Data<AppState>>()
        .map(|state| state.settings.public_url().to_owned())
        .unwrap_or_default();
    if !req.method().is_safe() && is_cross_site(req.headers(), &public_url) {
        let (request, _) = req.into_parts();
        return Ok(ServiceResponse::from_err(AppError::Forbidden, request).map_into_right_body());
    }
    Ok(next.call(req).await?.map_into_left_body())
}

/// True when the browser says the request comes from another site: `Sec-Fetch-Site` where it
/// sends one (same-site is refused too: a neighbouring subdomain may be anyone's), otherwise an
/// `Origin` that is neither this host nor the public address. A request with neither header
/// (a program, an older browser) is let through, and the cookie's SameSite rule stands.
fn is_cross_site(headers: &HeaderMap, public_url: &str) -> bool {
    let header = |name| headers.get(name).and_then(|value| value.to_str().ok());
    if let Some(site) = header("sec-fetch-site") {
        return !matches!(site, "same-origin" | "none");
    }
    let Some(origin) = header(ORIGIN.as_str()) else {
        return false;
    };
    let origin_host = origin.split_once("://").map(|(_, host)| host);
    let public_host = public_url.split_once("://").map(|(_, host)| host);
    !(origin_host.is_some() && (origin_host == header(HOST.as_str()) || origin_host == public_host))
}

#[cfg(test)]
mod tests {
    use actix_web::http::header::{HeaderName, HeaderValue};

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            );
        }
        map
    }

    const PUBLIC: &str = "https://llwybr.cymru";

    #[test]
    fn the_browsers_word_decides_where_it_is_given() {
        for site in ["same-origin", "none"] {
            assert!(!is_cross_site(
                &headers(&[("sec-fetch-site", site)]),
                PUBLIC
            ));
        }
        for site in ["cross-site", "same-site", "nonsense"] {
            let said = headers(&[("sec-fetch-site", site), ("origin", "https://llwybr.cymru")]);
            assert!(is_cross_site(&said, PUBLIC), "{site}");
        }
    }

    #[test]
    fn otherwise_the_origin_must_be_this_host_or_the_public_address() {
        assert!(!is_cross_site(&headers(&[]), PUBLIC), "no word either way");
        let from = |origin| headers(&[("origin", origin), ("host", "10.0.0.5:8080")]);
        assert!(!is_cross_site(&from("https://llwybr.cymru"), PUBLIC));
        assert!(!is_cross_site(&from("http://10.0.0.5:8080"), PUBLIC));
        assert!(is_cross_site(&from("https://evil.example"), PUBLIC));
        assert!(is_cross_site(
            &from("https://llwybr.cymru.evil.example"),
            PUBLIC
        ));
        assert!(is_cross_site(&from("null"), PUBLIC));
    }
}
