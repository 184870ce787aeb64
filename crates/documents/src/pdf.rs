//! The PDF of a [`Document`], laid out by typst used as a library: one
//! generic template (`templates/plan.typ`) reads the document as a JSON file
//! of a virtual file system; the fonts are typst-assets' own, embedded in
//! the binary, so a plan prints the same everywhere. Nothing is read from
//! disk or the network, and no other program runs.

use std::sync::LazyLock;

use typst::diag::{FileError, FileResult, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;
use typst_pdf::PdfOptions;

use crate::model::Document;

/// The one template every plan type prints through.
const TEMPLATE: &str = include_str!("../templates/plan.typ");

/// Where the template finds the document.
const DATA_PATH: &str = "/plan.json";

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("the document could not be written as JSON: {0}")]
    Json(#[from] serde_json::Error),
    #[error("the document could not be laid out: {0}")]
    Layout(String),
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
}

/// The embedded fonts, read once.
struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    Fonts {
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    }
});

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

fn file_id(path: &str) -> FileId {
    RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(path).expect("a fixed, valid virtual path"),
    )
    .intern()
}

static MAIN: LazyLock<FileId> = LazyLock::new(|| file_id("/plan.typ"));
static DATA: LazyLock<FileId> = LazyLock::new(|| file_id(DATA_PATH));

/// A world of two files: the template and the document as JSON.
struct PrintWorld {
    main: Source,
    data: Bytes,
}

impl World for PrintWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(not_found(id))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == *DATA {
            Ok(self.data.clone())
        } else if id == self.main.id() {
            Ok(Bytes::from_string(self.main.clone()))
        } else {
            Err(not_found(id))
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.fonts.get(index).cloned()
    }

    /// The template never asks for today: the date printed is in the
    /// document, so the same plan prints the same.
    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        None
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.get().vpath().get_without_slash().into())
}

fn messages(diagnostics: &[SourceDiagnostic]) -> String {
    diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.message.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

/// How many prints a memoised result of typst's may go unused before it
/// is dropped (see the end of [`render_with`]).
const KEEP_FOR_PRINTS: usize = 3;

/// The document laid out on A4 pages, as a tagged PDF with its text
/// selectable.
pub fn render(document: &Document) -> Result<Vec<u8>, RenderError> {
    render_with(TEMPLATE, document)
}

/// [`render`] through another template: for trying out a layout (see
/// `examples/fixture.rs`), never for what users print.
#[doc(hidden)]
pub fn render_with(template: &str, document: &Document) -> Result<Vec<u8>, RenderError> {
    let world = PrintWorld {
        main: Source::new(*MAIN, template.to_owned()),
        data: Bytes::new(serde_json::to_vec(document)?),
    };
    let laid_out = typst::compile::<PagedDocument>(&world).output;
    let paged = laid_out.map_err(|errors| RenderError::Layout(messages(&errors)))?;
    let options = PdfOptions {
        ident: typst::foundations::Smart::Custom(format!("goldthread {}", document.plan_number)),
        creator: typst::foundations::Smart::Custom(Some("Goldthread".to_owned())),
        ..PdfOptions::default()
    };
    let pdf = typst_pdf::pdf(&paged, &options).map_err(|errors| RenderError::Pdf(messages(&errors)))?;
    // Typst memoises its work. What plans share (the template's code and
    // styles, the fonts' shaping of common words, headings and labels) is
    // reused by the next print; what only one plan used is dropped once
    // it has gone unused for KEEP_FOR_PRINTS prints, so memory stays
    // bounded by a few plans' worth.
    typst::comemo::evict(KEEP_FOR_PRINTS);
    Ok(pdf)
}
