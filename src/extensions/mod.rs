//! Commands that work inside a generated Kamiwaza extensions repo:
//! `sync-compose`, `validate`, `build-registry`, `new`.
//!
//! STUB: the implementation is in progress.
