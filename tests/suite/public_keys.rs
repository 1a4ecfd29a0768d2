//! ES256 and EdDSA: reading keys (and refusing the wrong ones, each with its error), thumbprints,
//! issuing, the JWKS document, and the verification policy's public-key rules, each with a test
//! that fails when the rule is removed.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use jsonwebtoken::{Algorithm as JoseAlg, EncodingKey};
use jwt_auth::jwks::{Algorithm, Jwks, KeyError, KeySet};
use jwt_auth::{
    Issuer, KeyRing, Secret, Verifier, VerifyError,
    jwks::{PublicKey, SigningKey},
    strength::SecretProblem,
};

use crate::common::{T0_UNIX, b64, clock, product_payload, secret, sign_raw};

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/keys/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn es256() -> SigningKey {
    SigningKey::from_pkcs8_pem(&fixture("es256.pem")).unwrap()
}

fn ed25519() -> SigningKey {
    SigningKey::from_pkcs8_pem(&fixture("ed25519.pem")).unwrap()
}

/// A PEM file's DER bytes.
fn der(pem: &str) -> Vec<u8> {
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    STANDARD.decode(body).unwrap()
}

/// `header.payload` signed by jsonwebtoken directly (independent of the crate's issuer) with
/// the PKCS#8 fixture `key` under `alg`.
fn sign_with(key: &str, alg: JoseAlg, header: &str, payload: &str) -> String {
    let _provider = secret();
    let der = der(&fixture(key));
    let encoding = match alg {
        JoseAlg::ES256 => EncodingKey::from_ec_der(&der),
        _ => EncodingKey::from_ed_der(&der),
    };
    let input = format!("{}.{}", b64(header), b64(payload));
    let sig = jsonwebtoken::crypto::sign(input.as_bytes(), &encoding, alg).unwrap();
    format!("{input}.{sig}")
}

fn verifier(keys: impl Into<KeySet>) -> Verifier {
    Verifier::new(keys).with_clock(clock())
}

/// Thumbprints computed outside the crate (Python's hashlib over RFC 7638's canonical JSON).
const ES256_KID: &str = "GkJ785W4spRzQIt_UP3gaIG0z8LlIWLVDE-pC6iPOzI";
const ED25519_KID: &str = "O8NQedpeTtU0T2xVkan_58X9w3HzG7vqTt3uLuihGmA";

#[test]
fn keys_are_read_from_pkcs8_and_spki_with_their_thumbprint_as_kid() {
    let es = es256();
    assert_eq!(es.algorithm(), Algorithm::ES256);
    assert_eq!(es.kid(), ES256_KID);
    let public = PublicKey::from_spki_pem(&fixture("es256.pub.pem")).unwrap();
    assert_eq!(&public, es.public_key());
    assert_eq!(
        PublicKey::from_spki_der(&der(&fixture("es256.pub.pem"))).unwrap(),
        public
    );

    let ed = ed25519();
    assert_eq!(ed.algorithm(), Algorithm::EdDSA);
    assert_eq!(ed.kid(), ED25519_KID);
    assert_eq!(
        &PublicKey::from_spki_pem(&fixture("ed25519.pub.pem")).unwrap(),
        ed.public_key()
    );
    // Neither Debug shows key material.
    assert_eq!(
        format!("{es:?}"),
        format!("SigningKey {{ alg: ES256, kid: {ES256_KID:?}, .. }}")
    );
}

#[test]
fn thumbprints_agree_with_jsonwebtoken() {
    use jsonwebtoken::jwk::{Jwk, ThumbprintHash};
    for key in [es256(), ed25519()] {
        let jwk: Jwk =
            serde_json::from_value(serde_json::to_value(key.public_key().to_jwk()).unwrap())
                .unwrap();
        assert_eq!(jwk.thumbprint(ThumbprintHash::SHA256).unwrap(), key.kid());
    }
}

