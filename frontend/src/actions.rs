//! Browser plumbing for the account actions: waiting between job polls, fetching and saving a
//! generated document, keeping keyboard focus inside a modal dialog.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use leptos::prelude::{document, set_timeout, IsDisposed, RwSignal, Set};
use leptos::task::spawn_local;
use wasm_bindgen::{JsCast, JsValue};

use crate::api::{self, Document};
use crate::app::{expire, Notice, SessionSignal};
use crate::token::authed;

#[derive(Default)]
struct SleepState {
    done: bool,
    waker: Option<Waker>,
}

/// Resolves after `duration` (a `setTimeout`), without pulling in an executor crate.
pub struct Sleep(Rc<RefCell<SleepState>>);

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.0.borrow_mut();
        if state.done {
            Poll::Ready(())
        } else {
            state.waker = Some(cx.waker().clone());
            Poll::Pending
        }
    }
}

pub fn sleep(duration: Duration) -> Sleep {
    let state = Rc::new(RefCell::new(SleepState::default()));
    let timer = Rc::clone(&state);
    set_timeout(
        move || {
            let waker = {
                let mut s = timer.borrow_mut();
                s.done = true;
                s.waker.take()
            };
            if let Some(w) = waker {
                w.wake();
            }
        },
        duration,
    );
    Sleep(state)
}

/// Hands a fetched document to the browser's download manager: the API wants the Bearer
/// header, so a plain link cannot do; an object URL and a temporary `<a download>` can.
pub fn save(doc: &Document) -> Result<(), JsValue> {
    let bytes = js_sys::Uint8Array::from(doc.bytes.as_slice());
    let parts = js_sys::Array::of1(&bytes);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(&doc.content_type);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let doc_el = document();
    let link: web_sys::HtmlAnchorElement = doc_el.create_element("a")?.unchecked_into();
    link.set_href(&url);
    link.set_download(&doc.filename);
    link.set_hidden(true);
    let body = doc_el.body().ok_or_else(|| JsValue::from_str("no body"))?;
    body.append_child(&link)?;
    link.click();
    link.remove();
    // Revoked later: revoking at once can cancel the download before it starts.
    set_timeout(
        move || {
            let _ = web_sys::Url::revoke_object_url(&url);
        },
        Duration::from_secs(60),
    );
    Ok(())
}

/// Fetches a generated document (a letter, a list of credentials) and saves it; what went wrong
/// is said in `error`, in words for the user.
pub fn download(
    session: SessionSignal,
    notice: Notice,
    error: RwSignal<Option<String>>,
    id: String,
) {
    error.set(None);
    spawn_local(async move {
        let got = authed(session, |token| {
            let id = id.clone();
            async move { api::document(&id, &token).await }
        })
        .await;
        if error.is_disposed() {
            return;
        }
        match got {
            Ok(doc) => {
                if save(&doc).is_err() {
                    error.set(Some(
                        "Le téléchargement n’a pas pu démarrer. Réessayez.".into(),
                    ));
                }
            }
            Err(e) if e.status() == Some(401) => expire(session, notice),
            Err(e) if e.status() == Some(404) => error.set(Some(
                "Ce document n’est plus disponible : relancez l’opération pour l’obtenir à nouveau."
                    .into(),
            )),
            Err(e) => error.set(Some(e.message())),
        }
    });
}

const FOCUSABLE: &str = "button:not([disabled]), input:not([disabled]), select:not([disabled]), \
     textarea:not([disabled]), a[href], [tabindex]:not([tabindex=\"-1\"])";

/// Keeps Tab and Shift+Tab cycling inside `container` (a modal dialog).
pub fn trap_tab(ev: &web_sys::KeyboardEvent, container: &web_sys::Element) {
    let Ok(list) = container.query_selector_all(FOCUSABLE) else {
        return;
    };
    let items: Vec<web_sys::HtmlElement> = (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::HtmlElement>().ok())
        .collect();
    let (Some(first), Some(last)) = (items.first(), items.last()) else {
        ev.prevent_default();
        return;
    };
    let active = document().active_element();
    let is = |el: &web_sys::HtmlElement| {
        active
            .as_ref()
            .is_some_and(|a| a == el.unchecked_ref::<web_sys::Element>())
    };
    let on_container = active.as_ref().is_some_and(|a| a == container);
    if ev.shift_key() && (is(first) || on_container) {
        ev.prevent_default();
        let _ = last.focus();
    } else if !ev.shift_key() && is(last) {
        ev.prevent_default();
        let _ = first.focus();
    }
}
