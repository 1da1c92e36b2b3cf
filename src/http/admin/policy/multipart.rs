//! A small, strict `multipart/form-data` reader for the one form that
//! uploads a file (the branding page's logo). It reads a body already
//! bounded by the route's payload limit and refuses anything unusual:
//! more than [`MAX_PARTS`] parts, a part's headers over [`MAX_HEADER_BYTES`],
//! a text field over [`MAX_FIELD_BYTES`], a field named twice, or a body
//! that does not end with the closing boundary. One form does not justify
//! a streaming multipart crate; the whole body is at most a few hundred KiB.

/// Most parts a form may have.
pub(super) const MAX_PARTS: usize = 16;
/// Largest header block of one part.
pub(super) const MAX_HEADER_BYTES: usize = 1024;
/// Largest text field (the file part is bounded by the payload limit).
pub(super) const MAX_FIELD_BYTES: usize = 4096;

/// One part of the form.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Part {
    /// The field's name.
    pub name: String,
    /// The file name the browser sent, for a file input.
    pub filename: Option<String>,
    /// The content.
    pub data: Vec<u8>,
}

/// The parts of a form.
#[derive(Debug, Default)]
pub(super) struct Form {
    parts: Vec<Part>,
}

impl Form {
    /// A text field, if present and UTF-8.
    pub fn text(&self, name: &str) -> Option<String> {
        let part = self.parts.iter().find(|p| p.name == name && p.filename.is_none())?;
        String::from_utf8(part.data.clone()).ok()
    }

    /// A file field's bytes, if a file was chosen (browsers send an empty
    /// part with an empty file name when none was).
    pub fn file(&self, name: &str) -> Option<&[u8]> {
        self.parts
            .iter()
            .find(|p| p.name == name && p.filename.as_deref().is_some_and(|f| !f.is_empty()))
            .map(|p| p.data.as_slice())
            .filter(|d| !d.is_empty())
    }
}

/// The boundary of a `multipart/form-data` content type.
pub(super) fn boundary(content_type: &str) -> Option<String> {
    let (kind, params) = content_type.split_once(';')?;
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    let value = params.split(';').find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim().eq_ignore_ascii_case("boundary").then(|| v.trim().trim_matches('"').to_owned())
    })?;
    // RFC 2046: 1 to 70 characters.
    (!value.is_empty() && value.len() <= 70 && value.is_ascii()).then_some(value)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Reads a whole body; the error says what is wrong for the log and a 400.
pub(super) fn parse(body: &[u8], boundary: &str) -> Result<Form, String> {
    let opening = format!("--{boundary}");
    let delimiter = format!("\r\n--{boundary}");
    let Some(rest) = body.strip_prefix(opening.as_bytes()) else {
        return Err("the form does not start with its boundary".into());
    };
    let mut rest = rest;
    let mut form = Form::default();
    loop {
        if rest.starts_with(b"--") {
            return Ok(form);
        }
        rest = rest.strip_prefix(b"\r\n").ok_or("a boundary is not followed by a line break")?;
        if form.parts.len() == MAX_PARTS {
            return Err(format!("more than {MAX_PARTS} parts"));
        }
        let head_end = find(&rest[..rest.len().min(MAX_HEADER_BYTES + 4)], b"\r\n\r\n")
            .ok_or("a part's headers are too long or unterminated")?;
        let headers = std::str::from_utf8(&rest[..head_end]).map_err(|_| "a part's headers are not UTF-8")?;
        let (name, filename) = disposition(headers)?;
        let content = &rest[head_end + 4..];
        let end = find(content, delimiter.as_bytes()).ok_or("the form does not end with its boundary")?;
        let data = content[..end].to_vec();
        if filename.is_none() && data.len() > MAX_FIELD_BYTES {
            return Err(format!("the field {name:?} is longer than {MAX_FIELD_BYTES} bytes"));
        }
        if form.parts.iter().any(|p| p.name == name) {
            return Err(format!("the field {name:?} is sent twice"));
        }
        form.parts.push(Part { name, filename, data });
        rest = &content[end + delimiter.len()..];
    }
}

/// The field name and file name of a part's `Content-Disposition`.
fn disposition(headers: &str) -> Result<(String, Option<String>), String> {
    let line = headers
        .split("\r\n")
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim().eq_ignore_ascii_case("content-disposition").then_some(v)
        })
        .ok_or("a part has no Content-Disposition")?;
    let mut params = line.split(';').map(str::trim);
    if !params.next().is_some_and(|d| d.eq_ignore_ascii_case("form-data")) {
        return Err("a part is not form-data".into());
    }
    let (mut name, mut filename) = (None, None);
    for p in params {
        let Some((k, v)) = p.split_once('=') else { continue };
        let v = v.trim().trim_matches('"').to_owned();
        match k.trim().to_ascii_lowercase().as_str() {
            "name" => name = Some(v),
            "filename" => filename = Some(v),
            _ => {}
        }
    }
    let name = name.filter(|n| !n.is_empty() && n.len() <= 64).ok_or("a part has no field name")?;
    Ok((name, filename))
}

#[cfg(test)]
mod tests;
