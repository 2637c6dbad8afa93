//! `/compte`, the account holders' own page (domain.md « Account holders' own page »): a pupil
//! or a guardian opens it from their letter's QR code, signs in with the provisional password,
//! chooses their password (which activates the account), and a guardian can report a wrong
//! link to a pupil. Mounted instead of the console (`lib.rs`): no staff session is read or
//! needed here, and nothing from this page is stored in the browser.

mod account;
mod calls;
mod email;
pub mod link;
mod link_password;
mod password;
mod requests;
pub mod rules;
mod signin;

use leptos::html;
use leptos::prelude::*;
use sesame_api::holders::HolderProfile;

use account::AccountView;
use link::Purpose;
use link_password::{ConfirmEmail, LinkPassword};
use password::ChoosePassword;
use requests::{RecoveryForm, RegisterForm, Requested};
use signin::SignIn;

/// The page's path.
pub const PATH: &str = "/compte";

/// Whether the browser is on the holders' page (the console is not mounted then).
pub fn is_holder_page(pathname: &str) -> bool {
    pathname.trim_end_matches('/') == PATH
}

/// Where the holder is in the page.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    SignIn {
        /// A sentence to show above the form (signed out, password reset meanwhile…).
        notice: Option<String>,
        /// The identifier to pre-fill instead of the letter's (after a recovery).
        login: Option<String>,
    },
    /// Signed in with a provisional (or reset) password: a password must be chosen first.
    ChoosePassword {
        token: String,
        identifier: String,
        /// The provisional password just typed: the server wants it again with the new one.
        current: String,
    },
    /// Signed in: the account as the holder sees it.
    Account {
        token: String,
        profile: HolderProfile,
        notice: Option<String>,
    },
    /// « Mot de passe oublié » (`identifier == false`) or « Identifiant oublié ».
    Recovery { identifier: bool },
    /// A guardian's self-registration request.
    Register,
    /// A request was answered: the server's sentence.
    Requested { message: String },
    /// An e-mailed link being followed.
    Link { purpose: Purpose, token: String },
}

impl Step {
    fn title(&self) -> &'static str {
        match self {
            Step::SignIn { .. } => "Accéder à mon compte",
            Step::ChoosePassword { .. } => "Choisir mon mot de passe",
            Step::Account { .. } => "Mon compte",
            Step::Recovery { identifier: false } => "Mot de passe oublié",
            Step::Recovery { identifier: true } => "Identifiant oublié",
            Step::Register => "Créer mon compte de responsable",
            Step::Requested { .. } => "Demande envoyée",
            Step::Link {
                purpose: Purpose::ConfirmEmail,
                ..
            } => "Confirmation de mon adresse électronique",
            Step::Link {
                purpose: Purpose::ResetPassword,
                ..
            } => "Choisir un nouveau mot de passe",
            Step::Link {
                purpose: Purpose::Register,
                ..
            } => "Créer mon compte de responsable",
        }
    }

    /// Which form is shown: the view is rebuilt (and the focus moved) only when it changes.
    fn screen(&self) -> u8 {
        match self {
            Step::SignIn { .. } => 0,
            Step::ChoosePassword { .. } => 1,
            Step::Account { .. } => 2,
            Step::Recovery { identifier: false } => 3,
            Step::Recovery { identifier: true } => 4,
            Step::Register => 5,
            Step::Requested { .. } => 6,
            Step::Link {
                purpose: Purpose::ConfirmEmail,
                ..
            } => 7,
            Step::Link { .. } => 8,
        }
    }
}

pub type StepSignal = RwSignal<Step>;

#[component]
pub fn HolderPage() -> impl IntoView {
    let location = window().location();
    let arrival = link::arrival(
        &location.search().unwrap_or_default(),
        &location.hash().unwrap_or_default(),
    );
    let first = match arrival.link.clone() {
        Some((purpose, token)) => {
            forget_token(purpose);
            Step::Link { purpose, token }
        }
        None => Step::SignIn {
            notice: None,
            login: None,
        },
    };
    let step: StepSignal = RwSignal::new(first);
    let screen = Memo::new(move |_| step.with(Step::screen));
    let heading = NodeRef::<html::H2>::new();

    // Each new step is announced by moving the focus to its heading (not on first load: the
    // identifier field has it then).
    Effect::new(move |previous: Option<u8>| {
        let now = screen.get();
        document().set_title(&format!("{} — Sésame", step.with_untracked(Step::title)));
        if previous.is_some_and(|p| p != now) {
            if let Some(h) = heading.get_untracked() {
                let _ = h.focus();
            }
        }
        now
    });

    let login = arrival.login.clone();
    view! {
        <a class="skip-link" href="#contenu">"Aller au contenu principal"</a>
        <header class="site-header">
            <div class="site-header__inner">
                <div class="brand">
                    <p class="brand__name">"Sésame"</p>
                    <p class="brand__subtitle">"Mon compte ÉduConnect — élèves et responsables"</p>
                </div>
            </div>
        </header>
        <main id="contenu" class="content" tabindex="-1">
            <section class="card holder" aria-labelledby="holder-title">
                <h1 class="holder__page-title">"Mon compte élève ou responsable"</h1>
                <h2 id="holder-title" class="holder__title" tabindex="-1" node_ref=heading>
                    {move || step.with(Step::title)}
                </h2>
                {move || {
                    let login = login.clone();
                    match screen.get() {
                        0 => view! { <SignIn step login /> }.into_any(),
                        1 => view! { <ChoosePassword step /> }.into_any(),
                        2 => view! { <AccountView step /> }.into_any(),
                        3 => view! { <RecoveryForm step identifier=false /> }.into_any(),
                        4 => view! { <RecoveryForm step identifier=true /> }.into_any(),
                        5 => view! { <RegisterForm step /> }.into_any(),
                        6 => view! { <Requested step /> }.into_any(),
                        7 => view! { <ConfirmEmail step /> }.into_any(),
                        _ => view! { <LinkPassword step /> }.into_any(),
                    }
                }}
            </section>
        </main>
        <footer class="site-footer">
            <p>"Sésame — comptes ÉduConnect des élèves et de leurs responsables"</p>
        </footer>
    }
}

/// Takes the token out of the address bar (and so out of the history and of any screenshot
/// or shared address): the page holds it in memory until it is posted.
fn forget_token(purpose: Purpose) {
    if let Ok(history) = window().history() {
        let url = format!("{PATH}?etape={}", purpose.slug());
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}
