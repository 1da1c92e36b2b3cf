//! How much heap SQLite holds in this process (page caches, prepared
//! statements, schema), for `/metrics`: the part of passdesk's resident
//! memory that grows with the database until each connection's page cache
//! is full, so an operator (and the soak benchmark) can tell that growth
//! apart from a leak in passdesk's own code.

/// Bytes SQLite has allocated now, and the most it has held at once since
/// the process started.
pub fn sqlite_memory() -> (i64, i64) {
    // SAFETY: both functions take no pointer, only read SQLite's global
    // allocation counters under its own mutex, and are safe to call from
    // any thread at any time (the bundled SQLite is built thread-safe).
    #[allow(unsafe_code)]
    let counters = unsafe { (rusqlite::ffi::sqlite3_memory_used(), rusqlite::ffi::sqlite3_memory_highwater(0)) };
    counters
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_open_database_shows_in_the_counters() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t(x); INSERT INTO t VALUES (zeroblob(100000));").unwrap();
        let (used, high) = super::sqlite_memory();
        assert!(used > 0 && high >= used, "used {used}, high-water {high}");
    }
}
