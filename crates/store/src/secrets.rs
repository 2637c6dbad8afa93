//! Secrets at rest. Provisional passwords must be shown again in lists, so they are sealed with
//! an AEAD key from configuration (reversible only with that key); passwords people choose are
//! only ever stored as argon2id hashes.

use argon2::password_hash::{Output, ParamsString, PasswordHash, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

use crate::error::{Result, StoreError};

/// Length of the AEAD key, in bytes.
pub const KEY_LEN: usize = 32;

/// Seals and opens small secrets (XChaCha20-Poly1305: random 192-bit nonces are safe).
#[derive(Clone)]
pub struct SecretBox {
    cipher: XChaCha20Poly1305,
    key: [u8; KEY_LEN],
}

impl std::fmt::Debug for SecretBox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretBox(..)")
    }
}

impl SecretBox {
    pub fn new(key: &[u8; KEY_LEN]) -> SecretBox {
        SecretBox {
            cipher: XChaCha20Poly1305::new(key.into()),
            key: *key,
        }
    }

    /// Reads a key written as base64 (what the key file and `SESAME_SECRET_KEY` hold).
    pub fn from_base64(text: &str) -> Result<SecretBox> {
        let bytes = B64
            .decode(text.trim())
            .map_err(|_| StoreError::Secret("the key is not valid base64".into()))?;
        let key: [u8; KEY_LEN] = bytes
            .try_into()
            .map_err(|_| StoreError::Secret(format!("the key must be {KEY_LEN} bytes")))?;
        Ok(SecretBox::new(&key))
    }

    /// A key for another purpose (e.g. signing tokens) derived from this one, so a deployment
    /// configures one secret; distinct labels give independent keys.
    pub fn derive_key(&self, label: &str) -> [u8; 32] {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(b"sesame-derive-v1\0");
        h.update(label.as_bytes());
        h.update(b"\0");
        h.update(self.key);
        h.finalize().into()
    }

    /// A fresh random key, base64-encoded.
    pub fn generate_key_base64() -> String {
        B64.encode(XChaCha20Poly1305::generate_key(&mut OsRng))
    }

    /// `context` (e.g. the account id) is bound as associated data, so a sealed value copied
    /// onto another row does not open there.
    pub fn seal(&self, plaintext: &str, context: &str) -> Result<String> {
        Ok(B64.encode(self.seal_bytes(plaintext.as_bytes(), context)?))
    }

    pub fn open(&self, sealed: &str, context: &str) -> Result<String> {
        let raw = B64
            .decode(sealed)
            .map_err(|_| StoreError::Secret("sealed value is not base64".into()))?;
        let pt = self.open_bytes(&raw, context)?;
        String::from_utf8(pt).map_err(|_| StoreError::Secret("sealed value is not text".into()))
    }

    /// Binary form of [`SecretBox::seal`] for large values (documents): nonce then
    /// ciphertext, no base64.
    pub fn seal_bytes(&self, plaintext: &[u8], context: &str) -> Result<Vec<u8>> {
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let ct = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| StoreError::Secret("sealing failed".into()))?;
        let mut out = Vec::with_capacity(nonce.len() + ct.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ct);
        Ok(out)
    }

    pub fn open_bytes(&self, sealed: &[u8], context: &str) -> Result<Vec<u8>> {
        if sealed.len() < 24 {
            return Err(StoreError::Secret("sealed value is too short".into()));
        }
        let (nonce, ct) = sealed.split_at(24);
        self.cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ct,
                    aad: context.as_bytes(),
                },
            )
            .map_err(|_| StoreError::Secret("sealed value does not open with this key".into()))
    }
}

/// argon2id with explicit parameters (stored in each PHC string, so they can be raised later
/// without invalidating existing hashes).
#[derive(Clone)]
pub struct PasswordHasher {
    params: Params,
}

impl std::fmt::Debug for PasswordHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "PasswordHasher(argon2id m={} t={} p={})",
            self.params.m_cost(),
            self.params.t_cost(),
            self.params.p_cost()
        )
    }
}

impl Default for PasswordHasher {
    fn default() -> Self {
        PasswordHasher::owasp()
    }
}

impl PasswordHasher {
    /// OWASP's first recommended argon2id configuration: 19 MiB, 2 iterations, 1 lane.
    pub fn owasp() -> PasswordHasher {
        PasswordHasher {
            params: Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters"),
        }
    }

