//! The golden thread as a picture (SPEC Q2: "gaps are listed and drawn"):
//! a server-rendered SVG of four columns — aspirations, needs, outcomes,
//! provision — with gold threads between the items that are linked and the
//! gaps outlined in red.
//!
//! The SVG is a plain string with no dependencies. It is drawn on a
//! 1100-unit-wide `viewBox` with no `width` or `height`, so it scales to its
//! container and reads well at 900–1200 px; the height grows with the
//! longest column. It uses presentation attributes only — no `<style>`
//! element and no `style=` attributes — because the app's Content Security
//! Policy forbids inline styles. It is `role="img"` with a `<title>` and a
//! `<desc>` (which lists every gap in words) named by `aria-labelledby` and
//! `aria-describedby`; each box also has its own `<title>`, shown as a
//! tooltip, with the item's full text.
//!
//! Items are reordered within their column to cross fewer threads: outcomes
//! keep their numbers' order, and needs, aspirations and provision follow
//! the first outcome they are linked to; unlinked items come last.

use std::collections::HashMap;
use std::fmt::Write;

use uuid::Uuid;

use super::golden_thread::{GoldenThread, ThreadLinkKind, ThreadNode, outcome_noun};
use crate::plan_type::{PlanType, SectionKind};

/// The words of the picture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PictureLabels {
    /// The picture's title (its `<title>`, and the heading drawn on it).
    pub title: String,
    /// The four column headings.
    pub aspirations: String,
    pub needs: String,
    pub outcomes: String,
    pub provision: String,
    /// Prefix of the ids of the `<title>` and `<desc>` elements; give each
    /// picture on one page its own.
    pub id: String,
}

impl Default for PictureLabels {
    fn default() -> Self {
        PictureLabels {
            title: "The golden thread".into(),
            aspirations: "Aspirations".into(),
            needs: "Needs".into(),
            outcomes: "Outcomes".into(),
            provision: "Provision".into(),
            id: "golden-thread".into(),
        }
    }
}

impl PictureLabels {
    /// The headings in the form's own words where they are short ("Goals"
    /// and "Actions" on a YP plan), else the defaults.
    pub fn for_plan_type(plan_type: Option<&PlanType>) -> PictureLabels {
        let mut labels = PictureLabels::default();
        let Some(plan_type) = plan_type else {
            return labels;
        };
        let title = |kind: SectionKind| {
            plan_type
                .sections_of(kind)
                .find_map(|s| s.labels.get("title"))
                .map(|t| t.trim())
                .filter(|t| !t.is_empty() && t.chars().count() <= 24)
                .map(str::to_owned)
        };
        if let Some(t) = title(SectionKind::Needs) {
            labels.needs = t;
        }
        labels.outcomes = title(SectionKind::Outcomes).unwrap_or_else(|| format!("{}s", outcome_noun(Some(plan_type))));
        if let Some(t) = title(SectionKind::Provision) {
            labels.provision = t;
        }
        labels
    }
}

// Geometry, in viewBox units.
const WIDTH: f64 = 1100.0;
const MARGIN: f64 = 24.0;
const COLUMN_WIDTH: f64 = 215.0;
const GUTTER: f64 = (WIDTH - 2.0 * MARGIN - 4.0 * COLUMN_WIDTH) / 3.0;
const PAD: f64 = 10.0;
const TOP: f64 = 118.0;
const BOX_GAP: f64 = 10.0;
const LABEL_HEIGHT: f64 = 15.0;
const LINE_HEIGHT: f64 = 17.0;
const LABEL_LINE_HEIGHT: f64 = 14.0;
const TAG_HEIGHT: f64 = 18.0;
/// Characters per line: 13-unit text averages about 7 units a character
/// in the wider common sans-serif faces (DejaVu Sans), 11-unit bold 6.5.
const TEXT_CHARS: usize = 27;
const LABEL_CHARS: usize = 30;

// Colours. The gold and the red both have at least 3:1 contrast on white.
const GOLD: &str = "#a67c00";
const RED: &str = "#b3261e";
const INK: &str = "#1f2937";
const MUTED: &str = "#4b5563";
const BAND: &str = "#faf7ef";
const BORDER: &str = "#9ca3af";
const FONT: &str = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";

/// A box as laid out.
struct Placed<'a> {
    node: &'a ThreadNode,
    column: usize,
    x: f64,
    y: f64,
    h: f64,
    lines: Vec<String>,
    label: Vec<String>,
}

