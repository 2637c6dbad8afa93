//! « Délégations » (placeholder until its screen is written).

use leptos::prelude::*;

use crate::app::{Notice, RouteSignal, SessionSignal};

#[component]
pub fn DelegationsTab(
    uai: String,
    route: RouteSignal,
    session: SessionSignal,
    notice: Notice,
) -> impl IntoView {
    let _ = (uai, route, session, notice);
    view! {
        <div class="panel">
            <h3>"Délégations"</h3>
            <p>"Rubrique en préparation."</p>
        </div>
    }
}
