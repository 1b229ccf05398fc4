//! Taking apart what a person typed. Nothing typed is syntax: quotes make a phrase when they
//! pair up and are ignored when they do not; brackets, colons, stars and operators are just
//! punctuation or stop words. Also the exact keys, the corrected text for "did you mean", and
//! the edit distance that ranks corrections.

use std::ops::Range;

use dccc_matching::IcdCode;

use super::analysis::{fold, is_stop_word, key};

/// Longer input is cut here (the web layer already cuts at 500 characters).
pub const MAX_QUERY_CHARS: usize = 500;
/// Words after this many are ignored: nobody describes a trial in more.
pub const MAX_WORDS: usize = 16;
/// Words this long or longer get fuzzy variants when exact terms find little.
pub const FUZZY_MIN_CHARS: usize = 5;

const QUOTES: [char; 6] = ['"', '“', '”', '„', '«', '»'];

/// One word of the query.
#[derive(Debug, Clone, PartialEq)]
pub struct Word {
    /// As typed.
    pub text: String,
    /// Lower-cased and folded.
    pub folded: String,
    /// Byte range in the cleaned text, for building a corrected query.
    pub span: Range<usize>,
    /// The canonical ICD-10 code when the word is one (`C50.9`, `DC509` → `C509`).
    pub code: Option<String>,
}

impl Word {
    pub fn chars(&self) -> usize {
        self.text.chars().count()
    }
    fn has_digit(&self) -> bool {
        self.text.chars().any(|c| c.is_ascii_digit())
    }
    /// Whether a misspelling of it is worth looking for.
    pub fn fuzzy_candidate(&self) -> bool {
        self.code.is_none() && !self.has_digit() && self.chars() >= FUZZY_MIN_CHARS
    }
    /// Whether a spelling suggestion is worth looking for.
    pub fn spelling_candidate(&self) -> bool {
        self.code.is_none() && !self.has_digit() && self.chars() >= 4
    }
}

/// The query text taken apart.
#[derive(Debug, Clone, Default)]
pub struct ParsedText {
    /// The text with control characters blanked and cut to [`MAX_QUERY_CHARS`].
    pub cleaned: String,
    /// Words that carry meaning (stop words left out).
    pub words: Vec<Word>,
    /// Quoted phrases of two or more words, as indexes into `words`.
    pub phrases: Vec<Vec<usize>>,
    /// Candidate exact keys (acronyms, identifiers), see [`super::analysis::key`].
    pub keys: Vec<String>,
}

