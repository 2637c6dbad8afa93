//! Sésame's administration console, rendered in the browser.
//!
//! Built for `wasm32-unknown-unknown` by `scripts/build-spa.sh` and served as static files
//! (`frontend/dist`) by the server, which also answers the `/api/v1` calls made here.

mod accounts;
mod actions;
mod admin_ui;
mod api;
mod app;
mod chooser;
mod delegations;
mod detail;
mod directory;
mod establishment;
mod holder;
mod import;
mod journal;
mod load;
mod login;
mod multiselect;
mod pager;
pub mod route;
mod session;
mod settings;
mod statistics;
pub mod text;
mod token;

use wasm_bindgen::prelude::wasm_bindgen;

/// Runs when `boot.js` instantiates the module.
#[wasm_bindgen(start)]
pub fn start() {
    // `/compte` is the account holders' page: the console (and its staff session) is not
    // mounted there at all.
    let pathname = web_sys::window()
        .and_then(|w| w.location().pathname().ok())
        .unwrap_or_default();
    if holder::is_holder_page(&pathname) {
        leptos::mount::mount_to_body(holder::HolderPage);
    } else {
        leptos::mount::mount_to_body(app::App);
    }
    // Removed only once the app is in place, so a failed load leaves the notice visible.
    if let Some(boot) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("boot"))
    {
        boot.remove();
    }
}