#[test]
fn each_wrong_key_file_has_its_own_error() {
    let private = |name: &str| SigningKey::from_pkcs8_pem(&fixture(name)).unwrap_err();
    assert_eq!(private("es256.enc.pem"), KeyError::Encrypted);
    assert_eq!(
        private("es256.sec1.pem"),
        KeyError::NotPkcs8 {
            label: "EC PRIVATE KEY".into()
        }
    );
    assert_eq!(
        private("rsa.trad.pem"),
        KeyError::NotPkcs8 {
            label: "RSA PRIVATE KEY".into()
        }
    );
    assert_eq!(
        private("rsa.pem"),
        KeyError::UnsupportedKeyType { kind: "RSA".into() }
    );
    assert_eq!(private("p384.pem"), KeyError::WrongCurve { curve: "P-384" });
    assert_eq!(
        private("k1.pem"),
        KeyError::WrongCurve { curve: "secp256k1" }
    );
    assert_eq!(
        private("x25519.pem"),
        KeyError::WrongCurve { curve: "X25519" }
    );
    assert_eq!(private("es256.pub.pem"), KeyError::PublicKeyGiven);
    assert_eq!(
        SigningKey::from_pkcs8_der(&der(&fixture("ed25519.pub.pem"))).unwrap_err(),
        KeyError::PublicKeyGiven
    );
    assert_eq!(
        SigningKey::from_pkcs8_pem("not a key").unwrap_err(),
        KeyError::NotPem
    );
    assert_eq!(
        SigningKey::from_pkcs8_pem(
            "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaA==\n-----END OPENSSH PRIVATE KEY-----\n"
        )
        .unwrap_err(),
        KeyError::NotPkcs8 {
            label: "OPENSSH PRIVATE KEY".into()
        }
    );
    assert_eq!(
        PublicKey::from_spki_pem(&fixture("es256.pem")).unwrap_err(),
        KeyError::PrivateKeyGiven
    );
    assert_eq!(
        PublicKey::from_spki_der(&der(&fixture("ed25519.pem"))).unwrap_err(),
        KeyError::PrivateKeyGiven
    );
    // A message names the fix.
    assert!(
        private("es256.sec1.pem")
            .to_string()
            .contains("openssl pkcs8 -topk8")
    );
}

