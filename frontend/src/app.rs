//! The console's views: sign-in, the establishment chooser, then the establishment screens
//! (`students.rs`).

use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use sesame_api::auth::LoginRequest;
use sesame_api::establishments::Establishment;
use wasm_bindgen::JsValue;

use crate::api::{self, ApiError};
use crate::establishment::EstablishmentScreen;
use crate::load::Load;
use crate::route::{Route, Tab};
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

#[component]
fn Login() -> impl IntoView {
    let Console { session, notice } = expect_context();
    // Sent back here because the admin module needs the code: ask for it at once.
    let (known_user, code_needed) = match session::end_reason() {
        Some(session::EndReason::SecondFactor { username }) => (username, true),
        _ => (String::new(), false),
    };
    let username = RwSignal::new(known_user);
    let password = RwSignal::new(String::new());
    let totp = RwSignal::new(String::new());
    let totp_required = RwSignal::new(code_needed);
    let error = RwSignal::new(None::<String>);
    let pending = RwSignal::new(false);
    let totp_input = NodeRef::<html::Input>::new();

    // The code field appears after a round trip: put the cursor where the user must type next
    // (not when it is shown from the start, before the password is typed).
    Effect::new(move |_| {
        if let Some(input) = totp_input.get() {
            if !password.get_untracked().is_empty() {
                let _ = input.focus();
            }
        }
    });

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if pending.get_untracked() {
            return;
        }
        let name = username.get_untracked().trim().to_owned();
        let totp_code = totp_required
            .get_untracked()
            .then(|| totp.get_untracked().split_whitespace().collect::<String>());
        let code_sent = totp_code.is_some();
        let request = LoginRequest {
            username: name.clone(),
            password: password.get_untracked(),
            totp_code,
        };
        error.set(None);
        notice.set(None);
        pending.set(true);
        spawn_local(async move {
            let result = api::login(&request).await;
            pending.set(false);
            match result {
                Ok(tokens) => {
                    let s = Session::new(name, tokens);
                    session::clear_end_reason();
                    session::save(&s);
                    session.set(Some(s));
                }
                Err(e) if e.is_totp_required() => {
                    if code_sent {
                        error.set(Some("Code de vérification incorrect ou expiré.".into()));
                        totp.set(String::new());
                        if let Some(input) = totp_input.get_untracked() {
                            let _ = input.focus();
                        }
                    } else {
                        totp_required.set(true);
                        notice.set(Some(
                            "Saisissez le code de vérification affiché par votre application \
                             d’authentification."
                                .into(),
                        ));
                    }
                }
                Err(e) if e.status() == Some(401) => {
                    error.set(Some("Identifiant ou mot de passe incorrect.".into()));
                }
                Err(e) => error.set(Some(e.message())),
            }
        });
    };

    view! {
        <section class="card login" aria-labelledby="login-title">
            <h2 id="login-title">"Connexion"</h2>
            <p class="lead">"Identifiez-vous avec votre compte d’administration."</p>
            <p
                class="notice"
                class:notice--shown=move || notice.with(Option::is_some)
                role="status"
                aria-live="polite"
            >
                {move || notice.get()}
            </p>
            <form
                class="form"
                on:submit=on_submit
                aria-busy=move || pending.get().to_string()
            >
                <div class="field">
                    <label for="login-username">"Identifiant"</label>
                    <input
                        id="login-username"
                        name="username"
                        type="text"
                        autocomplete="username"
                        autocapitalize="none"
                        spellcheck="false"
                        required
                        bind:value=username
                    />
                </div>
                <div class="field">
                    <label for="login-password">"Mot de passe"</label>
                    <input
                        id="login-password"
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        required
                        bind:value=password
                    />
                </div>
                <Show when=move || totp_required.get()>
                    <div class="field">
                        <label for="login-totp">"Code de vérification (clé OTP)"</label>
                        <input
                            id="login-totp"
                            name="totp_code"
                            type="text"
                            inputmode="numeric"
                            autocomplete="one-time-code"
                            spellcheck="false"
                            required
                            aria-describedby="login-totp-hint"
                            node_ref=totp_input
                            bind:value=totp
                        />
                        <p id="login-totp-hint" class="field__hint">
                            "6 chiffres, renouvelés toutes les 30 secondes."
                        </p>
                    </div>
                </Show>
                // Always in the DOM so screen readers announce the message when it is filled in.
                <p class="alert" class:alert--shown=move || error.with(Option::is_some) role="alert">
                    {move || error.get()}
                </p>
                <button
                    type="submit"
                    class="button"
                    // aria-disabled rather than disabled: a disabled button drops keyboard focus.
                    aria-disabled=move || pending.get().to_string()
                >
                    {move || if pending.get() { "Connexion…" } else { "Se connecter" }}
                </button>
            </form>
        </section>
    }
}

