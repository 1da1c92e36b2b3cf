//! Why a passkey answer was refused. Each variant is one meaning a flow can
//! act on; the messages are written for the person at the browser and for
//! the admin reading the audit log, and never echo secrets.

/// A passkey registration or sign-in that did not pass.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasskeyError {
    /// A binary field of the browser's answer is not base64url.
    #[error("the browser's answer was damaged ({field} is not base64url); try again")]
    Encoding {
        /// The JSON field name, as the browser sent it.
        field: &'static str,
    },
    /// `clientDataJSON` is not the JSON object WebAuthn defines.
    #[error("the browser's answer could not be read (clientDataJSON is not valid); try again")]
    ClientDataUnreadable,
    /// The browser answered the other ceremony (a sign-in where a
    /// registration was expected, or the reverse).
    #[error("the browser answered a different kind of passkey request (expected {expected}, got {found}); start again")]
    WrongCeremony {
        /// The `type` this step expects.
        expected: &'static str,
        /// The `type` the browser sent.
        found: String,
    },
    /// The signed challenge is not the one this server issued for this
    /// step: the request was answered twice, is stale, or was made up.
    #[error("this passkey request was already used or has expired; start again")]
    ChallengeMismatch,
    /// The page that ran the ceremony is not this site.
    #[error("the passkey request came from another web address ({origin}); open this site's own address and try again")]
    WrongOrigin {
        /// The origin the browser reported.
        origin: String,
    },
    /// The ceremony ran inside another site's frame.
    #[error("the passkey request came from inside another site's page; open this site directly")]
    CrossOrigin,
    /// The authenticator signed for another relying-party id.
    #[error("the passkey answered for a different site")]
    WrongSite,
    /// The user-present flag is clear: nobody touched or approved.
    #[error("the passkey did not confirm that someone was there (touch or approve it on the device)")]
    UserNotPresent,
    /// Verification (PIN, biometric) was required and not done.
    #[error("this site requires the passkey to check it is you (PIN, fingerprint or face), and it did not")]
    UserNotVerified,
    /// `authenticatorData` is truncated, too long or self-contradictory.
    #[error("the passkey's answer was incomplete or damaged (authenticator data); try again")]
    AuthenticatorDataMalformed,
    /// A registration answer without a new credential in it.
    #[error("the passkey did not create a credential; try again")]
    NoCredential,
    /// At registration, the credential id in `authenticatorData` differs
    /// from `rawId`.
    #[error("the passkey's answer names two different credentials; try again")]
    CredentialIdMismatch,
    /// At sign-in, the credential is not the registered passkey given.
    #[error("this passkey is not the one registered for this account")]
    UnknownCredential,
    /// The user handle the authenticator returned belongs to someone else.
    #[error("this passkey belongs to a different account")]
    UserHandleMismatch,
    /// A COSE algorithm other than ES256 (-7), EdDSA (-8), RS256 (-257).
    #[error("the passkey uses a signature algorithm this site does not accept (COSE {algorithm}); use another passkey")]
    UnsupportedAlgorithm {
        /// The COSE algorithm number.
        algorithm: i64,
    },
    /// The public key is not a well-formed key for its algorithm.
    #[error("the passkey's public key could not be read; try another passkey")]
    PublicKeyMalformed,
    /// An RSA key outside 2048–8192 bits.
    #[error("the passkey's RSA key has {bits} bits; this site accepts 2048 to 8192")]
    RsaKeySize {
        /// The modulus length in bits.
        bits: usize,
    },
    /// The signature does not verify under the registered key.
    #[error("the passkey's signature did not check out; try again")]
    BadSignature,
    /// The signature counter did not increase: a sign of a copied
    /// authenticator or a replayed answer.
    #[error(
        "the passkey's use counter went backwards ({received} after {stored}); it may have been copied — ask the helpdesk"
    )]
    CounterRegression {
        /// The counter stored after the last sign-in.
        stored: u32,
        /// The counter in this answer.
        received: u32,
    },
}
