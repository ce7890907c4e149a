//! The demo data as tables. Every school, person and organisation here is invented; the
//! programmes are the ones named in the consortium's own documents (see DOMAIN.md).

use crate::domain::language::Language;
use crate::domain::role::Role;

pub struct Consortium {
    pub code: &'static str,
    pub name_en: &'static str,
    pub name_cy: &'static str,
}

pub struct LocalAuthority {
    pub code: &'static str,
    pub name_en: &'static str,
    pub name_cy: &'static str,
    pub schools: &'static [School],
}

pub struct School {
    /// The Welsh Government school number: the authority's number, then four digits.
    pub number: &'static str,
    pub name_en: &'static str,
    pub name_cy: &'static str,
    pub sector: &'static str,
    pub language_medium: &'static str,
    pub support_category: &'static str,
}

pub struct Provider {
    pub code: &'static str,
    pub name_en: &'static str,
    pub name_cy: &'static str,
    pub kind: &'static str,
}

pub struct Programme {
    pub code: &'static str,
    pub title_en: &'static str,
    pub title_cy: &'static str,
    pub description_en: &'static str,
    pub description_cy: &'static str,
    pub provider: &'static str,
    pub delivery_language: &'static str,
    pub requires_endorsement: bool,
    pub completion_min_attendance_pct: i32,
    pub eligibility_rules: &'static str,
    /// The first stage is also the stage given to the demo participants seated on it.
    pub target_stages: &'static [&'static str],
    /// English and Welsh titles of the three sessions every cohort of the programme has.
    pub sessions: [(&'static str, &'static str); 3],
    pub cohorts: &'static [Cohort],
}

pub struct Cohort {
    pub number: u32,
    pub capacity: i32,
    pub seats: Seats,
    pub starts_on: &'static str,
    pub ends_on: &'static str,
    pub applications_open_on: &'static str,
    pub applications_close_on: &'static str,
    pub language_medium: &'static str,
    pub status: &'static str,
    pub delivery: Delivery,
    /// The days of the three sessions, in order.
    pub session_days: [&'static str; 3],
}

impl Cohort {
    pub fn name(&self) -> String {
        format!("Cohort {n} / Carfan {n}", n = self.number)
    }

