//! Snippets that show why a record matched: a fragment of a stored text as pieces, each marked
//! highlighted or not, so templates escape the text and add the marks themselves.

use std::collections::BTreeMap;

use serde::Serialize;
use tantivy::schema::{Field, Value};
use tantivy::snippet::{collapse_overlapped_ranges, SnippetGenerator};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::TantivyDocument;

/// Characters of text around the matched words.
const SNIPPET_CHARS: usize = 200;

/// A run of snippet text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Piece {
    pub text: String,
    pub highlighted: bool,
}

/// The analyzed terms to mark in each stored field, in the order fields are tried.
#[derive(Debug, Clone, Default)]
pub struct Highlight {
    pub danish: Vec<(Field, BTreeMap<String, f32>)>,
    pub english: Vec<(Field, BTreeMap<String, f32>)>,
}

/// Generators for one language's fields, made once per page of results.
pub struct Snippets {
    generators: Vec<(Field, SnippetGenerator)>,
}

impl Snippets {
    pub fn new(fields: &[(Field, BTreeMap<String, f32>)], analyzers: &[TextAnalyzer]) -> Self {
        let generators = fields
            .iter()
            .zip(analyzers)
            .filter(|((_, terms), _)| !terms.is_empty())
            .map(|((field, terms), analyzer)| {
                (
                    *field,
                    SnippetGenerator::new(terms.clone(), analyzer.clone(), *field, SNIPPET_CHARS),
                )
            })
            .collect();
        Self { generators }
    }

    /// The first field of the document with a highlighted fragment, as pieces.
    pub fn pieces(&self, doc: &TantivyDocument) -> Option<Vec<Piece>> {
        for (field, generator) in &self.generators {
            let Some(text) = doc.get_first(*field).and_then(|v| v.as_str()) else {
                continue;
            };
            let snippet = generator.snippet(text);
            if snippet.is_empty() {
                continue;
            }
            let fragment = snippet.fragment();
            let range = snippet.fragment_range();
            let mut pieces = Vec::new();
            let mut at = 0;
            let mut push = |text: &str, highlighted: bool| {
                if !text.is_empty() {
                    pieces.push(Piece {
                        text: text.to_owned(),
                        highlighted,
                    });
                }
            };
            if range.start > 0 {
                push("… ", false);
            }
            for span in collapse_overlapped_ranges(snippet.highlighted()) {
                if let (Some(before), Some(marked)) =
                    (fragment.get(at..span.start), fragment.get(span.clone()))
                {
                    push(before, false);
                    push(marked, true);
                    at = span.end;
                }
            }
            push(fragment.get(at..).unwrap_or_default(), false);
            if range.end < text.len() {
                push(" …", false);
            }
            return Some(pieces);
        }
        None
    }
}
