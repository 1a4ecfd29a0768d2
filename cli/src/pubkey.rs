//! Public keys (ES256, EdDSA): `jwt-auth key generate | inspect`, `jwt-auth jwks`, and the key
//! files `token issue --private-key`, `token verify --public-key | --jwks` read.

use std::fs::OpenOptions;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use clap::{Args, Subcommand, ValueEnum};
use jwt_auth::jwks::{Algorithm, Jwks, KeyError, KeySet, PublicKey, SigningKey};
use serde_json::{Value, json};

use crate::CommandResult;
use crate::output::{Outcome, UsageError};

/// The longest key or JWKS file read, in bytes.
const MAX_FILE_LEN: u64 = 64 * 1024;

#[derive(Debug, Subcommand)]
pub(crate) enum KeyCommand {
    /// Make a key pair: the private key as PKCS#8 PEM (file mode 0600), what
    /// JWT_PRIVATE_KEY_FILE takes, and its public key as SPKI PEM, what verifiers and
    /// `jwt-auth jwks` take. Never overwrites a file.
    Generate(GenerateArgs),
    /// Show a key file's algorithm, kid (its RFC 7638 thumbprint, what tokens signed with it
    /// carry) and public JWK. Takes a private (PKCS#8) or public (SPKI) PEM; prints nothing
    /// private.
    Inspect(InspectArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum Alg {
    /// ECDSA on P-256 with SHA-256: verified by PyJWT, Node jsonwebtoken and jose.
    #[value(name = "ES256")]
    Es256,
    /// Ed25519: verified by PyJWT and jose (not Node jsonwebtoken 9).
    #[value(name = "EdDSA")]
    EdDsa,
}

#[derive(Debug, Args)]
pub(crate) struct GenerateArgs {
    /// The algorithm the key signs with.
    #[arg(long, value_enum)]
    alg: Alg,
    /// Where to write the private key (created with mode 0600; never overwritten).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    /// Where to write the public key (default: the private key's path with `.pub.pem` in place
    /// of `.pem`, or `.pub.pem` appended).
    #[arg(long, value_name = "FILE")]
    public_out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct InspectArgs {
    /// A PEM key file: `PRIVATE KEY` (PKCS#8) or `PUBLIC KEY` (SPKI).
    #[arg(value_name = "FILE")]
    file: PathBuf,
}

#[derive(Debug, Args)]
pub(crate) struct JwksArgs {
    /// Public key files (SPKI PEM, `-----BEGIN PUBLIC KEY-----`): the signing key's and the
    /// retiring ones, in that order.
    #[arg(value_name = "PUBLIC_KEY_FILE", required = true)]
    files: Vec<PathBuf>,
}

pub(crate) fn run_key(command: KeyCommand) -> CommandResult {
    match command {
        KeyCommand::Generate(args) => generate(&args),
        KeyCommand::Inspect(args) => inspect(&args.file),
    }
}

/// `jwt-auth jwks FILE…`: the JWKS document a service publishes for these public keys.
pub(crate) fn run_jwks(args: &JwksArgs) -> CommandResult {
    let mut keys = Vec::new();
    for file in &args.files {
        keys.push(public_key(file)?);
    }
    if keys.len() > KeySet::MAX_PUBLIC_KEYS {
        return Err(UsageError::new(format!(
            "{} keys given: a key set holds at most {} (drop the retired ones)",
            keys.len(),
            KeySet::MAX_PUBLIC_KEYS
        )));
    }
    let jwks = serde_json::to_value(Jwks::from_keys(&keys)).unwrap_or(Value::Null);
    // The document itself is the output, in text mode too: it is meant to be served as is.
    Ok(Outcome::success(format!("{jwks}\n"), jwks))
}

fn generate(args: &GenerateArgs) -> CommandResult {
    let public_out = args
        .public_out
        .clone()
        .unwrap_or_else(|| public_path(&args.out));
    if public_out == args.out {
        return Err(UsageError::new(
            "--public-out is the private key's path: give them different files",
        ));
    }
    for path in [&args.out, &public_out] {
        if path.exists() {
            return Err(UsageError::new(format!(
                "{} exists: refusing to overwrite a key file; remove it first or choose another \
                 path",
                path.display()
            )));
        }
    }
    let key = match args.alg {
        Alg::Es256 => new_p256()?,
        Alg::EdDsa => new_ed25519()?,
    };
    let (signing, der) = key;
    write_new(&args.out, &pem("PRIVATE KEY", &der), true)?;
    let public = signing.public_key();
    if let Err(error) = write_new(&public_out, &spki_pem(public), false) {
        // Half a key pair is worse than none: the caller asked for both.
        let _ = std::fs::remove_file(&args.out);
        return Err(error);
    }
    let text = format!(
        "{} key pair written:\n  private key  {} (mode 0600: JWT_PRIVATE_KEY_FILE)\n  \
         public key   {}\n  kid          {}\n",
        signing.algorithm(),
        args.out.display(),
        public_out.display(),
        signing.kid()
    );
    Ok(Outcome::success(
        text,
        json!({
            "alg": signing.algorithm().as_str(),
            "kid": signing.kid(),
            "private_key_file": args.out.display().to_string(),
            "public_key_file": public_out.display().to_string(),
            "jwk": public.to_jwk(),
        }),
    ))
}

fn inspect(file: &Path) -> CommandResult {
    let text = read_text(file)?;
    let (kind, public) = if text.contains("PRIVATE KEY-----") {
        let key = SigningKey::from_pkcs8_pem(&text).map_err(|e| key_error(file, &e))?;
        ("private", key.public_key().clone())
    } else {
        let key = PublicKey::from_spki_pem(&text).map_err(|e| key_error(file, &e))?;
        ("public", key)
    };
    let jwk = serde_json::to_value(public.to_jwk()).unwrap_or(Value::Null);
    Ok(Outcome::success(
        format!(
            "{}: {kind} {} key\n  kid  {} (RFC 7638 thumbprint: the kid of the tokens it signs)\n  \
             jwk  {jwk}\n",
            file.display(),
            public.algorithm(),
            public.kid(),
        ),
        json!({
            "file": file.display().to_string(),
            "kind": kind,
            "alg": public.algorithm().as_str(),
            "kid": public.kid(),
            "thumbprint": public.thumbprint(),
            "jwk": jwk,
        }),
    ))
}

/// The private key in `file`.
pub(crate) fn signing_key(file: &Path) -> Result<SigningKey, UsageError> {
    SigningKey::from_pkcs8_pem(&read_text(file)?).map_err(|e| key_error(file, &e))
}

/// The public key in `file`.
pub(crate) fn public_key(file: &Path) -> Result<PublicKey, UsageError> {
    PublicKey::from_spki_pem(&read_text(file)?).map_err(|e| key_error(file, &e))
}

/// The keys `token verify` holds for `--public-key` and `--jwks`, and a line naming each.
pub(crate) fn verifying_keys(
    public_keys: &[PathBuf],
    jwks: Option<&Path>,
) -> Result<(KeySet, Vec<String>), UsageError> {
    let mut found: Vec<(PublicKey, String)> = Vec::new();
    let mut names = Vec::new();
    for file in public_keys {
        found.push((public_key(file)?, file.display().to_string()));
    }
    if let Some(file) = jwks {
        let document = Jwks::parse(&read_text(file)?)
            .map_err(|e| UsageError::new(format!("{}: {e}", file.display())))?;
        for skipped in document.skipped() {
            names.push(format!(
                "{} entry {} skipped: {}",
                file.display(),
                skipped.index,
                skipped.reason
            ));
        }
        for key in document.keys() {
            found.push((key.clone(), file.display().to_string()));
        }
    }
    let mut set = KeySet::new();
    for (key, from) in found {
        names.push(format!("{} key {} ({from})", key.algorithm(), key.kid()));
        set = set
            .with_public_key(key)
            .map_err(|e| UsageError::new(format!("{from}: {e}")))?;
    }
    if set.public_keys().is_empty() {
        return Err(UsageError::new(
            "no usable public key in --public-key or --jwks",
        ));
    }
    Ok((set, names))
}

fn key_error(file: &Path, error: &KeyError) -> UsageError {
    UsageError::new(format!("{}: {error}", file.display()))
}

fn read_text(file: &Path) -> Result<String, UsageError> {
    let fail = |reason: String| UsageError::new(format!("{}: {reason}", file.display()));
    let metadata = std::fs::metadata(file).map_err(|e| fail(e.to_string()))?;
    if !metadata.is_file() || metadata.len() > MAX_FILE_LEN {
        return Err(fail(
            "not a key file (a directory, or over 64 KiB)".to_owned(),
        ));
    }
    let bytes = std::fs::read(file).map_err(|e| fail(e.to_string()))?;
    String::from_utf8(bytes).map_err(|_| {
        fail("not text: expected a PEM file (`-----BEGIN …-----`) or a JSON document".to_owned())
    })
}

/// `key.pem` → `key.pub.pem`; `key` → `key.pub.pem`.
fn public_path(private: &Path) -> PathBuf {
    let name = private
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name.strip_suffix(".pem").unwrap_or(&name);
    private.with_file_name(format!("{stem}.pub.pem"))
}

/// Creates `path` (never replacing a file), with mode 0600 when `private`, and writes `text`.
fn write_new(path: &Path, text: &str, private: bool) -> Result<(), UsageError> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(if private { 0o600 } else { 0o644 });
    }
    let fail = |e: std::io::Error| UsageError::new(format!("{}: {e}", path.display()));
    let mut file = options.open(path).map_err(fail)?;
    file.write_all(text.as_bytes()).map_err(fail)?;
    file.sync_all().map_err(fail)
}

fn random_32() -> Result<[u8; 32], UsageError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| UsageError::new(format!("could not read OS randomness: {e}")))?;
    Ok(bytes)
}

