//! Bounded argon2 work. Every argon2id hash or verification takes 19 MiB and ~45 ms of one
//! core; 200 pupils logging in at once ran 200 of them together (4.7 GiB peak) although only
//! as many as there are cores make progress. A semaphore sized from the cores admits that
//! many; the others queue (fairly: tokio's semaphore is FIFO) for a short while, then get 503
//! with `Retry-After` instead of holding memory and sockets until the process dies.
//!
//! The work runs on the blocking pool, and the permit moves into the blocking closure: a
//! client that hangs up does not free a permit while its hash is still computing. Each permit
//! comes with its own argon2 working memory ([`Scratch`]), allocated once and reused: memory
//! allocated afresh per verification was kept by the allocator in fragmented heaps (1 GiB
//! after 200 logins with two at a time), reused memory stays at permits × 19 MiB.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use sesame_store::{PasswordHasher, Scratch};
use tokio::sync::Semaphore;

use crate::problem::ApiError;

/// How long a request waits for a permit before answering 503.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(2);

#[derive(Clone)]
pub struct HashGate {
    permits: Arc<Semaphore>,
    /// As many as permits: whoever holds a permit finds one here.
    scratches: Arc<Mutex<Vec<Scratch>>>,
    size: usize,
    wait: Duration,
}

impl std::fmt::Debug for HashGate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HashGate({} permits, wait {:?})", self.size, self.wait)
    }
}

impl Default for HashGate {
    fn default() -> Self {
        HashGate::from_cores()
    }
}

impl HashGate {
    /// As many permits as cores: more would only interleave the same work and hold more
    /// memory at once.
    pub fn from_cores() -> HashGate {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        HashGate::new(cores, DEFAULT_WAIT)
    }

    pub fn new(permits: usize, wait: Duration) -> HashGate {
        let size = permits.max(1);
        HashGate {
            permits: Arc::new(Semaphore::new(size)),
            scratches: Arc::new(Mutex::new((0..size).map(|_| Scratch::new()).collect())),
            size,
            wait,
        }
    }

    pub fn size(&self) -> usize {
        self.size
    }

    /// Runs `f` (argon2 work) on the blocking pool once a permit is free; 503 if none frees up
    /// within the wait.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Scratch) -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        self.run_waiting(self.wait, f).await
    }

    /// [`HashGate::run`] with another wait: staff batch work (ENT passwords, 50 hashes per
    /// permit) would rather queue behind a login storm than fail half-way.
    pub async fn run_waiting<T: Send + 'static>(
        &self,
        wait: Duration,
        f: impl FnOnce(&mut Scratch) -> T + Send + 'static,
    ) -> Result<T, ApiError> {
        let permit = match tokio::time::timeout(wait, self.permits.clone().acquire_owned()).await {
            Ok(Ok(permit)) => permit,
            // Timed out, or the semaphore was closed (never done): at capacity either way.
            _ => {
                return Err(ApiError::Unavailable {
                    retry_after_secs: self.wait.as_secs().max(1),
                })
            }
        };
        let scratches = self.scratches.clone();
        tokio::task::spawn_blocking(move || {
            let taken = scratches.lock().ok().and_then(|mut s| s.pop());
            // Never empty while we hold a permit; should it be, a fresh one still works.
            let mut scratch = taken.unwrap_or_default();
            let out = f(&mut scratch);
            if let Ok(mut s) = scratches.lock() {
                s.push(scratch);
            }
            drop(permit);
            out
        })
        .await
        .map_err(ApiError::internal)
    }

    /// Whether `password` matches the argon2id `phc` string.
    pub async fn verify(
        &self,
        hasher: &PasswordHasher,
        password: &str,
        phc: &str,
    ) -> Result<bool, ApiError> {
        let hasher = hasher.clone();
        let (password, phc) = (password.to_owned(), phc.to_owned());
        self.run(move |scratch| hasher.verify_with(&password, &phc, scratch))
            .await
    }

    /// The argon2id hash of `password`.
    pub async fn hash(&self, hasher: &PasswordHasher, password: &str) -> Result<String, ApiError> {
        let hasher = hasher.clone();
        let password = password.to_owned();
        Ok(self
            .run(move |scratch| hasher.hash_with(&password, scratch))
            .await??)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_excess_request_waits_then_gets_503() {
        let gate = HashGate::new(1, Duration::from_millis(100));
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let busy = {
            let gate = gate.clone();
            tokio::spawn(async move { gate.run(move |_| rx.recv().ok()).await })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        match gate.run(|_| ()).await {
            Err(ApiError::Unavailable { retry_after_secs }) => assert_eq!(retry_after_secs, 1),
            other => panic!("expected 503, got {other:?}"),
        }
        tx.send(()).unwrap();
        assert!(busy.await.unwrap().is_ok());
        // The permit is back.
        assert!(gate.run(|_| ()).await.is_ok());
    }

    #[tokio::test]
    async fn hashes_verify_through_the_gate() {
        let gate = HashGate::new(2, DEFAULT_WAIT);
        let hasher = PasswordHasher::insecure_fast();
        let phc = gate.hash(&hasher, "correct horse").await.unwrap();
        assert!(gate.verify(&hasher, "correct horse", &phc).await.unwrap());
        assert!(!gate.verify(&hasher, "wrong", &phc).await.unwrap());
    }
}
