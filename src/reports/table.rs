//! A report table, whatever it shows, renders to the page, to CSV and to XLSX the same way, so
//! every table on the dashboard can be downloaded in both formats.

use actix_web::HttpResponse;
use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use anyhow::Context;
use rust_xlsxwriter::{Format, Workbook};
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum Cell {
    Text(String),
    Count(i64),
    /// A percentage to one decimal, or none when there is nothing to divide by.
    Percent(Option<f64>),
}

impl Cell {
    pub fn text(value: impl Into<String>) -> Self {
        Self::Text(value.into())
    }

    /// How the cell reads on a page and in CSV: a missing percentage is a dash, not 0.
    pub fn display(&self) -> String {
        match self {
            Self::Text(text) => text.clone(),
            Self::Count(count) => count.to_string(),
            Self::Percent(Some(pct)) => format!("{pct:.1}"),
            Self::Percent(None) => "-".into(),
        }
    }
}

/// Columns are headings already in the reader's language.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Table {
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Xlsx,
}

impl ExportFormat {
    pub fn parse(value: &str) -> Option<Self> {
        match value.trim().to_ascii_lowercase().as_str() {
            "csv" => Some(Self::Csv),
            "xlsx" => Some(Self::Xlsx),
            _ => None,
        }
    }

    fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

impl Table {
    pub fn new(title: impl Into<String>, columns: Vec<String>) -> Self {
        Self {
            title: title.into(),
            columns,
            rows: Vec::new(),
        }
    }

    pub fn to_csv(&self) -> anyhow::Result<Vec<u8>> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(self.columns.iter().map(|c| defuse_formula(c)))?;
        for row in &self.rows {
            writer.write_record(row.iter().map(|cell| defuse_formula(&cell.display())))?;
        }
        writer.into_inner().context("finishing the CSV")
    }

    /// Numbers stay numbers in the spreadsheet, so readers can sum and chart them.
    pub fn to_xlsx(&self) -> anyhow::Result<Vec<u8>> {
        let mut workbook = Workbook::new();
        let bold = Format::new().set_bold();
        let sheet = workbook.add_worksheet();
        sheet.set_name(sheet_name(&self.title))?;
        for (col, heading) in (0u16..).zip(&self.columns) {
            sheet.write_string_with_format(0, col, heading, &bold)?;
        }
        for (row, cells) in (1u32..).zip(&self.rows) {
            for (col, cell) in (0u16..).zip(cells) {
                match cell {
                    Cell::Text(text) => sheet.write_string(row, col, text)?,
                    Cell::Count(count) => sheet.write_number(row, col, *count as f64)?,
                    Cell::Percent(Some(pct)) => sheet.write_number(row, col, *pct)?,
                    Cell::Percent(None) => sheet.write_string(row, col, "-")?,
                };
            }
        }
        sheet.autofit();
        workbook
            .save_to_buffer()
            .context("writing the XLSX workbook")
    }

    /// The table as a download named after `stem` (ASCII letters, digits and dashes).
    pub fn download(&self, format: ExportFormat, stem: &str) -> anyhow::Result<HttpResponse> {
        let body = match format {
            ExportFormat::Csv => self.to_csv()?,
            ExportFormat::Xlsx => self.to_xlsx()?,
        };
        let filename = format!("{}.{}", safe_stem(stem), format.extension());
        Ok(HttpResponse::Ok()
            .content_type(format.content_type())
            .insert_header(ContentDisposition {
                disposition: DispositionType::Attachment,
                parameters: vec![DispositionParam::Filename(filename)],
            })
            .body(body))
    }
}

/// Spreadsheet programs run a cell starting with one of these as a formula; a name typed into
/// Llwybr must never become one. Every CSV Llwybr writes passes its cells through this.
pub(crate) fn defuse_formula(value: &str) -> String {
    match value.chars().next() {
        Some('=' | '+' | '@' | '\t' | '\r') => format!("'{value}"),
        Some('-') if value.parse::<f64>().is_err() && value != "-" => format!("'{value}"),
        _ => value.to_owned(),
    }
}

/// Excel refuses sheet names over 31 characters or with any of `[]:*?/\`.
fn sheet_name(title: &str) -> String {
    let cleaned: String = title
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(31)
        .collect();
    if cleaned.trim().is_empty() {
        "Report".into()
    } else {
        cleaned
    }
}

fn safe_stem(stem: &str) -> String {
    let cleaned: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    if cleaned.is_empty() {
        "report".into()
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Table {
        let mut table = Table::new(
            "Participation 2025/26",
            vec!["Programme".into(), "People".into(), "%".into()],
        );
        table.rows.push(vec![
            Cell::text("=HYPERLINK(\"x\")"),
            Cell::Count(12),
            Cell::Percent(Some(37.5)),
        ]);
        table.rows.push(vec![
            Cell::text("NPQH"),
            Cell::Count(0),
            Cell::Percent(None),
        ]);
        table
    }

    #[test]
    fn csv_defuses_formulas_and_shows_missing_percentages_as_dashes() {
        let csv = String::from_utf8(sample().to_csv().expect("csv")).expect("utf-8");
        assert_eq!(
            csv,
            "Programme,People,%\n\"'=HYPERLINK(\"\"x\"\")\",12,37.5\nNPQH,0,-\n"
        );
    }

    #[test]
    fn xlsx_is_a_zip_workbook() {
        let bytes = sample().to_xlsx().expect("xlsx");
        assert_eq!(&bytes[..2], b"PK");
    }

    #[test]
    fn sheet_names_and_file_names_are_made_safe() {
        assert_eq!(sheet_name("Participation 2025/26"), "Participation 202526");
        assert_eq!(sheet_name("???"), "Report");
        assert_eq!(safe_stem("participation by year"), "participation-by-year");
        assert_eq!(defuse_formula("-3.5"), "-3.5");
        assert_eq!(defuse_formula("-cmd"), "'-cmd");
    }
}
