//! The Word (DOCX) file of a [`Document`]: the same document model the PDF
//! is laid out from, so the two never disagree, written with `docx-rs`
//! (no office suite runs). It follows `templates/plan.typ`: the title page's
//! facts and notes, the form's headings in order (Word's Heading 1–3
//! styles, so they show in the navigation pane), tables with a shaded
//! header row, "R1, 19 October 2026" markers, ended items struck through
//! and labelled in words, reviews, one signature block per party, the
//! person's name and plan number in the header and the confidentiality
//! line with "Page N of M" in the footer of every page.
//!
//! One difference from the PDF: the golden-thread picture is given in its
//! words only (the SVG is not embedded; Word cannot show SVG without a
//! raster copy).

use std::io::Cursor;

use docx_rs as w;

use crate::model::{Block, Column, Document, Item, Marks, Pair, ReviewRecord, Row, Signature, Table};

#[derive(Debug, thiserror::Error)]
#[error("the Word document could not be written: {0}")]
pub struct DocxError(String);

/// A4 with the PDF's margins (2.3 cm top and bottom, 1.9 cm each side),
/// in twentieths of a point.
const PAGE_WIDTH: u32 = 11906;
const PAGE_HEIGHT: u32 = 16838;
const MARGIN_X: i32 = 1077;
const MARGIN_Y: i32 = 1304;
/// The width of the text between the margins.
const TEXT_WIDTH: usize = PAGE_WIDTH as usize - 2 * MARGIN_X as usize;

const MUTED: &str = "505050";
const RULE: &str = "AAAAAA";
const FONT: &str = "Liberation Serif";

/// Sizes in half-points, as Word counts them.
const BODY: usize = 21;
const SMALL: usize = 19;
const TINY: usize = 17;

/// The bullet list's numbering id.
const BULLETS: usize = 1;

/// The plan type's colours, as Word writes them ("1d70b8").
struct Colours {
    accent: String,
    /// The accent 86 % lighter: table header rows.
    header: String,
    /// The accent 92 % lighter: notes.
    note: String,
}

impl Colours {
    fn of(accent: &str) -> Colours {
        let hex = accent.trim_start_matches('#');
        let rgb: Option<Vec<u8>> = (hex.len() == 6)
            .then(|| {
                (0..3)
                    .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok())
                    .collect()
            })
            .flatten();
        let rgb = rgb.unwrap_or_else(|| vec![0x1d, 0x70, 0xb8]);
        let lighten = |by: f32| -> String {
            rgb.iter()
                .map(|&c| format!("{:02x}", (c as f32 + (255.0 - c as f32) * by).round() as u8))
                .collect()
        };
        Colours {
            accent: lighten(0.0),
            header: lighten(0.86),
            note: lighten(0.92),
        }
    }
}

/// What goes into the body or a table cell, in order.
enum Piece {
    Paragraph(Box<w::Paragraph>),
    Table(Box<w::Table>),
}

fn tbl(t: w::Table) -> Piece {
    Piece::Table(Box::new(t))
}

fn para(p: w::Paragraph) -> Piece {
    Piece::Paragraph(Box::new(p))
}

/// Text as typed: each line on its own line, in one run.
fn run(text: &str) -> w::Run {
    let mut run = w::Run::new();
    for (n, line) in text.split('\n').enumerate() {
        if n > 0 {
            run = run.add_break(w::BreakType::TextWrapping);
        }
        run = run.add_text(line);
    }
    run
}

fn spacing(before: u32, after: u32) -> w::LineSpacing {
    w::LineSpacing::new().before(before).after(after)
}

fn paragraph(text: &str) -> w::Paragraph {
    w::Paragraph::new().add_run(run(text)).line_spacing(spacing(0, 120))
}

/// "Not answered", "None recorded", notes: small, grey, italic.
fn nothing(text: &str) -> w::Paragraph {
    w::Paragraph::new()
        .add_run(run(text).italic().color(MUTED).size(SMALL))
        .line_spacing(spacing(0, 120))
}

/// A bold label kept with what follows it.
fn label_line(text: &str) -> w::Paragraph {
    w::Paragraph::new()
        .add_run(run(text).bold())
        .keep_next(true)
        .line_spacing(spacing(180, 70))
}

fn heading(level: usize, text: &str) -> w::Paragraph {
    w::Paragraph::new()
        .add_run(run(text))
        .style(&format!("Heading{level}"))
        .keep_next(true)
}