#[test]
fn each_unusable_jwk_has_its_own_error() {
    let x = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
    let jwk = |extra: &str| {
        PublicKey::from_jwk(&format!(
            r#"{{"kty":"OKP","crv":"Ed25519","x":"{x}"{extra}}}"#
        ))
    };
    assert!(jwk("").is_ok());
    assert!(jwk(r#","alg":"EdDSA","use":"sig","key_ops":["verify"]"#).is_ok());
    for alg in ["HS256", "ES256", "none", "RS256"] {
        assert!(
            matches!(
                jwk(&format!(r#","alg":"{alg}""#)),
                Err(KeyError::AlgorithmMismatch { .. })
            ),
            "{alg}"
        );
    }
    let es_jwk = serde_json::to_value(es256().public_key().to_jwk()).unwrap();
    let mut confused = es_jwk.clone();
    confused["alg"] = "EdDSA".into();
    assert!(matches!(
        PublicKey::from_jwk_value(&confused),
        Err(KeyError::AlgorithmMismatch { .. })
    ));
    assert_eq!(
        jwk(r#","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A""#).unwrap_err(),
        KeyError::PrivateMember { member: "d".into() }
    );
    assert!(matches!(
        jwk(r#","use":"enc""#),
        Err(KeyError::NotForSignatures { .. })
    ));
    assert!(matches!(
        jwk(r#","key_ops":["encrypt"]"#),
        Err(KeyError::NotForSignatures { .. })
    ));
    for kid in ["../../etc/passwd", "x' OR '1'='1", "a;b", "a/b"] {
        assert!(
            matches!(
                jwk(&format!(r#","kid":{}"#, serde_json::Value::from(kid))),
                Err(KeyError::InvalidKeyId { .. })
            ),
            "{kid}"
        );
    }
    assert_eq!(
        PublicKey::from_jwk(r#"{"kty":"EC","crv":"P-384","x":"AA","y":"AA"}"#).unwrap_err(),
        KeyError::WrongCurve { curve: "P-384" }
    );
    assert!(matches!(
        PublicKey::from_jwk(r#"{"kty":"oct","k":"c2VjcmV0"}"#),
        Err(KeyError::PrivateMember { .. })
    ));
    assert!(matches!(
        PublicKey::from_jwk(r#"{"kty":"RSA","n":"AQAB","e":"AQAB"}"#),
        Err(KeyError::UnsupportedKeyType { .. })
    ));
    assert!(matches!(
        PublicKey::from_jwk(&format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{x}="}}"#)),
        Err(KeyError::MalformedJwk { .. })
    ));
}

#[test]
fn issued_tokens_carry_alg_typ_and_the_thumbprint_and_verify() {
    for (key, alg) in [(es256(), "ES256"), (ed25519(), "EdDSA")] {
        let token = Issuer::new(&key)
            .with_clock(clock())
            .issue("42", Some("ada@example.com"))
            .unwrap();
        let header = token.split('.').next().unwrap();
        let header: serde_json::Value = serde_json::from_slice(
            &base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(header)
                .unwrap(),
        )
        .unwrap();
        assert_eq!(
            header,
            serde_json::json!({"alg": alg, "typ": "JWT", "kid": key.kid()})
        );
        let claims = verifier(key.public_key()).verify(&token).unwrap();
        assert_eq!(
            (claims.sub.as_str(), claims.email.as_deref()),
            ("42", Some("ada@example.com"))
        );
        // The same claims policy: expiry.
        let later = jwt_auth::FixedClock::at_unix(T0_UNIX + 8 * 86_400).unwrap();
        assert!(matches!(
            Verifier::new(key.public_key())
                .with_clock(later)
                .verify(&token),
            Err(VerifyError::Expired { .. })
        ));
        // A signature that does not match.
        let mut forged = token.clone();
        let last = forged.pop().unwrap();
        forged.push(if last == 'A' { 'Q' } else { 'A' });
        assert_eq!(
            verifier(key.public_key()).verify(&forged),
            Err(VerifyError::InvalidSignature)
        );
        // A signature of the wrong length.
        let (input, _) = token.rsplit_once('.').unwrap();
        assert_eq!(
            verifier(key.public_key()).verify(&format!("{input}.{}", b64([0_u8; 32]))),
            Err(VerifyError::SignatureLength {
                len: 32,
                expected: 64
            })
        );
    }
}

#[test]
fn tokens_from_jsonwebtoken_verify_with_and_without_kid_and_as_access_tokens() {
    let payload = product_payload();
    for (file, alg, name, key) in [
        ("es256.pem", JoseAlg::ES256, "ES256", es256()),
        ("ed25519.pem", JoseAlg::EdDSA, "EdDSA", ed25519()),
    ] {
        for header in [
            format!(r#"{{"alg":"{name}"}}"#),
            format!(r#"{{"alg":"{name}","typ":"at+jwt","kid":"{}"}}"#, key.kid()),
        ] {
            let token = sign_with(file, alg, &header, &payload);
            assert!(
                verifier(key.public_key()).verify(&token).is_ok(),
                "{header}"
            );
        }
        let token = sign_with(
            file,
            alg,
            &format!(r#"{{"alg":"{name}","typ":"JOSE"}}"#),
            &payload,
        );
        assert_eq!(
            verifier(key.public_key()).verify(&token),
            Err(VerifyError::UnexpectedType { typ: "JOSE".into() })
        );
    }
}

#[test]
fn none_is_refused_by_a_public_key_verifier() {
    for alg in ["none", "None", "NONE"] {
        let token = format!(
            "{}.{}.",
            b64(format!(r#"{{"alg":"{alg}"}}"#)),
            b64(product_payload())
        );
        assert_eq!(
            verifier(es256().public_key()).verify(&token),
            Err(VerifyError::UnsupportedAlgorithm { alg: alg.into() })
        );
    }
}

#[test]
fn an_hs256_token_never_meets_a_public_key() {
    let es = es256();
    let public_pem = fixture("es256.pub.pem");
    let public_der = der(&public_pem);
    let public_jwk = serde_json::to_string(&es.public_key().to_jwk()).unwrap();
    // A public key's bytes are no HMAC secret: the strength check refuses PEM and JWK.
    assert!(matches!(
        Secret::new(&public_pem).unwrap_err().problems[..],
        [SecretProblem::LooksLikeKey { .. }, ..]
    ));
    assert!(Secret::new(&public_jwk).is_err());
    // And the verifier never uses a public key as one (CVE-2016-10555): an HS256 token keyed
    // with its PEM, DER or JWK bytes, with or without its kid, is refused before any signature.
    let only_public = verifier(es.public_key());
    for key_bytes in [public_pem.as_bytes(), &public_der, public_jwk.as_bytes()] {
        for header in [
            r#"{"alg":"HS256","typ":"JWT"}"#.to_owned(),
            format!(r#"{{"alg":"HS256","kid":"{}"}}"#, es.kid()),
        ] {
            let token = sign_raw(&header, &product_payload(), key_bytes);
            assert_eq!(
                only_public.verify(&token),
                Err(VerifyError::NoKeyForAlgorithm {
                    alg: "HS256",
                    held: vec!["ES256"]
                }),
                "{header}"
            );
            // Dual stack: the ring is tried, and the public key's bytes are not its key.
            let dual = verifier(
                KeySet::from(secret())
                    .with_public_key(es.public_key().clone())
                    .unwrap(),
            );
            assert!(
                matches!(
                    dual.verify(&token),
                    Err(VerifyError::InvalidSignature | VerifyError::UnknownKeyId { .. })
                ),
                "{header}"
            );
        }
    }
}

#[test]
fn an_es256_token_at_an_hmac_only_verifier_is_refused() {
    let token = Issuer::new(es256())
        .with_clock(clock())
        .issue("42", None)
        .unwrap();
    assert_eq!(
        verifier(secret()).verify(&token),
        Err(VerifyError::NoKeyForAlgorithm {
            alg: "ES256",
            held: vec!["HS256"]
        })
    );
}

#[test]
fn an_eddsa_token_against_an_ec_key_is_refused() {
    let ec_only = verifier(es256().public_key());
    // Naming the EC key.
    let header = format!(r#"{{"alg":"EdDSA","kid":"{ES256_KID}"}}"#);
    let token = sign_with("ed25519.pem", JoseAlg::EdDSA, &header, &product_payload());
    assert_eq!(
        ec_only.verify(&token),
        Err(VerifyError::KeyAlgorithmMismatch {
            kid: ES256_KID.into(),
            key_alg: "ES256",
            alg: "EdDSA"
        })
    );
    // Naming none.
    let token = sign_with(
        "ed25519.pem",
        JoseAlg::EdDSA,
        r#"{"alg":"EdDSA"}"#,
        &product_payload(),
    );
    assert_eq!(
        ec_only.verify(&token),
        Err(VerifyError::NoKeyForAlgorithm {
            alg: "EdDSA",
            held: vec!["ES256"]
        })
    );
    // With both keys, each token meets its own key only.
    let both = verifier(
        KeySet::new()
            .with_public_key(es256().public_key().clone())
            .unwrap()
            .with_public_key(ed25519().public_key().clone())
            .unwrap(),
    );
    assert!(both.verify(&token).is_ok());
}

#[test]
fn embedded_key_headers_are_refused_on_public_key_tokens() {
    let jwk = serde_json::to_string(&ed25519().public_key().to_jwk()).unwrap();
    for (name, value) in [
        ("jwk", jwk),
        ("jku", r#""https://attacker.example/jwks.json""#.to_owned()),
        ("x5u", r#""https://attacker.example/cert.pem""#.to_owned()),
        ("x5c", r#"["MIIB"]"#.to_owned()),
    ] {
        let header = format!(r#"{{"alg":"EdDSA","{name}":{value}}}"#);
        // Even signed by the verifier's own key.
        let token = sign_with("ed25519.pem", JoseAlg::EdDSA, &header, &product_payload());
        assert_eq!(
            verifier(ed25519().public_key()).verify(&token),
            Err(VerifyError::EmbeddedKey {
                header: match name {
                    "jwk" => "jwk",
                    "jku" => "jku",
                    "x5u" => "x5u",
                    _ => "x5c",
                }
            })
        );
    }
}

#[test]
fn kids_with_path_or_sql_characters_are_refused() {
    for kid in [
        "../../dev/null",
        "/etc/passwd",
        "x' OR '1'='1",
        "k; DROP TABLE keys--",
        "a\\b",
    ] {
        let header = format!(
            r#"{{"alg":"ES256","kid":{}}}"#,
            serde_json::Value::from(kid)
        );
        let token = sign_with("es256.pem", JoseAlg::ES256, &header, &product_payload());
        assert!(
            matches!(
                verifier(es256().public_key()).verify(&token),
                Err(VerifyError::InvalidKeyId { .. })
            ),
            "{kid}"
        );
    }
    let token = sign_with(
        "es256.pem",
        JoseAlg::ES256,
        r#"{"alg":"ES256","kid":"2026-11"}"#,
        &product_payload(),
    );
    assert_eq!(
        verifier(es256().public_key()).verify(&token),
        Err(VerifyError::UnknownPublicKeyId {
            kid: "2026-11".into(),
            known: vec![ES256_KID.into()]
        })
    );
}

#[test]
fn dual_stack_verifies_both_kinds() {
    let keys = KeySet::from(KeyRing::new(secret()))
        .with_public_key(es256().public_key().clone())
        .unwrap();
    let v = verifier(keys);
    assert!(
        v.verify(&crate::common::issuer().issue("42", None).unwrap())
            .is_ok()
    );
    assert!(
        v.verify(
            &Issuer::new(es256())
                .with_clock(clock())
                .issue("42", None)
                .unwrap()
        )
        .is_ok()
    );
}

#[test]
fn the_jwks_publishes_public_members_only_and_round_trips() {
    let jwks = Jwks::from_keys([es256().public_key(), ed25519().public_key()]);
    let document = serde_json::to_value(&jwks).unwrap();
    let keys = document["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2);
    for key in keys {
        let names: Vec<&str> = key
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert!(
            names
                .iter()
                .all(|n| ["kty", "crv", "x", "y", "kid", "alg", "use"].contains(n)),
            "{names:?}"
        );
        assert_eq!(key["use"], "sig");
    }
    assert_eq!(keys[0]["kid"], ES256_KID);
    assert_eq!(keys[0]["alg"], "ES256");
    assert_eq!(keys[1]["kid"], ED25519_KID);
    assert_eq!(keys[1]["alg"], "EdDSA");
    let set = Jwks::parse(&document.to_string())
        .unwrap()
        .into_key_set()
        .unwrap();
    let token = Issuer::new(ed25519())
        .with_clock(clock())
        .issue("42", None)
        .unwrap();
    assert!(verifier(set).verify(&token).is_ok());
}
