//! The pre-population file (`passdesk import`): a CSV with the columns
//! `login,email,alt_email,mobile,office_phone` and optionally `directory`.
//! Every row is checked before anything is stored, and every bad row is
//! reported with its line number and what to fix, so an administrator
//! corrects the whole file in one pass. Whether each login exists in its
//! directory is the flow's check (it needs the directory).

use super::email::check_email;
use super::login::Login;
use super::phone::normalise_phone;
use std::collections::HashMap;

/// The columns, in order; `directory` may be left out.
pub const COLUMNS: [&str; 6] = ["login", "email", "alt_email", "mobile", "office_phone", "directory"];

/// One valid row: what to pre-populate for one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    /// Line in the file (1 is the header), for messages.
    pub line: u64,
    /// The person's user ID.
    pub login: Login,
    /// Directory name, or `None` for the configured default.
    pub directory: Option<String>,
    /// Address for e-mail codes, if given.
    pub email: Option<String>,
    /// Alternate address, if given.
    pub alt_email: Option<String>,
    /// Mobile number in E.164, if given.
    pub mobile: Option<String>,
    /// Office number in E.164, if given.
    pub office_phone: Option<String>,
}

/// A row that cannot be imported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// Line in the file.
    pub line: u64,
    /// What is wrong and how to fix it.
    pub reason: String,
}

/// Why a file cannot be imported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// The header is not the expected one (nothing else is checked).
    #[error("line 1: {0}")]
    Header(String),
    /// Rows that cannot be imported; nothing is.
    #[error("{} row(s) cannot be imported", .0.len())]
    Rows(Vec<RowProblem>),
}

/// Parses and checks a whole file. `directories` are the configured
/// directory names; `country` completes national phone numbers.
pub fn parse_import(bytes: &[u8], directories: &[&str], country: Option<&str>) -> Result<Vec<ImportRow>, ImportError> {
    let (rows, problems) = check_import(bytes, directories, country)?;
    if problems.is_empty() { Ok(rows) } else { Err(ImportError::Rows(problems)) }
}

/// Like [`parse_import`], but returns the good rows beside the bad ones,
/// so the caller can check the good ones further (in the directory) and
/// report everything in one pass. Only a bad header is an error.
pub fn check_import(
    bytes: &[u8],
    directories: &[&str],
    country: Option<&str>,
) -> Result<(Vec<ImportRow>, Vec<RowProblem>), ImportError> {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(bytes);
    let header = reader.headers().map_err(|e| ImportError::Header(csv_reason(&e)))?.clone();
    let names: Vec<String> = header.iter().map(|h| h.trim().trim_start_matches('\u{feff}').to_lowercase()).collect();
    let with_directory = names.len() == COLUMNS.len();
    if !(names == COLUMNS[..5] || names == COLUMNS) {
        // Spreadsheets in many locales save with semicolons.
        let hint = if names.len() == 1 && names[0].contains(';') {
            ": the columns are separated by semicolons; save the file as CSV with commas"
        } else {
            ""
        };
        return Err(ImportError::Header(format!(
            "the header is \"{}\"; it must be \"{}\" (the last column optional){hint}",
            names.join(","),
            COLUMNS.join(",")
        )));
    }
    let mut lines = LineCounter { bytes, at: 0, line: 1 };
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    // (directory, lowercased login) -> the line that had it first.
    let mut seen: HashMap<(String, String), u64> = HashMap::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(0, |p| lines.line_at(p.byte()));
                problems.push(RowProblem { line, reason: csv_reason(&e) });
                continue;
            }
        };
        let line = record.position().map_or(0, |p| lines.line_at(p.byte()));
        if record.len() != names.len() {
            let reason =
                format!("{} field(s), the header has {}: quote values that contain commas", record.len(), names.len());
            problems.push(RowProblem { line, reason });
            continue;
        }
        let field = |i: usize| record.get(i).map(str::trim).filter(|v| !v.is_empty());
        let fields = Fields {
            login: field(0).unwrap_or_default(),
            email: field(1),
            alt_email: field(2),
            mobile: field(3),
            office_phone: field(4),
            directory: if with_directory { field(5) } else { None },
        };
        match check_fields(&fields, line, directories, country) {
            Ok(row) => {
                let key = (row.directory.clone().unwrap_or_default(), row.login.as_str().to_lowercase());
                if let Some(first) = seen.get(&key) {
                    let reason =
                        format!("login {} is also on line {first}: keep one row per person", row.login.as_str());
                    problems.push(RowProblem { line, reason });
                } else {
                    seen.insert(key, line);
                    rows.push(row);
                }
            }
            Err(reason) => problems.push(RowProblem { line, reason }),
        }
    }
    Ok((rows, problems))
}

