//! Reading a CSV file of known columns (the offer register's import, contract.md §4; the
//! conference's case list): UTF-8 with or without a byte order mark, separated by commas,
//! semicolons or tabs (whichever the header row holds most of), a header row, each row with its line
//! number (the header is line 1). A column the reader does not know is refused, naming it,
//! rather than skipped, so that a CPR number or a name is never read by mistake.

use std::cell::RefCell;
use std::collections::{HashSet, VecDeque};
use std::io::{self, BufRead, Read};
use std::rc::Rc;

use crate::domain::cpr::looks_like_cpr;
use crate::domain::{msg, Message};

/// One problem on one line of a file; `Display` gives the command line's English
/// `line N: field: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    pub line: u64,
    pub field: String,
    pub message: Message,
}

impl LineError {
    pub fn new(line: u64, field: impl Into<String>, message: impl Into<Message>) -> Self {
        Self {
            line,
            field: field.into(),
            message: message.into(),
        }
    }
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}: {}", self.line, self.field, self.message)
    }
}

/// The columns a file may have: every `required` one, and any of the `optional` ones.
#[derive(Debug, Clone, Copy)]
pub struct Columns {
    pub required: &'static [&'static str],
    pub optional: &'static [&'static str],
}

impl Columns {
    fn all(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.required.iter().chain(self.optional).copied()
    }
}

/// One row of a file: its line and its cells by column name (a known column the file lacks
/// reads as "").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub line: u64,
    cells: Vec<(&'static str, String)>,
}

