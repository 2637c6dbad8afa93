//! The console's frame: the header, the screen the route names (sign-in, the establishment
//! chooser, an establishment's screens) and the navigation between them; the session and the
//! sign-in notice every screen shares.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsValue;

use crate::api;
use crate::chooser::Home;
use crate::establishment::EstablishmentScreen;
use crate::login::Login;
use crate::route::Route;
use crate::session::{self, Session};
use crate::text;

/// Messages spoken on the sign-in page, for the cases the user did not cause there
/// (an expired session, a sign-out).
pub type Notice = RwSignal<Option<String>>;
pub type SessionSignal = RwSignal<Option<Session>>;
/// The screen shown, mirrored in the address bar.
pub type RouteSignal = RwSignal<Route>;

/// The route the address bar names (at start, and after Back / Forward).
fn current_route() -> Route {
    let location = window().location();
    Route::parse(
        &location.pathname().unwrap_or_default(),
        &location.search().unwrap_or_default(),
    )
}

/// Shows another screen and records it in the browser history.
pub fn navigate(route: RouteSignal, to: Route) {
    let url = to.url();
    let here = {
        let l = window().location();
        format!(
            "{}{}",
            l.pathname().unwrap_or_default(),
            l.search().unwrap_or_default()
        )
    };
    if here != url {
        if let Ok(history) = window().history() {
            let _ = history.push_state_with_url(&JsValue::NULL, "", Some(&url));
        }
    }
    route.set(to);
}

/// A click on an in-app link: handled here unless the user asked for a new tab or window.
pub fn follow(route: RouteSignal, to: Route) -> impl Fn(leptos::ev::MouseEvent) + Clone {
    move |ev: leptos::ev::MouseEvent| {
        if ev.button() != 0 || ev.ctrl_key() || ev.meta_key() || ev.shift_key() || ev.alt_key() {
            return;
        }
        ev.prevent_default();
        navigate(route, to.clone());
    }
}

/// The access token has expired and could not be renewed, the session reached its absolute
/// lifetime, or the admin module asks for the TOTP code: back to the sign-in page (with the
/// code field when it is needed), which returns to the same screen afterwards.
pub fn expire(session: SessionSignal, notice: Notice) {
    session::clear();
    let message = match session::end_reason() {
        Some(session::EndReason::Expired) => {
            "Votre session a expiré ; reconnectez-vous.".to_owned()
        }
        Some(session::EndReason::SecondFactor { .. }) => {
            "Le module d’administration demande une connexion avec le code de votre clé OTP : \
             reconnectez-vous en saisissant votre code."
                .to_owned()
        }
        None => "Votre session a expiré. Reconnectez-vous pour continuer.".to_owned(),
    };
    notice.set(Some(message));
    session.set(None);
}

/// The signed-in session and the sign-in page's notice: nearly every screen calls the API with
/// the one and sends the user back to sign in through the other, so [`App`] provides them once
/// as a context (`expect_context::<Console>()`) rather than each view passing them down.
#[derive(Clone, Copy)]
pub struct Console {
    pub session: SessionSignal,
    pub notice: Notice,
}

