//! Days as people type them and date fields send them: `2026-09-01`.

use chrono::{Datelike, NaiveDate};

/// The day `raw` names, if it is one with a four-digit year. Chrono reads a year of any
/// length, so `+262142-12-31` would be its last representable day, where adding a day (the end
/// of a period, an evaluation round's close) panics; no day Llwybr deals in lies that far out.
pub fn parse(raw: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
        .ok()
        .filter(|day| has_four_digit_year(*day))
}

pub fn has_four_digit_year(day: NaiveDate) -> bool {
    (1000..=9999).contains(&day.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_is_read_as_a_date_field_sends_it() {
        assert_eq!(parse(" 2026-09-01 "), NaiveDate::from_ymd_opt(2026, 9, 1));
        assert_eq!(parse("9999-12-31"), NaiveDate::from_ymd_opt(9999, 12, 31));
    }

    #[test]
    fn days_that_are_not_or_lie_past_four_digit_years_are_refused() {
        for raw in [
            "",
            "2026-02-30",
            "01/09/2026",
            "+262142-12-31",
            "262142-12-31",
            "10000-01-01",
            "-0001-01-01",
            "0999-12-31",
        ] {
            assert_eq!(parse(raw), None, "{raw}");
        }
    }
}