impl Row {
    /// The cell of `column`, trimmed ("" when the file has no such column).
    pub fn get(&self, column: &str) -> &str {
        self.cells
            .iter()
            .find(|(c, _)| *c == column)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// Reads a file into its rows and the problems of rows that could not be read (a row with
/// fewer or more fields than the header, or unreadable). An
/// error of the whole file (an empty file, a header that refuses a column, no rows) is the
/// `Err`. Blank rows are skipped.
pub fn read_table(
    text: &str,
    columns: Columns,
) -> Result<(Vec<Row>, Vec<LineError>), Vec<LineError>> {
    let mut table = TableReader::new(text.as_bytes(), columns)?;
    let (mut rows, mut errors) = (Vec::new(), Vec::new());
    while let Some(row) = table.next_row() {
        match row {
            Ok(row) => rows.push(row),
            Err(e) => errors.push(e),
        }
    }
    if rows.is_empty() && errors.is_empty() {
        return Err(vec![no_rows()]);
    }
    Ok((rows, errors))
}

/// The error of a file with a header and no rows.
pub fn no_rows() -> LineError {
    LineError::new(2, "row", msg::IMPORT_NO_ROWS)
}

type Source<R> = Tap<io::Chain<io::Cursor<Vec<u8>>, io::BufReader<R>>>;

/// A file read row by row, each with its line number, holding no more of it than the
/// reader's buffer: a file of a million rows is read in the memory of one.
pub struct TableReader<R: Read> {
    reader: csv::Reader<Source<R>>,
    window: Rc<RefCell<Window>>,
    headers: usize,
    /// For each column of the file, the known column it is (None: not read).
    known: Vec<Option<&'static str>>,
    record: csv::StringRecord,
}

impl<R: Read> TableReader<R> {
    /// Reads and checks the header row (see [`read_table`] for the errors).
    pub fn new(source: R, columns: Columns) -> Result<Self, Vec<LineError>> {
        let unreadable = |e: &dyn std::fmt::Display| {
            vec![LineError::new(
                1,
                "header",
                Message::new(msg::IMPORT_HEADER_UNREADABLE).with("detail", e.to_string()),
            )]
        };
        let mut source = io::BufReader::new(source);
        let mut header_line = Vec::new();
        source
            .read_until(b'\n', &mut header_line)
            .map_err(|e| unreadable(&e))?;
        if header_line.starts_with("\u{feff}".as_bytes()) {
            header_line.drain(..3);
        }
        // The separator the header holds most of (a tie keeps the comma): a spreadsheet's
        // rows pasted as text are separated by tabs.
        let delimiter = [b',', b';', b'\t']
            .into_iter()
            .rev()
            .max_by_key(|d| header_line.iter().filter(|b| *b == d).count())
            .unwrap_or(b',');
        let window = Rc::new(RefCell::new(Window::default()));
        let tap = Tap {
            inner: io::Cursor::new(header_line).chain(source),
            window: window.clone(),
        };
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(tap);
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| unreadable(&e))?
            .iter()
            .map(|h| h.trim().to_lowercase())
            .collect();
        if headers.iter().all(String::is_empty) {
            return Err(vec![LineError::new(1, "header", msg::IMPORT_EMPTY)]);
        }
        check_header(&headers, columns)?;
        let known = headers
            .iter()
            .map(|h| columns.all().find(|c| c == h))
            .collect();
        Ok(Self {
            reader,
            window,
            headers: headers.len(),
            known,
            record: csv::StringRecord::new(),
        })
    }

    /// The next row, or the problem of a row that could not be read; `None` at the end.
    /// Blank rows are skipped.
    pub fn next_row(&mut self) -> Option<Result<Row, LineError>> {
        loop {
            let read = self.reader.read_record(&mut self.record);
            let line = |position: Option<&csv::Position>, window: &RefCell<Window>| {
                position.map_or(0, |p| window.borrow_mut().line_at(p.byte()))
            };
            match read {
                Ok(false) => return None,
                Err(e) => {
                    let line = line(e.position(), &self.window);
                    // An unreadable byte sequence ends nothing: the reader goes on after it.
                    return Some(Err(LineError::new(
                        line,
                        "row",
                        Message::new(msg::IMPORT_ROW_UNREADABLE).with("detail", e),
                    )));
                }
                Ok(true) => {
                    let line = line(self.record.position(), &self.window);
                    if self.record.iter().all(str::is_empty) {
                        continue;
                    }
                    if self.record.len() != self.headers {
                        return Some(Err(LineError::new(
                            line,
                            "row",
                            Message::new(msg::IMPORT_FIELD_COUNT)
                                .with("fields", self.record.len())
                                .with("header", self.headers),
                        )));
                    }
                    // The header names known columns only, so every cell is one of them.
                    let cells = self
                        .known
                        .iter()
                        .zip(self.record.iter())
                        .filter_map(|(column, cell)| column.map(|c| (c, cell.to_owned())))
                        .collect();
                    return Some(Ok(Row { line, cells }));
                }
            }
        }
    }
}

impl<R: Read> Iterator for TableReader<R> {
    type Item = Result<Row, LineError>;
    fn next(&mut self) -> Option<Self::Item> {
        self.next_row()
    }
}

/// Checks the header row (line 1): every column is a known one, named once, and none that is
/// required is missing. A name that is itself a CPR number is not repeated.
fn check_header(headers: &[String], columns: Columns) -> Result<(), Vec<LineError>> {
    let allowed: Vec<&str> = columns.all().collect();
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    for (i, name) in headers.iter().enumerate() {
        let column = i + 1;
        if name.is_empty() {
            errors.push(LineError::new(
                1,
                format!("column {column}"),
                Message::new(msg::IMPORT_UNNAMED_COLUMN).with("columns", allowed.join(", ")),
            ));
        } else if looks_like_cpr(name) {
            errors.push(LineError::new(
                1,
                format!("column {column}"),
                msg::IMPORT_CPR_COLUMN,
            ));
        } else if !allowed.contains(&name.as_str()) {
            errors.push(LineError::new(
                1,
                name.clone(),
                Message::new(msg::IMPORT_UNKNOWN_COLUMN).with("columns", allowed.join(", ")),
            ));
        } else if !seen.insert(name.as_str()) {
            errors.push(LineError::new(
                1,
                name.clone(),
                msg::IMPORT_DUPLICATE_COLUMN,
            ));
        }
    }
    let missing: Vec<&str> = columns
        .required
        .iter()
        .copied()
        .filter(|c| !headers.iter().any(|h| h == c))
        .collect();
    if !missing.is_empty() {
        errors.push(LineError::new(
            1,
            "header",
            Message::new(msg::IMPORT_MISSING_COLUMNS).with("columns", missing.join(", ")),
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Line numbers of records from their byte offsets, counting newlines only between one record
/// and the next, so a file is read once however many rows it has. The csv crate's own count,
/// and its offset, include the blank lines it skipped before the record. The bytes the reader
/// has taken but no record has yet reached are kept here (at most the reader's buffer and
/// one record), passed on by [`Tap`].
#[derive(Debug, Default)]
struct Window {
    bytes: VecDeque<u8>,
    /// The offset of `bytes[0]` in the file, and the line it is on.
    offset: u64,
    line: u64,
}

impl Window {
    /// The line (from 1) on which the record at `byte` starts; offsets come in file order.
    fn line_at(&mut self, byte: u64) -> u64 {
        self.line = self.line.max(1);
        while self.offset < byte {
            match self.bytes.pop_front() {
                Some(b) => {
                    self.line += u64::from(b == b'\n');
                    self.offset += 1;
                }
                None => break,
            }
        }
        // Blank lines before the record are the record's own offset, not its line.
        while let Some(&b) = self.bytes.front() {
            if !matches!(b, b'\n' | b'\r') {
                break;
            }
            self.bytes.pop_front();
            self.line += u64::from(b == b'\n');
            self.offset += 1;
        }
        self.line
    }
}

/// A reader that keeps what passes through it in a [`Window`].
struct Tap<R> {
    inner: R,
    window: Rc<RefCell<Window>>,
}

impl<R: Read> Read for Tap<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.window.borrow_mut().bytes.extend(&buf[..n]);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLUMNS: Columns = Columns {
        required: &["case", "age"],
        optional: &["note"],
    };

    #[test]
    fn rows_keep_their_line_numbers_across_blank_and_quoted_lines() {
        let text = "\u{feff}case;age\n1;50\n\n\"2\nb\";60\n3;70\n";
        let (rows, errors) = read_table(text, COLUMNS).expect("readable");
        assert!(errors.is_empty(), "{errors:?}");
        let lines: Vec<u64> = rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 4, 6]);
        assert_eq!(rows[2].get("age"), "70");
        assert_eq!(rows[0].get("note"), "", "an optional column the file lacks");
    }

    #[test]
    fn an_unknown_column_is_refused_by_name_and_a_cpr_named_one_by_place() {
        let errors =
            read_table("case,age,name,010190-1234\n1,2,x,y\n", COLUMNS).expect_err("refused");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["name", "column 4"]);
        assert!(errors.iter().all(|e| e.line == 1));
    }

    #[test]
    fn a_missing_required_column_and_an_empty_file_are_refused() {
        let errors = read_table("case\n1\n", COLUMNS).expect_err("refused");
        assert_eq!(errors[0].field, "header");
        assert!(read_table("", COLUMNS).is_err());
        assert!(read_table("case,age\n", COLUMNS).is_err(), "no rows");
    }

    #[test]
    fn rows_pasted_from_a_spreadsheet_are_read_by_their_tabs() {
        let (rows, _) = read_table("case\tage\nK1\t64\n", COLUMNS).expect("readable");
        assert_eq!(rows[0].get("age"), "64");
        let (rows, _) = read_table("case,age\nK1,64\n", COLUMNS).expect("readable");
        assert_eq!(rows[0].get("case"), "K1");
    }

    #[test]
    fn a_long_file_is_read_row_by_row_with_its_lines_and_a_small_window() {
        let mut text = String::from("case,age\n");
        for i in 0..50_000 {
            if i % 1000 == 0 {
                text.push_str("\r\n\n");
            }
            if i % 777 == 0 {
                text.push_str(&format!("\"K{i}\nmore\",{}\n", i % 90));
            } else {
                text.push_str(&format!("K{i},{}\n", i % 90));
            }
        }
        // The expected line of each row, counted the slow way.
        let mut expected = Vec::new();
        let mut line = 1u64;
        for piece in text.split_inclusive('\n').skip(1) {
            line += 1;
            if piece.starts_with('K') || piece.starts_with('"') {
                expected.push(line);
            }
        }
        let mut table = TableReader::new(text.as_bytes(), COLUMNS).expect("readable");
        let mut lines = Vec::new();
        let mut widest = 0;
        while let Some(row) = table.next_row() {
            lines.push(row.expect("row").line);
            widest = widest.max(table.window.borrow().bytes.len());
        }
        assert_eq!(lines.len(), 50_000);
        assert_eq!(lines, expected);
        assert!(widest < 64 * 1024, "the window held {widest} bytes");
    }

    #[test]
    fn a_short_row_is_named_by_its_line() {
        let (rows, errors) = read_table("case,age\n1,2\n3\n", COLUMNS).expect("readable");
        assert_eq!(rows.len(), 1);
        assert_eq!((errors[0].line, errors[0].field.as_str()), (3, "row"));
    }
}
