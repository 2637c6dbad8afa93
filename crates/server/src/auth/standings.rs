//! Standings read by this replica, kept to spare the hot path (the console's search) the
//! round trip of reading them again. A kept standing never allows anything on its own: the
//! search statement itself asks the database whether the user's `access_version` is still
//! the one read (`Tenant::search_accounts_confirmed`), and the database raises that version
//! whenever a role, a delegation, the user, one of their sessions or an establishment where
//! they hold a grant changes (triggers of the `m20261207_000010` migration). A revocation
//! thus takes effect at the very next request on every replica, as if nothing were kept.
//!
//! Nothing here is needed by another replica: losing it costs one read.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use sesame_store::repo::access::LiveAccess;

/// At most this many standings are kept; past it the map starts again from empty (a working
/// day's staff of a large deployment fits; a flood of sessions only costs reads).
const CAPACITY: usize = 20_000;

#[derive(Default)]
pub struct Standings {
    /// By session id (sessions are unique across users; the user is checked on the way out).
    kept: Mutex<HashMap<String, Arc<LiveAccess>>>,
}

impl Standings {
    /// The standing kept for session `sid` of staff user `staff_id`.
    pub fn get(&self, staff_id: &str, sid: &str) -> Option<Arc<LiveAccess>> {
        let kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        kept.get(sid).filter(|k| k.staff.id == staff_id).cloned()
    }

    /// Keeps a standing just read.
    pub fn keep(&self, live: &LiveAccess) {
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        if kept.len() >= CAPACITY {
            kept.clear();
        }
        kept.insert(live.session.id.clone(), Arc::new(live.clone()));
    }

    /// Forgets a session's standing (it was found changed).
    pub fn forget(&self, sid: &str) {
        let mut kept = self.kept.lock().unwrap_or_else(|e| e.into_inner());
        kept.remove(sid);
    }
}
