//! Text analysis shared by indexing and querying: the analyzers registered on the index
//! (Danish, English, plain and spelling), the folding that lets "kraeft" find "kræft", keys for
//! exact acronym and identifier matches, and the words a query ignores.

use std::mem;

use rustc_hash::FxHashMap;

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
/// Names and lay terms where misspellings are looked for, and the spelling vocabulary for
/// "did you mean": lower-cased only, so suggestions keep æ, ø and å.
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

/// Words an analyzer keeps the analyzed form of before it starts over (about 10 MB).
const CACHED_WORDS: usize = 1 << 17;

/// An analyzer that splits text into words as [`SimpleTokenizer`] does and runs each
/// distinct word through its filter chain once, keeping the result.
///
/// Every filter of the analyzers here maps one word to one word (or drops it), and the chain
/// begins with the same tokenizer, so the chain applied to a lone word gives exactly what it
/// gives for that word within a text; what the cache saves is lower-casing, folding and the
/// Snowball stemmer for the words a registry repeats in every record. A clone starts empty.
struct CachedWords {
    words: SimpleTokenizer,
    chain: TextAnalyzer,
    /// Word as the tokenizer cut it → the chain's token, `None` when the chain drops it.
    cache: FxHashMap<String, Option<String>>,
}

impl CachedWords {
    fn new(chain: TextAnalyzer) -> Self {
        Self {
            words: SimpleTokenizer::default(),
            chain,
            cache: FxHashMap::default(),
        }
    }
}

impl Clone for CachedWords {
    fn clone(&self) -> Self {
        Self::new(self.chain.clone())
    }
}

impl Tokenizer for CachedWords {
    type TokenStream<'a> = CachedWordStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> CachedWordStream<'a> {
        if self.cache.len() > CACHED_WORDS {
            self.cache.clear();
        }
        CachedWordStream {
            words: self.words.token_stream(text),
            chain: &mut self.chain,
            cache: &mut self.cache,
            token: Token::default(),
        }
    }
}

struct CachedWordStream<'a> {
    words: <SimpleTokenizer as Tokenizer>::TokenStream<'a>,
    chain: &'a mut TextAnalyzer,
    cache: &'a mut FxHashMap<String, Option<String>>,
    token: Token,
}

impl TokenStream for CachedWordStream<'_> {
    fn advance(&mut self) -> bool {
        while self.words.advance() {
            let word = self.words.token();
            let analyzed = match self.cache.get(word.text.as_str()) {
                Some(analyzed) => analyzed,
                None => {
                    let analyzed = analyze_word(self.chain, &word.text);
                    self.cache.entry(word.text.clone()).or_insert(analyzed)
                }
            };
            let Some(analyzed) = analyzed else {
                continue;
            };
            self.token.offset_from = word.offset_from;
            self.token.offset_to = word.offset_to;
            self.token.position = word.position;
            self.token.position_length = word.position_length;
            self.token.text.clear();
            self.token.text.push_str(analyzed);
            return true;
        }
        false
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

/// The filter chain every analyzer here shares: words of at most [`MAX_TOKEN_BYTES`],
/// lower-cased, then (unless for spelling) folded and (for a language) stemmed.
fn chain(folded: bool, language: Option<Language>) -> TextAnalyzer {
    let lower = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_BYTES))
        .filter(LowerCaser);
    match (folded, language) {
        (false, _) => lower.build(),
        (true, None) => lower
            .filter(DanishFolding)
            .filter(AsciiFoldingFilter)
            .build(),
        (true, Some(language)) => lower
            .filter(DanishFolding)
            .filter(AsciiFoldingFilter)
            .filter(Stemmer::new(language))
            .build(),
    }
}

/// The analyzer registered as `name`, without the per-word cache: for text analyzed once
/// (a snippet's stored text, a query's words), where filling a cache would cost more than
/// it saves.
pub fn uncached(name: &str) -> TextAnalyzer {
    match name {
        DANISH => chain(true, Some(Language::Danish)),
        ENGLISH => chain(true, Some(Language::English)),
        SPELL => chain(false, None),
        _ => chain(true, None),
    }
}

/// The Danish analyzer: folded, then stemmed with the Danish Snowball stemmer.
pub fn danish() -> TextAnalyzer {
    TextAnalyzer::from(CachedWords::new(uncached(DANISH)))
}

/// The English analyzer: folded, then stemmed with the English Snowball stemmer.
pub fn english() -> TextAnalyzer {
    TextAnalyzer::from(CachedWords::new(uncached(ENGLISH)))
}

/// The analyzer for names, codes and acronyms: folded, not stemmed.
pub fn plain() -> TextAnalyzer {
    TextAnalyzer::from(CachedWords::new(uncached(PLAIN)))
}

/// The analyzer of the spelling vocabulary: lower-cased only.
pub fn spelling() -> TextAnalyzer {
    TextAnalyzer::from(CachedWords::new(uncached(SPELL)))
}

/// What a chain makes of one word as [`SimpleTokenizer`] cut it: one token, or none when the
/// chain drops it (see [`CachedWords`] for why that is the word's token in any text).
fn analyze_word(chain: &mut TextAnalyzer, word: &str) -> Option<String> {
    let mut stream = chain.token_stream(word);
    stream.advance().then(|| stream.token().text.clone())
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
    fn the_word_cache_changes_no_token_position_or_offset() {
        let text = "Brystkræft: ÆRØ-patienter, behandlingen og BEHANDLINGEN igen; \
                    İstanbul café naïve Straße 12,5 mg/m² HER2+ \
                    aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa kræft kræft";
        let all = |analyzer: &mut TextAnalyzer| {
            let mut out = Vec::new();
            let mut stream = analyzer.token_stream(text);
            while stream.advance() {
                let t = stream.token();
                out.push((t.text.clone(), t.position, t.offset_from, t.offset_to));
            }
            out
        };
        for (mut cached, name) in [
            (danish(), DANISH),
            (english(), ENGLISH),
            (plain(), PLAIN),
            (spelling(), SPELL),
        ] {
            let expected = all(&mut uncached(name));
            assert!(expected.len() > 15, "{expected:?}");
            // Twice: the second run is answered from the cache.
            assert_eq!(all(&mut cached), expected);
            assert_eq!(all(&mut cached), expected);
        }
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
