//! Small inline SVG bar charts (no JavaScript, readable at any width) and HTML escaping.

/// Escapes text for HTML.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// One bar: label, value, the value as shown.
pub struct Bar {
    /// What it is.
    pub label: String,
    /// How much.
    pub value: f64,
    /// The value as text.
    pub shown: String,
}

/// Horizontal bars scaled to the largest value, with an accessible title and a table-like
/// text fallback for screen readers.
pub fn bars(title: &str, items: &[Bar]) -> String {
    if items.is_empty() {
        return "<p>Nothing to show yet.</p>".into();
    }
    let max = items
        .iter()
        .map(|b| b.value)
        .fold(0.0_f64, f64::max)
        .max(f64::MIN_POSITIVE);
    let row = 26;
    let height = row * items.len() + 4;
    let mut svg = format!(
        "<figure class=\"chart\"><svg role=\"img\" aria-label=\"{}\" viewBox=\"0 0 600 {height}\" preserveAspectRatio=\"xMinYMin meet\" width=\"100%\">",
        esc(title)
    );
    for (i, b) in items.iter().enumerate() {
        let y = i * row + 2;
        let w = (b.value / max * 330.0).max(if b.value > 0.0 { 2.0 } else { 0.0 });
        let label: String = b.label.chars().take(32).collect();
        svg.push_str(&format!(
            "<text x=\"0\" y=\"{}\" class=\"l\">{}</text><rect x=\"200\" y=\"{y}\" width=\"{w:.1}\" height=\"18\" rx=\"3\"></rect><text x=\"{:.1}\" y=\"{}\" class=\"v\">{}</text>",
            y + 14,
            esc(&label),
            206.0 + w,
            y + 14,
            esc(&b.shown)
        ));
    }
    svg.push_str("</svg></figure>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_bars_scaled() {
        let svg = bars(
            "t",
            &[
                Bar {
                    label: "<b>".into(),
                    value: 2.0,
                    shown: "2".into(),
                },
                Bar {
                    label: "x".into(),
                    value: 1.0,
                    shown: "1".into(),
                },
            ],
        );
        assert!(svg.contains("&lt;b&gt;") && !svg.contains("<b>"));
        assert!(svg.contains("width=\"330.0\"") && svg.contains("width=\"165.0\""));
        assert_eq!(bars("t", &[]), "<p>Nothing to show yet.</p>");
    }
}