impl ParsedText {
    /// No word to search for (only punctuation, operators or stop words): no text search.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

/// Splits a chunk into words at anything that is not a letter or digit.
fn split_words(cleaned: &str, chunk: Range<usize>, out: &mut Vec<Word>) {
    let text = &cleaned[chunk.clone()];
    let mut start = None;
    let push = |from: usize, to: usize, out: &mut Vec<Word>| {
        let word = &text[from..to];
        out.push(Word {
            text: word.to_owned(),
            folded: fold(word),
            span: chunk.start + from..chunk.start + to,
            code: None,
        });
    };
    for (i, c) in text.char_indices() {
        match (c.is_alphanumeric(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                push(s, i, out);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        push(s, text.len(), out);
    }
}

/// Takes the query apart. Never fails: any input gives some (possibly empty) words.
pub fn parse(text: &str) -> ParsedText {
    let cleaned: String = text
        .chars()
        .take(MAX_QUERY_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    // Whitespace chunks with their byte ranges, and whether each is inside paired quotes.
    let quote_count = cleaned.chars().filter(|c| QUOTES.contains(c)).count();
    let usable_quotes = quote_count - quote_count % 2;
    let mut chunks: Vec<(Range<usize>, Option<usize>)> = Vec::new();
    let mut seen_quotes = 0;
    let mut phrase_no = 0;
    let mut start: Option<usize> = None;
    let mut in_phrase = false;
    for (i, c) in cleaned.char_indices() {
        let is_quote = QUOTES.contains(&c) && seen_quotes < usable_quotes;
        if c.is_whitespace() || is_quote {
            if let Some(s) = start.take() {
                chunks.push((s..i, in_phrase.then_some(phrase_no)));
            }
            if is_quote {
                seen_quotes += 1;
                if in_phrase {
                    phrase_no += 1;
                }
                in_phrase = !in_phrase;
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        chunks.push((s..cleaned.len(), in_phrase.then_some(phrase_no)));
    }

    let mut parsed = ParsedText::default();
    let mut phrases: Vec<(usize, Vec<usize>)> = Vec::new();
    for (range, phrase) in &chunks {
        // A code keeps its dot: "C50.9" is one word, not "C50" and "9".
        let chunk = cleaned[range.clone()]
            .trim_matches(|c: char| !c.is_alphanumeric() && c != '.')
            .trim_end_matches('.');
        let mut words = Vec::new();
        match chunk.parse::<IcdCode>() {
            Ok(code) if !chunk.is_empty() => {
                let offset = cleaned[range.clone()].find(chunk).unwrap_or(0) + range.start;
                words.push(Word {
                    text: chunk.to_owned(),
                    folded: fold(chunk),
                    span: offset..offset + chunk.len(),
                    code: Some(code.as_str().to_owned()),
                });
            }
            _ => split_words(&cleaned, range.clone(), &mut words),
        }
        for word in words {
            if is_stop_word(&word.folded) || parsed.words.len() >= MAX_WORDS {
                continue;
            }
            if let Some(p) = phrase {
                match phrases.iter_mut().find(|(n, _)| n == p) {
                    Some((_, members)) => members.push(parsed.words.len()),
                    None => phrases.push((*p, vec![parsed.words.len()])),
                }
            }
            parsed.words.push(word);
        }
    }
    parsed.phrases = phrases
        .into_iter()
        .map(|(_, members)| members)
        .filter(|m| m.len() >= 2)
        .collect();

    // Exact keys: the whole text, each chunk, and runs of two and three chunks ("DAHANCA 35").
    let chunk_keys: Vec<String> = chunks
        .iter()
        .map(|(r, _)| key(&cleaned[r.clone()]))
        .collect();
    let mut keys = vec![key(&cleaned)];
    for n in 1..=3 {
        for window in chunk_keys.windows(n) {
            keys.push(window.concat());
        }
    }
    keys.retain(|k| k.len() >= 3 && k.len() <= 60);
    keys.sort();
    keys.dedup();
    parsed.keys = keys;
    parsed.cleaned = cleaned;
    parsed
}

/// The text with some words replaced, for "did you mean".
pub fn corrected(parsed: &ParsedText, replacements: &[(usize, String)]) -> String {
    let mut text = parsed.cleaned.clone();
    let mut sorted: Vec<&(usize, String)> = replacements.iter().collect();
    sorted.sort_by_key(|(i, _)| std::cmp::Reverse(parsed.words[*i].span.start));
    for (i, replacement) in sorted {
        text.replace_range(parsed.words[*i].span.clone(), replacement);
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Optimal-string-alignment distance (Levenshtein with adjacent transpositions), on characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev2: Vec<usize> = vec![0; b.len() + 1];
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut row = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            row[j] = (prev[j] + 1).min(row[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                row[j] = row[j].min(prev2[j - 2] + 1);
            }
        }
        prev2 = std::mem::replace(&mut prev, row);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        parse(text).words.into_iter().map(|w| w.text).collect()
    }

    #[test]
    fn hostile_input_parses_into_plain_words_or_nothing() {
        let cases: &[(&str, &[&str])] = &[
            ("\"", &[]),
            ("(((", &[]),
            ("AND OR", &[]),
            ("*", &[]),
            ("title_da:brystkræft", &["title", "da", "brystkræft"]),
            ("brystkræft AND (lunge OR", &["brystkræft", "lunge"]),
            (
                "'; DROP TABLE protocols; --",
                &["DROP", "TABLE", "protocols"],
            ),
            (
                "<script>alert(1)</script>",
                &["script", "alert", "1", "script"],
            ),
            ("\u{0}\u{7}kræft\u{1b}", &["kræft"]),
            ("-proton +foton ~2 ^3", &["proton", "foton", "2", "3"]),
        ];
        for (text, expected) in cases {
            assert_eq!(words(text), *expected, "words of {text:?}");
        }
        let long = "kræft ".repeat(2000);
        assert_eq!(parse(&long).words.len(), MAX_WORDS);
        assert!(parse(&"x".repeat(10_000)).cleaned.len() <= MAX_QUERY_CHARS);
    }

    #[test]
    fn paired_quotes_make_phrases_and_a_lone_quote_is_ignored() {
        let parsed = parse("\"stereotaktisk strålebehandling\" lunge");
        assert_eq!(parsed.phrases, vec![vec![0, 1]]);
        assert_eq!(parsed.words.len(), 3);
        let lone = parse("\"stereotaktisk strålebehandling");
        assert!(lone.phrases.is_empty());
        assert_eq!(lone.words.len(), 2);
    }

    #[test]
    fn codes_and_keys_are_recognised() {
        let parsed = parse("DC50.9 metastatisk");
        assert_eq!(parsed.words[0].code.as_deref(), Some("C509"));
        assert_eq!(parsed.words[1].code, None);
        let keys = parse("DAHANCA 35").keys;
        assert!(keys.contains(&"dahanca35".to_owned()), "{keys:?}");
        let keys = parse("nct 03646955").keys;
        assert!(keys.contains(&"nct03646955".to_owned()), "{keys:?}");
    }

    #[test]
    fn stop_words_are_dropped_and_corrections_keep_the_rest_of_the_text() {
        let parsed = parse("brystkræft nær Odnese");
        assert_eq!(
            parsed
                .words
                .iter()
                .map(|w| w.text.as_str())
                .collect::<Vec<_>>(),
            ["brystkræft", "Odnese"]
        );
        assert_eq!(
            corrected(&parsed, &[(1, "odense".into())]),
            "brystkræft nær odense"
        );
    }

    #[test]
    fn edit_distance_counts_transpositions_once() {
        assert_eq!(edit_distance("leukemi", "leukæmi"), 1);
        assert_eq!(edit_distance("lymfom", "lyfmom"), 1);
        assert_eq!(edit_distance("odense", "odnese"), 1);
        assert_eq!(edit_distance("kræft", "kræft"), 0);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
