//! Charts drawn on the server as SVG: readable without JavaScript, styled
//! by classes (the CSP allows no inline style), each with a title and a
//! description for screen readers; the page puts the numbers in a table
//! next to each chart as well.

use std::fmt::Write;

/// A series of a chart: its CSS class (colour) and its name in the legend.
pub type Series = (&'static str, &'static str);

/// Escapes text for SVG (XML).
fn esc(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn open(out: &mut String, id: &str, title: &str, desc: &str, width: u32, height: u32) {
    let _ = write!(
        out,
        "<svg class=\"chart\" role=\"img\" aria-labelledby=\"{id}-t {id}-d\" viewBox=\"0 0 {width} {height}\" \
         preserveAspectRatio=\"xMinYMin meet\" xmlns=\"http://www.w3.org/2000/svg\">\
         <title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">{}</desc>",
        esc(title),
        esc(desc)
    );
}

fn legend(out: &mut String, series: &[Series], y: u32) {
    let mut x = 0;
    for (class, name) in series {
        let _ = write!(
            out,
            "<rect class=\"{class}\" x=\"{x}\" y=\"{}\" width=\"12\" height=\"12\" rx=\"2\"/>\
             <text x=\"{}\" y=\"{}\" class=\"legend\">{}</text>",
            y,
            x + 18,
            y + 11,
            esc(name)
        );
        x += 18 + 8 * u32::try_from(name.chars().count()).unwrap_or(10) + 24;
    }
}

/// Horizontal bars, one per row, each split into the series' values.
pub fn bars(id: &str, title: &str, desc: &str, rows: &[(String, Vec<u64>)], series: &[Series]) -> String {
    const LABEL: u32 = 200;
    const WIDTH: u32 = 720;
    const ROW: u32 = 30;
    let top = if series.len() > 1 { 28 } else { 4 };
    let height = top + ROW * u32::try_from(rows.len().max(1)).unwrap_or(1) + 4;
    let max = rows.iter().map(|(_, v)| v.iter().sum::<u64>()).max().unwrap_or(0).max(1);
    let span = WIDTH - LABEL - 70;
    let mut out = String::new();
    open(&mut out, id, title, desc, WIDTH, height);
    if series.len() > 1 {
        legend(&mut out, series, 4);
    }
    if rows.is_empty() {
        let _ =
            write!(out, "<text x=\"0\" y=\"{}\" class=\"legend\">Nothing to show for this period.</text>", top + 18);
    }
    for (i, (label, values)) in rows.iter().enumerate() {
        let y = top + ROW * u32::try_from(i).unwrap_or(0);
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" class=\"label\" text-anchor=\"end\">{}</text>",
            LABEL - 8,
            y + 19,
            esc(label)
        );
        let mut x = LABEL;
        for (value, (class, name)) in values.iter().zip(series) {
            let w = u32::try_from(u64::from(span) * value / max).unwrap_or(0);
            if *value > 0 {
                let _ = write!(
                    out,
                    "<rect class=\"{class}\" x=\"{x}\" y=\"{}\" width=\"{}\" height=\"20\" rx=\"3\"><title>{}: {} {value}</title></rect>",
                    y + 4,
                    w.max(2),
                    esc(label),
                    esc(name)
                );
            }
            x += w.max(u32::from(*value > 0) * 2);
        }
        let total: u64 = values.iter().sum();
        let _ = write!(out, "<text x=\"{}\" y=\"{}\" class=\"value\">{total}</text>", x + 6, y + 19);
    }
    out.push_str("</svg>");
    out
}

/// Vertical stacked columns, one per time bucket, with the series stacked.
pub fn columns(id: &str, title: &str, desc: &str, buckets: &[(String, Vec<u64>)], series: &[Series]) -> String {
    const WIDTH: u32 = 720;
    const PLOT: u32 = 180;
    const LEFT: u32 = 40;
    let top = 28;
    let height = top + PLOT + 40;
    let max = buckets.iter().map(|(_, v)| v.iter().sum::<u64>()).max().unwrap_or(0).max(1);
    let n = u32::try_from(buckets.len().max(1)).unwrap_or(1);
    let step = (WIDTH - LEFT) / n;
    let bar = (step * 7 / 10).max(2);
    let mut out = String::new();
    open(&mut out, id, title, desc, WIDTH, height);
    legend(&mut out, series, 4);
    let base = top + PLOT;
    // Axis: zero and the maximum.
    let _ = write!(
        out,
        "<line class=\"axis\" x1=\"{LEFT}\" y1=\"{base}\" x2=\"{WIDTH}\" y2=\"{base}\"/>\
         <text x=\"{}\" y=\"{}\" class=\"value\" text-anchor=\"end\">{max}</text>\
         <text x=\"{}\" y=\"{base}\" class=\"value\" text-anchor=\"end\">0</text>",
        LEFT - 6,
        top + 10,
        LEFT - 6
    );
    let label_every = (buckets.len() / 8).max(1);
    for (i, (label, values)) in buckets.iter().enumerate() {
        let x = LEFT + step * u32::try_from(i).unwrap_or(0) + (step - bar) / 2;
        let mut y = base;
        for (value, (class, name)) in values.iter().zip(series) {
            if *value == 0 {
                continue;
            }
            let h = u32::try_from(u64::from(PLOT) * value / max).unwrap_or(0).max(2);
            y -= h;
            let _ = write!(
                out,
                "<rect class=\"{class}\" x=\"{x}\" y=\"{y}\" width=\"{bar}\" height=\"{h}\"><title>{}: {} {value}</title></rect>",
                esc(label),
                esc(name)
            );
        }
        if i % label_every == 0 {
            let _ = write!(
                out,
                "<text x=\"{}\" y=\"{}\" class=\"label\" text-anchor=\"middle\">{}</text>",
                x + bar / 2,
                base + 18,
                esc(label)
            );
        }
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charts_escape_labels_and_carry_a_title_and_description() {
        let rows = vec![("<b>&\"x\"".to_owned(), vec![3, 1])];
        let svg = bars("c1", "Methods", "Proofs by method", &rows, &[("s0", "passed"), ("s1", "failed")]);
        assert!(svg.contains("<title id=\"c1-t\">Methods</title><desc id=\"c1-d\">Proofs by method</desc>"));
        assert!(svg.contains("&lt;b&gt;&amp;&quot;x&quot;") && !svg.contains("<b>"));
        assert!(svg.contains("role=\"img\"") && !svg.contains("style="));
        let svg =
            columns("c2", "Resets", "per day", &[("11-26".to_owned(), vec![0, 0])], &[("s0", "resets"), ("s1", "x")]);
        assert!(svg.ends_with("</svg>") && svg.contains(">11-26<"));
        let empty = bars("c3", "None", "nothing", &[], &[("s0", "n")]);
        assert!(empty.contains("Nothing to show"));
    }
}
