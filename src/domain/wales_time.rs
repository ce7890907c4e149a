//! The time on a clock in Wales. The database keeps UTC; people type and read the time on the
//! wall, which is an hour ahead of UTC in British Summer Time.

use chrono::offset::LocalResult;
use chrono::{NaiveDateTime, TimeZone};
use chrono_tz::Europe::London;

/// The UTC moment at which a Welsh clock shows `local`. In the hour the clocks go back, which a
/// clock shows twice, the first; in the hour they go forward, which it never shows, `None`.
pub fn to_utc(local: NaiveDateTime) -> Option<NaiveDateTime> {
    match London.from_local_datetime(&local) {
        LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => Some(at.naive_utc()),
        LocalResult::None => None,
    }
}

/// What a Welsh clock shows at the UTC moment `utc`.
pub fn from_utc(utc: NaiveDateTime) -> NaiveDateTime {
    London.from_utc_datetime(&utc).naive_local()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(raw: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(raw, "%Y-%m-%d %H:%M").unwrap_or_default()
    }

    #[test]
    fn summer_is_an_hour_ahead_of_utc_and_winter_is_not() {
        assert_eq!(to_utc(at("2026-07-14 09:30")), Some(at("2026-07-14 08:30")));
        assert_eq!(to_utc(at("2026-12-07 09:30")), Some(at("2026-12-07 09:30")));
        assert_eq!(from_utc(at("2026-07-14 08:30")), at("2026-07-14 09:30"));
        assert_eq!(from_utc(at("2026-12-07 09:30")), at("2026-12-07 09:30"));
    }

    #[test]
    fn the_clocks_change_at_one_in_the_morning_utc_on_the_last_sundays_of_march_and_october() {
        // 25 October 2026: 01:30 happens twice, first in summer time.
        assert_eq!(to_utc(at("2026-10-25 01:30")), Some(at("2026-10-25 00:30")));
        assert_eq!(to_utc(at("2026-10-25 09:00")), Some(at("2026-10-25 09:00")));
        assert_eq!(to_utc(at("2026-10-24 09:00")), Some(at("2026-10-24 08:00")));
        // 28 March 2027: 01:30 never happens.
        assert_eq!(to_utc(at("2027-03-28 01:30")), None);
        assert_eq!(to_utc(at("2027-03-28 09:00")), Some(at("2027-03-28 08:00")));
        assert_eq!(to_utc(at("2027-03-27 09:00")), Some(at("2027-03-27 09:00")));
        // Half past midnight UTC on 1 September is already 1 September on the wall, but on the
        // night the clocks went forward it is still 00:30.
        assert_eq!(from_utc(at("2026-08-31 23:30")), at("2026-09-01 00:30"));
        assert_eq!(from_utc(at("2027-03-28 00:30")), at("2027-03-28 00:30"));
    }
}
