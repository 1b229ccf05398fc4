//! Text analysis shared by indexing and querying: the analyzers registered on the index
//! (Danish, English, plain and spelling), the folding that lets "kraeft" find "kræft", keys for
//! exact acronym and identifier matches, and the words a query ignores.

use std::mem;

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer, TokenizerManager,
};

/// Danish text: folded, then stemmed with the Danish Snowball stemmer.
pub const DANISH: &str = "dccc_da";
/// English text: folded, then stemmed with the English Snowball stemmer.
pub const ENGLISH: &str = "dccc_en";
/// Names, codes and acronyms: folded, not stemmed.
pub const PLAIN: &str = "dccc_plain";
/// The spelling vocabulary for "did you mean": lower-cased only, so suggestions keep æ, ø, å.
pub const SPELL: &str = "dccc_spell";

/// Tokens longer than this many bytes are dropped (they are never words people type).
const MAX_TOKEN_BYTES: usize = 40;

/// Appends the folded form of one lower-case character. Folding happens before stemming, so
/// "kræft" and "kraeft" are the same string by the time the stemmer sees them.
fn push_folded(c: char, out: &mut String) {
    match c {
        'æ' | 'ä' => out.push_str("ae"),
        'ø' | 'ö' => out.push_str("oe"),
        'å' => out.push_str("aa"),
        c => out.push(c),
    }
}

/// Lower-cases and folds text: "Brystkræft" → "brystkraeft", "Århus" → "aarhus". Other
/// accents are left to [`AsciiFoldingFilter`] in the analyzers.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 4);
    for c in text.chars().flat_map(char::to_lowercase) {
        push_folded(c, &mut out);
    }
    out
}

/// The key of an acronym or identifier: folded letters and digits only, so "DAHANCA 35",
/// "dahanca35" and "DAHANCA-35" are one key, and so are "NCT 03646955" and "nct03646955".
pub fn key(text: &str) -> String {
    fold(text).chars().filter(|c| c.is_alphanumeric()).collect()
}

/// Token filter folding the Danish letters æ, ø, å (and ä, ö) into two-letter spellings.
#[derive(Clone, Copy, Debug)]
pub struct DanishFolding;

impl TokenFilter for DanishFolding {
    type Tokenizer<T: Tokenizer> = DanishFoldingFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> DanishFoldingFilter<T> {
        DanishFoldingFilter {
            inner: tokenizer,
            buffer: String::new(),
        }
    }
}

#[derive(Clone)]
pub struct DanishFoldingFilter<T> {
    inner: T,
    buffer: String,
}

impl<T: Tokenizer> Tokenizer for DanishFoldingFilter<T> {
    type TokenStream<'a> = DanishFoldingStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        self.buffer.clear();
        DanishFoldingStream {
            tail: self.inner.token_stream(text),
            buffer: &mut self.buffer,
        }
    }
}

pub struct DanishFoldingStream<'a, T> {
    tail: T,
    buffer: &'a mut String,
}

impl<T: TokenStream> TokenStream for DanishFoldingStream<'_, T> {
    fn advance(&mut self) -> bool {
        if !self.tail.advance() {
            return false;
        }
        let token = self.tail.token_mut();
        if !token.text.is_ascii() {
            self.buffer.clear();
            for c in token.text.chars() {
                push_folded(c, self.buffer);
            }
            // Offsets stay those of the original text, so snippets highlight the right span.
            mem::swap(&mut token.text, self.buffer);
        }
        true
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

fn stemmed(language: Language) -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(DanishFolding)
        .filter(AsciiFoldingFilter)
        .filter(Stemmer::new(language))
        .build()
}

/// The Danish analyzer.
pub fn danish() -> TextAnalyzer {
    stemmed(Language::Danish)
}

/// The English analyzer.
pub fn english() -> TextAnalyzer {
    stemmed(Language::English)
}

/// The analyzer for names, codes and acronyms.
pub fn plain() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .filter(DanishFolding)
        .filter(AsciiFoldingFilter)
        .build()
}

/// The analyzer of the spelling vocabulary.
pub fn spelling() -> TextAnalyzer {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser)
        .build()
}

/// Registers the analyzers under the names the schema uses.
pub fn register(manager: &TokenizerManager) {
    manager.register(DANISH, danish());
    manager.register(ENGLISH, english());
    manager.register(PLAIN, plain());
    manager.register(SPELL, spelling());
}

/// The tokens an analyzer makes of a text.
pub fn tokens(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut stream = analyzer.token_stream(text);
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

/// Words a query ignores (folded): Danish and English function words, the query operators
/// people type from habit, and "nær"/"near" (place is matched by the town's name).
const STOP_WORDS: &[&str] = &[
    "og", "i", "paa", "med", "for", "til", "af", "en", "et", "den", "det", "de", "der", "som",
    "at", "er", "om", "naer", "ved", "hos", "fra", "eller", "min", "mit", "mine", "mig", "jeg",
    "and", "or", "not", "the", "a", "an", "of", "in", "on", "with", "to", "by", "near", "from",
    "is", "are", "my", "me",
];

/// Whether a folded word carries no meaning for search.
pub fn is_stop_word(folded: &str) -> bool {
    STOP_WORDS.contains(&folded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn danish_letters_and_their_two_letter_spellings_analyze_alike() {
        let mut da = danish();
        for (a, b) in [
            ("kræft", "kraeft"),
            ("Kræft", "KRAEFT"),
            ("æg", "aeg"),
            ("Ølstykke", "oelstykke"),
            ("Århus", "Aarhus"),
            ("leukæmi", "leukaemi"),
            ("brystkræften", "brystkraeften"),
            ("café", "cafe"),
        ] {
            assert_eq!(tokens(&mut da, a), tokens(&mut da, b), "{a} vs {b}");
        }
    }

    #[test]
    fn stemming_joins_inflected_forms() {
        let mut da = danish();
        assert_eq!(
            tokens(&mut da, "behandlingen"),
            tokens(&mut da, "behandling")
        );
        let mut en = english();
        assert_eq!(tokens(&mut en, "cancers"), tokens(&mut en, "cancer"));
        assert_eq!(tokens(&mut en, "treated"), tokens(&mut en, "treating"));
    }

    #[test]
    fn folding_keeps_the_offsets_of_the_original_text() {
        let mut da = danish();
        let text = "Søg kræft";
        let mut stream = da.token_stream(text);
        let mut spans = Vec::new();
        while stream.advance() {
            let t = stream.token();
            spans.push(text[t.offset_from..t.offset_to].to_owned());
        }
        assert_eq!(spans, ["Søg", "kræft"]);
    }

    #[test]
    fn keys_ignore_case_spaces_and_punctuation() {
        assert_eq!(key("DAHANCA 35"), "dahanca35");
        assert_eq!(key("dahanca35"), "dahanca35");
        assert_eq!(key("NCT 03646955"), "nct03646955");
        assert_eq!(key("2018-001234-56"), "201800123456");
        assert_eq!(key("DBCG RT-NATURAL"), "dbcgrtnatural");
    }
}
