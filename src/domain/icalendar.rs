//! Writing iCalendar (RFC 5545) files: a calendar of timed events, with the line folding and
//! TEXT escaping the format demands. Pure: the caller supplies every value, the clock included.
//!
//! Written here rather than taken from the `icalendar` crate: we only ever write a handful of
//! properties, and owning the ~100 lines lets the tests pin down exactly the folding (by octets,
//! never inside a UTF-8 character, which Welsh titles with ŵ and ŷ would expose) and the escaping
//! that calendar clients are picky about, without a parser and its dependencies in the build.

use chrono::NaiveDateTime;

/// Who wrote the file (RFC 5545 §3.7.3).
const PRODUCT_ID: &str = "-//Llwybr//Llwybr//EN";
/// RFC 5545 §3.1: a content line should be no longer than 75 octets, excluding the line break.
const MAX_LINE_OCTETS: usize = 75;

/// A calendar: a name that clients show for the subscription, and its events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Calendar {
    pub name: String,
    pub description: Option<String>,
    pub events: Vec<Event>,
}

/// One timed event. Times are UTC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Globally unique and stable across downloads, so that clients update rather than
    /// duplicate an event.
    pub uid: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub summary: String,
    pub location: Option<String>,
    pub url: Option<String>,
    pub description: Option<String>,
}

impl Calendar {
    /// The whole file, CRLF line endings included. `stamp` (UTC) is when it was produced: with
    /// METHOD:PUBLISH that is what each event's DTSTAMP means.
    pub fn render(&self, stamp: NaiveDateTime) -> String {
        let mut out = String::new();
        let stamp = utc(stamp);
        write_line(&mut out, "BEGIN:VCALENDAR");
        write_line(&mut out, "VERSION:2.0");
        write_line(&mut out, &format!("PRODID:{PRODUCT_ID}"));
        write_line(&mut out, "CALSCALE:GREGORIAN");
        write_line(&mut out, "METHOD:PUBLISH");
        // NAME and DESCRIPTION are RFC 7986; the X-WR- forms are what older clients read.
        let name = escape_text(&self.name);
        write_line(&mut out, &format!("NAME:{name}"));
        write_line(&mut out, &format!("X-WR-CALNAME:{name}"));
        if let Some(description) = &self.description {
            let description = escape_text(description);
            write_line(&mut out, &format!("DESCRIPTION:{description}"));
            write_line(&mut out, &format!("X-WR-CALDESC:{description}"));
        }
        // Asks subscribing clients to look again twice a day.
        write_line(&mut out, "REFRESH-INTERVAL;VALUE=DURATION:PT12H");
        write_line(&mut out, "X-PUBLISHED-TTL:PT12H");
        for event in &self.events {
            write_line(&mut out, "BEGIN:VEVENT");
            write_line(&mut out, &format!("UID:{}", escape_text(&event.uid)));
            write_line(&mut out, &format!("DTSTAMP:{stamp}"));
            write_line(&mut out, &format!("DTSTART:{}", utc(event.starts_at)));
            write_line(&mut out, &format!("DTEND:{}", utc(event.ends_at)));
            write_line(
                &mut out,
                &format!("SUMMARY:{}", escape_text(&event.summary)),
            );
            if let Some(location) = &event.location {
                write_line(&mut out, &format!("LOCATION:{}", escape_text(location)));
            }
            if let Some(url) = &event.url {
                write_line(&mut out, &format!("URL:{}", uri(url)));
            }
            if let Some(description) = &event.description {
                write_line(
                    &mut out,
                    &format!("DESCRIPTION:{}", escape_text(description)),
                );
            }
            write_line(&mut out, "END:VEVENT");
        }
        write_line(&mut out, "END:VCALENDAR");
        out
    }
}

/// A UTC DATE-TIME in the form RFC 5545 §3.3.5 calls "form #2".
pub fn utc(moment: NaiveDateTime) -> String {
    moment.format("%Y%m%dT%H%M%SZ").to_string()
}

/// A TEXT value (RFC 5545 §3.3.11): backslash, semicolon and comma are escaped, line breaks
/// become `\n`. Other control characters are not allowed in TEXT and are dropped.
pub fn escape_text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() != Some(&'\n') {
                    out.push_str("\\n");
                }
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// A URI value is not escaped, but a stray control character would break the line structure.
fn uri(value: &str) -> String {
    value.chars().filter(|c| !c.is_control()).collect()
}

