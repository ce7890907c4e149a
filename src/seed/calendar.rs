//! Dates and times of the demo data, which the tables write as text in Welsh wall-clock time.

use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeDelta};

use super::bad_data;
use crate::error::AppResult;

pub fn date(text: &str) -> AppResult<NaiveDate> {
    text.parse()
        .map_err(|e| bad_data(format!("'{text}' is not a date: {e}")))
}

/// A time of day as hours and minutes.
pub type ClockTime = (u32, u32);

/// The moment in UTC, which the database keeps, of a time of day in Wales.
pub fn wales_time_to_utc(day: NaiveDate, (hour, minute): ClockTime) -> AppResult<NaiveDateTime> {
    let local = day
        .and_hms_opt(hour, minute, 0)
        .ok_or_else(|| bad_data(format!("{hour}:{minute} on {day} is not a time")))?;
    let offset_hours = if is_british_summer_time(day)? { 1 } else { 0 };
    Ok(local - TimeDelta::hours(offset_hours))
}

/// British Summer Time runs from the last Sunday of March to the last Sunday of October; the
/// clocks change at 01:00 UTC, before any session of the day starts.
pub fn is_british_summer_time(day: NaiveDate) -> AppResult<bool> {
    Ok(day >= last_sunday(day.year(), 3)? && day < last_sunday(day.year(), 10)?)
}

fn last_sunday(year: i32, month: u32) -> AppResult<NaiveDate> {
    // Only March and October are asked for, and both have 31 days.
    let last_day = NaiveDate::from_ymd_opt(year, month, 31)
        .ok_or_else(|| bad_data(format!("month {month} of {year} has no 31st day")))?;
    Ok(last_day - TimeDelta::days(i64::from(last_day.weekday().num_days_from_sunday())))
}
