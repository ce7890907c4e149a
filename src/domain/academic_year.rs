//! Academic years run from September to August; every report buckets by them.

use chrono::{Datelike, NaiveDate};

/// The academic year (September to August) a date falls in, by the calendar year it starts.
pub fn academic_year(date: NaiveDate) -> i32 {
    if date.month() >= 9 {
        date.year()
    } else {
        date.year() - 1
    }
}

/// The first and last day of the academic year starting in September of `start_year`.
pub fn academic_year_bounds(start_year: i32) -> Option<(NaiveDate, NaiveDate)> {
    Some((
        NaiveDate::from_ymd_opt(start_year, 9, 1)?,
        NaiveDate::from_ymd_opt(start_year + 1, 8, 31)?,
    ))
}

/// "2025/26" for the year starting in September 2025.
pub fn academic_year_label(start_year: i32) -> String {
    format!("{}/{:02}", start_year, (start_year + 1).rem_euclid(100))
}

/// Parses "2025/26" or "2025" (the year it starts).
pub fn parse_academic_year(value: &str) -> Option<i32> {
    let start = value.trim().split('/').next()?;
    let year = start.parse::<i32>().ok()?;
    (2000..=2100).contains(&year).then_some(year)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn academic_years_run_from_september_to_august() {
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date");
        assert_eq!(academic_year(day("2025-09-01")), 2025);
        assert_eq!(academic_year(day("2026-08-31")), 2025);
        assert_eq!(academic_year(day("2026-09-01")), 2026);
        assert_eq!(academic_year_label(2025), "2025/26");
        assert_eq!(academic_year_label(2099), "2099/00");
        assert_eq!(parse_academic_year("2025/26"), Some(2025));
        assert_eq!(parse_academic_year("2025"), Some(2025));
        assert_eq!(parse_academic_year("twenty"), None);
        assert_eq!(
            academic_year_bounds(2025),
            Some((day("2025-09-01"), day("2026-08-31")))
        );
    }
}
