//! English and Welsh messages (Fluent files under `src/i18n/locales/`), and the language of a
//! request.

use std::borrow::Cow;
use std::collections::HashMap;
use std::future::{Ready, ready};
use std::sync::LazyLock;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, static_loader};

use crate::domain::language::Language;

/// The cookie that remembers the language a person chose with the switch.
pub const LANGUAGE_COOKIE: &str = "llwybr_lang";

// Every .ftl file under locales/en and locales/cy is embedded; build.rs rebuilds when they change.
static_loader! {
    static LOCALES = {
        locales: "./src/i18n/locales",
        fallback_language: "en",
        // Unicode isolation marks around placeables would end up inside emails and plain text.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static LANGUAGE_IDS: LazyLock<[LanguageIdentifier; 2]> = LazyLock::new(|| {
    let parse = |code: &str| code.parse::<LanguageIdentifier>().unwrap_or_default();
    [parse("en"), parse("cy")]
});

fn language_id(language: Language) -> &'static LanguageIdentifier {
    match language {
        Language::En => &LANGUAGE_IDS[0],
        Language::Cy => &LANGUAGE_IDS[1],
    }
}

/// The message `key` in `language`.
pub fn t(language: Language, key: &str) -> String {
    LOCALES.lookup(language_id(language), key)
}

/// The message `key` in `language`, with its `{ $placeholders }` filled in.
pub fn t_with(language: Language, key: &str, args: &[(&'static str, String)]) -> String {
    let args: HashMap<Cow<'static, str>, FluentValue<'_>> = args
        .iter()
        .map(|(name, value)| (Cow::Borrowed(*name), FluentValue::from(value.as_str())))
        .collect();
    LOCALES.lookup_with_args(language_id(language), key, &args)
}

/// The message `key` with a number, so that plural forms (Welsh has six) are chosen by it.
pub fn t_count(language: Language, key: &str, name: &'static str, count: i64) -> String {
    let args: HashMap<Cow<'static, str>, FluentValue<'_>> =
        HashMap::from([(Cow::Borrowed(name), FluentValue::from(count))]);
    LOCALES.lookup_with_args(language_id(language), key, &args)
}

/// Message lookup bound to one language, handed to templates as `i18n`.
#[derive(Debug, Clone, Copy)]
pub struct Translator {
    pub language: Language,
}

impl Translator {
    pub fn new(language: Language) -> Self {
        Self { language }
    }

    pub fn t(&self, key: &str) -> String {
        t(self.language, key)
    }

    pub fn t1(&self, key: &str, name: &'static str, value: &str) -> String {
        t_with(self.language, key, &[(name, value.to_owned())])
    }

    pub fn count(&self, key: &str, name: &'static str, count: impl TryInto<i64>) -> String {
        t_count(
            self.language,
            key,
            name,
            count.try_into().unwrap_or(i64::MAX),
        )
    }

    /// An application status (`confirmed`, ...) in words.
    pub fn status(&self, status: &str) -> String {
        crate::domain::enrolment::EnrolmentStatus::parse(status)
            .map(|s| self.t(s.label_key()))
            .unwrap_or_else(|| status.to_owned())
    }

    /// A level of Welsh-language ability in words.
    pub fn welsh_ability(&self, level: &str) -> String {
        self.t(&format!("welsh-ability-{level}"))
    }

    /// A delivery language (`english`, `welsh`, `bilingual`) in words.
    pub fn delivery(&self, language: &str) -> String {
        self.t(crate::domain::catalogue::delivery_label_key(language))
    }

    pub fn code(&self) -> &'static str {
        self.language.code()
    }

    pub fn pick<'a>(&self, en: &'a str, cy: &'a str) -> &'a str {
        self.language.pick(en, cy)
    }
}

/// The language a request should be answered in: `?lang=`, then the remembered choice (cookie),
/// then the browser's Accept-Language, then English.
pub fn request_language(req: &HttpRequest) -> Language {
    let from_query = req
        .query_string()
        .split('&')
        .find_map(|pair| pair.strip_prefix("lang=").and_then(Language::parse));
    from_query
        .or_else(|| {
            req.cookie(LANGUAGE_COOKIE)
                .and_then(|c| Language::parse(c.value()))
        })
        .or_else(|| {
            req.headers()
                .get(actix_web::http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Language::from_accept_language)
        })
        .unwrap_or_default()
}

/// Extractor for the language of the request.
#[derive(Debug, Clone, Copy)]
pub struct RequestLanguage(pub Language);

impl FromRequest for RequestLanguage {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(RequestLanguage(request_language(req))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn keys(source: &str) -> BTreeSet<String> {
        source
            .lines()
            .filter(|line| line.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
            .filter_map(|line| line.split_once(" =").map(|(key, _)| key.trim().to_owned()))
            .collect()
    }

    /// Every key of every `.ftl` file in one language's folder.
    fn catalogue(language: &str) -> BTreeSet<String> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("src/i18n/locales")
            .join(language);
        let mut all = BTreeSet::new();
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            if entry.path().extension().is_some_and(|e| e == "ftl") {
                all.extend(keys(
                    &std::fs::read_to_string(entry.path()).unwrap_or_default(),
                ));
            }
        }
        all
    }

    #[test]
    fn english_and_welsh_have_the_same_messages() {
        let en = catalogue("en");
        let cy = catalogue("cy");
        assert!(en.len() > 20, "the English catalogue looks empty");
        let only_en: Vec<_> = en.difference(&cy).collect();
        let only_cy: Vec<_> = cy.difference(&en).collect();
        assert!(only_en.is_empty(), "missing in Welsh: {only_en:?}");
        assert!(only_cy.is_empty(), "missing in English: {only_cy:?}");
    }

    #[test]
    fn messages_differ_by_language_and_fill_placeholders() {
        assert_eq!(t(Language::En, "nav-home"), "Home");
        assert_eq!(t(Language::Cy, "nav-home"), "Hafan");
        let greeting = t_with(Language::Cy, "greeting", &[("name", "Siân".to_owned())]);
        assert!(greeting.contains("Siân"), "{greeting}");
        assert!(
            !greeting.contains('\u{2068}'),
            "no isolation marks in {greeting:?}"
        );
    }

    #[test]
    fn welsh_plurals_follow_the_number() {
        assert_eq!(
            t_count(Language::Cy, "catalogue-count", "count", 1),
            "Un rhaglen"
        );
        assert_eq!(
            t_count(Language::Cy, "catalogue-count", "count", 2),
            "Dwy raglen"
        );
        assert_eq!(
            t_count(Language::Cy, "catalogue-count", "count", 15),
            "15 o raglenni"
        );
        assert_eq!(
            t_count(Language::En, "catalogue-count", "count", 1),
            "One programme"
        );
        assert_eq!(
            t_count(Language::En, "catalogue-count", "count", 15),
            "15 programmes"
        );
        assert_eq!(
            t_count(Language::En, "evaluation-answers-count", "count", 1),
            "1 answer"
        );
        assert_eq!(
            t_count(Language::Cy, "evaluation-answers-count", "count", 1),
            "1 ateb"
        );
    }
}