    /// Deliberately weak parameters for tests that hash many passwords; never for production.
    pub fn insecure_fast() -> PasswordHasher {
        PasswordHasher {
            params: Params::new(256, 1, 1, None).expect("valid argon2 parameters"),
        }
    }

    pub fn params(&self) -> (u32, u32, u32) {
        (
            self.params.m_cost(),
            self.params.t_cost(),
            self.params.p_cost(),
        )
    }

    fn argon2(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.params.clone())
    }

    pub fn hash(&self, password: &str) -> Result<String> {
        use argon2::password_hash::PasswordHasher as _;
        let salt = SaltString::generate(&mut OsRng);
        self.argon2()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|_| StoreError::Secret("hashing failed".into()))
    }

    /// Verifies with the parameters recorded in the hash itself.
    pub fn verify(&self, password: &str, phc: &str) -> bool {
        match PasswordHash::new(phc) {
            Ok(parsed) => Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok(),
            Err(_) => false,
        }
    }
}

/// Working memory for argon2 (one [`Block`] per KiB of `m_cost`: 19 MiB with the production
/// parameters), kept and reused from one hash to the next. Allocating it afresh for each
/// verification let the allocator keep freed 19 MiB blocks around in fragmented heaps: with
/// only two verifications at a time a login storm still reached 1 GiB. A fixed set of scratch
/// buffers, one per permitted concurrent hash, bounds that memory by construction.
#[derive(Default)]
pub struct Scratch(Vec<Block>);

/// Stored hashes carry their own parameters; refuse to allocate for absurd ones (256 MiB).
const MAX_SCRATCH_BLOCKS: usize = 256 * 1024;

impl Scratch {
    pub fn new() -> Scratch {
        Scratch(Vec::new())
    }

    /// Whether a hash already ran in this memory. The first one also allocates and touches
    /// its 19 MiB, and is several times slower than the next: not a measure of the work.
    pub fn is_warm(&self) -> bool {
        !self.0.is_empty()
    }

    fn blocks(&mut self, n: usize) -> Option<&mut [Block]> {
        if n > MAX_SCRATCH_BLOCKS {
            return None;
        }
        if self.0.len() < n {
            self.0.resize(n, Block::default());
        }
        Some(&mut self.0[..n])
    }
}

impl PasswordHasher {
    /// [`PasswordHasher::hash`] in `scratch`'s memory (same PHC string format).
    pub fn hash_with(&self, password: &str, scratch: &mut Scratch) -> Result<String> {
        let failed = || StoreError::Secret("hashing failed".into());
        let salt = SaltString::generate(&mut OsRng);
        let mut salt_buf = [0u8; 64];
        let salt_bytes = salt.decode_b64(&mut salt_buf).map_err(|_| failed())?;
        let argon2 = self.argon2();
        let len = self
            .params
            .output_len()
            .unwrap_or(Params::DEFAULT_OUTPUT_LEN);
        let memory = scratch
            .blocks(self.params.block_count())
            .ok_or_else(failed)?;
        let output = Output::init_with(len, |out| {
            argon2
                .hash_password_into_with_memory(password.as_bytes(), salt_bytes, out, &mut *memory)
                .map_err(|_| argon2::password_hash::Error::Crypto)
        })
        .map_err(|_| failed())?;
        Ok(PasswordHash {
            algorithm: Algorithm::Argon2id.ident(),
            version: Some(Version::V0x13.into()),
            params: ParamsString::try_from(&self.params).map_err(|_| failed())?,
            salt: Some(salt.as_salt()),
            hash: Some(output),
        }
        .to_string())
    }