/// Appends one content line, folded so that no physical line exceeds 75 octets: continuation
/// lines start with a space (which counts), and a break never falls inside a UTF-8 character.
pub fn write_line(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        let octets = c.len_utf8();
        if width + octets > MAX_LINE_OCTETS {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += octets;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(day: u32, hour: u32, minute: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2027, 1, day)
            .and_then(|d| d.and_hms_opt(hour, minute, 0))
            .unwrap_or_default()
    }

    fn folded(line: &str) -> String {
        let mut out = String::new();
        write_line(&mut out, line);
        out
    }

    fn unfold(text: &str) -> String {
        text.replace("\r\n ", "")
    }

    #[test]
    fn short_lines_are_left_alone_and_end_in_crlf() {
        assert_eq!(folded("VERSION:2.0"), "VERSION:2.0\r\n");
        let exactly = "X".repeat(75);
        assert_eq!(folded(&exactly), format!("{exactly}\r\n"));
    }

    #[test]
    fn long_lines_fold_at_75_octets_with_a_leading_space() {
        let line = format!("SUMMARY:{}", "a".repeat(200));
        let out = folded(&line);
        let physical: Vec<&str> = out.trim_end_matches("\r\n").split("\r\n").collect();
        assert_eq!(physical[0].len(), 75);
        assert!(physical[1..].iter().all(|l| l.starts_with(' ')));
        assert!(physical.iter().all(|l| l.len() <= 75), "{physical:?}");
        assert_eq!(unfold(&out), format!("{line}\r\n"));
    }

    #[test]
    fn folding_counts_octets_and_never_splits_a_character() {
        // 'ŵ' is two octets and '🏴' four: a character count would overrun 75 octets, and a
        // byte count that ignored boundaries would cut them in half.
        let line = format!("SUMMARY:{}", "Gŵyl 🏴 ŷ ".repeat(20));
        let out = folded(&line);
        for physical in out.trim_end_matches("\r\n").split("\r\n") {
            assert!(
                physical.len() <= 75,
                "{} octets: {physical:?}",
                physical.len()
            );
        }
        // Had a break fallen inside a character the String could not hold it; unfolding gives
        // back the line exactly.
        assert_eq!(unfold(&out), format!("{line}\r\n"));
        let first = out.split("\r\n").next().unwrap_or_default();
        assert!(
            first.len() > 72,
            "the first line is filled: {}",
            first.len()
        );
    }

    #[test]
    fn text_escapes_backslash_semicolon_comma_and_newlines() {
        assert_eq!(
            escape_text("Room 2; Block B, Ysgol\\Hall\nBring a laptop"),
            "Room 2\\; Block B\\, Ysgol\\\\Hall\\nBring a laptop"
        );
        assert_eq!(escape_text("one\r\ntwo\rthree"), "one\\ntwo\\nthree");
        assert_eq!(escape_text("bell\u{7}less"), "bellless");
        assert_eq!(escape_text("Caerdydd: ŵyr"), "Caerdydd: ŵyr");
    }

    #[test]
    fn utc_times_use_the_basic_form_with_z() {
        assert_eq!(utc(at(14, 9, 30)), "20270114T093000Z");
    }

    #[test]
    fn a_small_calendar_is_complete_and_well_formed() {
        let calendar = Calendar {
            name: "Llwybr: fy sesiynau".into(),
            description: Some("Private, keep it safe".into()),
            events: vec![
                Event {
                    uid: "s1@llwybr".into(),
                    starts_at: at(14, 9, 30),
                    ends_at: at(14, 15, 30),
                    summary: "Rhaglen Arweinyddiaeth Ganol: Diwrnod 1".into(),
                    location: Some("Canolfan Hyfforddi, Caerdydd".into()),
                    url: None,
                    description: None,
                },
                Event {
                    uid: "s2@llwybr".into(),
                    starts_at: at(21, 16, 0),
                    ends_at: at(21, 17, 0),
                    summary: "Middle Leadership: Day 2".into(),
                    location: None,
                    url: Some("https://meet.example.cymru/abc?x=1,2".into()),
                    description: Some("Join online: https://meet.example.cymru/abc".into()),
                },
            ],
        };
        let text = calendar.render(at(1, 8, 0));
        let expected = "BEGIN:VCALENDAR\r\n\
            VERSION:2.0\r\n\
            PRODID:-//Llwybr//Llwybr//EN\r\n\
            CALSCALE:GREGORIAN\r\n\
            METHOD:PUBLISH\r\n\
            NAME:Llwybr: fy sesiynau\r\n\
            X-WR-CALNAME:Llwybr: fy sesiynau\r\n\
            DESCRIPTION:Private\\, keep it safe\r\n\
            X-WR-CALDESC:Private\\, keep it safe\r\n\
            REFRESH-INTERVAL;VALUE=DURATION:PT12H\r\n\
            X-PUBLISHED-TTL:PT12H\r\n\
            BEGIN:VEVENT\r\n\
            UID:s1@llwybr\r\n\
            DTSTAMP:20270101T080000Z\r\n\
            DTSTART:20270114T093000Z\r\n\
            DTEND:20270114T153000Z\r\n\
            SUMMARY:Rhaglen Arweinyddiaeth Ganol: Diwrnod 1\r\n\
            LOCATION:Canolfan Hyfforddi\\, Caerdydd\r\n\
            END:VEVENT\r\n\
            BEGIN:VEVENT\r\n\
            UID:s2@llwybr\r\n\
            DTSTAMP:20270101T080000Z\r\n\
            DTSTART:20270121T160000Z\r\n\
            DTEND:20270121T170000Z\r\n\
            SUMMARY:Middle Leadership: Day 2\r\n\
            URL:https://meet.example.cymru/abc?x=1,2\r\n\
            DESCRIPTION:Join online: https://meet.example.cymru/abc\r\n\
            END:VEVENT\r\n\
            END:VCALENDAR\r\n";
        assert_eq!(text, expected);
    }

    #[test]
    fn an_empty_calendar_is_still_valid() {
        let calendar = Calendar {
            name: "Llwybr".into(),
            description: None,
            events: Vec::new(),
        };
        let text = calendar.render(at(1, 0, 0));
        assert!(text.starts_with("BEGIN:VCALENDAR\r\n"));
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        assert!(!text.contains("VEVENT"));
        assert!(!text.replace("\r\n", "").contains('\n'));
    }
}
