//! Programmes across the continuum: the ones the demo data names (the Middle Leadership
//! Development Programme and NPQH among them) and a spread of shorter ones for every stage.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use rand::Rng;

use super::Context;
use super::insert::insert_rows;
use super::people::Stage;
use crate::db::DbConnection;
use crate::db::schema::{programme_target_stages, programmes};
use crate::seed::data::PROGRAMMES;

/// Topics of the shorter programmes: (code, English, Welsh). Each stage gets four of them.
const TOPICS: [(&str, &str, &str); 12] = [
    ("coaching", "Coaching and mentoring", "Hyfforddi a mentora"),
    ("leading-learning", "Leading learning", "Arwain dysgu"),
    (
        "curriculum",
        "Curriculum for Wales in practice",
        "Cwricwlwm i Gymru ar waith",
    ),
    (
        "evidence",
        "Using data and evidence",
        "Defnyddio data a thystiolaeth",
    ),
    (
        "wellbeing",
        "Wellbeing and inclusion",
        "Lles a chynhwysiant",
    ),
    (
        "welsh-pedagogy",
        "Welsh-medium pedagogy",
        "Addysgeg cyfrwng Cymraeg",
    ),
    (
        "alnet",
        "Additional learning needs",
        "Anghenion dysgu ychwanegol",
    ),
    ("digital", "Digital competence", "Cymhwysedd digidol"),
    (
        "equity",
        "Tackling the impact of poverty",
        "Mynd i'r afael ag effaith tlodi",
    ),
    ("enquiry", "Professional enquiry", "Ymholi proffesiynol"),
    (
        "assessment",
        "Assessment for progression",
        "Asesu ar gyfer dilyniant",
    ),
    (
        "collaboration",
        "Leading collaboration",
        "Arwain cydweithio",
    ),
];
const TOPICS_PER_STAGE: usize = 4;
const DELIVERY: [&str; 3] = ["english", "welsh", "bilingual"];

pub struct Programme {
    pub id: String,
    pub code: String,
    pub requires_endorsement: bool,
    pub delivery_language: &'static str,
    /// Positions of the target stages on the continuum.
    pub stage_positions: Vec<i32>,
    /// How much better or worse than the average its evaluations come out.
    pub quality: f64,
}

struct Wanted {
    code: String,
    title_en: String,
    title_cy: String,
    description_en: String,
    description_cy: String,
    provider: &'static str,
    delivery_language: &'static str,
    requires_endorsement: bool,
    eligibility_rules: &'static str,
    stages: Vec<String>,
}

pub fn insert_programmes(
    conn: &mut DbConnection,
    cx: &mut Context<'_>,
    stages: &[Stage],
    providers: &HashMap<&'static str, String>,
) -> anyhow::Result<Vec<Programme>> {
    let mut wanted: Vec<Wanted> = PROGRAMMES
        .iter()
        .map(|p| Wanted {
            code: p.code.to_owned(),
            title_en: p.title_en.to_owned(),
            title_cy: p.title_cy.to_owned(),
            description_en: p.description_en.to_owned(),
            description_cy: p.description_cy.to_owned(),
            provider: p.provider,
            delivery_language: p.delivery_language,
            requires_endorsement: p.requires_endorsement,
            eligibility_rules: p.eligibility_rules,
            stages: p.target_stages.iter().map(|s| (*s).to_owned()).collect(),
        })
        .collect();
    for (i, stage) in stages.iter().enumerate() {
        for j in 0..TOPICS_PER_STAGE {
            let (topic, title_en, title_cy) = TOPICS[(i + j * 3) % TOPICS.len()];
            let mut targets = vec![stage.code.clone()];
            if let Some(next) = stages.get(i + 1) {
                targets.push(next.code.clone());
            }
            wanted.push(Wanted {
                code: format!("{topic}-{}", stage.code.replace('_', "-")),
                title_en: format!("{title_en}: {}", stage.name_en),
                title_cy: format!("{title_cy}: {}", stage.name_cy),
                description_en: format!(
                    "{title_en} for teachers and leaders at the {} stage of the continuum.",
                    stage.name_en
                ),
                description_cy: format!(
                    "{title_cy} i athrawon ac arweinwyr ar gam {} y continwwm.",
                    stage.name_cy
                ),
                provider: ["csc", "cardiff-met", "taf-leadership"][(i + j) % 3],
                delivery_language: DELIVERY[(i * TOPICS_PER_STAGE + j) % DELIVERY.len()],
                requires_endorsement: j % 2 == 0,
                eligibility_rules: "{}",
                stages: targets,
            });
        }
    }

    let existing: HashMap<String, (String, bool)> = programmes::table
        .select((
            programmes::code,
            programmes::id,
            programmes::requires_endorsement,
        ))
        .load::<(String, String, bool)>(conn)?
        .into_iter()
        .map(|(code, id, endorsement)| (code, (id, endorsement)))
        .collect();
    let position = |code: &str| stages.iter().find(|s| s.code == code).map(|s| s.position);
    let mut planned = Vec::with_capacity(wanted.len());
    let mut rows = Vec::new();
    let mut targets = Vec::new();
    for w in wanted {
        let stage_positions = w.stages.iter().filter_map(|s| position(s)).collect();
        let quality = cx.rng.random_range(-0.06..0.06);
        if let Some((id, requires_endorsement)) = existing.get(&w.code) {
            planned.push(Programme {
                id: id.clone(),
                code: w.code,
                requires_endorsement: *requires_endorsement,
                delivery_language: w.delivery_language,
                stage_positions,
                quality,
            });
            continue;
        }
        let id = cx.ids.next_text();
        for stage in &w.stages {
            targets.push(TargetRow {
                programme_id: id.clone(),
                stage_code: stage.clone(),
            });
        }
        rows.push(ProgrammeRow {
            id: id.clone(),
            code: w.code.clone(),
            title_en: w.title_en,
            title_cy: w.title_cy,
            description_en: w.description_en,
            description_cy: w.description_cy,
            provider_id: providers.get(w.provider).cloned(),
            delivery_language: w.delivery_language,
            requires_endorsement: w.requires_endorsement,
            completion_min_attendance_pct: 80,
            eligibility_rules: w.eligibility_rules,
            active: true,
            created_at: cx.now,
            updated_at: cx.now,
        });
        planned.push(Programme {
            id,
            code: w.code,
            requires_endorsement: w.requires_endorsement,
            delivery_language: w.delivery_language,
            stage_positions,
            quality,
        });
    }
    insert_rows!(conn, programmes::table, &rows, 14);
    insert_rows!(conn, programme_target_stages::table, &targets, 2);
    (cx.progress)("programmes", planned.len());
    Ok(planned)
}

#[derive(Insertable)]
#[diesel(table_name = programmes, treat_none_as_default_value = false)]
struct ProgrammeRow {
    id: String,
    code: String,
    title_en: String,
    title_cy: String,
    description_en: String,
    description_cy: String,
    provider_id: Option<String>,
    delivery_language: &'static str,
    requires_endorsement: bool,
    completion_min_attendance_pct: i32,
    eligibility_rules: &'static str,
    active: bool,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

#[derive(Insertable)]
#[diesel(table_name = programme_target_stages, treat_none_as_default_value = false)]
struct TargetRow {
    programme_id: String,
    stage_code: String,
}
