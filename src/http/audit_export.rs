//! The audit trail's export as an HTTP body, for the admin page and the
//! admin API alike: CSV with a header row, or JSON lines, streamed a page
//! at a time so memory stays flat however long the trail is.

use crate::flow::Flows;
use crate::flow::audit::{EXPORT_HEADER, export_fields, export_json};
use crate::flow::audit_log::{AuditFilter, EXPORT_PAGE};
use actix_web::HttpResponse;
use actix_web::body::{BodySize, MessageBody};
use actix_web::web::Bytes;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

/// The format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Comma-separated, with a header row.
    Csv,
    /// One JSON object per line.
    Json,
}

/// The download response: type, file name, never stored, streamed body.
pub fn response(flows: Arc<Flows>, filter: AuditFilter, format: Format) -> HttpResponse {
    let (content_type, name) = match format {
        Format::Csv => ("text/csv; charset=utf-8", "passdesk-audit.csv"),
        Format::Json => ("application/x-ndjson", "passdesk-audit.jsonl"),
    };
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(("content-disposition", format!("attachment; filename=\"{name}\"")))
        .insert_header(("cache-control", "no-store"))
        .body(Streamed::start(flows, filter, format))
}

/// An export's body: a task reads the trail a page at a time and hands
/// each page's bytes over a small channel, so at most a few pages are in
/// memory whatever the length; a client that goes away stops the task.
struct Streamed(tokio::sync::mpsc::Receiver<Result<Bytes, std::io::Error>>);

impl Streamed {
    fn start(flows: Arc<Flows>, filter: AuditFilter, format: Format) -> Self {
        let (tx, rx) = tokio::sync::mpsc::channel(2);
        tokio::spawn(async move {
            let mut after = 0;
            let mut first = true;
            loop {
                let page = match flows.audit_export_page(filter.clone(), after, EXPORT_PAGE).await {
                    Ok(page) => page,
                    Err(e) => {
                        tracing::error!(error = %e, "audit export stopped");
                        let _ = tx.send(Err(std::io::Error::other(e.to_string()))).await;
                        return;
                    }
                };
                let mut bytes = Vec::with_capacity(page.len() * 200);
                match format {
                    Format::Csv => {
                        let mut w = csv::Writer::from_writer(&mut bytes);
                        let header = first.then(|| w.write_record(EXPORT_HEADER));
                        let written = header
                            .unwrap_or(Ok(()))
                            .and_then(|()| page.iter().try_for_each(|row| w.write_record(export_fields(row))));
                        if let Err(e) = written.and_then(|()| w.flush().map_err(Into::into)) {
                            let _ = tx.send(Err(std::io::Error::other(e.to_string()))).await;
                            return;
                        }
                    }
                    Format::Json => {
                        for row in &page {
                            bytes.extend_from_slice(export_json(row).to_string().as_bytes());
                            bytes.push(b'\n');
                        }
                    }
                }
                first = false;
                if !bytes.is_empty() && tx.send(Ok(Bytes::from(bytes))).await.is_err() {
                    return;
                }
                match page.last() {
                    Some(last) if page.len() == EXPORT_PAGE as usize => after = last.id,
                    _ => return,
                }
            }
        });
        Self(rx)
    }
}

impl MessageBody for Streamed {
    type Error = std::io::Error;

    fn size(&self) -> BodySize {
        BodySize::Stream
    }

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes, Self::Error>>> {
        self.get_mut().0.poll_recv(cx)
    }
}