    /// How many demo participants hold a confirmed seat.
    pub fn seats_taken(&self) -> i32 {
        match self.seats {
            Seats::Full => self.capacity,
            Seats::Taken(taken) => taken,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Seats {
    Full,
    Taken(i32),
}

/// Where the sessions happen. Whole days are held in a venue; online sessions are twilight
/// sessions after school; a blended cohort meets in the venue for its first and last session.
#[derive(Clone, Copy)]
pub enum Delivery {
    Venue(&'static str),
    Online,
    Blended(&'static str),
}

/// A demo account: one per role, each able to log in with the password shown.
pub struct Account {
    pub role: Role,
    pub email: &'static str,
    pub name: &'static str,
    pub password: &'static str,
    pub preferred_language: Language,
    pub school: Option<&'static str>,
    pub stage: Option<&'static str>,
    pub job_title: &'static str,
    pub scope: Scope,
    pub career: &'static [CareerStep],
}

/// Where the account's role applies, besides the participant role everyone holds.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Everywhere,
    OwnSchool,
    Authority(&'static str),
}

pub struct CareerStep {
    pub role: &'static str,
    pub school: &'static str,
    pub started_on: &'static str,
    pub ended_on: Option<&'static str>,
}

pub const CONSORTIUM: Consortium = Consortium {
    code: "csc",
    name_en: "Central South Consortium",
    name_cy: "Consortiwm Canolbarth y De",
};

/// Demo participants fill the seats; their email addresses are numbered from 1.
const PARTICIPANT_EMAIL_DOMAIN: &str = "demo.llwybr.cymru";

/// The email of a demo alumnus of a historic cohort (see `seed::outcomes`).
pub fn alumnus_email(number: usize) -> String {
    format!("alumni.{number:03}@{PARTICIPANT_EMAIL_DOMAIN}")
}

pub fn participant_email(number: usize) -> String {
    format!("participant.{number:03}@{PARTICIPANT_EMAIL_DOMAIN}")
}

// The two lists have coprime lengths, so the first 456 participants all get different names.
const FIRST_NAMES: [&str; 24] = [
    "Alaw",
    "Bethan",
    "Carys",
    "Dafydd",
    "Eirian",
    "Ffion",
    "Gethin",
    "Heledd",
    "Iwan",
    "Llinos",
    "Meinir",
    "Nia",
    "Osian",
    "Rhodri",
    "Siân",
    "Tomos",
    "Wyn",
    "Elin",
    "Gwenllian",
    "Huw",
    "Catrin",
    "Rhys",
    "Mabli",
    "Aled",
];
const SURNAMES: [&str; 19] = [
    "Llewelyn",
    "Prydderch",
    "Bowen",
    "Gruffydd",
    "Pugh",
    "Rhydderch",
    "Vaughan",
    "Penry",
    "Howells",
    "Meredith",
    "Parry",
    "Bevan",
    "Tudur",
    "Powell",
    "Maddocks",
    "Cadwaladr",
    "Pritchard",
    "Gwilym",
    "Lloyd",
];

pub fn participant_name(number: usize) -> String {
    format!(
        "{} {}",
        FIRST_NAMES[number % FIRST_NAMES.len()],
        SURNAMES[number % SURNAMES.len()]
    )
}

/// What a participant at this stage of the continuum is likely to be called at school.
pub fn job_title_for_stage(stage: Option<&str>) -> &'static str {
    match stage {
        Some("nqt") => "Newly qualified teacher",
        Some("refining_practice" | "expert_practice" | "aspiring_tlr") => "Class teacher",
        Some("future_middle_leader") => "Teacher with a TLR",
        Some("future_senior_leader") => "Head of department",
        Some("existing_leader") => "Assistant headteacher",
        Some("future_headteacher") => "Deputy headteacher",
        Some("new_headteacher" | "strategic_headteacher") => "Headteacher",
        Some("executive_headteacher") => "Executive headteacher",
        _ => "Teaching assistant",
    }
}

pub const LOCAL_AUTHORITIES: &[LocalAuthority] = &[
    LocalAuthority {
        code: "bridgend",
        name_en: "Bridgend",
        name_cy: "Pen-y-bont ar Ogwr",
        schools: &[
            school(
                "6722041",
                "Parc Derwen Primary School",
                "Ysgol Gynradd Parc Derwen",
                "primary",
                "english",
                "green",
            ),
            school(
                "6722187",
                "Ysgol Gymraeg Cwm Ogwr",
                "Ysgol Gymraeg Cwm Ogwr",
                "primary",
                "welsh",
                "yellow",
            ),
            school(
                "6724063",
                "Garw Valley High School",
                "Ysgol Uwchradd Cwm Garw",
                "secondary",
                "english",
                "amber",
            ),
        ],
    },
    LocalAuthority {
        code: "cardiff",
        name_en: "Cardiff",
        name_cy: "Caerdydd",
        schools: &[
            school(
                "6812345",
                "Heol Llandaf Primary School",
                "Ysgol Gynradd Heol Llandaf",
                "primary",
                "english",
                "green",
            ),
            school(
                "6812391",
                "Ysgol Gymraeg Nant Caerau",
                "Ysgol Gymraeg Nant Caerau",
                "primary",
                "welsh",
                "green",
            ),
            school(
                "6814072",
                "Cathays Park High School",
                "Ysgol Uwchradd Parc Cathays",
                "secondary",
                "english",
                "yellow",
            ),
        ],
    },
    LocalAuthority {
        code: "merthyr-tydfil",
        name_en: "Merthyr Tydfil",
        name_cy: "Merthyr Tudful",
        schools: &[
            school(
                "6752118",
                "Ysgol Gymraeg Nant Morlais",
                "Ysgol Gymraeg Nant Morlais",
                "primary",
                "welsh",
                "yellow",
            ),
            school(
                "6753021",
                "Taf Fechan Community School",
                "Ysgol Gymunedol Taf Fechan",
                "all_age",
                "english",
                "amber",
            ),
            school(
                "6751104",
                "Cyfarthfa Learning Centre",
                "Canolfan Ddysgu Cyfarthfa",
                "pru",
                "english",
                "red",
            ),
        ],
    },
    LocalAuthority {
        code: "rhondda-cynon-taf",
        name_en: "Rhondda Cynon Taf",
        name_cy: "Rhondda Cynon Taf",
        schools: &[
            school(
                "6742209",
                "Glyn Rhondda Primary School",
                "Ysgol Gynradd Glyn Rhondda",
                "primary",
                "english",
                "red",
            ),
            school(
                "6744035",
                "Ysgol Gyfun Gymraeg Cwm Clydach",
                "Ysgol Gyfun Gymraeg Cwm Clydach",
                "secondary",
                "welsh",
                "green",
            ),
            school(
                "6747012",
                "Rhondda Valley Special School",
                "Ysgol Arbennig Cwm Rhondda",
                "special",
                "bilingual",
                "yellow",
            ),
        ],
    },
    LocalAuthority {
        code: "vale-of-glamorgan",
        name_en: "Vale of Glamorgan",
        name_cy: "Bro Morgannwg",
        schools: &[
            school(
                "6732150",
                "Cold Knap Primary School",
                "Ysgol Gynradd Cold Knap",
                "primary",
                "english",
                "green",
            ),
            school(
                "6732166",
                "Ysgol Gymraeg Dyffryn Thaw",
                "Ysgol Gymraeg Dyffryn Thaw",
                "primary",
                "welsh",
                "green",
            ),
            school(
                "6734019",
                "St Athan Community High School",
                "Ysgol Uwchradd Gymunedol Sain Tathan",
                "secondary",
                "english",
                "amber",
            ),
        ],
    },
];

const fn school(
    number: &'static str,
    name_en: &'static str,
    name_cy: &'static str,
    sector: &'static str,
    language_medium: &'static str,
    support_category: &'static str,
) -> School {
    School {
        number,
        name_en,
        name_cy,
        sector,
        language_medium,
        support_category,
    }
}

pub const PROVIDERS: &[Provider] = &[
    Provider {
        code: "csc",
        name_en: "Central South Consortium",
        name_cy: "Consortiwm Canolbarth y De",
        kind: "consortium",
    },
    Provider {
        code: "cardiff-met",
        name_en: "Cardiff Metropolitan University",
        name_cy: "Prifysgol Metropolitan Caerdydd",
        kind: "university",
    },
    Provider {
        code: "taf-leadership",
        name_en: "Taf Leadership Partners Ltd",
        name_cy: "Partneriaid Arweinyddiaeth Taf Cyf",
        kind: "private",
    },
];

const CONSORTIUM_CENTRE: &str = "Canolfan Glyn Taf, Abercynon";
const BRIDGEND_CENTRE: &str = "Canolfan Ddysgu Pen-y-bont, Bridgend";
const UNIVERSITY_CAMPUS: &str = "Cyncoed Campus, Cardiff Metropolitan University";
const PRIVATE_PROVIDER_ROOMS: &str = "Taf Leadership Partners, Pontypridd";

pub const PROGRAMMES: &[Programme] = &[
    Programme {
        code: "new-to-headship",
        title_en: "New to Headship",
        title_cy: "Newydd i Brifathrawiaeth",
        description_en: "A year-long programme for headteachers and acting headteachers in their first two years in post, building confidence through practical sessions and a network of peers.",
        description_cy: "Rhaglen blwyddyn i benaethiaid a phenaethiaid dros dro yn eu dwy flynedd gyntaf yn y swydd, sy'n magu hyder drwy sesiynau ymarferol a rhwydwaith o gymheiriaid.",
        provider: "csc",
        delivery_language: "bilingual",
        requires_endorsement: false,
        completion_min_attendance_pct: 80,
        eligibility_rules: r#"{"roles":["headteacher","acting_head"],"appointed_within_months":24}"#,
        target_stages: &["new_headteacher"],
        sessions: [
            (
                "Leading a school in your first year",
                "Arwain ysgol yn eich blwyddyn gyntaf",
            ),
            (
                "Governance, finance and the law",
                "Llywodraethiant, cyllid a'r gyfraith",
            ),
            (
                "Building a culture of improvement",
                "Meithrin diwylliant o wella",
            ),
        ],
        cohorts: &[
            Cohort {
                number: 1,
                capacity: 16,
                seats: Seats::Full,
                starts_on: "2026-09-24",
                ends_on: "2027-06-24",
                applications_open_on: "2026-05-05",
                applications_close_on: "2026-07-10",
                language_medium: "bilingual",
                status: "running",
                delivery: Delivery::Venue(CONSORTIUM_CENTRE),
                session_days: ["2026-09-24", "2026-11-19", "2027-03-11"],
            },
            Cohort {
                number: 2,
                capacity: 16,
                seats: Seats::Full,
                starts_on: "2027-01-14",
                ends_on: "2027-07-08",
                applications_open_on: "2026-09-07",
                applications_close_on: "2026-11-06",
                language_medium: "bilingual",
                status: "closed",
                delivery: Delivery::Blended(CONSORTIUM_CENTRE),
                session_days: ["2027-01-14", "2027-03-18", "2027-06-10"],
            },
            Cohort {
                number: 3,
                capacity: 16,
                seats: Seats::Taken(0),
                starts_on: "2027-09-23",
                ends_on: "2028-06-22",
                applications_open_on: "2027-04-19",
                applications_close_on: "2027-06-30",
                language_medium: "welsh",
                status: "planned",
                delivery: Delivery::Venue(CONSORTIUM_CENTRE),
                session_days: ["2027-09-23", "2027-11-18", "2028-03-09"],
            },
        ],
    },
    Programme {
        code: "consultant-headteachers",
        title_en: "Consultant Headteachers",
        title_cy: "Penaethiaid Ymgynghorol",
        description_en: "Experienced headteachers are trained to support other schools as consultant headteachers, sharing their expertise where it is most needed.",
        description_cy: "Mae penaethiaid profiadol yn cael eu hyfforddi i gefnogi ysgolion eraill fel penaethiaid ymgynghorol, gan rannu eu harbenigedd lle mae ei angen fwyaf.",
        provider: "csc",
        delivery_language: "bilingual",
        requires_endorsement: false,
        completion_min_attendance_pct: 80,
        eligibility_rules: r#"{"roles":["headteacher"]}"#,
        target_stages: &["strategic_headteacher", "executive_headteacher"],
        sessions: [
            (
                "Coaching and consultancy skills",
                "Sgiliau hyfforddi ac ymgynghori",
            ),
            ("Diagnosing a school's needs", "Dadansoddi anghenion ysgol"),
            (
                "Reviewing impact with partner schools",
                "Adolygu effaith gydag ysgolion partner",
            ),
        ],
        cohorts: &[
            Cohort {
                number: 1,
                capacity: 12,
                seats: Seats::Full,
                starts_on: "2026-09-17",
                ends_on: "2027-05-20",
                applications_open_on: "2026-04-20",
                applications_close_on: "2026-06-26",
                language_medium: "english",
                status: "running",
                delivery: Delivery::Venue(CONSORTIUM_CENTRE),
                session_days: ["2026-09-17", "2026-12-03", "2027-03-04"],
            },
            Cohort {
                number: 2,
                capacity: 12,
                seats: Seats::Full,
                starts_on: "2027-01-21",
                ends_on: "2027-07-01",
                applications_open_on: "2026-09-14",
                applications_close_on: "2026-11-13",
                language_medium: "bilingual",
                status: "closed",
                delivery: Delivery::Online,
                session_days: ["2027-01-21", "2027-03-25", "2027-06-17"],
            },
        ],
    },
    Programme {
        code: "strategic-headteachers",
        title_en: "Strategic Headteachers",
        title_cy: "Penaethiaid Strategol",
        description_en: "Refreshes the strategic leadership of headteachers with five or more years' experience through peer enquiry and system-wide challenges.",
        description_cy: "Yn adnewyddu arweinyddiaeth strategol penaethiaid sydd â phum mlynedd neu fwy o brofiad drwy ymholi gyda chymheiriaid a heriau ar draws y system.",
        provider: "csc",
        delivery_language: "bilingual",
        requires_endorsement: false,
        completion_min_attendance_pct: 80,
        eligibility_rules: r#"{"roles":["headteacher"]}"#,
        target_stages: &["strategic_headteacher"],
        sessions: [
            (
                "Leading beyond your own school",
                "Arwain y tu hwnt i'ch ysgol eich hun",
            ),
            (
                "Strategic planning for the new curriculum",
                "Cynllunio strategol ar gyfer y cwricwlwm newydd",
            ),
            (
                "Wellbeing and sustainable leadership",
                "Lles ac arweinyddiaeth gynaliadwy",
            ),
        ],
        cohorts: &[
            Cohort {
                number: 1,
                capacity: 14,
                seats: Seats::Full,
                starts_on: "2026-10-01",
                ends_on: "2027-06-10",
                applications_open_on: "2026-05-11",
                applications_close_on: "2026-07-03",
                language_medium: "english",
                status: "running",
                delivery: Delivery::Venue(CONSORTIUM_CENTRE),
                session_days: ["2026-10-01", "2027-01-28", "2027-05-13"],
            },
            Cohort {
                number: 2,
                capacity: 14,
                seats: Seats::Taken(5),
                starts_on: "2027-02-04",
                ends_on: "2027-07-08",
                applications_open_on: "2026-10-05",
                applications_close_on: "2027-01-15",
                language_medium: "bilingual",
                status: "open",
                delivery: Delivery::Venue(BRIDGEND_CENTRE),
                session_days: ["2027-02-04", "2027-04-29", "2027-06-24"],
            },
        ],
    },
    Programme {
        code: "mldp",
        title_en: "Middle Leadership Development Programme",
        title_cy: "Rhaglen Datblygu Arweinyddiaeth Ganol",
        description_en: "Develops the skills of current and aspiring middle leaders to lead teams, improve teaching and evaluate impact.",
        description_cy: "Yn datblygu sgiliau arweinwyr canol presennol a darpar arweinwyr canol i arwain timau, gwella addysgu a gwerthuso effaith.",
        provider: "csc",
        delivery_language: "bilingual",
        requires_endorsement: true,
        completion_min_attendance_pct: 80,
        eligibility_rules: r#"{"min_stage":"aspiring_tlr"}"#,
        target_stages: &["future_middle_leader", "aspiring_tlr"],
        sessions: [
            (
                "What middle leaders do",
                "Beth mae arweinwyr canol yn ei wneud",
            ),
            (
                "Leading a team and holding it to account",
                "Arwain tîm a'i ddwyn i gyfrif",
            ),
            (
                "Using evidence to improve teaching",
                "Defnyddio tystiolaeth i wella addysgu",
            ),
        ],
        cohorts: &[
            Cohort {
                number: 1,
                capacity: 20,
                seats: Seats::Taken(6),
                starts_on: "2027-01-19",
                ends_on: "2027-06-29",
                applications_open_on: "2026-10-01",
                applications_close_on: "2026-12-18",
                language_medium: "english",
                status: "open",
                delivery: Delivery::Venue(BRIDGEND_CENTRE),
                session_days: ["2027-01-19", "2027-03-16", "2027-06-08"],
            },
            Cohort {
                number: 2,
                capacity: 16,
                seats: Seats::Taken(4),
                starts_on: "2027-01-26",
                ends_on: "2027-07-06",
                applications_open_on: "2026-10-01",
                applications_close_on: "2026-12-18",
                language_medium: "welsh",
                status: "open",
                delivery: Delivery::Blended(CONSORTIUM_CENTRE),
                session_days: ["2027-01-26", "2027-03-23", "2027-06-15"],
            },
        ],
    },
    Programme {
        code: "npqh",
        title_en: "National Professional Qualification for Headship (NPQH)",
        title_cy: "Cymhwyster Proffesiynol Cenedlaethol ar gyfer Prifathrawiaeth (CPCP)",
        description_en: "The national qualification for senior leaders preparing for headship in Wales, required before a first appointment as headteacher.",
        description_cy: "Y cymhwyster cenedlaethol i uwch arweinwyr sy'n paratoi ar gyfer prifathrawiaeth yng Nghymru, sy'n ofynnol cyn y penodiad cyntaf fel pennaeth.",
        provider: "csc",
        delivery_language: "bilingual",
        requires_endorsement: true,
        completion_min_attendance_pct: 80,
        eligibility_rules: r#"{"min_stage":"future_senior_leader"}"#,
        target_stages: &["future_headteacher"],
        sessions: [
            (
                "Headship standards and self-evaluation",
                "Safonau prifathrawiaeth a hunanwerthuso",
            ),
            (
                "Leading change across a school",
                "Arwain newid ar draws ysgol",
            ),
            ("Preparing for assessment", "Paratoi ar gyfer asesiad"),
        ],
        cohorts: &[Cohort {
            number: 1,
            capacity: 20,
            seats: Seats::Taken(8),
            starts_on: "2027-02-02",
            ends_on: "2027-07-13",
            applications_open_on: "2026-10-12",
            applications_close_on: "2027-01-08",
            language_medium: "bilingual",
            status: "open",
            delivery: Delivery::Venue(CONSORTIUM_CENTRE),
            session_days: ["2027-02-02", "2027-04-27", "2027-07-06"],
        }],
    },
    Programme {
        code: "phip",
        title_en: "Professional Headship Induction Programme (PHIP)",
        title_cy: "Rhaglen Sefydlu Broffesiynol ar gyfer Prifathrawiaeth (PHIP)",
        description_en: "Induction for every headteacher new to headship, with a trained mentor suited to the setting of their school.",
        description_cy: "Cyfnod sefydlu i bob pennaeth sy'n newydd i brifathrawiaeth, gyda mentor hyfforddedig sy'n addas i gyd-destun yr ysgol.",
        provider: "csc",
        delivery_language: "bilingual",
        requires_endorsement: false,
        completion_min_attendance_pct: 80,
        eligibility_rules: r#"{"roles":["headteacher","acting_head"],"appointed_within_months":12}"#,
        target_stages: &["new_headteacher"],
        sessions: [
            ("Meeting your mentor", "Cwrdd â'ch mentor"),
            (
                "The first year in headship",
                "Y flwyddyn gyntaf fel pennaeth",
            ),
            (
                "Reflecting on your induction",
                "Myfyrio ar eich cyfnod sefydlu",
            ),
        ],
        cohorts: &[Cohort {
            number: 1,
            capacity: 16,
            seats: Seats::Taken(5),
            starts_on: "2027-01-12",
            ends_on: "2027-06-22",
            applications_open_on: "2026-09-21",
            applications_close_on: "2026-12-11",
            language_medium: "bilingual",
            status: "open",
            delivery: Delivery::Online,
            session_days: ["2027-01-12", "2027-03-09", "2027-06-22"],
        }],
    },
    Programme {
        code: "executive-leadership",
        title_en: "Executive Leadership Programme",
        title_cy: "Rhaglen Arweinyddiaeth Weithredol",
        description_en: "For headteachers who lead or support more than one school, consolidating the strategic skills of system leadership.",
        description_cy: "I benaethiaid sy'n arwain neu'n cefnogi mwy nag un ysgol, gan gydgrynhoi sgiliau strategol arweinyddiaeth system.",
        provider: "csc",
        delivery_language: "english",
        requires_endorsement: false,
        completion_min_attendance_pct: 80,
        eligibility_rules: r#"{"min_stage":"strategic_headteacher"}"#,
        target_stages: &["executive_headteacher", "strategic_headteacher"],
        sessions: [
            ("Leading more than one school", "Arwain mwy nag un ysgol"),
            (
                "Federation and collaboration models",
                "Modelau ffedereiddio a chydweithio",
            ),
            (
                "System leadership in Wales",
                "Arweinyddiaeth system yng Nghymru",
            ),
        ],
        cohorts: &[Cohort {
            number: 1,
            capacity: 12,
            seats: Seats::Taken(3),
            starts_on: "2027-02-23",
            ends_on: "2027-06-29",
            applications_open_on: "2026-10-19",
            applications_close_on: "2027-01-29",
            language_medium: "english",
            status: "open",
            delivery: Delivery::Venue(CONSORTIUM_CENTRE),
            session_days: ["2027-02-23", "2027-04-20", "2027-06-29"],
        }],
    },
    Programme {
        code: "aspiring-senior-leaders",
        title_en: "Aspiring Senior Leaders",
        title_cy: "Darpar Uwch Arweinwyr",
        description_en: "Prepares middle leaders for senior leadership by leading a whole-school improvement priority.",
        description_cy: "Yn paratoi arweinwyr canol ar gyfer uwch arweinyddiaeth drwy arwain blaenoriaeth wella ar draws yr ysgol gyfan.",
        provider: "csc",
        delivery_language: "bilingual",
        requires_endorsement: true,
        completion_min_attendance_pct: 80,
        eligibility_rules: r#"{"min_stage":"future_middle_leader"}"#,
        target_stages: &["future_senior_leader"],
        sessions: [
            (
                "From middle to senior leadership",
                "O arweinyddiaeth ganol i uwch arweinyddiaeth",
            ),
            (
                "Leading whole-school priorities",
                "Arwain blaenoriaethau ysgol gyfan",
            ),
            ("Coaching conversations", "Sgyrsiau hyfforddi"),
        ],
        cohorts: &[Cohort {
            number: 1,
            capacity: 20,
            seats: Seats::Taken(7),
            starts_on: "2027-01-21",
            ends_on: "2027-06-24",
            applications_open_on: "2026-10-05",
            applications_close_on: "2026-12-18",
            language_medium: "bilingual",
            status: "open",
            delivery: Delivery::Blended(CONSORTIUM_CENTRE),
            session_days: ["2027-01-21", "2027-03-18", "2027-06-17"],
        }],
    },
    Programme {
        code: "future-leaders",
        title_en: "Future Leaders",
        title_cy: "Arweinwyr y Dyfodol",
        description_en: "For assistant and deputy headteachers who aim to lead a school facing challenging circumstances within one to three years.",
        description_cy: "I benaethiaid cynorthwyol a dirprwy benaethiaid sy'n anelu at arwain ysgol mewn amgylchiadau heriol o fewn un i dair blynedd.",
        provider: "taf-leadership",
        delivery_language: "english",
        requires_endorsement: true,
        completion_min_attendance_pct: 80,
        eligibility_rules: r#"{"min_stage":"existing_leader"}"#,
        target_stages: &["future_headteacher", "existing_leader"],
        sessions: [
            (
                "Leading schools facing challenge",
                "Arwain ysgolion sy'n wynebu her",
            ),
            (
                "Raising attainment in disadvantaged communities",
                "Codi cyrhaeddiad mewn cymunedau difreintiedig",
            ),
            (
                "Your plan for headship",
                "Eich cynllun ar gyfer prifathrawiaeth",
            ),
        ],
        cohorts: &[Cohort {
            number: 1,
            capacity: 15,
            seats: Seats::Taken(4),
            starts_on: "2027-01-28",
            ends_on: "2027-06-24",
            applications_open_on: "2026-09-28",
            applications_close_on: "2026-12-11",
            language_medium: "english",
            status: "open",
            delivery: Delivery::Venue(PRIVATE_PROVIDER_ROOMS),
            session_days: ["2027-01-28", "2027-04-22", "2027-06-24"],
        }],
    },
    Programme {
        code: "leading-diverse-contexts",
        title_en: "Leading in Diverse Contexts",
        title_cy: "Arwain mewn Cyd-destunau Amrywiol",
        description_en: "Explores how leadership changes across small, rural, Welsh-medium, special and all-age settings.",
        description_cy: "Yn archwilio sut mae arweinyddiaeth yn newid mewn lleoliadau bach, gwledig, cyfrwng Cymraeg, arbennig a phob oed.",
        provider: "csc",
        delivery_language: "bilingual",
        requires_endorsement: true,
        completion_min_attendance_pct: 80,
        eligibility_rules: "{}",
        target_stages: &["existing_leader", "future_headteacher"],
        sessions: [
            (
                "Small, rural and Welsh-medium schools",
                "Ysgolion bach, gwledig a chyfrwng Cymraeg",
            ),
            (
                "Special schools and pupil referral units",
                "Ysgolion arbennig ac unedau cyfeirio disgyblion",
            ),
            (
                "Faith, federated and all-age schools",
                "Ysgolion ffydd, ffederal a phob oed",
            ),
        ],
        cohorts: &[Cohort {
            number: 1,
            capacity: 18,
            seats: Seats::Taken(3),
            starts_on: "2027-02-09",
            ends_on: "2027-06-08",
            applications_open_on: "2026-10-12",
            applications_close_on: "2027-01-22",
            language_medium: "bilingual",
            status: "open",
            delivery: Delivery::Online,
            session_days: ["2027-02-09", "2027-04-13", "2027-06-08"],
        }],
    },
    Programme {
        code: "chartered-teacher",
        title_en: "Chartered Teacher Module",
        title_cy: "Modiwl Athro Siartredig",
        description_en: "A university-accredited module in which experienced teachers research and refine one aspect of their classroom practice.",
        description_cy: "Modiwl wedi'i achredu gan brifysgol lle mae athrawon profiadol yn ymchwilio i un agwedd ar eu hymarfer dosbarth a'i mireinio.",
        provider: "cardiff-met",
        delivery_language: "english",
        requires_endorsement: true,
        completion_min_attendance_pct: 80,
        eligibility_rules: r#"{"min_stage":"refining_practice"}"#,
        target_stages: &["expert_practice", "refining_practice"],
        sessions: [
            (
                "Enquiring into your own practice",
                "Ymholi i'ch ymarfer eich hun",
            ),
            ("Reading and using research", "Darllen a defnyddio ymchwil"),
            ("Presenting your enquiry", "Cyflwyno eich ymholiad"),
        ],
        cohorts: &[Cohort {
            number: 1,
            capacity: 24,
            seats: Seats::Taken(10),
            starts_on: "2027-01-13",
            ends_on: "2027-06-30",
            applications_open_on: "2026-09-14",
            applications_close_on: "2026-12-18",
            language_medium: "english",
            status: "open",
            delivery: Delivery::Venue(UNIVERSITY_CAMPUS),
            session_days: ["2027-01-13", "2027-03-24", "2027-06-30"],
        }],
    },
    Programme {
        code: "coaching-mentoring",
        title_en: "Coaching and Mentoring",
        title_cy: "Hyfforddi a Mentora",
        description_en: "Builds the coaching and mentoring skills that leaders use to develop colleagues and support new teachers.",
        description_cy: "Yn datblygu'r sgiliau hyfforddi a mentora y mae arweinwyr yn eu defnyddio i ddatblygu cydweithwyr a chefnogi athrawon newydd.",
        provider: "taf-leadership",
        delivery_language: "bilingual",
        requires_endorsement: true,
        completion_min_attendance_pct: 80,
        eligibility_rules: "{}",
        target_stages: &["existing_leader", "expert_practice"],
        sessions: [
            ("Foundations of coaching", "Hanfodion hyfforddi"),
            ("Mentoring new colleagues", "Mentora cydweithwyr newydd"),
            (
                "Coaching practice and supervision",
                "Ymarfer hyfforddi a goruchwylio",
            ),
        ],
        cohorts: &[Cohort {
            number: 1,
            capacity: 20,
            seats: Seats::Taken(6),
            starts_on: "2027-01-27",
            ends_on: "2027-05-26",
            applications_open_on: "2026-10-01",
            applications_close_on: "2027-01-08",
            language_medium: "welsh",
            status: "open",
            delivery: Delivery::Venue(PRIVATE_PROVIDER_ROOMS),
            session_days: ["2027-01-27", "2027-03-10", "2027-05-26"],
        }],
    },
    Programme {
        code: "hlta",
        title_en: "Higher Level Teaching Assistant (HLTA) Assessment",
        title_cy: "Asesiad Cynorthwyydd Addysgu Lefel Uwch (CALU)",
        description_en: "Preparation and assessment for support staff working towards Higher Level Teaching Assistant status.",
        description_cy: "Paratoi ac asesu ar gyfer staff cymorth sy'n gweithio tuag at statws Cynorthwyydd Addysgu Lefel Uwch.",
        provider: "csc",
        delivery_language: "bilingual",
        requires_endorsement: true,
        completion_min_attendance_pct: 100,
        eligibility_rules: "{}",
        // Support staff stand outside the teachers' leadership continuum.
        target_stages: &[],
        sessions: [
            ("Understanding the HLTA standards", "Deall safonau CALU"),
            ("Building your evidence", "Casglu eich tystiolaeth"),
            ("Preparing for assessment", "Paratoi ar gyfer yr asesiad"),
        ],
        cohorts: &[Cohort {
            number: 1,
            capacity: 18,
            seats: Seats::Taken(3),
            starts_on: "2027-01-18",
            ends_on: "2027-05-10",
            applications_open_on: "2026-10-05",
            applications_close_on: "2026-12-18",
            language_medium: "bilingual",
            status: "open",
            delivery: Delivery::Online,
            session_days: ["2027-01-18", "2027-03-15", "2027-05-10"],
        }],
    },
    Programme {
        code: "masters-educational-practice",
        title_en: "Masters in Educational Practice",
        title_cy: "Gradd Meistr mewn Ymarfer Addysgol",
        description_en: "The revised Masters provision for teachers, combining university study with enquiry in their own classrooms.",
        description_cy: "Y ddarpariaeth Meistr ddiwygiedig i athrawon, sy'n cyfuno astudio yn y brifysgol ag ymholi yn eu hystafelloedd dosbarth eu hunain.",
        provider: "cardiff-met",
        delivery_language: "bilingual",
        requires_endorsement: true,
        completion_min_attendance_pct: 80,
        eligibility_rules: r#"{"min_stage":"nqt"}"#,
        target_stages: &["refining_practice", "nqt", "expert_practice"],
        sessions: [
            (
                "Introduction to Masters study",
                "Cyflwyniad i astudio ar lefel Meistr",
            ),
            (
                "Research methods for teachers",
                "Dulliau ymchwil i athrawon",
            ),
            ("Planning your dissertation", "Cynllunio eich traethawd hir"),
        ],
        cohorts: &[Cohort {
            number: 1,
            capacity: 24,
            seats: Seats::Taken(5),
            starts_on: "2027-01-20",
            ends_on: "2027-07-07",
            applications_open_on: "2026-09-21",
            applications_close_on: "2027-01-08",
            language_medium: "bilingual",
            status: "open",
            delivery: Delivery::Blended(UNIVERSITY_CAMPUS),
            session_days: ["2027-01-20", "2027-04-21", "2027-07-07"],
        }],
    },
    Programme {
        code: "nqt-induction",
        title_en: "Induction for Newly Qualified Teachers",
        title_cy: "Sefydlu ar gyfer Athrawon Newydd Gymhwyso",
        description_en: "Support for newly qualified teachers completing their statutory induction, alongside their school-based mentor.",
        description_cy: "Cymorth i athrawon newydd gymhwyso sy'n cwblhau eu cyfnod sefydlu statudol, ochr yn ochr â'u mentor yn yr ysgol.",
        provider: "csc",
        delivery_language: "bilingual",
        requires_endorsement: true,
        completion_min_attendance_pct: 80,
        eligibility_rules: "{}",
        target_stages: &["nqt"],
        sessions: [
            ("Starting your induction", "Dechrau eich cyfnod sefydlu"),
            ("Planning for progression", "Cynllunio ar gyfer cynnydd"),
            (
                "Reflecting on the professional standards",
                "Myfyrio ar y safonau proffesiynol",
            ),
        ],
        cohorts: &[Cohort {
            number: 1,
            capacity: 24,
            seats: Seats::Taken(9),
            starts_on: "2027-01-25",
            ends_on: "2027-07-12",
            applications_open_on: "2026-11-02",
            applications_close_on: "2027-01-15",
            language_medium: "bilingual",
            status: "open",
            delivery: Delivery::Blended(BRIDGEND_CENTRE),
            session_days: ["2027-01-25", "2027-04-19", "2027-07-12"],
        }],
    },
];

/// The school the demo teacher and headteacher share, in Cardiff (the LA officer's authority).
const DEMO_SCHOOL: &str = "6812391";

pub const ACCOUNTS: &[Account] = &[
    Account {
        role: Role::Participant,
        email: "teacher@demo.llwybr.cymru",
        name: "Ceri Ifans",
        password: "Llwybr demo athro 2026",
        preferred_language: Language::Cy,
        school: Some(DEMO_SCHOOL),
        stage: Some("future_middle_leader"),
        job_title: "Class teacher",
        scope: Scope::Everywhere,
        career: &[
            CareerStep {
                role: "teacher",
                school: "6722187",
                started_on: "2018-09-01",
                ended_on: Some("2022-08-31"),
            },
            CareerStep {
                role: "teacher",
                school: DEMO_SCHOOL,
                started_on: "2022-09-01",
                ended_on: None,
            },
        ],
    },
    Account {
        role: Role::Headteacher,
        email: "headteacher@demo.llwybr.cymru",
        name: "Angharad Prys",
        password: "Llwybr demo pennaeth 2026",
        preferred_language: Language::En,
        school: Some(DEMO_SCHOOL),
        stage: Some("new_headteacher"),
        job_title: "Headteacher",
        scope: Scope::OwnSchool,
        career: &[
            CareerStep {
                role: "teacher",
                school: "6752118",
                started_on: "2008-09-01",
                ended_on: Some("2014-08-31"),
            },
            CareerStep {
                role: "middle_leader",
                school: "6752118",
                started_on: "2014-09-01",
                ended_on: Some("2019-08-31"),
            },
            CareerStep {
                role: "deputy_head",
                school: "6732166",
                started_on: "2019-09-01",
                ended_on: Some("2025-08-31"),
            },
            CareerStep {
                role: "headteacher",
                school: DEMO_SCHOOL,
                started_on: "2025-09-01",
                ended_on: None,
            },
        ],
    },
    Account {
        role: Role::ProgrammeLead,
        email: "lead@demo.llwybr.cymru",
        name: "Owain Tudur-Rees",
        password: "Llwybr demo arweinydd 2026",
        preferred_language: Language::En,
        school: None,
        stage: None,
        job_title: "Leadership programme lead",
        scope: Scope::Everywhere,
        career: &[],
    },
    Account {
        role: Role::LaOfficer,
        email: "la-officer@demo.llwybr.cymru",
        name: "Marged Elis",
        password: "Llwybr demo swyddog 2026",
        preferred_language: Language::En,
        school: None,
        stage: None,
        job_title: "School improvement adviser",
        scope: Scope::Authority("cardiff"),
        career: &[],
    },
    Account {
        role: Role::ConsortiumAdmin,
        email: "admin@demo.llwybr.cymru",
        name: "Emyr Rowlands",
        password: "Llwybr demo gweinyddwr 2026",
        preferred_language: Language::En,
        school: None,
        stage: None,
        job_title: "Data and performance officer",
        scope: Scope::Everywhere,
        career: &[],
    },
];

pub fn schools() -> impl Iterator<Item = &'static School> {
    LOCAL_AUTHORITIES
        .iter()
        .flat_map(|authority| authority.schools.iter())
}

/// Demo participants are spread over the region's schools in turn.
pub fn participant_school(number: usize) -> Option<&'static School> {
    let count = schools().count();
    schools().nth(number.checked_rem(count)?)
}
