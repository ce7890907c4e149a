//! Local authorities and schools: the values their fields may take.

use super::FieldError;

pub const SECTORS: [&str; 5] = ["primary", "secondary", "all_age", "special", "pru"];
pub const LANGUAGE_MEDIA: [&str; 4] = ["english", "welsh", "bilingual", "dual"];
pub const SUPPORT_CATEGORIES: [&str; 4] = ["green", "yellow", "amber", "red"];

/// The Welsh Government school number: seven digits (the authority's three, then four).
pub fn parse_school_number(field: &'static str, value: &str) -> Result<String, FieldError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(FieldError::new(field, "admin-error-required"));
    }
    if value.len() != 7 || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(FieldError::new(field, "admin-error-school-number"));
    }
    Ok(value.to_owned())
}

/// A name in one language: required, at most 200 characters, no control characters.
pub fn parse_name(field: &'static str, value: &str) -> Result<String, FieldError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(FieldError::new(field, "admin-error-required"));
    }
    if value.chars().count() > 200 {
        return Err(FieldError::new(field, "admin-error-too-long"));
    }
    if value.chars().any(char::is_control) {
        return Err(FieldError::new(field, "admin-error-invalid-characters"));
    }
    Ok(value.to_owned())
}

/// One of `allowed`, compared without regard to case; `all-age` is read as `all_age`.
pub fn parse_choice(
    field: &'static str,
    value: &str,
    allowed: &[&'static str],
    key: &'static str,
) -> Result<&'static str, FieldError> {
    let wanted = value.trim().to_ascii_lowercase().replace('-', "_");
    allowed
        .iter()
        .find(|a| **a == wanted)
        .copied()
        .ok_or_else(|| FieldError::new(field, key))
}

/// A short code (a local authority's): lower-case letters, digits and hyphens.
pub fn parse_code(field: &'static str, value: &str) -> Result<String, FieldError> {
    let value = value.trim().to_ascii_lowercase();
    if value.is_empty() {
        return Err(FieldError::new(field, "admin-error-required"));
    }
    if value.len() > 60
        || !value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(FieldError::new(field, "admin-error-code"));
    }
    Ok(value)
}

/// A school as a form or a CSV row describes it, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchoolDetails {
    pub school_number: String,
    pub name_en: String,
    pub name_cy: String,
    pub sector: &'static str,
    pub language_medium: &'static str,
    pub support_category: Option<&'static str>,
}

/// The raw fields of a school.
pub struct SchoolInput<'a> {
    pub school_number: &'a str,
    pub name_en: &'a str,
    pub name_cy: &'a str,
    pub sector: &'a str,
    pub language_medium: &'a str,
    pub support_category: &'a str,
}

/// The value, or None with its problem added to `errors`.
pub fn keep<T>(errors: &mut Vec<FieldError>, result: Result<T, FieldError>) -> Option<T> {
    result.map_err(|e| errors.push(e)).ok()
}

/// Checks every field and reports every problem, not just the first.
pub fn check_school(input: &SchoolInput<'_>) -> Result<SchoolDetails, Vec<FieldError>> {
    let mut errors = Vec::new();
    let number = keep(
        &mut errors,
        parse_school_number("school_number", input.school_number),
    );
    let name_en = keep(&mut errors, parse_name("name_en", input.name_en));
    let name_cy = keep(&mut errors, parse_name("name_cy", input.name_cy));
    let sector = keep(
        &mut errors,
        parse_choice("sector", input.sector, &SECTORS, "admin-error-sector"),
    );
    let medium = keep(
        &mut errors,
        parse_choice(
            "language_medium",
            input.language_medium,
            &LANGUAGE_MEDIA,
            "admin-error-language-medium",
        ),
    );
    let category = if input.support_category.trim().is_empty() {
        Some(None)
    } else {
        keep(
            &mut errors,
            parse_choice(
                "support_category",
                input.support_category,
                &SUPPORT_CATEGORIES,
                "admin-error-support-category",
            ),
        )
        .map(Some)
    };
    match (number, name_en, name_cy, sector, medium, category) {
        (Some(school_number), Some(name_en), Some(name_cy), Some(sector), Some(m), Some(c))
            if errors.is_empty() =>
        {
            Ok(SchoolDetails {
                school_number,
                name_en,
                name_cy,
                sector,
                language_medium: m,
                support_category: c,
            })
        }
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input<'a>(number: &'a str, sector: &'a str, category: &'a str) -> SchoolInput<'a> {
        SchoolInput {
            school_number: number,
            name_en: "Heol Llandaf Primary School",
            name_cy: "Ysgol Gynradd Heol Llandaf",
            sector,
            language_medium: "English",
            support_category: category,
        }
    }

    #[test]
    fn a_good_school_is_normalised() {
        let school = check_school(&input(" 6812345 ", "all-age", "")).expect("valid");
        assert_eq!(school.school_number, "6812345");
        assert_eq!(school.sector, "all_age");
        assert_eq!(school.language_medium, "english");
        assert_eq!(school.support_category, None);
    }

    #[test]
    fn every_bad_field_is_named() {
        let errors = check_school(&input("68123", "college", "purple")).expect_err("invalid");
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_ref()).collect();
        assert_eq!(fields, ["school_number", "sector", "support_category"]);
        assert_eq!(errors[0].message_key, "admin-error-school-number");
    }

    #[test]
    fn codes_are_lower_case_words() {
        assert_eq!(
            parse_code("code", "Vale-of-Glamorgan").ok().as_deref(),
            Some("vale-of-glamorgan")
        );
        assert!(parse_code("code", "bro morgannwg").is_err());
        assert!(parse_code("code", "").is_err());
    }
}
