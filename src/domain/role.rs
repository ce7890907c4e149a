/// What a person may do in Llwybr. A person can hold several roles, each within a scope (a
/// school for a headteacher, an authority for an LA officer).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Participant,
    Headteacher,
    ProgrammeLead,
    LaOfficer,
    ConsortiumAdmin,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Participant,
        Role::Headteacher,
        Role::ProgrammeLead,
        Role::LaOfficer,
        Role::ConsortiumAdmin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Participant => "participant",
            Role::Headteacher => "headteacher",
            Role::ProgrammeLead => "programme_lead",
            Role::LaOfficer => "la_officer",
            Role::ConsortiumAdmin => "consortium_admin",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Role::ALL.into_iter().find(|role| role.as_str() == value)
    }

    /// The message key of the role's name, for pages.
    pub fn label_key(self) -> &'static str {
        match self {
            Role::Participant => "role-participant",
            Role::Headteacher => "role-headteacher",
            Role::ProgrammeLead => "role-programme-lead",
            Role::LaOfficer => "role-la-officer",
            Role::ConsortiumAdmin => "role-consortium-admin",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_name() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("admin"), None);
    }
}