/// Calls the API with the access token, renewing it once if it has expired.
///
/// A screen fires several calls at once, and all of them meet the same expired token: they
/// share one renewal ([`renew`]) instead of each presenting the refresh token, which the
/// server would take, beyond its short grace, for a stolen copy and end the session.
pub async fn authed<T, F, Fut>(session: SessionSignal, call: F) -> Result<T, ApiError>
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = Result<T, ApiError>>,
{
    let Some(current) = session.get_untracked() else {
        return Err(unauthorized());
    };
    match call(current.access_token.clone()).await {
        Err(e) if e.status() == Some(401) => {
            if let Some(reason) = end_reason_of(&e, &current) {
                // Renewing would not help: the session itself is over, or too weak.
                session::set_end_reason(reason);
                return Err(e);
            }
            // Another call may have renewed the token while this one was under way.
            let latest = session.get_untracked().ok_or_else(unauthorized)?;
            let renewed = if latest.access_token != current.access_token {
                latest
            } else {
                renew(session, latest).await?
            };
            let result = call(renewed.access_token.clone()).await;
            if let Err(e) = &result {
                if let Some(reason) = end_reason_of(e, &renewed) {
                    session::set_end_reason(reason);
                }
            }
            result
        }
        other => other,
    }
}

/// What a 401 says about the session, when it is more than an expired access token.
fn end_reason_of(e: &ApiError, current: &Session) -> Option<session::EndReason> {
    if e.is_totp_required() {
        Some(session::EndReason::SecondFactor {
            username: current.username.clone(),
        })
    } else if e.is_session_expired() {
        Some(session::EndReason::Expired)
    } else {
        None
    }
}

type Renewal =
    futures::future::Shared<futures::future::LocalBoxFuture<'static, Result<Session, ApiError>>>;

thread_local! {
    // The renewal under way, if any: the wasm console runs on one thread.
    static RENEWAL: std::cell::RefCell<Option<Renewal>> = const { std::cell::RefCell::new(None) };
}

/// Renews the tokens once for every caller that asks while a renewal is under way.
async fn renew(session: SessionSignal, current: Session) -> Result<Session, ApiError> {
    use futures::FutureExt;
    let renewal = RENEWAL.with(|slot| {
        let mut slot = slot.borrow_mut();
        if let Some(under_way) = slot.as_ref() {
            return under_way.clone();
        }
        let started = async move {
            let result = api::refresh(&current.refresh_token).await;
            // Done: the next expiry starts a new renewal.
            RENEWAL.with(|slot| *slot.borrow_mut() = None);
            match result {
                Ok(tokens) => {
                    let renewed = Session::new(current.username, tokens);
                    // Signed out meanwhile: do not bring the session back.
                    if session.with_untracked(Option::is_some) {
                        session::save(&renewed);
                        session.set(Some(renewed.clone()));
                    }
                    Ok(renewed)
                }
                Err(e) => {
                    if e.is_session_expired() {
                        session::set_end_reason(session::EndReason::Expired);
                    }
                    // A refused refresh token (expired, revoked, reused) means signing in
                    // again.
                    Err(match e.status() {
                        Some(400..=499) => unauthorized(),
                        _ => e,
                    })
                }
            }
        }
        .boxed_local()
        .shared();
        *slot = Some(started.clone());
        started
    });
    renewal.await
}

/// Lists the caller's establishments, renewing the access token once if it has expired.
pub async fn fetch_establishments(session: SessionSignal) -> Result<Vec<Establishment>, ApiError> {
    authed(
        session,
        |token| async move { api::establishments(&token).await },
    )
    .await
}

fn unauthorized() -> ApiError {
    ApiError::Status {
        status: 401,
        problem: None,
        retry_after_secs: None,
    }
}

/// `DD/MM/YYYY` in the browser's time zone, so overseas académies see their own calendar day.
pub fn local_date(at: chrono::DateTime<chrono::Utc>) -> String {
    let d = js_sys::Date::new(&JsValue::from_f64(at.timestamp_millis() as f64));
    text::date_fr(d.get_date(), d.get_month() + 1, d.get_full_year() as i32)
}