/// "R1, 19 October 2026" in a thin box, after what was added at a review.
fn added_run(marks: &Marks) -> Option<w::Run> {
    marks.added.as_ref().map(|added| {
        w::Run::new()
            // Unbreakable, like the PDF's box: the marker never wraps.
            .add_text(format!("\u{a0}{}\u{a0}", added.replace(' ', "\u{a0}")))
            .size(TINY)
            .color(MUTED)
            .text_border(w::TextBorder::new().color(MUTED).size(4).space(1))
    })
}

/// The text, struck through if ended, its review marker and, if ended,
/// the ended words on a line of their own.
fn marked(mut p: w::Paragraph, text: &str, marks: &Marks, size: usize) -> w::Paragraph {
    let mut body = run(text).size(size);
    if marks.ended.is_some() {
        body = body.strike();
    }
    p = p.add_run(body);
    if let Some(added) = added_run(marks) {
        p = p.add_run(w::Run::new().add_text(" ").size(size)).add_run(added);
    }
    if let Some(ended) = &marks.ended {
        p = p.add_run(
            w::Run::new()
                .add_break(w::BreakType::TextWrapping)
                .add_text(ended)
                .bold()
                .size(SMALL.min(size)),
        );
    }
    p
}

fn borders(colour: &str) -> w::TableBorders {
    use w::TableBorderPosition::*;
    [Left, Right, Top, Bottom, InsideH, InsideV]
        .into_iter()
        .fold(w::TableBorders::with_empty(), |b, position| {
            b.set(
                w::TableBorder::new(position)
                    .color(colour)
                    .size(4)
                    .border_type(w::BorderType::Single),
            )
        })
}

fn cell(width: usize, pieces: Vec<Piece>) -> w::TableCell {
    let mut cell = w::TableCell::new().width(width, w::WidthType::Dxa);
    if pieces.is_empty() {
        return cell.add_paragraph(w::Paragraph::new());
    }
    for piece in pieces {
        cell = match piece {
            Piece::Paragraph(p) => cell.add_paragraph(*p),
            Piece::Table(t) => cell.add_table(*t),
        };
    }
    cell
}

fn fixed_table(rows: Vec<w::TableRow>, grid: Vec<usize>) -> w::Table {
    w::Table::new(rows)
        .set_grid(grid)
        .width(TEXT_WIDTH, w::WidthType::Dxa)
        .layout(w::TableLayoutType::Fixed)
        .margins(w::TableCellMargins::new().margin(60, 100, 60, 100))
}

/// Labels and values in two columns, without lines.
fn fields(rows: &[Pair], width: usize, size: usize) -> w::Table {
    let label_width = width * 34 / 100;
    let grid = vec![label_width, width - label_width];
    let rows = rows
        .iter()
        .map(|pair| {
            let value = if pair.value.trim().is_empty() {
                w::Paragraph::new().add_run(run("–").color(MUTED).size(size))
            } else {
                w::Paragraph::new().add_run(run(&pair.value).size(size))
            };
            w::TableRow::new(vec![
                cell(
                    grid[0],
                    vec![para(w::Paragraph::new().add_run(run(&pair.label).bold().size(size)))],
                ),
                cell(grid[1], vec![para(value)]),
            ])
            .cant_split()
        })
        .collect();
    w::Table::without_borders(rows)
        .set_grid(grid)
        .width(width, w::WidthType::Dxa)
        .layout(w::TableLayoutType::Fixed)
        .margins(w::TableCellMargins::new().margin(20, 100, 20, 0))
}

/// Column widths: a column with a width shares what is left in proportion;
/// one without is as narrow as its widest word allows (typst's `auto`).
fn grid(table: &Table) -> Vec<usize> {
    let narrow: Vec<Option<usize>> = table
        .columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            (c.width <= 0.0).then(|| {
                let longest = std::iter::once(c.label.as_str())
                    .chain(table.rows.iter().filter_map(|r| r.cells.get(i).map(String::as_str)))
                    .flat_map(str::split_whitespace)
                    .map(|w| w.chars().count())
                    .max()
                    .unwrap_or(1);
                (longest * 115 + 240).clamp(450, 1800)
            })
        })
        .collect();
    let fixed: usize = narrow.iter().flatten().sum();
    let shares: f32 = table.columns.iter().map(|c: &Column| c.width.max(0.0)).sum();
    let rest = TEXT_WIDTH.saturating_sub(fixed) as f32;
    table
        .columns
        .iter()
        .zip(narrow)
        .map(|(c, n)| n.unwrap_or_else(|| (rest * c.width / shares.max(f32::EPSILON)) as usize))
        .collect()
}

struct Writer {
    colours: Colours,
    body: Vec<Piece>,
}

