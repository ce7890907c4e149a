//! Who may see which report figures. Consortium admins see the whole region; an LA officer sees
//! the authorities they are officer of, one at a time; nobody else sees reports.

use crate::auth::CurrentUser;
use crate::domain::role::Role;
use crate::error::{AppError, AppResult};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportScope {
    Region,
    /// An officer's authorities, never empty, in the order they were granted: the first is
    /// shown until they ask for another.
    Authorities(Vec<String>),
}

impl ReportScope {
    /// The scope of `user`'s reports; forbidden for anyone who is neither consortium admin nor
    /// LA officer of an authority.
    pub fn of(user: &CurrentUser) -> AppResult<Self> {
        if user.has(Role::ConsortiumAdmin) {
            return Ok(Self::Region);
        }
        let own = user.officer_of();
        if own.is_empty() {
            return Err(AppError::Forbidden);
        }
        Ok(Self::Authorities(own))
    }

    /// Whether the viewer may see the figures of authority `id`.
    pub fn covers(&self, id: &str) -> bool {
        match self {
            Self::Region => true,
            Self::Authorities(own) => own.iter().any(|a| a == id),
        }
    }

    /// The authority figures are restricted to, given the one the viewer asked for (if any).
    /// An LA officer asking for an authority not theirs is refused rather than silently shown
    /// their own, so a figure is never mistaken for another authority's.
    pub fn authority(&self, requested: Option<&str>) -> AppResult<Option<String>> {
        let requested = requested.map(str::trim).filter(|id| !id.is_empty());
        match (self, requested) {
            (Self::Region, requested) => Ok(requested.map(str::to_owned)),
            (Self::Authorities(own), None) => Ok(own.first().cloned()),
            (Self::Authorities(_), Some(asked)) if self.covers(asked) => Ok(Some(asked.to_owned())),
            (Self::Authorities(_), Some(_)) => Err(AppError::Forbidden),
        }
    }

    pub fn is_region(&self) -> bool {
        matches!(self, Self::Region)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_officer_is_held_to_their_own_authority() {
        let officer = ReportScope::Authorities(vec!["la-cardiff".into()]);
        assert_eq!(
            officer.authority(None).ok(),
            Some(Some("la-cardiff".into()))
        );
        assert_eq!(
            officer.authority(Some("la-cardiff")).ok(),
            Some(Some("la-cardiff".into()))
        );
        assert!(matches!(
            officer.authority(Some("la-conwy")),
            Err(AppError::Forbidden)
        ));
    }

    #[test]
    fn an_officer_of_two_authorities_sees_the_first_and_may_ask_for_the_other() {
        let officer = ReportScope::Authorities(vec!["la-cardiff".into(), "la-vale".into()]);
        assert_eq!(
            officer.authority(None).ok(),
            Some(Some("la-cardiff".into()))
        );
        assert_eq!(
            officer.authority(Some("la-vale")).ok(),
            Some(Some("la-vale".into()))
        );
        assert!(officer.covers("la-vale"));
        assert!(!officer.covers("la-conwy"));
        assert!(matches!(
            officer.authority(Some("la-conwy")),
            Err(AppError::Forbidden)
        ));
    }

    #[test]
    fn the_region_sees_any_authority_or_all() {
        let region = ReportScope::Region;
        assert_eq!(region.authority(None).ok(), Some(None));
        assert_eq!(region.authority(Some(" ")).ok(), Some(None));
        assert_eq!(
            region.authority(Some("la-conwy")).ok(),
            Some(Some("la-conwy".into()))
        );
    }
}
