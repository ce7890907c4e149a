//! Dates and times of the demo data, which the tables write as text in Welsh wall-clock time.

use chrono::{NaiveDate, NaiveDateTime};

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
    day.and_hms_opt(hour, minute, 0)
        .and_then(crate::domain::wales_time::to_utc)
        .ok_or_else(|| bad_data(format!("{hour}:{minute} on {day} is not a time in Wales")))
}