impl Writer {
    fn push(&mut self, p: w::Paragraph) {
        self.body.push(para(p));
    }

    fn table(&mut self, table: &Table) {
        let grid = grid(table);
        let main = table.columns.iter().position(|c| c.width > 0.0).unwrap_or(0);
        if let Some(caption) = &table.caption {
            self.push(label_line(caption));
        }
        let shade = w::Shading::new().fill(self.colours.header.clone());
        let header = w::TableRow::new(
            table
                .columns
                .iter()
                .zip(&grid)
                .map(|(c, &width)| {
                    cell(
                        width,
                        vec![para(
                            w::Paragraph::new()
                                .add_run(run(&c.label).bold().size(SMALL))
                                .keep_next(true),
                        )],
                    )
                    .shading(shade.clone())
                })
                .collect(),
        )
        .cant_split();
        let mut rows = vec![header];
        for row in &table.rows {
            rows.extend(self.row(row, &grid, main));
        }
        self.body.push(tbl(fixed_table(rows, grid).set_borders(borders(RULE))));
        if let Some(footer) = &table.footer {
            self.push(
                w::Paragraph::new()
                    .add_run(run(footer).size(SMALL))
                    .line_spacing(spacing(80, 120)),
            );
        }
    }

    /// A table row; an ended row is struck through and followed by its
    /// ended words, the table's full width.
    fn row(&self, row: &Row, grid: &[usize], main: usize) -> Vec<w::TableRow> {
        let ended = row.marks.ended.is_some();
        let cells = row
            .cells
            .iter()
            .zip(grid)
            .enumerate()
            .map(|(i, (text, &width))| {
                let mut p = w::Paragraph::new();
                let mut body = run(text).size(SMALL);
                if ended {
                    body = body.strike();
                }
                p = p.add_run(body);
                if i == main
                    && let Some(added) = added_run(&row.marks)
                {
                    p = p.add_run(w::Run::new().add_text(" ").size(SMALL)).add_run(added);
                }
                cell(width, vec![para(p.keep_next(ended))])
            })
            .collect();
        let mut rows = vec![w::TableRow::new(cells).cant_split()];
        if let Some(words) = &row.marks.ended {
            rows.push(
                w::TableRow::new(vec![
                    cell(
                        grid.iter().sum(),
                        vec![para(w::Paragraph::new().add_run(run(words).bold().size(SMALL)))],
                    )
                    .grid_span(grid.len()),
                ])
                .cant_split(),
            );
        }
        rows
    }

    fn list(&mut self, items: &[Item]) {
        for item in items {
            let mut p = marked(w::Paragraph::new(), &item.text, &item.marks, BODY)
                .numbering(w::NumberingId::new(BULLETS), w::IndentLevel::new(0))
                .line_spacing(spacing(0, 80));
            if let Some(detail) = &item.detail {
                p = p.add_run(run(&format!(" – {detail}")));
            }
            self.push(p);
        }
    }

    fn answer(&mut self, label: Option<&str>, text: &str) {
        if let Some(label) = label {
            self.push(label_line(label));
        }
        if text.trim().is_empty() {
            self.push(nothing("Not answered"));
        } else {
            self.push(paragraph(text));
        }
    }

    fn review(&mut self, review: &ReviewRecord) {
        self.push(heading(3, &review.title));
        self.body.push(tbl(fields(&review.facts, TEXT_WIDTH, BODY)));
        for answer in &review.answers {
            self.answer(Some(&answer.label), &answer.value);
        }
        if let Some(ratings) = &review.ratings {
            self.table(ratings);
        }
    }

