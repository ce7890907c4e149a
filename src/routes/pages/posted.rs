//! A posted form read as its (name, value) pairs, for forms that repeat a name (ticked boxes
//! of one group) or must tell a field left out from one sent empty.

/// The last value posted for `name`, or "".
pub fn field<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

/// The last value posted for `name`, or `None` when the form did not have the field at all.
pub fn sent(pairs: &[(String, String)], name: &str) -> Option<String> {
    pairs
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
}

/// Every value posted for `name`, in order: the boxes ticked in a group.
pub fn every(pairs: &[(String, String)], name: &str) -> Vec<String> {
    pairs
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_left_out_differs_from_one_sent_empty() {
        let pairs: Vec<(String, String)> = [("a", "1"), ("b", ""), ("a", "2")]
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        assert_eq!(field(&pairs, "a"), "2");
        assert_eq!(every(&pairs, "a"), ["1", "2"]);
        assert_eq!(sent(&pairs, "b"), Some(String::new()));
        assert_eq!(sent(&pairs, "c"), None);
        assert_eq!(field(&pairs, "c"), "");
    }
}