impl Placed<'_> {
    fn center(&self) -> f64 {
        self.y + self.h / 2.0
    }
}

/// Draws the golden thread as an SVG document (a string that can be inlined
/// in HTML or served as `image/svg+xml`).
pub fn golden_thread_svg(thread: &GoldenThread, labels: &PictureLabels) -> String {
    let columns = ordered_columns(thread);
    let headings = [
        labels.aspirations.as_str(),
        labels.needs.as_str(),
        labels.outcomes.as_str(),
        labels.provision.as_str(),
    ];

    // Lay out each column, then centre the shorter ones on the longest.
    let mut placed: Vec<Placed> = Vec::new();
    let mut column_heights = [0.0f64; 4];
    let mut column_start = [0usize; 4];
    for (column, nodes) in columns.iter().enumerate() {
        column_start[column] = placed.len();
        let x = column_x(column);
        let mut y = 0.0;
        let max_lines = if column == 3 { 2 } else { 3 };
        for node in nodes {
            let lines = wrap(&node.text, TEXT_CHARS, max_lines);
            let label = wrap(&node.label, LABEL_CHARS, 2);
            let extra_label_lines = label.len().saturating_sub(1) as f64;
            let tag_rows = tag_rows(node).len() as f64;
            let h = PAD
                + LABEL_HEIGHT
                + LABEL_LINE_HEIGHT * extra_label_lines
                + LINE_HEIGHT * lines.len() as f64
                + tag_rows * (TAG_HEIGHT + 4.0)
                + PAD
                - 2.0;
            placed.push(Placed {
                node,
                column,
                x,
                y,
                h,
                lines,
                label,
            });
            y += h + BOX_GAP;
        }
        column_heights[column] = if nodes.is_empty() { 52.0 } else { y - BOX_GAP };
    }
    let content_height = column_heights.iter().copied().fold(52.0, f64::max);
    for (column, height) in column_heights.iter().enumerate() {
        let offset = TOP + ((content_height - height) / 2.0).floor();
        let end = column_start.get(column + 1).copied().unwrap_or(placed.len());
        for p in &mut placed[column_start[column]..end] {
            p.y += offset;
        }
    }
    let bottom = TOP + content_height;
    let legend_y = bottom + 34.0;
    let height = legend_y + 30.0;

    let mut svg = String::with_capacity(16 * 1024 + placed.len() * 1200);
    let id = escape(&labels.id);
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" role="img" aria-labelledby="{id}-title" aria-describedby="{id}-desc" preserveAspectRatio="xMidYMin meet" font-family="{FONT}" font-size="13" fill="{INK}">"#,
        P(WIDTH),
        P(height)
    );
    let _ = write!(svg, r#"<title id="{id}-title">{}</title>"#, escape(&labels.title));
    let _ = write!(
        svg,
        r#"<desc id="{id}-desc">{}</desc>"#,
        escape(&describe(thread, labels))
    );
    let _ = write!(
        svg,
        r##"<rect x="0" y="0" width="{}" height="{}" fill="#ffffff"/>"##,
        P(WIDTH),
        P(height)
    );

    // Heading and the one-line verdict.
    let _ = write!(
        svg,
        r#"<text x="{MARGIN}" y="36" font-size="20" font-weight="700">{}</text>"#,
        escape(&labels.title)
    );
    let gaps = thread.gaps.len();
    let (verdict, colour) = if gaps > 0 {
        (
            format!(
                "{gaps} gap{} in the thread, outlined in red",
                if gaps == 1 { "" } else { "s" }
            ),
            RED,
        )
    } else if thread.unbroken {
        (
            "Unbroken: every need, outcome and provision line is joined up".to_owned(),
            MUTED,
        )
    } else {
        ("Nothing to draw yet".to_owned(), MUTED)
    };
    let _ = write!(
        svg,
        r#"<text x="{MARGIN}" y="60" font-size="14" fill="{colour}">{}</text>"#,
        escape(&verdict)
    );

    // Column bands and headings.
    for (column, heading) in headings.iter().enumerate() {
        let x = column_x(column);
        let count = columns[column].len();
        let _ = write!(
            svg,
            r#"<rect x="{}" y="76" width="{}" height="{}" rx="10" fill="{BAND}"/>"#,
            P(x - 6.0),
            P(COLUMN_WIDTH + 12.0),
            P(bottom - 76.0 + 10.0)
        );
        let heading = wrap(heading, 24, 1).pop().unwrap_or_default();
        let _ = write!(
            svg,
            r#"<text x="{}" y="100" font-size="15" font-weight="700">{}<tspan font-weight="400" fill="{MUTED}"> ({count})</tspan></text>"#,
            P(x + 4.0),
            escape(&heading)
        );
    }

    // Threads, behind the boxes.
    let index: HashMap<Uuid, usize> = placed.iter().enumerate().map(|(i, p)| (p.node.id, i)).collect();
    let mut ends: Vec<(usize, usize, ThreadLinkKind)> = Vec::with_capacity(thread.links.len());
    for link in &thread.links {
        let (Some(&a), Some(&b)) = (index.get(&link.from), index.get(&link.to)) else {
            continue;
        };
        // left box, right box
        let (left, right) = if placed[a].column < placed[b].column {
            (a, b)
        } else {
            (b, a)
        };
        ends.push((left, right, link.kind));
    }
    let anchors = anchors(&placed, &ends);
    let _ = write!(
        svg,
        r#"<g fill="none" stroke="{GOLD}" stroke-width="2" stroke-linecap="round">"#
    );
    for (i, &(left, right, kind)) in ends.iter().enumerate() {
        let extra = match kind {
            ThreadLinkKind::OutcomeNeedByArea => r#" stroke-dasharray="6 4""#,
            ThreadLinkKind::OutcomeAspiration => r#" stroke-opacity="0.7""#,
            _ => "",
        };
        thread_path(&mut svg, &placed[left], &placed[right], anchors[i]);
        svg.push_str(extra);
        svg.push_str("/>");
    }
    svg.push_str("</g>");

    // Boxes.
    for p in &placed {
        draw_box(&mut svg, p);
    }
    // Threads from outcomes to aspirations pass behind the needs column;
    // a faint dotted trace over the needs shows where they go.
    let mut ghosts = ends
        .iter()
        .enumerate()
        .filter(|(_, e)| e.2 == ThreadLinkKind::OutcomeAspiration)
        .peekable();
    if ghosts.peek().is_some() {
        let _ = write!(
            svg,
            r#"<g fill="none" stroke="{GOLD}" stroke-width="1.5" stroke-opacity="0.45" stroke-dasharray="2 3">"#
        );
        for (i, &(left, right, _)) in ghosts {
            thread_path(&mut svg, &placed[left], &placed[right], anchors[i]);
            svg.push_str("/>");
        }
        svg.push_str("</g>");
    }
    for (column, nodes) in columns.iter().enumerate() {
        if nodes.is_empty() {
            let message = if column == 0 && !thread.aspirations_expected {
                "Not part of this form"
            } else {
                "None yet"
            };
            let x = column_x(column);
            let y = TOP + ((content_height - 52.0) / 2.0).floor();
            let _ = write!(
                svg,
                r##"<rect x="{}" y="{}" width="{}" height="52" rx="6" fill="#ffffff" stroke="{BORDER}" stroke-dasharray="4 4"/><text x="{}" y="{}" text-anchor="middle" fill="{MUTED}">{message}</text>"##,
                P(x),
                P(y),
                P(COLUMN_WIDTH),
                P(x + COLUMN_WIDTH / 2.0),
                P(y + 31.0)
            );
        }
    }

    // Legend: a sample of each kind of line or box, then its meaning.
    let ly = P(legend_y);
    let samples = [
        (
            format!(r#"<path d="M{{x}} {ly}h36" stroke="{GOLD}" stroke-width="2"/>"#),
            "Linked",
        ),
        (
            format!(r#"<path d="M{{x}} {ly}h36" stroke="{GOLD}" stroke-width="2" stroke-dasharray="6 4"/>"#),
            "Linked by area of need",
        ),
        (
            format!(
                r#"<path d="M{{x}} {ly}h36" stroke="{GOLD}" stroke-width="1.5" stroke-opacity="0.45" stroke-dasharray="2 3"/>"#
            ),
            "Outcome to aspiration, behind the needs",
        ),
        (
            format!(
                r##"<rect x="{{x}}" y="{}" width="36" height="16" rx="4" fill="#fff5f5" stroke="{RED}" stroke-width="2" stroke-dasharray="6 3"/>"##,
                P(legend_y - 8.0)
            ),
            "Gap in the thread",
        ),
    ];
    let _ = write!(svg, r#"<g font-size="12" fill="{MUTED}">"#);
    let mut x = MARGIN;
    for (sample, meaning) in samples {
        svg.push_str(&sample.replace("{x}", &P(x).to_string()));
        let _ = write!(
            svg,
            r#"<text x="{}" y="{}">{meaning}</text>"#,
            P(x + 44.0),
            P(legend_y + 4.0)
        );
        x += 44.0 + meaning.chars().count() as f64 * 6.6 + 28.0;
    }
    svg.push_str("</g>");
    svg.push_str("</svg>");
    svg
}

/// A coordinate, written with at most one decimal. (Much faster than
/// `{:.1}`, which matters with a few hundred numbers a picture.)
#[derive(Clone, Copy)]
struct P(f64);

impl std::fmt::Display for P {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let tenths = (self.0 * 10.0).round() as i64;
        let sign = if tenths < 0 { "-" } else { "" };
        let abs = tenths.unsigned_abs();
        if abs.is_multiple_of(10) {
            write!(f, "{sign}{}", abs / 10)
        } else {
            write!(f, "{sign}{}.{}", abs / 10, abs % 10)
        }
    }
}

/// Opens the `<path` of a thread from the right side of `left` to the left
/// side of `right`, at the anchors' heights; the caller closes it.
fn thread_path(svg: &mut String, left: &Placed, right: &Placed, (y1, y2): (f64, f64)) {
    let x1 = left.x + COLUMN_WIDTH;
    let x2 = right.x;
    let d = (x2 - x1) / 2.0;
    let _ = write!(
        svg,
        r#"<path d="M{} {}C{} {} {} {} {} {}""#,
        P(x1),
        P(y1),
        P(x1 + d),
        P(y1),
        P(x2 - d),
        P(y2),
        P(x2),
        P(y2)
    );
}

fn column_x(column: usize) -> f64 {
    MARGIN + column as f64 * (COLUMN_WIDTH + GUTTER)
}

/// The columns in drawing order: outcomes as numbered, the rest by the
/// first outcome they link to (stable, unlinked last).
fn ordered_columns(thread: &GoldenThread) -> [Vec<&ThreadNode>; 4] {
    let outcome_rank: HashMap<Uuid, usize> = thread.outcomes.iter().enumerate().map(|(i, o)| (o.id, i)).collect();
    let mut rank: HashMap<Uuid, usize> = HashMap::new();
    for link in &thread.links {
        let (item, outcome) = match link.kind {
            ThreadLinkKind::ProvisionOutcome => (link.from, link.to),
            _ => (link.to, link.from),
        };
        if let Some(&r) = outcome_rank.get(&outcome) {
            let entry = rank.entry(item).or_insert(r);
            *entry = (*entry).min(r);
        }
    }
    [
        sorted(&thread.aspirations, &rank),
        sorted(&thread.needs, &rank),
        thread.outcomes.iter().collect(),
        sorted(&thread.provision, &rank),
    ]
}

fn sorted<'a>(nodes: &'a [ThreadNode], rank: &HashMap<Uuid, usize>) -> Vec<&'a ThreadNode> {
    let mut v: Vec<&ThreadNode> = nodes.iter().collect();
    v.sort_by_key(|n| rank.get(&n.id).copied().unwrap_or(usize::MAX));
    v
}

