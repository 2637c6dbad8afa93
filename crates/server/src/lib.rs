//! Sésame's REST service: actix-web handlers over the store, the access-control layer, the
//! OpenAPI document and Swagger UI, the SPA host, and the operator CLI.

pub mod app;
pub mod auth;
pub mod bench;
pub mod cli;
pub mod config;
pub mod guide;
pub mod imports;
pub mod mail;
pub mod openapi;
pub mod operations;
pub mod problem;
pub mod routes;
pub mod scheduler;
pub mod spa;
pub mod state;
pub mod telemetry;
pub mod webhooks;

#[cfg(test)]
mod tenancy_guard {
    //! An establishment's data is reached through `Store::tenant`. A request may only get
    //! one from the access layer (`Caller::authorize`, which checks the caller's rights there
    //! first); the command line acts as the system. Any other call site would let a handler
    //! pick an establishment the caller was never authorised at, so it fails this test.

    const ALLOWED: &[&str] = &["src/auth/caller.rs", "src/cli.rs"];

    fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("source directory") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// Call sites of `.tenant(` outside comments, as `file:line`.
    fn tenant_calls(root: &std::path::Path) -> Vec<String> {
        let mut files = vec![];
        rust_files(&root.join("src"), &mut files);
        let mut found = vec![];
        for f in files {
            let text = std::fs::read_to_string(&f).expect("readable source");
            let rel = f.strip_prefix(root).expect("under root").to_string_lossy();
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                // Spelt in two pieces so that this line is not a call site itself.
                if code.contains(concat!(".ten", "ant(")) {
                    found.push(format!("{rel}:{}", n + 1));
                }
            }
        }
        found
    }

    #[test]
    fn only_the_access_layer_and_the_cli_open_an_establishment() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let calls = tenant_calls(root);
        let stray: Vec<&String> = calls
            .iter()
            .filter(|c| !ALLOWED.iter().any(|a| c.starts_with(&format!("{a}:"))))
            .collect();
        assert!(
            stray.is_empty(),
            "Store::tenant called outside the access layer: {stray:?}"
        );
        // The access layer does call it: the scan would otherwise prove nothing.
        assert!(calls.iter().any(|c| c.starts_with("src/auth/caller.rs:")));
    }
}