/// One person's contact data as given (a file row or an API body), empty
/// values already left out.
#[derive(Debug, Clone, Copy, Default)]
pub struct Fields<'a> {
    /// User ID.
    pub login: &'a str,
    /// Address for e-mail codes.
    pub email: Option<&'a str>,
    /// Alternate address.
    pub alt_email: Option<&'a str>,
    /// Mobile number, any common notation.
    pub mobile: Option<&'a str>,
    /// Office number, any common notation.
    pub office_phone: Option<&'a str>,
    /// Directory name.
    pub directory: Option<&'a str>,
}

/// Checks one person's data the way a file row is checked; the error says
/// which field is wrong and how to fix it.
pub fn check_fields(
    f: &Fields<'_>,
    line: u64,
    directories: &[&str],
    country: Option<&str>,
) -> Result<ImportRow, String> {
    let login = Login::parse(f.login).map_err(|e| format!("login: {e}"))?;
    let email = f.email.map(check_email).transpose().map_err(|e| format!("email: {e}"))?;
    let alt_email = f.alt_email.map(check_email).transpose().map_err(|e| format!("alt_email: {e}"))?;
    let mobile = f.mobile.map(|v| normalise_phone(v, country)).transpose().map_err(|e| format!("mobile: {e}"))?;
    let office_phone =
        f.office_phone.map(|v| normalise_phone(v, country)).transpose().map_err(|e| format!("office_phone: {e}"))?;
    let directory = f.directory.map(str::to_owned);
    if let Some(d) = &directory
        && !directories.contains(&d.as_str())
    {
        return Err(format!("directory: no directory is named {d:?}; use one of {}", directories.join(", ")));
    }
    if email.is_none() && alt_email.is_none() && mobile.is_none() && office_phone.is_none() {
        return Err("nothing to import: give an email, alt_email, mobile or office_phone".into());
    }
    if email.is_some() && email.as_deref().map(str::to_lowercase) == alt_email.as_deref().map(str::to_lowercase) {
        return Err("alt_email: the same as email; leave one of them empty".into());
    }
    Ok(ImportRow { line, login, directory, email, alt_email, mobile, office_phone })
}

/// Line numbers from byte offsets, counted once over the file. The CSV
/// reader's own count lags by one after a CRLF line end, so passdesk
/// counts for itself: a record starting at (or just before the line end
/// preceding) `byte` is on the line after the last line end before it.
/// A line ends with LF, CRLF or a lone CR (old Mac spreadsheets save CR
/// only, and the CSV reader ends records there too).
struct LineCounter<'a> {
    bytes: &'a [u8],
    at: usize,
    line: u64,
}

impl LineCounter<'_> {
    fn line_at(&mut self, byte: u64) -> u64 {
        let mut start = usize::try_from(byte).unwrap_or(usize::MAX).min(self.bytes.len());
        while start < self.bytes.len() && matches!(self.bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        if start >= self.at {
            let ends = (self.at..start)
                .filter(|&i| match self.bytes[i] {
                    b'\n' => true,
                    b'\r' => self.bytes.get(i + 1) != Some(&b'\n'),
                    _ => false,
                })
                .count();
            self.line += ends as u64;
            self.at = start;
        }
        self.line
    }
}

fn csv_reason(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => {
            "not UTF-8 text: save the file as UTF-8 (CSV UTF-8 in spreadsheet programs)".into()
        }
        _ => format!("not readable as CSV: {e}"),
    }
}

#[cfg(test)]
mod tests;
