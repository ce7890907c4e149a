//! Bar charts as inline SVG, drawn on the server so they show without JavaScript and print.
//! Each chart carries its text alternative (`<title>` and `<desc>`, referenced by
//! `aria-labelledby`); the page puts the same figures in a table beside it.

use std::fmt::Write;

/// One bar; `href` makes the bar and its label a link (to the people behind the figure).
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    /// The value as the reader should see it ("12", "93.5%").
    pub shown: String,
    pub href: Option<String>,
}

/// A horizontal reference line across the bars (a baseline, a target).
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub label: String,
    pub value: f64,
    pub dashed: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    /// A short name for the chart, e.g. "Participants by academic year".
    pub title: String,
    /// The text alternative: what the chart shows, in a sentence or two.
    pub description: String,
    pub bars: Vec<Bar>,
    pub lines: Vec<Line>,
    /// The top of the scale; at least the largest bar or line. `None`: from the data.
    pub max: Option<f64>,
}

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 260.0;
const TOP: f64 = 20.0;
const BOTTOM: f64 = 50.0;
const LEFT: f64 = 10.0;
const RIGHT: f64 = 110.0;

/// Escapes text for SVG (XML) content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

impl BarChart {
    fn scale_max(&self) -> f64 {
        let data = self
            .bars
            .iter()
            .map(|b| b.value)
            .chain(self.lines.iter().map(|l| l.value))
            .fold(0.0_f64, f64::max);
        let max = self.max.map_or(data, |m| m.max(data));
        if max > 0.0 { max } else { 1.0 }
    }

    /// The height in pixels a bar of `value` is drawn.
    pub fn bar_height(&self, value: f64) -> f64 {
        let plot = HEIGHT - TOP - BOTTOM;
        (value.max(0.0) / self.scale_max() * plot * 10.0).round() / 10.0
    }

    /// The chart as an `<svg>` element; `id` must be unique on the page.
    pub fn to_svg(&self, id: &str) -> String {
        let id = escape(id);
        let mut svg = String::new();
        let _ = write!(
            svg,
            r#"<svg class="chart" role="img" aria-labelledby="{id}-title {id}-desc" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" xmlns="http://www.w3.org/2000/svg"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
            escape(&self.title),
            escape(&self.description),
        );
        let base = HEIGHT - BOTTOM;
        let _ = write!(
            svg,
            r##"<line x1="{LEFT}" y1="{base}" x2="{}" y2="{base}" stroke="#0b0c0c"/>"##,
            WIDTH - RIGHT
        );
        let slots = self.bars.len().max(1) as f64;
        let slot = (WIDTH - LEFT - RIGHT) / slots;
        let bar_width = (slot * 0.6).min(80.0);
        for (i, bar) in self.bars.iter().enumerate() {
            let height = self.bar_height(bar.value);
            let x = LEFT + slot * i as f64 + (slot - bar_width) / 2.0;
            let centre = x + bar_width / 2.0;
            let y = base - height;
            let mut shapes = String::new();
            let _ = write!(
                shapes,
                r##"<rect x="{x:.1}" y="{y:.1}" width="{bar_width:.1}" height="{height:.1}" fill="#1d70b8"/><text x="{centre:.1}" y="{:.1}" font-size="12" text-anchor="middle">{}</text><text x="{centre:.1}" y="{:.1}" font-size="12" text-anchor="middle">{}</text>"##,
                (y - 4.0).max(12.0),
                escape(&bar.shown),
                base + 16.0,
                escape(&bar.label),
            );
            match &bar.href {
                Some(href) => {
                    let _ = write!(svg, r#"<a href="{}">{shapes}</a>"#, escape(href));
                }
                None => svg.push_str(&shapes),
            }
        }
        for line in &self.lines {
            let y = base - self.bar_height(line.value);
            let dash = if line.dashed {
                r#" stroke-dasharray="6 4""#
            } else {
                ""
            };
            let _ = write!(
                svg,
                r##"<line x1="{LEFT}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#d4351c" stroke-width="2"{dash}/><text x="{:.1}" y="{:.1}" font-size="12">{}</text>"##,
                WIDTH - RIGHT,
                WIDTH - RIGHT + 4.0,
                y + 4.0,
                escape(&line.label),
            );
        }
        svg.push_str("</svg>");
        svg
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(label: &str, value: f64) -> Bar {
        Bar {
            label: label.into(),
            value,
            shown: format!("{value}"),
            href: None,
        }
    }

    #[test]
    fn bars_scale_to_the_largest_value_or_line() {
        let chart = BarChart {
            title: "t".into(),
            description: "d".into(),
            bars: vec![bar("a", 10.0), bar("b", 20.0)],
            lines: vec![Line {
                label: "target".into(),
                value: 40.0,
                dashed: true,
            }],
            max: None,
        };
        let full = HEIGHT - TOP - BOTTOM;
        assert_eq!(chart.bar_height(40.0), full);
        assert_eq!(chart.bar_height(20.0), full / 2.0);
        assert_eq!(chart.bar_height(10.0), full / 4.0);
        assert_eq!(chart.bar_height(-5.0), 0.0);
        let fixed = BarChart {
            max: Some(100.0),
            ..chart
        };
        assert_eq!(fixed.bar_height(50.0), full / 2.0);
    }

    #[test]
    fn labels_are_escaped_and_the_text_alternative_is_present() {
        let chart = BarChart {
            title: "Ysgol <Glan> & \"Tâf\"".into(),
            description: "Two bars: a 1, b 2.".into(),
            bars: vec![
                Bar {
                    href: Some("/reports/participation/people?by=year&key=2025".into()),
                    ..bar("<script>", 1.0)
                },
                bar("b", 2.0),
            ],
            lines: Vec::new(),
            max: None,
        };
        let svg = chart.to_svg("p1");
        assert!(svg.contains(r#"aria-labelledby="p1-title p1-desc""#));
        assert!(
            svg.contains(
                r#"<title id="p1-title">Ysgol &lt;Glan&gt; &amp; &quot;Tâf&quot;</title>"#
            )
        );
        assert!(svg.contains(r#"<desc id="p1-desc">Two bars: a 1, b 2.</desc>"#));
        assert!(svg.contains("&lt;script&gt;"));
        assert!(!svg.contains("<script>"));
        assert!(svg.contains(r#"<a href="/reports/participation/people?by=year&amp;key=2025">"#));
        assert_eq!(svg.matches("<rect").count(), 2);
    }

    #[test]
    fn an_empty_chart_still_draws() {
        let chart = BarChart {
            title: "t".into(),
            description: "nothing".into(),
            bars: Vec::new(),
            lines: Vec::new(),
            max: None,
        };
        assert!(chart.to_svg("e").ends_with("</svg>"));
    }
}
