//! Just enough of `multipart/form-data` for the import form: named text fields and one file.
//! The body is already in memory (its size is capped by the route's PayloadConfig), so a
//! streaming parser would buy nothing.

use std::collections::HashMap;

/// The fields of a form: text values by name, and the uploaded file's name and bytes.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct FormData {
    pub fields: HashMap<String, String>,
    pub file: Option<(String, Vec<u8>)>,
}

/// The boundary from a `Content-Type: multipart/form-data; boundary=...` header.
pub fn boundary(content_type: &str) -> Option<String> {
    let (mime, params) = content_type.split_once(';')?;
    if !mime.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    params.split(';').find_map(|p| {
        let (key, value) = p.trim().split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| value.trim().trim_matches('"').to_owned())
            .filter(|b| !b.is_empty() && b.len() <= 70)
    })
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    (from..=haystack.len() - needle.len()).find(|&i| &haystack[i..i + needle.len()] == needle)
}

fn parameter(disposition: &str, name: &str) -> Option<String> {
    disposition.split(';').find_map(|p| {
        let (key, value) = p.trim().split_once('=')?;
        (key.trim() == name).then(|| value.trim().trim_matches('"').to_owned())
    })
}

/// Parses the body; None when it is not well-formed multipart data.
pub fn parse(body: &[u8], boundary: &str) -> Option<FormData> {
    let delimiter = format!("--{boundary}");
    let mut form = FormData::default();
    let mut at = find(body, delimiter.as_bytes(), 0)? + delimiter.len();
    loop {
        if body.get(at..at + 2) == Some(b"--") {
            return Some(form);
        }
        at = find(body, b"\r\n", at)? + 2;
        let headers_end = find(body, b"\r\n\r\n", at)?;
        let headers = std::str::from_utf8(&body[at..headers_end]).ok()?;
        let content_start = headers_end + 4;
        let next = find(body, format!("\r\n{delimiter}").as_bytes(), content_start)?;
        let content = &body[content_start..next];
        let disposition = headers.lines().find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("content-disposition")
                .then_some(value)
        })?;
        let name = parameter(disposition, "name")?;
        match parameter(disposition, "filename") {
            Some(file_name) => form.file = Some((file_name, content.to_vec())),
            None => {
                form.fields
                    .insert(name, String::from_utf8_lossy(content).into_owned());
            }
        }
        at = next + 2 + delimiter.len();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &[u8] = b"--XyZ\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\npeople\r\n\
--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"people.csv\"\r\n\
Content-Type: text/csv\r\n\r\nemail,name\r\nceri@ysgol.cymru,Ceri\r\n\r\n--XyZ--\r\n";

    #[test]
    fn reads_fields_and_the_file() {
        let form = parse(BODY, "XyZ").expect("parses");
        assert_eq!(form.fields.get("kind").map(String::as_str), Some("people"));
        let (name, bytes) = form.file.expect("a file");
        assert_eq!(name, "people.csv");
        assert_eq!(bytes, b"email,name\r\nceri@ysgol.cymru,Ceri\r\n");
    }

    #[test]
    fn the_boundary_comes_from_the_content_type() {
        assert_eq!(
            boundary("multipart/form-data; boundary=\"XyZ\"").as_deref(),
            Some("XyZ")
        );
        assert_eq!(boundary("application/x-www-form-urlencoded"), None);
    }

    #[test]
    fn a_truncated_body_is_refused() {
        assert_eq!(parse(&BODY[..60], "XyZ"), None);
        assert_eq!(parse(b"nonsense", "XyZ"), None);
    }
}
