//! Rules for programmes and cohorts as leads type them in.

use chrono::NaiveDate;

use super::FieldError;

/// The language a programme or cohort is delivered in.
pub const DELIVERY_LANGUAGES: [&str; 3] = ["english", "welsh", "bilingual"];

/// The message key of a delivery language's name, for pages.
pub fn delivery_label_key(language: &str) -> &'static str {
    match language {
        "welsh" => "delivery-welsh",
        "bilingual" => "delivery-bilingual",
        _ => "delivery-english",
    }
}

pub fn delivery_language(field: &'static str, raw: &str) -> Result<String, FieldError> {
    let value = raw.trim().to_ascii_lowercase();
    match value.as_str() {
        "english" | "en" => Ok("english".into()),
        "welsh" | "cy" | "cymraeg" => Ok("welsh".into()),
        "bilingual" | "dwyieithog" => Ok("bilingual".into()),
        _ => Err(FieldError::new(field, "error-delivery-language-invalid")),
    }
}

/// A programme code: short, lower-case letters, digits and hyphens (`new-to-headship`).
pub fn programme_code(field: &'static str, raw: &str) -> Result<String, FieldError> {
    let value = raw.trim().to_ascii_lowercase();
    let well_formed = (2..=64).contains(&value.len())
        && value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !value.starts_with('-')
        && !value.ends_with('-');
    if well_formed {
        Ok(value)
    } else {
        Err(FieldError::new(field, "error-code-invalid"))
    }
}

/// Non-empty text of at most `max` characters, trimmed.
pub fn required_text(field: &'static str, raw: &str, max: usize) -> Result<String, FieldError> {
    let value = raw.trim();
    if value.is_empty() {
        Err(FieldError::new(field, "error-required"))
    } else if value.chars().count() > max {
        Err(FieldError::new(field, "error-too-long"))
    } else {
        Ok(value.to_owned())
    }
}

pub const MAX_CAPACITY: i32 = 10_000;

pub fn capacity(field: &'static str, value: i64) -> Result<i32, FieldError> {
    if (1..=i64::from(MAX_CAPACITY)).contains(&value) {
        Ok(value as i32)
    } else {
        Err(FieldError::new(field, "error-capacity-invalid"))
    }
}

pub fn date(field: &'static str, raw: &str) -> Result<NaiveDate, FieldError> {
    super::day::parse(raw).ok_or_else(|| FieldError::new(field, "error-date-invalid"))
}

/// A cohort ends on or after it starts, and applications close before it ends.
pub fn cohort_dates(
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    applications_close_on: Option<NaiveDate>,
) -> Result<(), FieldError> {
    if ends_on < starts_on {
        return Err(FieldError::new("ends_on", "error-ends-before-start"));
    }
    if applications_close_on.is_some_and(|close| close > ends_on) {
        return Err(FieldError::new(
            "applications_close_on",
            "error-closes-after-end",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_lower_case_slugs() {
        assert_eq!(programme_code("code", " NPQH "), Ok("npqh".into()));
        assert_eq!(
            programme_code("code", "new-to-headship"),
            Ok("new-to-headship".into())
        );
        for bad in ["", "a", "new to headship", "-npqh", "npqh-", "ŵyn"] {
            assert!(programme_code("code", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn delivery_languages_accept_both_languages_words() {
        assert_eq!(delivery_language("l", "Cymraeg"), Ok("welsh".into()));
        assert_eq!(delivery_language("l", "bilingual"), Ok("bilingual".into()));
        assert!(delivery_language("l", "french").is_err());
    }

    #[test]
    fn capacity_is_positive_and_bounded() {
        assert_eq!(capacity("capacity", 30), Ok(30));
        assert!(capacity("capacity", 0).is_err());
        assert!(capacity("capacity", -5).is_err());
        assert!(capacity("capacity", 10_001).is_err());
    }

    #[test]
    fn cohort_dates_are_in_order() {
        let d = |s| date("d", s).unwrap_or_default();
        assert!(cohort_dates(d("2026-09-01"), d("2027-07-01"), Some(d("2026-08-15"))).is_ok());
        assert_eq!(
            cohort_dates(d("2027-07-01"), d("2026-09-01"), None).map_err(|e| e.field.into_owned()),
            Err("ends_on".to_owned())
        );
        assert_eq!(
            cohort_dates(d("2026-09-01"), d("2026-10-01"), Some(d("2026-11-01")))
                .map_err(|e| e.field.into_owned()),
            Err("applications_close_on".to_owned())
        );
        assert!(date("d", "31/12/2026").is_err());
    }
}
