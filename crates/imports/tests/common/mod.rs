//! Shared by the integration tests: fixtures by name.

use sesame_imports::InputFile;

pub fn fixture(name: &str) -> InputFile {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    InputFile::new(name, bytes)
}