/// `id-ecPublicKey` with `prime256v1`, the AlgorithmIdentifier of a P-256 key (RFC 5480).
const P256_ALGORITHM: [u8; 21] = [
    0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48,
    0xce, 0x3d, 0x03, 0x01, 0x07,
];
/// `id-Ed25519` (RFC 8410).
const ED25519_ALGORITHM: [u8; 7] = [0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70];

/// A new P-256 key: 32 random bytes as the private scalar, in PKCS#8 with its public point (as
/// `openssl genpkey` writes it), checked by the library. A scalar outside the curve's order
/// (odds about 2^-32) is drawn again.
fn new_p256() -> Result<(SigningKey, Vec<u8>), UsageError> {
    loop {
        let d = random_32()?;
        // ECPrivateKey (RFC 5915): version 1, the scalar; first without the public point, for
        // the library to derive it.
        let mut ec_private = vec![0x02, 0x01, 0x01];
        ec_private.extend_from_slice(&tagged(0x04, &d));
        let minimal = pkcs8(&P256_ALGORITHM, &tagged(0x30, &ec_private));
        let Ok(key) = SigningKey::from_pkcs8_der(&minimal) else {
            continue;
        };
        let mut bit_string = vec![0x00];
        bit_string.extend_from_slice(&public_point(key.public_key()));
        ec_private.extend_from_slice(&tagged(0xa1, &tagged(0x03, &bit_string)));
        let der = pkcs8(&P256_ALGORITHM, &tagged(0x30, &ec_private));
        let key = SigningKey::from_pkcs8_der(&der)
            .map_err(|e| UsageError::new(format!("the generated key was refused: {e}")))?;
        return Ok((key, der));
    }
}