/// The name of the module the current establishment screen belongs to, if it is not the
/// console itself; the page's title carries it.
#[derive(Clone, Copy)]
pub struct ModuleTitle(pub RwSignal<Option<&'static str>>);

#[component]
pub fn App() -> impl IntoView {
    let session: SessionSignal = RwSignal::new(session::load());
    let notice: Notice = RwSignal::new(None);
    provide_context(Console { session, notice });
    // Token renewals replace the session but must not rebuild the page underneath the user.
    let signed_in = Memo::new(move |_| session.with(Option::is_some));
    let route: RouteSignal = RwSignal::new(current_route());
    let handle = window_event_listener(leptos::ev::popstate, move |_| route.set(current_route()));
    on_cleanup(move || handle.remove());
    // Searches change the route but must not rebuild the establishment screen (its form).
    let screen = Memo::new(move |_| route.with(|r| r.uai().map(str::to_owned)));

    // The module the establishment screen shows under (« Dépannage des comptes élèves » for a
    // teacher), named in the page's title: set by that screen, read here with the route.
    let module = RwSignal::new(None::<&'static str>);
    provide_context(ModuleTitle(module));
    Effect::new(move |_| {
        let title = if !signed_in.get() {
            "Connexion — Sésame".to_owned()
        } else {
            route.with(|r| match (r.uai(), r.tab(), module.get()) {
                (Some(uai), Some(tab), Some(m)) => {
                    format!("{} — {m} — {uai} — Sésame", tab.label())
                }
                (Some(uai), Some(tab), None) => format!("{} — {uai} — Sésame", tab.label()),
                _ => "Choisir un établissement — Sésame".to_owned(),
            })
        };
        document().set_title(&title);
    });

    view! {
        <a class="skip-link" href="#contenu">"Aller au contenu principal"</a>
        <header class="site-header">
            <div class="site-header__inner">
                <div class="brand">
                    <h1 class="brand__name">"Sésame"</h1>
                    <p class="brand__subtitle">
                        "Administration des comptes élèves et responsables"
                    </p>
                </div>
                <div class="site-header__tools">
                    // On every screen, the sign-in page included (seed 001 §2: « Accès au
                    // guide »). A new tab, so the screen being helped stays as it is.
                    <a
                        class="doc-link"
                        href=sesame_api::guide::PATH
                        target="_blank"
                        rel="noopener"
                    >
                        "Documentation"
                        <span class="visually-hidden">" (s’ouvre dans un nouvel onglet)"</span>
                    </a>
                    <Show when=move || signed_in.get()>
                        <AccountNav route />
                    </Show>
                </div>
            </div>
        </header>
        <main id="contenu" class="content" tabindex="-1">
            {move || {
                if signed_in.get() {
                    match screen.get() {
                        Some(uai) => {
                            view! { <EstablishmentScreen uai route /> }.into_any()
                        }
                        None => view! { <Home route /> }.into_any(),
                    }
                } else {
                    view! { <Login /> }.into_any()
                }
            }}
        </main>
        <footer class="site-footer">
            <p>"Sésame — console d’administration des comptes ÉduConnect"</p>
        </footer>
    }
}

#[component]
fn AccountNav(route: RouteSignal) -> impl IntoView {
    let Console { session, notice } = expect_context();
    let busy = RwSignal::new(false);
    let username = move || {
        session.with(|s| {
            s.as_ref()
                .map(|s| s.username.clone())
                .filter(|u| !u.is_empty())
        })
    };
    let logout = move |_| {
        let Some(current) = session.get_untracked() else {
            return;
        };
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            // Best effort: whatever the server answers, this browser must forget the tokens.
            let _ = api::logout(&current).await;
            session::clear();
            notice.set(Some("Vous êtes déconnecté.".into()));
            session.set(None);
            navigate(route, Route::Chooser);
        });
    };

    view! {
        <nav class="account" aria-label="Compte">
            {move || {
                username()
                    .map(|u| {
                        view! {
                            <span class="account__user">"Connecté : " <strong>{u}</strong></span>
                        }
                    })
            }}
            <button
                type="button"
                class="button button--secondary"
                aria-disabled=move || busy.get().to_string()
                on:click=logout
            >
                "Se déconnecter"
            </button>
        </nav>
    }
}

/// `DD/MM/YYYY` in the browser's time zone, so overseas académies see their own calendar day.
pub fn local_date(at: chrono::DateTime<chrono::Utc>) -> String {
    let d = js_sys::Date::new(&JsValue::from_f64(at.timestamp_millis() as f64));
    text::date_fr(d.get_date(), d.get_month() + 1, d.get_full_year() as i32)
}
