use super::language::Language;

/// One of the twelve stages of the leadership continuum (the rows live in the database, put
/// there by the migrations).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ContinuumStage {
    /// A stable code, e.g. `future_middle_leader`.
    pub code: String,
    /// 1 (initial teacher training) to 12 (executive headteacher).
    pub position: i32,
    pub name_en: String,
    pub name_cy: String,
    pub description_en: String,
    pub description_cy: String,
}

impl ContinuumStage {
    pub fn name(&self, language: Language) -> &str {
        language.pick(&self.name_en, &self.name_cy)
    }

    pub fn description(&self, language: Language) -> &str {
        language.pick(&self.description_en, &self.description_cy)
    }
}

/// Where a person stands relative to a stage of the continuum, for drawing the pathway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StageStanding {
    Passed,
    Current,
    Ahead,
}

/// Places every stage relative to the person's current one; with no current stage, every stage
/// lies ahead.
pub fn standing(stage_position: i32, current_position: Option<i32>) -> StageStanding {
    match current_position {
        Some(current) if stage_position < current => StageStanding::Passed,
        Some(current) if stage_position == current => StageStanding::Current,
        _ => StageStanding::Ahead,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_before_the_current_one_are_passed() {
        assert_eq!(standing(3, Some(6)), StageStanding::Passed);
        assert_eq!(standing(6, Some(6)), StageStanding::Current);
        assert_eq!(standing(7, Some(6)), StageStanding::Ahead);
        assert_eq!(standing(1, None), StageStanding::Ahead);
    }
}
