//! Copying a generated message to the clipboard, or selecting it when the browser refuses.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};

/// Writes `text` to the clipboard; `done(true)` once written, `done(false)` when refused or
/// unavailable (insecure page, permission denied).
fn copy_text(text: &str, done: impl FnOnce(bool) + 'static) {
    let navigator = window().navigator();
    let available = js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard"))
        .map(|c| !c.is_undefined() && !c.is_null())
        .unwrap_or(false);
    if !available {
        done(false);
        return;
    }
    let promise = navigator.clipboard().write_text(text);
    let done = Rc::new(RefCell::new(Some(done)));
    let on_error = Rc::clone(&done);
    let resolved = Closure::once(move |_: JsValue| {
        if let Some(f) = done.borrow_mut().take() {
            f(true);
        }
    });
    let rejected = Closure::once(move |_: JsValue| {
        if let Some(f) = on_error.borrow_mut().take() {
            f(false);
        }
    });
    let _ = promise.then2(&resolved, &rejected);
    // Called once by the promise, then dropped with it.
    resolved.forget();
    rejected.forget();
}

/// Selects the text of the element `id`, so that the user can copy it with Ctrl+C.
fn select_text_of(id: &str) {
    let Some(el) = document().get_element_by_id(id) else {
        return;
    };
    let w: JsValue = window().into();
    let call = |target: &JsValue, name: &str, arg: Option<&JsValue>| -> Option<JsValue> {
        let f = js_sys::Reflect::get(target, &JsValue::from_str(name))
            .ok()?
            .dyn_into::<js_sys::Function>()
            .ok()?;
        match arg {
            Some(a) => f.call1(target, a).ok(),
            None => f.call0(target).ok(),
        }
    };
    if let Some(selection) = call(&w, "getSelection", None) {
        call(&selection, "selectAllChildren", Some(el.as_ref()));
    }
}

/// Copies the text of element `id` (its `textContent`), announcing the outcome in `status`.
pub(super) fn copy_element(id: String, done_message: String, status: RwSignal<String>) {
    let Some(text) = document()
        .get_element_by_id(&id)
        .and_then(|el| el.text_content())
    else {
        return;
    };
    // Emptied first, so that a second copy is announced again.
    status.set(String::new());
    copy_text(&text, move |copied| {
        if status.is_disposed() {
            return;
        }
        if copied {
            status.set(done_message);
        } else {
            select_text_of(&id);
            status.set(
                "Le navigateur a refusé la copie automatique : le texte est sélectionné, \
                 copiez-le avec Ctrl+C (ou Cmd+C)."
                    .into(),
            );
        }
    });
}