/// A new Ed25519 key: a random 32-byte seed in PKCS#8 (RFC 8410).
fn new_ed25519() -> Result<(SigningKey, Vec<u8>), UsageError> {
    let seed = random_32()?;
    // The private key is the seed as an OCTET STRING, itself in the PKCS#8 OCTET STRING.
    let der = pkcs8(&ED25519_ALGORITHM, &tagged(0x04, &seed));
    let key = SigningKey::from_pkcs8_der(&der)
        .map_err(|e| UsageError::new(format!("the generated key was refused: {e}")))?;
    Ok((key, der))
}

/// PrivateKeyInfo (RFC 5208): version 0, the algorithm, the private key as an OCTET STRING.
fn pkcs8(algorithm: &[u8], private_key: &[u8]) -> Vec<u8> {
    let mut body = vec![0x02, 0x01, 0x00];
    body.extend_from_slice(algorithm);
    body.extend_from_slice(&tagged(0x04, private_key));
    tagged(0x30, &body)
}

/// A DER element: `tag`, the length (the keys here are all under 256 bytes), `content`.
fn tagged(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut der = vec![tag];
    match u8::try_from(content.len()) {
        Ok(len) if len < 0x80 => der.push(len),
        Ok(len) => der.extend_from_slice(&[0x81, len]),
        // Nothing this module encodes is that long; an empty element makes the library refuse it.
        Err(_) => der.push(0),
    }
    der.extend_from_slice(content);
    der
}

/// The P-256 point `04 || x || y`, or the Ed25519 key's 32 bytes, from the key's JWK.
fn public_point(key: &PublicKey) -> Vec<u8> {
    let jwk = serde_json::to_value(key.to_jwk()).unwrap_or(Value::Null);
    let coordinate = |name: &str| {
        jwk[name]
            .as_str()
            .and_then(|value| URL_SAFE_NO_PAD.decode(value).ok())
            .unwrap_or_default()
    };
    match key.algorithm() {
        Algorithm::ES256 => [vec![0x04], coordinate("x"), coordinate("y")].concat(),
        _ => coordinate("x"),
    }
}

/// The SubjectPublicKeyInfo PEM of `key` (what `openssl pkey -pubout` writes).
pub(crate) fn spki_pem(key: &PublicKey) -> String {
    let algorithm: &[u8] = match key.algorithm() {
        Algorithm::ES256 => &P256_ALGORITHM,
        _ => &ED25519_ALGORITHM,
    };
    let mut bit_string = vec![0x00];
    bit_string.extend_from_slice(&public_point(key));
    let mut body = algorithm.to_vec();
    body.extend_from_slice(&tagged(0x03, &bit_string));
    let der = tagged(0x30, &body);
    pem("PUBLIC KEY", &der)
}

fn pem(label: &str, der: &[u8]) -> String {
    let body = STANDARD.encode(der);
    let mut text = format!("-----BEGIN {label}-----\n");
    for line in body.as_bytes().chunks(64) {
        text.push_str(&String::from_utf8_lossy(line));
        text.push('\n');
    }
    text + &format!("-----END {label}-----\n")
}
