//! Bounded argon2 work. Every argon2id hash or verification takes 19 MiB and ~15 ms of one
//! core; 200 pupils logging in at once ran 200 of them together (4.7 GiB peak) although only
//! as many as there are cores make progress. A semaphore sized from the cores admits that
//! many; the others queue (fairly: tokio's semaphore is FIFO). A queued request holds a few
//! KiB, not argon2 memory, so the queue may be long — what bounds it is time: from the queue
//! ahead and the measured cost of one verification, a request whose turn would come later
//! than the wait is answered 503 with that estimate as `Retry-After` at once, instead of
//! waiting in vain. The cores then never idle during a storm (a request that times out after
//! waiting, and the client's pause before retrying, are both lost verification time), and
//! the pupils who are admitted are served in order.
//!
//! The work runs on the blocking pool, and the permit moves into the blocking closure: a
//! client that hangs up does not free a permit while its hash is still computing. Each permit
//! comes with its own argon2 working memory ([`Scratch`]), allocated once and reused: memory
//! allocated afresh per verification was kept by the allocator in fragmented heaps (1 GiB
//! after 200 logins with two at a time), reused memory stays at permits × 19 MiB.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sesame_store::{PasswordHasher, Scratch};
use tokio::sync::Semaphore;

use crate::problem::ApiError;

/// The longest a request queues for a permit: 10 s of a storm's verifications (about 1,300 on
/// two cores) are served in order; beyond that, 503 at once.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(10);

/// When to come back after a refusal: once the queue ahead has shrunk to the wait (whole
/// seconds, at least one). Not the whole expected wait: by then the queue would have drained,
/// and the cores would idle until the refused came back.
fn retry_after(expected: Duration, wait: Duration) -> u64 {
    (expected.saturating_sub(wait).as_secs_f64().ceil() as u64).max(1)
}

#[derive(Clone)]
pub struct HashGate {
    permits: Arc<Semaphore>,
    /// As many as permits: whoever holds a permit finds one here.
    scratches: Arc<Mutex<Vec<Scratch>>>,
    size: usize,
    wait: Duration,
    /// Requests queued or running now.
    inside: Arc<AtomicUsize>,
    /// Moving average of one run's time, in microseconds (0 until the first one).
    average_micros: Arc<AtomicU64>,
}

/// One place in the queue, given back when dropped: when the request is served, or when it
/// is cancelled while waiting (its client went away).
struct Place(Arc<AtomicUsize>);

