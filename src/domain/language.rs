/// The two languages every page, email and message exists in.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    En,
    Cy,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::En, Language::Cy];

    pub fn code(self) -> &'static str {
        match self {
            Language::En => "en",
            Language::Cy => "cy",
        }
    }

    /// Accepts the codes and the languages' own names, as people type them.
    pub fn parse(value: &str) -> Option<Self> {
        match value.trim().to_ascii_lowercase().as_str() {
            "en" | "eng" | "english" | "saesneg" => Some(Language::En),
            "cy" | "cym" | "welsh" | "cymraeg" => Some(Language::Cy),
            _ => None,
        }
    }

    /// The first language of an Accept-Language header that we speak, honouring q-values.
    pub fn from_accept_language(header: &str) -> Option<Self> {
        let mut best: Option<(f32, Language)> = None;
        for part in header.split(',') {
            let mut pieces = part.trim().split(';');
            let tag = pieces.next().unwrap_or_default().trim();
            let primary = tag.split('-').next().unwrap_or_default();
            let Some(language) = Language::parse(primary) else {
                continue;
            };
            let quality = pieces
                .find_map(|p| {
                    p.trim()
                        .strip_prefix("q=")
                        .and_then(|q| q.parse::<f32>().ok())
                })
                .unwrap_or(1.0);
            if quality > 0.0 && best.is_none_or(|(q, _)| quality > q) {
                best = Some((quality, language));
            }
        }
        best.map(|(_, language)| language)
    }

    /// The other language, for the switch in the page header.
    pub fn other(self) -> Self {
        match self {
            Language::En => Language::Cy,
            Language::Cy => Language::En,
        }
    }

    /// Picks the English or the Welsh of a bilingual pair.
    pub fn pick<'a>(self, en: &'a str, cy: &'a str) -> &'a str {
        match self {
            Language::En => en,
            Language::Cy => cy,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_codes_and_names() {
        assert_eq!(Language::parse("cy"), Some(Language::Cy));
        assert_eq!(Language::parse(" Cymraeg "), Some(Language::Cy));
        assert_eq!(Language::parse("EN"), Some(Language::En));
        assert_eq!(Language::parse("fr"), None);
    }

    #[test]
    fn accept_language_prefers_the_highest_quality_we_speak() {
        assert_eq!(
            Language::from_accept_language("cy-GB,en;q=0.8"),
            Some(Language::Cy)
        );
        assert_eq!(
            Language::from_accept_language("fr, en-GB;q=0.5, cy;q=0.9"),
            Some(Language::Cy)
        );
        assert_eq!(
            Language::from_accept_language("en-GB, cy;q=0.2"),
            Some(Language::En)
        );
        assert_eq!(Language::from_accept_language("fr, de"), None);
        assert_eq!(
            Language::from_accept_language("cy;q=0, en;q=0.1"),
            Some(Language::En)
        );
    }
}
