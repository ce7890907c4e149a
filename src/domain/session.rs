//! Rules for a cohort's sessions as leads type them in: when, and where or at what link.

use chrono::{DateTime, NaiveDateTime};

use super::FieldError;

pub const MAX_TITLE: usize = 200;
pub const MAX_VENUE: usize = 300;
pub const MAX_URL: usize = 2000;

/// A moment in UTC, from RFC 3339 (`2026-09-14T09:00:00+01:00`, converted to UTC) or from a
/// form's `YYYY-MM-DDTHH:MM` (seconds optional), which has no offset and is the time on a clock
/// in Wales, where the sessions are: a lead types what the invitation will say.
pub fn moment(field: &'static str, raw: &str) -> Result<NaiveDateTime, FieldError> {
    let raw = raw.trim();
    let invalid = || FieldError::new(field, "error-session-time-invalid");
    let at = match DateTime::parse_from_rfc3339(raw) {
        Ok(at) => at.naive_utc(),
        Err(_) => {
            let local = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
                .iter()
                .find_map(|format| NaiveDateTime::parse_from_str(raw, format).ok())
                .filter(|at| super::day::has_four_digit_year(at.date()))
                .ok_or_else(invalid)?;
            super::wales_time::to_utc(local)
                .ok_or_else(|| FieldError::new(field, "error-session-time-skipped"))?
        }
    };
    if super::day::has_four_digit_year(at.date()) {
        Ok(at)
    } else {
        Err(invalid())
    }
}

/// A session ends after it starts: a zero-length session is a typing slip.
pub fn in_order(starts_at: NaiveDateTime, ends_at: NaiveDateTime) -> Result<(), FieldError> {
    if ends_at > starts_at {
        Ok(())
    } else {
        Err(FieldError::new(
            "ends_at",
            "error-session-ends-before-start",
        ))
    }
}

/// Optional text: blank means absent; otherwise trimmed and at most `max` characters.
pub fn optional_text(
    field: &'static str,
    raw: Option<&str>,
    max: usize,
) -> Result<Option<String>, FieldError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(value) if value.chars().count() > max => Err(FieldError::new(field, "error-too-long")),
        Some(value) => Ok(Some(value.to_owned())),
    }
}

/// A link participants can follow: http(s), with a host and no spaces.
pub fn online_url(field: &'static str, raw: Option<&str>) -> Result<Option<String>, FieldError> {
    let Some(url) = optional_text(field, raw, MAX_URL)? else {
        return Ok(None);
    };
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"));
    let has_host = rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/'));
    if has_host && !url.chars().any(char::is_whitespace) {
        Ok(Some(url))
    } else {
        Err(FieldError::new(field, "error-session-url-invalid"))
    }
}

/// Participants must be told where to go: a venue, a link, or both (hybrid).
pub fn has_place(venue: Option<&str>, online_url: Option<&str>) -> Result<(), Vec<FieldError>> {
    if venue.is_some() || online_url.is_some() {
        Ok(())
    } else {
        Err(vec![
            FieldError::new("venue", "error-session-place-missing"),
            FieldError::new("online_url", "error-session-place-missing"),
        ])
    }
}

/// A session counts towards attendance once it has started: a register may be taken as it
/// begins, and sessions still to come are nobody's absence.
pub fn is_held(starts_at: NaiveDateTime, now: NaiveDateTime) -> bool {
    starts_at <= now
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(raw: &str) -> NaiveDateTime {
        moment("t", raw).unwrap_or_default()
    }

    #[test]
    fn times_come_as_rfc3339_or_as_a_form_sends_them() {
        assert_eq!(
            at("2026-09-14T09:30").to_string(),
            "2026-09-14 08:30:00",
            "a form's time without an offset is the time in Wales, here summer time"
        );
        assert_eq!(
            at("2026-12-14T09:30").to_string(),
            "2026-12-14 09:30:00",
            "and in winter, UTC"
        );
        assert_eq!(at("2026-09-14T09:30:15").to_string(), "2026-09-14 08:30:15");
        assert_eq!(
            at("2026-09-14T09:30:00Z").to_string(),
            "2026-09-14 09:30:00"
        );
        assert_eq!(
            at("2026-07-14T09:30:00+01:00").to_string(),
            "2026-07-14 08:30:00",
            "British Summer Time is converted to UTC"
        );
        for bad in [
            "",
            "14/09/2026 09:30",
            "2026-09-14",
            "2026-13-01T09:00",
            "+262142-12-31T09:00",
            "soon",
            "2027-03-28T01:30",
        ] {
            assert_eq!(
                moment("starts_at", bad).map_err(|e| e.field.into_owned()),
                Err("starts_at".to_owned()),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_session_ends_after_it_starts() {
        assert!(in_order(at("2026-09-14T09:00"), at("2026-09-14T12:00")).is_ok());
        assert_eq!(
            in_order(at("2026-09-14T09:00"), at("2026-09-14T09:00"))
                .map_err(|e| e.field.into_owned()),
            Err("ends_at".to_owned())
        );
        assert!(in_order(at("2026-09-14T09:00"), at("2026-09-13T12:00")).is_err());
    }

    #[test]
    fn links_are_web_addresses() {
        assert_eq!(
            online_url("online_url", Some(" https://teams.example.cymru/l/abc ")),
            Ok(Some("https://teams.example.cymru/l/abc".to_owned()))
        );
        assert_eq!(online_url("online_url", Some("  ")), Ok(None));
        assert_eq!(online_url("online_url", None), Ok(None));
        for bad in [
            "teams.example.cymru",
            "javascript:alert(1)",
            "https://",
            "https:///path",
            "https://a b",
        ] {
            assert!(online_url("online_url", Some(bad)).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_session_needs_a_venue_or_a_link() {
        assert!(has_place(Some("Ysgol Glantaf"), None).is_ok());
        assert!(has_place(None, Some("https://meet.example")).is_ok());
        assert!(has_place(Some("Hall"), Some("https://meet.example")).is_ok());
        let fields: Vec<_> = has_place(None, None)
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(fields, ["venue", "online_url"]);
    }

    #[test]
    fn venues_are_optional_but_bounded() {
        assert_eq!(optional_text("venue", Some(""), 5), Ok(None));
        assert_eq!(
            optional_text("venue", Some(" Neuadd "), 10),
            Ok(Some("Neuadd".to_owned()))
        );
        assert!(optional_text("venue", Some("Neuadd y Dref"), 5).is_err());
    }

    #[test]
    fn a_session_is_held_from_its_start() {
        let start = at("2026-09-14T09:00");
        assert!(!is_held(start, at("2026-09-14T08:59")));
        assert!(is_held(start, start));
        assert!(is_held(start, at("2026-09-15T08:00")));
    }
}
