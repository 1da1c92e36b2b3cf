//! End-to-end pages in a real headless Chromium (being written).