/// Where each thread meets its two boxes: the threads on one side of a box
/// are spread down that side in the order of their other ends.
fn anchors(placed: &[Placed], ends: &[(usize, usize, ThreadLinkKind)]) -> Vec<(f64, f64)> {
    // (box, right side?) -> [(other end's centre, link index)]
    let mut sides: HashMap<(usize, bool), Vec<(f64, usize)>> = HashMap::new();
    for (i, &(left, right, _)) in ends.iter().enumerate() {
        sides.entry((left, true)).or_default().push((placed[right].center(), i));
        sides
            .entry((right, false))
            .or_default()
            .push((placed[left].center(), i));
    }
    let mut out = vec![(0.0, 0.0); ends.len()];
    for ((b, right_side), mut list) in sides {
        list.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let p = &placed[b];
        let inner_top = p.y + 8.0;
        let inner = (p.h - 16.0).max(0.0);
        let n = list.len() as f64;
        for (k, (_, link)) in list.into_iter().enumerate() {
            let y = inner_top + inner * (k as f64 + 1.0) / (n + 1.0);
            if right_side {
                out[link].0 = y;
            } else {
                out[link].1 = y;
            }
        }
    }
    out
}

/// The gap tags of a node, in rows that fit the box: (text, x offset, width).
fn tag_rows(node: &ThreadNode) -> Vec<Vec<(&'static str, f64, f64)>> {
    let mut rows: Vec<Vec<(&'static str, f64, f64)>> = Vec::new();
    let mut x = 0.0;
    for kind in &node.gaps {
        let text = kind.tag();
        let w = text.chars().count() as f64 * 7.0 + 14.0;
        if rows.is_empty() || x + w > COLUMN_WIDTH - 2.0 * PAD {
            rows.push(Vec::new());
            x = 0.0;
        }
        rows.last_mut().expect("a row").push((text, x, w));
        x += w + 6.0;
    }
    rows
}

fn draw_box(svg: &mut String, p: &Placed) {
    let gap = !p.node.gaps.is_empty();
    let (fill, stroke, extra) = if gap {
        ("#fff5f5", RED, r#" stroke-width="2" stroke-dasharray="6 3""#)
    } else {
        ("#ffffff", BORDER, r#" stroke-width="1""#)
    };
    let _ = write!(svg, "<g><title>{}", escape(&p.node.label));
    if !p.node.text.is_empty() {
        let _ = write!(svg, ": {}", escape(&p.node.text));
    }
    for kind in &p.node.gaps {
        let _ = write!(svg, " ({})", kind.tag());
    }
    svg.push_str("</title>");
    let _ = write!(
        svg,
        r#"<rect x="{}" y="{}" width="{}" height="{}" rx="6" fill="{fill}" stroke="{stroke}"{extra}/>"#,
        P(p.x),
        P(p.y),
        P(COLUMN_WIDTH),
        P(p.h)
    );
    let tx = P(p.x + PAD);
    let mut y = p.y + PAD + 11.0;
    let _ = write!(
        svg,
        r#"<text x="{tx}" y="{}" font-size="11" font-weight="600" fill="{}">"#,
        P(y),
        if gap { RED } else { MUTED },
    );
    for (i, line) in p.label.iter().enumerate() {
        if i == 0 {
            svg.push_str(&escape(line));
        } else {
            let _ = write!(
                svg,
                r#"<tspan x="{tx}" dy="{}">{}</tspan>"#,
                P(LABEL_LINE_HEIGHT),
                escape(line)
            );
            y += LABEL_LINE_HEIGHT;
        }
    }
    svg.push_str("</text>");
    if !p.lines.is_empty() {
        y += 4.0;
        let _ = write!(svg, r#"<text x="{tx}" y="{}">"#, P(y));
        for line in &p.lines {
            let _ = write!(
                svg,
                r#"<tspan x="{tx}" dy="{}">{}</tspan>"#,
                P(LINE_HEIGHT),
                escape(line)
            );
        }
        svg.push_str("</text>");
        y += LINE_HEIGHT * p.lines.len() as f64;
    }
    y += 6.0;
    for row in tag_rows(p.node) {
        for (text, dx, w) in row {
            let _ = write!(
                svg,
                r##"<rect x="{}" y="{}" width="{}" height="{}" rx="9" fill="{RED}"/><text x="{}" y="{}" font-size="11" font-weight="700" fill="#ffffff" text-anchor="middle">{text}</text>"##,
                P(tx.0 + dx),
                P(y),
                P(w),
                P(TAG_HEIGHT),
                P(tx.0 + dx + w / 2.0),
                P(y + 13.0)
            );
        }
        y += TAG_HEIGHT + 4.0;
    }
    svg.push_str("</g>");
}

/// The `<desc>`: what the picture shows, and every gap in words.
fn describe(thread: &GoldenThread, labels: &PictureLabels) -> String {
    let mut text = format!(
        "{} from aspirations through needs and outcomes to provision: {} aspiration{}, {} need{}, {} outcome{} \
         and {} provision line{}, joined by {} link{}. {}",
        labels.title,
        thread.aspirations.len(),
        plural(thread.aspirations.len()),
        thread.needs.len(),
        plural(thread.needs.len()),
        thread.outcomes.len(),
        plural(thread.outcomes.len()),
        thread.provision.len(),
        plural(thread.provision.len()),
        thread.links.len(),
        plural(thread.links.len()),
        thread.summary
    );
    const LISTED: usize = 25;
    for (i, gap) in thread.gaps.iter().take(LISTED).enumerate() {
        let _ = write!(text, " {}. {}", i + 1, gap.message);
    }
    if thread.gaps.len() > LISTED {
        let _ = write!(text, " And {} more.", thread.gaps.len() - LISTED);
    }
    text
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Greedy word wrap to `width` characters and at most `max_lines` lines;
/// text that does not fit ends with "…". Words longer than a line are cut.
fn wrap(text: &str, width: usize, max_lines: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut current_len = 0;
    let mut truncated = false;
    'words: for word in text.split_whitespace() {
        let mut word = word;
        loop {
            let len = word.chars().count();
            let needed = if current_len == 0 { len } else { current_len + 1 + len };
            if needed <= width {
                if current_len > 0 {
                    current.push(' ');
                }
                current.push_str(word);
                current_len = needed;
                break;
            }
            if lines.len() + 1 == max_lines {
                // This is the last line and the word does not fit.
                truncated = true;
                if current_len == 0 {
                    current.extend(word.chars().take(width));
                }
                break 'words;
            }
            if current_len > 0 {
                lines.push(std::mem::take(&mut current));
                current_len = 0;
            } else {
                let cut = word.char_indices().nth(width).map_or(word.len(), |(i, _)| i);
                lines.push(word[..cut].to_owned());
                word = &word[cut..];
                if word.is_empty() {
                    break;
                }
            }
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    if truncated && let Some(last) = lines.last_mut() {
        let keep = width.saturating_sub(1).min(last.chars().count());
        let mut short: String = last.chars().take(keep).collect();
        short.truncate(short.trim_end().len());
        short.push('…');
        *last = short;
    }
    lines
}

/// Escapes text for XML content and attributes, dropping characters XML 1.0
/// does not allow.
fn escape(text: &str) -> String {
    // Most text needs nothing escaped: copy it in runs.
    let mut out = String::with_capacity(text.len() + 8);
    let mut run = 0;
    for (i, c) in text.char_indices() {
        let replacement = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            '\'' => "&#39;",
            '\t' | '\n' | '\r' => " ",
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => "",
            _ => continue,
        };
        out.push_str(&text[run..i]);
        out.push_str(replacement);
        run = i + c.len_utf8();
    }
    out.push_str(&text[run..]);
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::checks::golden_thread::{self, ThreadGapKind};
    use crate::checks::test_plans::*;
    use crate::content::Per;
    use crate::plan_type::Registry;

    /// A tiny XML well-formedness check: tags balance and nest, attributes
    /// are quoted, entities are known, no stray `<` or `&`. Returns the
    /// element names in document order.
    pub(crate) fn well_formed(xml: &str) -> Result<Vec<String>, String> {
        let mut stack: Vec<String> = Vec::new();
        let mut names = Vec::new();
        let mut rest = xml;
        let mut roots = 0;
        while !rest.is_empty() {
            match rest.find(['<', '&']) {
                None => {
                    if stack.is_empty() && !rest.trim().is_empty() {
                        return Err("text after the root element".into());
                    }
                    break;
                }
                Some(i) => {
                    if stack.is_empty() && !rest[..i].trim().is_empty() {
                        return Err(format!("text outside the root element: {:?}", &rest[..i]));
                    }
                    rest = &rest[i..];
                }
            }
            if rest.starts_with('&') {
                let end = rest.find(';').ok_or("unterminated entity")?;
                let entity = &rest[1..end];
                let known = ["amp", "lt", "gt", "quot", "apos"].contains(&entity)
                    || entity.strip_prefix('#').is_some_and(|n| n.parse::<u32>().is_ok());
                if !known {
                    return Err(format!("unknown entity &{entity};"));
                }
                rest = &rest[end + 1..];
                continue;
            }
            let end = rest.find('>').ok_or("unterminated tag")?;
            let tag = &rest[1..end];
            rest = &rest[end + 1..];
            if tag.contains('<') {
                return Err(format!("'<' inside a tag: {tag}"));
            }
            if let Some(name) = tag.strip_prefix('/') {
                let open = stack.pop().ok_or_else(|| format!("</{name}> closes nothing"))?;
                if open != name.trim() {
                    return Err(format!("</{name}> closes <{open}>"));
                }
                continue;
            }
            let self_closing = tag.ends_with('/');
            let tag = tag.trim_end_matches('/');
            let name: String = tag.chars().take_while(|c| !c.is_whitespace()).collect();
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ':') {
                return Err(format!("bad element name in <{tag}>"));
            }
            check_attributes(&tag[name.len()..])?;
            if stack.is_empty() {
                roots += 1;
            }
            names.push(name.clone());
            if !self_closing {
                stack.push(name);
            }
        }
        if let Some(open) = stack.pop() {
            return Err(format!("<{open}> is never closed"));
        }
        if roots != 1 {
            return Err(format!("{roots} root elements"));
        }
        Ok(names)
    }

    fn check_attributes(mut attrs: &str) -> Result<(), String> {
        let mut seen = Vec::new();
        loop {
            attrs = attrs.trim_start();
            if attrs.is_empty() {
                return Ok(());
            }
            let eq = attrs
                .find('=')
                .ok_or_else(|| format!("attribute without a value: {attrs}"))?;
            let name = &attrs[..eq];
            if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ':') {
                return Err(format!("bad attribute name {name:?}"));
            }
            if seen.contains(&name) {
                return Err(format!("attribute {name} given twice"));
            }
            seen.push(name);
            let rest = &attrs[eq + 1..];
            let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'');
            let quote = quote.ok_or_else(|| format!("unquoted value of {name}"))?;
            let close = rest[1..]
                .find(quote)
                .ok_or_else(|| format!("unterminated value of {name}"))?;
            let value = &rest[1..1 + close];
            if value.contains('<') {
                return Err(format!("'<' in the value of {name}"));
            }
            attrs = &rest[close + 2..];
        }
    }

    fn msp() -> &'static PlanType {
        Registry::shipped().get("MSP").unwrap()
    }

    #[test]
    fn the_checker_catches_broken_xml() {
        assert!(well_formed("<svg><g></svg>").is_err());
        assert!(well_formed("<svg><g/></svg>").is_ok());
        assert!(well_formed("<svg>a & b</svg>").is_err());
        assert!(well_formed("<svg>a &amp; b</svg>").is_ok());
        assert!(well_formed(r#"<svg x=1/>"#).is_err());
        assert!(well_formed(r#"<svg x="1" x="2"/>"#).is_err());
        assert!(well_formed("<svg/><svg/>").is_err());
    }

    #[test]
    fn a_full_plan_draws_as_well_formed_accessible_svg() {
        let plan = full_msp();
        let thread = golden_thread::check(&plan, Some(msp()));
        let labels = PictureLabels::for_plan_type(Some(msp()));
        let svg = golden_thread_svg(&thread, &labels);
        let names = well_formed(&svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
        assert_eq!(names[0], "svg");
        assert_eq!(names[1], "title");
        assert_eq!(names[2], "desc");
        assert!(svg.contains(r#"<title id="golden-thread-title">The golden thread</title>"#));
        assert!(svg.contains(r#"role="img""#));
        assert!(svg.contains(r#"aria-labelledby="golden-thread-title""#));
        assert!(svg.contains(r#"aria-describedby="golden-thread-desc""#));
        assert!(svg.contains(r#"viewBox="0 0 1100 "#));
        // Inline styles are forbidden by the Content Security Policy.
        assert!(!svg.contains("<style"));
        assert!(!svg.contains("style="));
        // One box per item and one thread per link.
        let boxes = names.iter().filter(|n| *n == "g").count();
        assert_eq!(
            boxes,
            6 + 12 + 7 + 20 + 3,
            "boxes, plus groups of threads, traces and legend"
        );
        let to_aspirations = thread
            .links
            .iter()
            .filter(|l| l.kind == ThreadLinkKind::OutcomeAspiration)
            .count();
        assert_eq!(to_aspirations, 7);
        let paths = names.iter().filter(|n| *n == "path").count();
        assert_eq!(
            paths,
            thread.links.len() + to_aspirations + 3,
            "threads, traces over the needs, and three in the legend"
        );
        assert!(svg.contains("My Outcomes"), "the MSP's own heading");
        assert!(svg.contains("Unbroken"));
        assert_eq!(
            svg.matches(r#"stroke-dasharray="6 3""#).count(),
            1,
            "no gaps: only the legend's"
        );
    }

    #[test]
    fn gaps_are_outlined_in_red_and_tagged() {
        let mut b = Builder::new();
        b.need("health", "Needs his inhaler at break <and> lunch & PE");
        let out = b.outcome("Leo will \"ask\" for help", &[], &[], &[]);
        b.provision("Speech and language therapy", None, None, &[out]);
        let thread = golden_thread::check(&b.plan(), None);
        let svg = golden_thread_svg(&thread, &PictureLabels::default());
        well_formed(&svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
        assert!(svg.contains(r#"stroke-dasharray="6 3""#));
        for tag in ["no outcome", "no one named", "how often?"] {
            assert!(svg.contains(&format!(">{tag}</text>")), "tag {tag}");
        }
        assert!(svg.contains("3 gaps in the thread"));
        assert!(svg.contains("&lt;and&gt; lunch &amp; PE"));
        assert!(svg.contains("&quot;ask&quot;"));
        // The description lists every gap in words.
        let desc_start = svg.find("<desc").unwrap();
        let desc = &svg[desc_start..svg.find("</desc>").unwrap()];
        for gap in &thread.gaps {
            assert!(desc.contains(&escape(&gap.message)), "{}", gap.message);
        }
        assert!(svg.contains(">Not part of this form</text>"), "no aspirations expected");
    }

    #[test]
    fn an_empty_plan_draws_empty_columns() {
        let thread = golden_thread::check(&Builder::new().plan(), None);
        let svg = golden_thread_svg(&thread, &PictureLabels::default());
        well_formed(&svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
        assert!(svg.contains("Nothing to draw yet"));
        assert_eq!(svg.matches(">None yet</text>").count(), 3);
        assert!(svg.contains(">Not part of this form</text>"), "no aspirations expected");
        assert!(svg.contains("<title"));
    }

    #[test]
    fn forty_items_with_gaps_stay_well_formed() {
        let mut b = Builder::new();
        let owner = b.party("Jo <Reed> & Co");
        let outcomes: Vec<Uuid> = (0..7)
            .map(|i| {
                b.outcome(
                    &format!("Outcome {i} with a very long text ").repeat(6),
                    &[],
                    &["health"],
                    &[],
                )
            })
            .collect();
        for i in 0..12 {
            b.need(
                if i % 2 == 0 { "health" } else { "housing" },
                &format!("Need {i}\u{1}\t with control"),
            );
        }
        for i in 0..6 {
            b.aspiration(&format!("Aspiration {i} — “quoted” ‘text’ 'apostrophes'"));
        }
        for i in 0..20 {
            let linked: &[Uuid] = if i % 4 == 0 { &[] } else { &outcomes[i % 7..i % 7 + 1] };
            let who = if i % 3 == 0 { None } else { Some(owner) };
            b.provision(
                &"Supercalifragilisticexpialidocious".repeat(3),
                who,
                Some(freq(1, Per::Week)),
                linked,
            );
        }
        let thread = golden_thread::check(&b.plan(), Some(msp()));
        assert!(
            thread
                .gaps
                .iter()
                .any(|g| g.kind == ThreadGapKind::ProvisionWithoutOwner)
        );
        let svg = golden_thread_svg(&thread, &PictureLabels::for_plan_type(Some(msp())));
        well_formed(&svg).unwrap_or_else(|e| panic!("{e}\n{svg}"));
        assert!(!svg.contains('\u{1}'));
        assert!(svg.contains("&#39;apostrophes&#39;"));
    }

    #[test]
    fn labels_follow_the_form() {
        let registry = Registry::builtin();
        let yp = PictureLabels::for_plan_type(registry.get("YP"));
        assert_eq!(yp.outcomes, "Goals");
        assert_eq!(yp.provision, "Actions");
        let cp = PictureLabels::for_plan_type(registry.get("CP"));
        assert_eq!(cp.outcomes, "Outcomes", "the CP title is too long for a column");
        assert_eq!(PictureLabels::for_plan_type(None), PictureLabels::default());
    }

    #[test]
    fn wrapping() {
        assert_eq!(wrap("", 10, 3), Vec::<String>::new());
        assert_eq!(wrap("one two three", 10, 3), vec!["one two", "three"]);
        assert_eq!(wrap("one two three four five six", 9, 2), vec!["one two", "three…"]);
        assert_eq!(wrap("abcdefghijklmnop", 5, 2), vec!["abcde", "fghi…"]);
        assert_eq!(wrap("abcdefghij", 5, 3), vec!["abcde", "fghij"]);
        assert_eq!(wrap("ab cdefghijkl", 5, 1), vec!["ab…"]);
        assert_eq!(wrap("éééééé", 3, 2), vec!["ééé", "ééé"]);
        for line in wrap(&"word ".repeat(50), 27, 3) {
            assert!(line.chars().count() <= 27);
        }
    }

    #[test]
    fn coordinates_have_at_most_one_decimal() {
        let text = |v: f64| P(v).to_string();
        assert_eq!(text(24.0), "24");
        assert_eq!(text(12.34), "12.3");
        assert_eq!(text(12.96), "13");
        assert_eq!(text(0.04), "0");
        assert_eq!(text(-7.25), "-7.3");
    }

    #[test]
    fn escaping() {
        assert_eq!(escape("a<b>&\"c'\u{0}\n"), "a&lt;b&gt;&amp;&quot;c&#39; ");
    }
}
