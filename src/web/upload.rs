//! Reading a file upload (`multipart/form-data`) safely: the CSRF token checked before the
//! file is read, the file streamed into a temporary file and capped, short text fields kept.

use std::io::{Read, Seek, SeekFrom, Write};

use actix_multipart::Multipart;
use futures_util::StreamExt;
use serde::Deserialize;

use crate::web::auth::{Viewer, CSRF_FIELD};

/// The largest file accepted (about 100,000 offer rows).
pub const MAX_UPLOAD: usize = 10 * 1024 * 1024;
/// The longest text field kept beside the file.
const MAX_TEXT_FIELD: usize = 1024;

/// The file's bytes and the form's short text fields.
pub struct Upload {
    pub file: Vec<u8>,
    pub fields: Vec<(String, String)>,
}

impl Upload {
    /// A text field's value, or "".
    pub fn get(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// `?csrf_token=…` in the form's action URL: checked before the body is read.
#[derive(Debug, Default, Deserialize)]
pub struct UploadQuery {
    pub csrf_token: Option<String>,
}

/// A scripted upload may send the token in this header instead.
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The CSRF field of a form posted without the token in its URL must come first and be short.
const MAX_TOKEN_FIELD: usize = 256;

/// Why an upload could not be read.
pub enum UploadError {
    TooLarge,
    Unreadable,
    Forged,
}

/// Reads the upload: the CSRF token (from the URL, a header, or else the form's first field,
/// read no further than a token can be long), then the file, streamed into a temporary file
/// that stops at [`MAX_UPLOAD`] bytes.
pub async fn read_upload(
    mut payload: Multipart,
    viewer: &Viewer,
    token: Option<String>,
) -> Result<Upload, UploadError> {
    let mut checked = match token {
        Some(t) => viewer
            .check_csrf(Some(&t))
            .map_err(|_| UploadError::Forged)
            .map(|()| true)?,
        None => false,
    };
    let mut file: Option<std::fs::File> = None;
    let mut fields = Vec::new();
    let mut total = 0usize;
    while let Some(field) = payload.next().await {
        let mut field = field.map_err(|_| UploadError::Unreadable)?;
        let name = field.name().unwrap_or("").to_owned();
        if !checked {
            if name != CSRF_FIELD {
                return Err(UploadError::Forged);
            }
            let mut value = Vec::new();
            while let Some(chunk) = field.next().await {
                value.extend_from_slice(&chunk.map_err(|_| UploadError::Unreadable)?);
                if value.len() > MAX_TOKEN_FIELD {
                    return Err(UploadError::Forged);
                }
            }
            viewer
                .check_csrf(Some(&String::from_utf8_lossy(&value)))
                .map_err(|_| UploadError::Forged)?;
            checked = true;
            continue;
        }
        if name != "file" {
            // Other fields are short texts (a select, a number); a long one is dropped,
            // read within the same cap.
            let mut value = Vec::new();
            while let Some(chunk) = field.next().await {
                let chunk = chunk.map_err(|_| UploadError::Unreadable)?;
                total += chunk.len();
                if total > MAX_UPLOAD {
                    return Err(UploadError::TooLarge);
                }
                if value.len() <= MAX_TEXT_FIELD {
                    value.extend_from_slice(&chunk);
                }
            }
            if value.len() <= MAX_TEXT_FIELD {
                fields.push((name, String::from_utf8_lossy(&value).into_owned()));
            }
            continue;
        }
        let out = file.insert(tempfile::tempfile().map_err(|_| UploadError::Unreadable)?);
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(|_| UploadError::Unreadable)?;
            total += chunk.len();
            if total > MAX_UPLOAD {
                return Err(UploadError::TooLarge);
            }
            out.write_all(&chunk).map_err(|_| UploadError::Unreadable)?;
        }
    }
    if !checked {
        return Err(UploadError::Forged);
    }
    let mut bytes = Vec::new();
    if let Some(mut f) = file {
        f.seek(SeekFrom::Start(0))
            .and_then(|_| f.read_to_end(&mut bytes))
            .map_err(|_| UploadError::Unreadable)?;
    }
    Ok(Upload {
        file: bytes,
        fields,
    })
}
