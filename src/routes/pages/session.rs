//! The cookies pages use: the access token (HttpOnly, SameSite=Lax) and the chosen language.

use actix_web::cookie::time::Duration;
use actix_web::cookie::{Cookie, SameSite};

use crate::auth::SESSION_COOKIE;
use crate::domain::language::Language;
use crate::i18n::LANGUAGE_COOKIE;
use crate::state::AppState;

pub fn session_cookie(state: &AppState, token: String) -> Cookie<'static> {
    Cookie::build(SESSION_COOKIE, token)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.settings.auth.secure_cookies)
        .max_age(Duration::seconds(state.tokens.ttl_seconds()))
        .finish()
}

pub fn expired_cookie() -> Cookie<'static> {
    let mut cookie = Cookie::build(SESSION_COOKIE, "")
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .finish();
    cookie.make_removal();
    cookie
}

pub fn language_cookie(language: Language) -> Cookie<'static> {
    Cookie::build(LANGUAGE_COOKIE, language.code())
        .path("/")
        .same_site(SameSite::Lax)
        .max_age(Duration::days(365))
        .finish()
}

/// Only paths on this site, so that `next=` cannot send anyone elsewhere.
pub fn safe_next(next: Option<&str>, fallback: &str) -> String {
    match next {
        Some(path) if is_local_path(path) => path.to_owned(),
        _ => fallback.to_owned(),
    }
}

/// A path on this site as a browser will read it. Browsers read `\` as `/` (so `/\host` is
/// another host) and drop tabs and newlines from a URL (so `/\t/host` becomes `//host`): a
/// backslash, any control character or whitespace, or a second `/` at the start is refused.
fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path
            .chars()
            .any(|c| c == '\\' || c.is_control() || c.is_whitespace())
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/profile?x=1"), "/"), "/profile?x=1");
        assert_eq!(safe_next(Some("//evil.example"), "/"), "/");
        assert_eq!(safe_next(Some("https://evil.example"), "/"), "/");
        assert_eq!(safe_next(Some("/\\evil.example"), "/"), "/");
        for sneaky in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/ /evil.example",
            "\t//evil.example",
            "/\u{7f}/evil.example",
            "/\u{a0}/evil.example",
            "/profile\n",
        ] {
            assert_eq!(safe_next(Some(sneaky), "/"), "/", "{sneaky:?}");
        }
        assert_eq!(safe_next(Some("/"), "/profile"), "/");
        assert_eq!(safe_next(None, "/profile"), "/profile");
    }
}
