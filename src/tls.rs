//! TLS for the portal (rustls, ring provider, no OpenSSL). With no
//! certificate configured, a self-signed one is made on first run, kept in
//! the data folder (key 0600) and reused; its SHA-256 fingerprint is printed
//! so the first visitor can check what the browser shows.

use crate::config::TlsFiles;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use sha2::{Digest, Sha256};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// What can go wrong while preparing TLS.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A PEM file could not be read or parsed.
    #[error("cannot use {path}: {reason}")]
    File {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// rustls refused the certificate and key.
    #[error("the certificate and key do not work together: {0}")]
    Rustls(String),
    /// The self-signed certificate could not be made.
    #[error("cannot create a self-signed certificate: {0}")]
    Generate(String),
}

/// A ready server configuration and facts to print at start-up.
pub struct ServerTls {
    /// For actix-web.
    pub config: rustls::ServerConfig,
    /// SHA-256 of the leaf certificate, colon-separated hex.
    pub fingerprint: String,
    /// True when the certificate was created by this run.
    pub generated: bool,
    /// Where the certificate is.
    pub cert_path: PathBuf,
}

/// Loads the configured certificate or the self-signed one (made on first run).
pub fn server_config(files: Option<&TlsFiles>, data_dir: &Path, listen: SocketAddr) -> Result<ServerTls, Error> {
    let (cert_path, key_path, generated) = match files {
        Some(f) => (f.cert.clone(), f.key.clone(), false),
        None => {
            let dir = data_dir.join("tls");
            let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
            let generated = !cert.exists() || !key.exists();
            if generated {
                generate_self_signed(&dir, &cert, &key, listen)?;
            }
            (cert, key, generated)
        }
    };
    let file_err =
        |path: &Path, e: &dyn std::fmt::Display| Error::File { path: path.to_owned(), reason: e.to_string() };
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(&cert_path)
        .map_err(|e| file_err(&cert_path, &e))?
        .collect::<Result<_, _>>()
        .map_err(|e| file_err(&cert_path, &e))?;
    let Some(leaf) = certs.first() else {
        return Err(file_err(&cert_path, &"no certificate in the file"));
    };
    let fingerprint = fingerprint(leaf);
    let key = PrivateKeyDer::from_pem_file(&key_path).map_err(|e| file_err(&key_path, &e))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Rustls(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| Error::Rustls(e.to_string()))?;
    Ok(ServerTls { config, fingerprint, generated, cert_path })
}

/// SHA-256 of a certificate as browsers show it (AA:BB:…).
pub fn fingerprint(cert: &CertificateDer<'_>) -> String {
    Sha256::digest(cert.as_ref()).iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":")
}

fn generate_self_signed(dir: &Path, cert_path: &Path, key_path: &Path, listen: SocketAddr) -> Result<(), Error> {
    let mut names = vec!["localhost".to_owned(), "127.0.0.1".to_owned(), "::1".to_owned()];
    if !listen.ip().is_unspecified() && !listen.ip().is_loopback() {
        names.push(listen.ip().to_string());
    }
    if let Ok(host) = std::env::var("HOSTNAME").map(|h| h.trim().to_owned())
        && !host.is_empty()
        && !names.contains(&host)
    {
        names.push(host);
    }
    let certified = rcgen::generate_simple_self_signed(names).map_err(|e| Error::Generate(e.to_string()))?;
    let io = |path: &Path, e: std::io::Error| Error::File { path: path.to_owned(), reason: e.to_string() };
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    write_private(key_path, certified.signing_key.serialize_pem().as_bytes()).map_err(|e| io(key_path, e))?;
    std::fs::write(cert_path, certified.cert.pem()).map_err(|e| io(cert_path, e))?;
    Ok(())
}

/// Writes a file readable by its owner only.
pub fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}
