//! The reason a person gives for a recorded decision (an override, a withdrawal, a deletion).

/// How long a recorded reason may be: longer ones are cut rather than refused.
pub const MAX_CHARS: usize = 1000;

/// The reason as it is recorded: trimmed, cut to `MAX_CHARS`, and absent when blank.
pub fn recorded(text: Option<&str>) -> Option<String> {
    text.map(|r| r.trim().chars().take(MAX_CHARS).collect::<String>())
        .filter(|r| !r.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reason_is_trimmed_cut_and_absent_when_blank() {
        assert_eq!(
            recorded(Some("  moved school \n")).as_deref(),
            Some("moved school")
        );
        assert_eq!(recorded(Some(" \t ")), None);
        assert_eq!(recorded(None), None);
        let long = "ŵ".repeat(MAX_CHARS + 5);
        assert_eq!(
            recorded(Some(&long)).map(|r| r.chars().count()),
            Some(MAX_CHARS)
        );
    }
}