fn updated_on(e: &Establishment) -> String {
    match e.data_updated_at {
        Some(at) => format!("Données mises à jour le {}", local_date(at)),
        None => "Données pas encore importées".into(),
    }
}

#[component]
fn Home(route: RouteSignal) -> impl IntoView {
    let Console { session, notice } = expect_context();
    let state = RwSignal::new(Load::Loading);
    let query = RwSignal::new(String::new());
    let chosen = RwSignal::new(session::chosen_establishment());

    let load = move || {
        state.set(Load::Loading);
        spawn_local(async move {
            match fetch_establishments(session).await {
                Ok(list) => state.set(Load::Loaded(list)),
                Err(e) if e.status() == Some(401) => expire(session, notice),
                Err(e) => state.set(Load::Failed(e.message())),
            }
        });
    };
    load();

    let filtered = move || {
        state.with(|s| match s {
            Load::Loaded(list) => query.with(|q| {
                list.iter()
                    .filter(|e| text::establishment_matches(e, q))
                    .cloned()
                    .collect::<Vec<_>>()
            }),
            _ => Vec::new(),
        })
    };
    let status = move || {
        state.with(|s| match s {
            Load::Loading => "Chargement de vos établissements…".to_owned(),
            Load::Loaded(list) => query.with(|q| {
                let shown = list
                    .iter()
                    .filter(|e| text::establishment_matches(e, q))
                    .count();
                text::list_status(shown, list.len(), q)
            }),
            Load::Failed(_) => String::new(),
        })
    };
    let failure = move || state.with(Load::failure);
    let has_list = move || state.with(|s| matches!(s, Load::Loaded(list) if !list.is_empty()));

    view! {
        <section class="chooser" aria-labelledby="chooser-title">
            <h2 id="chooser-title">"Choisir un établissement"</h2>
            <Show when=has_list>
                <form class="search" role="search" on:submit=|ev: SubmitEvent| ev.prevent_default()>
                    <label for="establishment-search">"Rechercher par UAI ou par nom"</label>
                    <input
                        id="establishment-search"
                        type="search"
                        autocomplete="off"
                        spellcheck="false"
                        placeholder="Ex. 0450750W ou Rodin"
                        bind:value=query
                    />
                </form>
            </Show>
            <p class="status" role="status" aria-live="polite">{status}</p>
            <div class="alert" class:alert--shown=move || failure().is_some() role="alert">
                {move || {
                    failure()
                        .map(|message| {
                            view! {
                                <p>{message}</p>
                                <button type="button" class="button button--secondary" on:click=move |_| load()>
                                    "Réessayer"
                                </button>
                            }
                        })
                }}
            </div>
            <ul
                class="establishments"
                aria-busy=move || state.with(Load::is_loading).to_string()
            >
                <For
                    each=filtered
                    key=|e| e.uai.clone()
                    children=move |e| view! { <EstablishmentCard e chosen route /> }
                />
            </ul>
        </section>
    }
}

#[component]
fn EstablishmentCard(
    e: Establishment,
    chosen: RwSignal<Option<String>>,
    route: RouteSignal,
) -> impl IntoView {
    let uai = e.uai.clone();
    let is_chosen = {
        let uai = uai.clone();
        move || chosen.with(|c| c.as_deref() == Some(uai.as_str()))
    };
    let choose = {
        let uai = uai.clone();
        move |_| {
            session::choose_establishment(&uai);
            chosen.set(Some(uai.clone()));
            navigate(route, Route::tab_of(&uai, Tab::Home));
        }
    };
    let details = format!(
        "{} {} · Académie : {}",
        text::kind_label(&e.kind),
        text::sector_label(&e.sector),
        e.academy
    );
    let updated = updated_on(&e);
    let is_chosen_class = is_chosen.clone();

    view! {
        <li class="establishment" class:establishment--chosen=is_chosen_class>
            <div class="establishment__body">
                <h3 class="establishment__name">{e.name.clone()}</h3>
                <p class="establishment__meta">
                    <span class="uai">"UAI " <span class="uai__code">{uai}</span></span>
                    <span>{details}</span>
                </p>
                <p class="establishment__updated">{updated}</p>
            </div>
            <button
                type="button"
                class="button button--secondary"
                aria-pressed=move || is_chosen().to_string()
                on:click=choose
            >
                "Choisir"
                <span class="visually-hidden">" " {e.name}</span>
            </button>
        </li>
    }
}