impl Drop for Place {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
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
            inside: Arc::new(AtomicUsize::new(0)),
            average_micros: Arc::new(AtomicU64::new(0)),
        }
    }

    /// How long a request arriving now would wait for its turn, `ahead` being queued or
    /// running before it.
    fn expected_wait(&self, ahead: usize) -> Duration {
        let rounds = ahead.saturating_sub(self.size - 1).div_ceil(self.size) as u64;
        Duration::from_micros(rounds * self.average_micros.load(Ordering::Relaxed))
    }

    fn record(&self, took: Duration) {
        let took = took.as_micros().min(u64::MAX as u128) as u64;
        // An eighth of the new measure: follows the machine's load within a few runs without
        // jumping at one slow one. Races between updates only lose a sample.
        let old = self.average_micros.load(Ordering::Relaxed);
        let new = if old == 0 {
            took
        } else {
            old - old / 8 + took / 8
        };
        self.average_micros.store(new, Ordering::Relaxed);
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
        let ahead = self.inside.fetch_add(1, Ordering::AcqRel);
        let place = Place(self.inside.clone());
        let expected = self.expected_wait(ahead);
        if expected > wait {
            return Err(ApiError::Unavailable {
                retry_after_secs: retry_after(expected, wait),
            });
        }
        // The estimate can be wrong (a slower machine, a first run): the wait still bounds it.
        let permit = match tokio::time::timeout(wait, self.permits.clone().acquire_owned()).await {
            Ok(Ok(permit)) => permit,
            // Timed out, or the semaphore was closed (never done): at capacity either way.
            _ => {
                return Err(ApiError::Unavailable {
                    retry_after_secs: wait.as_secs().max(1),
                })
            }
        };
        let scratches = self.scratches.clone();
        let gate = self.clone();
        tokio::task::spawn_blocking(move || {
            let taken = scratches.lock().ok().and_then(|mut s| s.pop());
            // Never empty while we hold a permit; should it be, a fresh one still works.
            let mut scratch = taken.unwrap_or_default();
            let warm = scratch.is_warm();
            let started = Instant::now();
            let out = f(&mut scratch);
            // A cold buffer's first run (allocation and page faults) would make the estimate
            // several times too long and turn a storm's first arrivals away.
            if warm {
                gate.record(started.elapsed());
            }
            if let Ok(mut s) = scratches.lock() {
                s.push(scratch);
            }
            drop(permit);
            drop(place);
            out
        })
        .await
        .map_err(ApiError::internal)
    }

    /// Hashes in every working buffer twice before the first request needs them: the first
    /// run allocates and touches the memory (a storm's first arrivals no longer pay for it),
    /// the second teaches the gate what a run costs while every permit is busy. Learnt instead
    /// from a storm's own first run — timed while a thousand connections were being accepted
    /// beside it, twice as long as the runs after — the estimate turned a fifth of a
    /// 1,000-pupil storm away with 503 although their turn would have come within the wait.
    pub async fn warm_up(&self, hasher: &PasswordHasher) -> Result<(), ApiError> {
        // Every permit, so that no request runs meanwhile and every buffer is free to take.
        let permits = self
            .permits
            .clone()
            .acquire_many_owned(self.size as u32)
            .await
            .map_err(ApiError::internal)?;
        let (gate, hasher) = (self.clone(), hasher.clone());
        tokio::task::spawn_blocking(move || {
            let mut scratches =
                std::mem::take(&mut *gate.scratches.lock().map_err(|_| {
                    ApiError::internal(anyhow::anyhow!("hashing buffers poisoned"))
                })?);
            // One thread per buffer, all at once: the cost learnt is that of a run while the
            // other permits run too, as in a storm.
            let warmed = std::thread::scope(|s| {
                let runs: Vec<_> = scratches
                    .iter_mut()
                    .map(|scratch| {
                        let (gate, hasher) = (&gate, &hasher);
                        s.spawn(move || {
                            hasher.hash_with("warm-up", scratch)?;
                            let started = Instant::now();
                            hasher.hash_with("warm-up", scratch)?;
                            gate.record(started.elapsed());
                            Ok::<(), sesame_store::StoreError>(())
                        })
                    })
                    .collect();
                // A run that panicked is a failed warm-up, not a silent success.
                runs.into_iter()
                    .map(|run| {
                        run.join().unwrap_or_else(|_| {
                            Err(sesame_store::StoreError::internal("warm-up hash panicked"))
                        })
                    })
                    .collect::<Result<Vec<()>, _>>()
            });
            if let Ok(mut kept) = gate.scratches.lock() {
                kept.append(&mut scratches);
            }
            drop(permits);
            warmed.map(|_| ()).map_err(ApiError::internal)
        })
        .await
        .map_err(ApiError::internal)?
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

    #[test]
    fn the_refused_come_back_when_the_queue_has_room_again() {
        let s = Duration::from_secs;
        assert_eq!(retry_after(Duration::from_millis(12_400), s(10)), 3);
        assert_eq!(retry_after(Duration::from_millis(10_001), s(10)), 1);
        assert_eq!(retry_after(s(40), s(10)), 30);
    }

    #[tokio::test]
    async fn a_request_whose_turn_would_come_too_late_is_refused_at_once() {
        let gate = HashGate::new(1, Duration::from_millis(300));
        // A first run in a cold buffer is not a measure (nothing learnt: no refusal yet)…
        gate.run(|s| {
            PasswordHasher::insecure_fast().hash_with("x", s).unwrap();
            std::thread::sleep(Duration::from_millis(900));
        })
        .await
        .unwrap();
        assert_eq!(gate.expected_wait(5), Duration::ZERO);
        // …a warm one teaches the gate what a run costs (200 ms).
        gate.run(|_| std::thread::sleep(Duration::from_millis(200)))
            .await
            .unwrap();
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let busy = {
            let gate = gate.clone();
            tokio::spawn(async move { gate.run(move |_| rx.recv().ok()).await })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        // One queued behind the running one: its turn comes in about 200 ms, within the wait.
        let second = {
            let gate = gate.clone();
            tokio::spawn(async move { gate.run(|_| ()).await })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        // A third would wait about 400 ms: refused without waiting, told when to come back.
        let asked = Instant::now();
        match gate.run(|_| ()).await {
            Err(ApiError::Unavailable { retry_after_secs }) => assert_eq!(retry_after_secs, 1),
            other => panic!("expected 503, got {other:?}"),
        }
        assert!(
            asked.elapsed() < Duration::from_millis(100),
            "{:?}",
            asked.elapsed()
        );
        tx.send(()).unwrap();
        assert!(busy.await.unwrap().is_ok());
        assert!(second.await.unwrap().is_ok());
        // Everyone left the queue, the refused one included.
        assert_eq!(gate.inside.load(Ordering::Acquire), 0);
    }

    #[tokio::test]
    async fn a_warmed_up_gate_knows_the_cost_of_a_run_and_has_every_buffer_ready() {
        let gate = HashGate::new(3, DEFAULT_WAIT);
        assert_eq!(gate.expected_wait(10), Duration::ZERO);
        gate.warm_up(&PasswordHasher::insecure_fast())
            .await
            .unwrap();
        assert!(gate.average_micros.load(Ordering::Relaxed) > 0);
        let scratches = gate.scratches.lock().unwrap();
        assert_eq!(scratches.len(), 3);
        assert!(scratches.iter().all(Scratch::is_warm));
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