    /// [`PasswordHasher::verify`] in `scratch`'s memory, with the parameters recorded in the
    /// hash itself.
    pub fn verify_with(&self, password: &str, phc: &str, scratch: &mut Scratch) -> bool {
        let Ok(parsed) = PasswordHash::new(phc) else {
            return false;
        };
        let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
            return false;
        };
        let Ok(algorithm) = Algorithm::try_from(parsed.algorithm) else {
            return false;
        };
        let version = match parsed.version.map(Version::try_from).transpose() {
            Ok(v) => v.unwrap_or_default(),
            Err(_) => return false,
        };
        let Ok(params) = Params::try_from(&parsed) else {
            return false;
        };
        let mut salt_buf = [0u8; 64];
        let Ok(salt) = salt.decode_b64(&mut salt_buf) else {
            return false;
        };
        let Some(memory) = scratch.blocks(params.block_count()) else {
            return false;
        };
        let argon2 = Argon2::new(algorithm, version, params);
        let computed = Output::init_with(expected.len(), |out| {
            argon2
                .hash_password_into_with_memory(password.as_bytes(), salt, out, &mut *memory)
                .map_err(|_| argon2::password_hash::Error::Crypto)
        });
        // `Output`'s equality is constant-time.
        matches!(computed, Ok(c) if c == expected)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_the_same_key_and_context() {
        let key = SecretBox::generate_key_base64();
        let sb = SecretBox::from_base64(&key).unwrap();
        let sealed = sb.seal("PT4HUMM2", "acc-1").unwrap();
        assert!(!sealed.contains("PT4HUMM2"));
        assert_eq!(sb.open(&sealed, "acc-1").unwrap(), "PT4HUMM2");
        assert!(sb.open(&sealed, "acc-2").is_err());
        let other = SecretBox::from_base64(&SecretBox::generate_key_base64()).unwrap();
        assert!(other.open(&sealed, "acc-1").is_err());
    }

    #[test]
    fn sealed_bytes_open_only_with_the_same_context() {
        let sb = SecretBox::from_base64(&SecretBox::generate_key_base64()).unwrap();
        let doc = b"nom;mot de passe\nDUPONT;PT4HUMM2\n".to_vec();
        let sealed = sb.seal_bytes(&doc, "doc-1").unwrap();
        assert!(!sealed.windows(8).any(|w| w == b"PT4HUMM2"));
        assert_eq!(sb.open_bytes(&sealed, "doc-1").unwrap(), doc);
        assert!(sb.open_bytes(&sealed, "doc-2").is_err());
        assert!(sb.open_bytes(&sealed[..10], "doc-1").is_err());
    }

    #[test]
    fn two_seals_of_the_same_secret_differ() {
        let sb = SecretBox::from_base64(&SecretBox::generate_key_base64()).unwrap();
        assert_ne!(sb.seal("X", "c").unwrap(), sb.seal("X", "c").unwrap());
    }

    #[test]
    fn keys_of_the_wrong_size_are_refused() {
        assert!(SecretBox::from_base64("c2hvcnQ=").is_err());
        assert!(SecretBox::from_base64("not base64!").is_err());
    }

    #[test]
    fn argon2id_hashes_verify_and_reject() {
        let h = PasswordHasher::insecure_fast();
        let phc = h.hash("correct horse").unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(h.verify("correct horse", &phc));
        assert!(!h.verify("wrong horse", &phc));
        assert!(!h.verify("x", "not a hash"));
    }

    #[test]
    fn hashes_made_in_scratch_memory_are_ordinary_argon2id_ones() {
        let h = PasswordHasher::insecure_fast();
        let mut scratch = Scratch::new();
        let phc = h.hash_with("correct horse", &mut scratch).unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=256,t=1,p=1$"), "{phc}");
        // Read by the ordinary verifier, and the other way round.
        assert!(h.verify("correct horse", &phc));
        assert!(!h.verify("wrong horse", &phc));
        let ordinary = h.hash("correct horse").unwrap();
        assert!(h.verify_with("correct horse", &ordinary, &mut scratch));
        assert!(!h.verify_with("wrong horse", &ordinary, &mut scratch));
        assert!(h.verify_with("correct horse", &phc, &mut scratch));
        assert!(!h.verify_with("x", "not a hash", &mut scratch));
        // Stronger stored parameters than the current ones still verify (the scratch grows).
        let strong = PasswordHasher {
            params: Params::new(1024, 1, 1, None).unwrap(),
        };
        let strong_phc = strong.hash("correct horse").unwrap();
        assert!(h.verify_with("correct horse", &strong_phc, &mut scratch));
        assert_eq!(scratch.0.len(), 1024);
    }

    #[test]
    fn production_parameters_are_owasp_ones() {
        assert_eq!(PasswordHasher::owasp().params(), (19 * 1024, 2, 1));
    }
}
