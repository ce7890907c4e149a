//! Who may see which report figures. Consortium admins see the whole region; an LA officer sees
//! their own authority only; nobody else sees reports.

use crate::auth::CurrentUser;
use crate::domain::role::Role;
use crate::error::{AppError, AppResult};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportScope {
    Region,
    Authority(String),
}

impl ReportScope {
    /// The scope of `user`'s reports; forbidden for anyone who is neither consortium admin nor
    /// LA officer of an authority.
    pub fn of(user: &CurrentUser) -> AppResult<Self> {
        if user.has(Role::ConsortiumAdmin) {
            return Ok(Self::Region);
        }
        user.grants
            .iter()
            .filter(|grant| grant.role() == Some(Role::LaOfficer))
            .find_map(|grant| grant.local_authority_id.clone())
            .map(Self::Authority)
            .ok_or(AppError::Forbidden)
    }

    /// The authority figures are restricted to, given the one the viewer asked for (if any).
    /// An LA officer asking for another authority is refused rather than silently shown their
    /// own, so a figure is never mistaken for another authority's.
    pub fn authority(&self, requested: Option<&str>) -> AppResult<Option<String>> {
        let requested = requested.map(str::trim).filter(|id| !id.is_empty());
        match (self, requested) {
            (Self::Region, requested) => Ok(requested.map(str::to_owned)),
            (Self::Authority(own), None) => Ok(Some(own.clone())),
            (Self::Authority(own), Some(asked)) if asked == own => Ok(Some(own.clone())),
            (Self::Authority(_), Some(_)) => Err(AppError::Forbidden),
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
        let officer = ReportScope::Authority("la-cardiff".into());
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