    /// A party's signature block, kept on one page: name, role and status,
    /// then the agreement's details or lines to sign on.
    fn signature(&mut self, s: &Signature) {
        let half = TEXT_WIDTH * 62 / 100;
        let grid = vec![half, TEXT_WIDTH - half];
        let keep = |p: w::Paragraph| p.keep_next(true).keep_lines(true);
        let mut rows = vec![
            w::TableRow::new(vec![
                cell(
                    grid[0],
                    vec![para(keep(
                        w::Paragraph::new()
                            .add_run(run(&s.name).bold())
                            .add_run(run(&format!("   {}", s.role)).color(MUTED)),
                    ))],
                ),
                cell(
                    grid[1],
                    vec![para(keep(
                        w::Paragraph::new()
                            .align(w::AlignmentType::Right)
                            .add_run(run(&s.status).bold().color(self.colours.accent.clone())),
                    ))],
                ),
            ])
            .cant_split(),
        ];
        if s.details.is_empty() {
            let line = |width: usize, label: &str, last: bool| {
                let mut under = w::Paragraph::new().add_run(run(label).size(TINY).color(MUTED));
                if !last {
                    under = keep(under);
                }
                cell(
                    width,
                    vec![
                        para(keep(w::Paragraph::new().line_spacing(spacing(360, 0)))),
                        para(keep(
                            w::Paragraph::new().add_run(run(&"_".repeat(width / 125)).color(MUTED)),
                        )),
                        para(under),
                    ],
                )
            };
            rows.push(
                w::TableRow::new(vec![line(grid[0], "Signature", false), line(grid[1], "Date", true)]).cant_split(),
            );
        } else {
            rows.push(
                w::TableRow::new(vec![
                    cell(TEXT_WIDTH, vec![tbl(fields(&s.details, TEXT_WIDTH - 240, SMALL))]).grid_span(2),
                ])
                .cant_split(),
            );
        }
        let outline = {
            use w::TableBorderPosition::*;
            borders(RULE).clear(InsideH).clear(InsideV)
        };
        self.body.push(tbl(fixed_table(rows, grid).set_borders(outline)));
        self.push(w::Paragraph::new().line_spacing(spacing(0, 60)));
    }

    fn block(&mut self, block: &Block) {
        match block {
            Block::Paragraph { label, text } => self.answer(label.as_deref(), text),
            Block::Fields { rows } => {
                self.body.push(tbl(fields(rows, TEXT_WIDTH, BODY)));
                self.push(w::Paragraph::new().line_spacing(spacing(0, 60)));
            }
            Block::List { label, items } => {
                if let Some(label) = label {
                    self.push(label_line(label));
                }
                if items.is_empty() {
                    self.push(nothing("None recorded"));
                } else {
                    self.list(items);
                }
            }
            Block::Table(table) => {
                if table.rows.is_empty() {
                    if let Some(caption) = &table.caption {
                        self.push(label_line(caption));
                    }
                    self.push(nothing("None recorded"));
                } else {
                    self.table(table);
                }
            }
            Block::Note { text } => self.push(nothing(text)),
            Block::Review(review) => self.review(review),
            Block::Signature(signature) => self.signature(signature),
            Block::Picture(picture) => self.push(paragraph(&picture.alt)),
        }
    }

    /// The first page: title, form, the person and plan, facts, notes.
    fn title_page(&mut self, d: &Document) {
        let accent = self.colours.accent.clone();
        self.push(
            w::Paragraph::new()
                .add_run(run(&d.title).bold().size(42).color(accent.clone()))
                .line_spacing(spacing(0, 60)),
        );
        self.push(
            w::Paragraph::new()
                .add_run(run(&d.form).size(22).color(MUTED))
                .line_spacing(spacing(0, 240)),
        );
        self.push(
            w::Paragraph::new()
                .add_run(run(&d.person).size(28))
                .add_run(run(&format!("   {}", d.plan_number)).size(22).color(MUTED))
                .line_spacing(spacing(0, 120)),
        );
        if let Some(title) = &d.plan_title {
            self.push(
                w::Paragraph::new()
                    .add_run(run(title).italic())
                    .line_spacing(spacing(0, 120)),
            );
        }
        self.body.push(tbl(fields(&d.facts, TEXT_WIDTH, BODY)));
        self.push(w::Paragraph::new().line_spacing(spacing(0, 120)));
        for note in &d.notes {
            let edge = w::TableCellBorders::with_empty().set(
                w::TableCellBorder::new(w::TableCellBorderPosition::Left)
                    .color(accent.clone())
                    .size(24),
            );
            let box_ = cell(TEXT_WIDTH, vec![para(w::Paragraph::new().add_run(run(note)))])
                .set_borders(edge)
                .shading(w::Shading::new().fill(self.colours.note.clone()));
            self.body
                .push(tbl(w::Table::without_borders(vec![w::TableRow::new(vec![box_])])
                    .set_grid(vec![TEXT_WIDTH])
                    .width(TEXT_WIDTH, w::WidthType::Dxa)
                    .layout(w::TableLayoutType::Fixed)
                    .margins(w::TableCellMargins::new().margin(140, 160, 140, 160))));
            self.push(w::Paragraph::new().line_spacing(spacing(0, 60)));
        }
    }
}

fn styles(docx: w::Docx, accent: &str) -> w::Docx {
    let heading = |level: usize, size: usize, before: u32, after: u32| {
        w::Style::new(format!("Heading{level}"), w::StyleType::Paragraph)
            .name(format!("heading {level}"))
            .bold()
            .size(size)
            .color(accent)
            .outline_lvl(level - 1)
            .line_spacing(spacing(before, after))
    };
    docx.add_style(heading(1, 30, 420, 180))
        .add_style(heading(2, 25, 320, 140))
        .add_style(heading(3, 22, 260, 100))
}

