//! The staff sign-in page: identifier, password, and the TOTP code when the account or the
//! admin module asks for it.

use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use sesame_api::auth::LoginRequest;

use crate::api;
use crate::app::Console;
use crate::session::{self, Session};

#[component]
pub fn Login() -> impl IntoView {
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
