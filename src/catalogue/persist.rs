//! The snapshot's sources kept between starts: `DATA_DIR/snapshot.bin`, written after every
//! rebuild from the database, read at start so the server answers at once (at 100,000
//! protocols reading the tables takes seconds; the file, a fraction of that). The file is a
//! cache like the search index: the database has everything, and a file that is missing, of
//! another format or unreadable is ignored (and logged). Only published records and reference
//! data are in it, which the public pages show anyway.
//!
//! Layout: a header line naming the format and the crate version, then the [`Sources`] in
//! postcard. A file that passes the header but was written by other code is still caught: the
//! snapshot served from a file is read again from the database at the first refresh
//! (`CatalogueHandle::refresh_if_stale`).

use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::snapshot::Sources;

/// The file under `DATA_DIR`.
pub const FILE: &str = "snapshot.bin";

/// Bump whenever [`Sources`] or a row in it changes shape: postcard names no fields, so a file
/// of another shape could otherwise be read as wrong values.
const FORMAT: u32 = 1;

/// The first line of the file: format and crate version.
fn header() -> String {
    format!(
        "dccc-registry snapshot format {FORMAT} version {}\n",
        env!("CARGO_PKG_VERSION")
    )
}

/// Where the file of a data folder is.
pub fn path(data_dir: &Path) -> PathBuf {
    data_dir.join(FILE)
}

/// Writes the file whole, then renames it into place, so a reader never sees half of one.
pub fn save(file: &Path, sources: &Sources) -> anyhow::Result<()> {
    let dir = file.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut partial = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("creating a file in {}", dir.display()))?;
    {
        let mut out = BufWriter::new(partial.as_file_mut());
        out.write_all(header().as_bytes())?;
        postcard::to_io(sources, &mut out).context("writing the snapshot")?;
        out.flush()?;
    }
    partial
        .persist(file)
        .with_context(|| format!("replacing {}", file.display()))?;
    Ok(())
}

/// Reads the file; `None` (logged unless simply absent) when it cannot be used.
pub fn load(file: &Path) -> Option<Sources> {
    let opened = match std::fs::File::open(file) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(e) => {
            tracing::warn!(file = %file.display(), error = %e, "snapshot file unreadable");
            return None;
        }
    };
    match read(opened) {
        Ok(sources) => Some(sources),
        Err(e) => {
            tracing::warn!(file = %file.display(), error = %format!("{e:#}"), "snapshot file not used");
            None
        }
    }
}

fn read(file: std::fs::File) -> anyhow::Result<Sources> {
    let mut bytes = Vec::new();
    BufReader::new(file).read_to_end(&mut bytes)?;
    let expected = header();
    let body = bytes
        .strip_prefix(expected.as_bytes())
        .context("written in another format or by another version")?;
    postcard::from_bytes(body).context("decoding the snapshot")
}