fn bullets(docx: w::Docx) -> w::Docx {
    docx.add_abstract_numbering(
        w::AbstractNumbering::new(BULLETS).add_level(
            w::Level::new(
                0,
                w::Start::new(1),
                w::NumberFormat::new("bullet"),
                w::LevelText::new("•"),
                w::LevelJc::new("left"),
            )
            .indent(Some(425), Some(w::SpecialIndentType::Hanging(283)), None, None),
        ),
    )
    .add_numbering(w::Numbering::new(BULLETS, BULLETS))
}

/// The person's name and plan number at the top of every page; the
/// confidentiality line and "Page N of M" at the foot.
fn header_and_footer(docx: w::Docx, d: &Document, accent: &str) -> w::Docx {
    let right = w::Tab::new().val(w::TabValueType::Right).pos(TEXT_WIDTH);
    let header = w::Header::new().add_paragraph(
        w::Paragraph::new()
            .add_tab(right.clone())
            .add_run(run(&d.person).size(18).color(MUTED))
            .add_run(w::Run::new().add_tab())
            .add_run(run(&d.plan_number).size(18).color(accent)),
    );
    let small = |text: &str| run(text).size(16).color(MUTED);
    let footer = w::Footer::new()
        .add_paragraph(w::Paragraph::new().add_run(small(&d.confidentiality)))
        .add_paragraph(
            w::Paragraph::new()
                .align(w::AlignmentType::Right)
                .add_run(small("Page "))
                .add_page_num(w::PageNum::new())
                .add_run(small(" of "))
                .add_num_pages(w::NumPages::new()),
        );
    docx.header(header).footer(footer)
}

/// The document as a Word file (Office Open XML), A4.
pub fn render(document: &Document) -> Result<Vec<u8>, DocxError> {
    let colours = Colours::of(&document.style.accent);
    let accent = colours.accent.clone();
    let mut writer = Writer {
        colours,
        body: Vec::new(),
    };
    writer.title_page(document);
    for section in &document.sections {
        if let Some(h) = &section.heading {
            writer.push(heading(1, h));
        }
        if let Some(h) = &section.subheading {
            writer.push(heading(2, h));
        }
        for block in &section.blocks {
            writer.block(block);
        }
    }
    let mut docx = w::Docx::new()
        .page_size(PAGE_WIDTH, PAGE_HEIGHT)
        .page_margin(
            w::PageMargin::new()
                .top(MARGIN_Y)
                .bottom(MARGIN_Y)
                .left(MARGIN_X)
                .right(MARGIN_X)
                .header(620)
                .footer(560),
        )
        .default_fonts(w::RunFonts::new().ascii(FONT).hi_ansi(FONT).cs(FONT))
        .default_size(BODY);
    docx = styles(docx, &accent);
    docx = bullets(docx);
    docx = header_and_footer(docx, document, &accent);
    for piece in writer.body {
        docx = match piece {
            Piece::Paragraph(p) => docx.add_paragraph(*p),
            Piece::Table(t) => docx.add_table(*t),
        };
    }
    let mut out = Cursor::new(Vec::new());
    docx.build().pack(&mut out).map_err(|e| DocxError(e.to_string()))?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_are_lightened_towards_white() {
        let c = Colours::of("#1d70b8");
        assert_eq!(c.accent, "1d70b8");
        assert_eq!(c.header, "dfebf5");
        assert_eq!(Colours::of("nonsense").accent, "1d70b8");
    }

    #[test]
    fn the_large_fixture_is_a_word_file() {
        let bytes = render(&crate::fixture::large()).expect("renders");
        assert!(bytes.starts_with(b"PK"), "a zip archive");
        assert!(bytes.len() > 5_000);
    }

    #[test]
    fn narrow_columns_fit_their_words_and_the_rest_share_the_width() {
        let table = Table {
            columns: vec![
                Column::new("No.", 0.0),
                Column::new("Text", 3.0),
                Column::new("When", 1.0),
            ],
            rows: vec![Row {
                cells: vec!["12".into(), "a b".into(), "c".into()],
                marks: Marks::default(),
            }],
            ..Table::default()
        };
        let g = grid(&table);
        assert_eq!(g[0], 585);
        assert!(g.iter().sum::<usize>() <= TEXT_WIDTH);
        assert!(g[1] > 2 * g[2]);
    }
}
