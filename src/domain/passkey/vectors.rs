//! The W3C WebAuthn Level 3 test vectors (§16) for the three accepted
//! algorithms, run through the verifier: values made by another
//! implementation, so the verifier is not only agreeing with itself. The
//! attestation statements are left aside (passdesk asks for "none"), and
//! the SPKI a browser would send is built from the COSE key, whose fields
//! sit at fixed places in each vector's authenticatorData.

use super::tests::der;
use super::*;

/// One registration and the sign-in that follows, all hex, for rp id
/// `example.org` and origin `https://example.org`.
struct Vector {
    algorithm: i64,
    registration_challenge: &'static str,
    registration_client_data: &'static str,
    registration_auth_data: &'static str,
    credential_id: &'static str,
    authentication_challenge: &'static str,
    authentication_client_data: &'static str,
    authentication_auth_data: &'static str,
    signature: &'static str,
}

/// §16.2 "ES256 Credential with No Attestation" (`none.ES256`): registration flags 0x59 (UP, BE, BS,
/// AT; no UV), clientDataJSON with an extra member.
const NONE_ES256: Vector = Vector {
    algorithm: -7,
    registration_challenge: "00c30fb78531c464d2b6771dab8d7b603c01162f2fa486bea70f283ae556e130",
    registration_client_data: concat!(
        "7b2274797065223a22776562617574686e2e637265617465222c226368616c6c656e6765223a22414d4d507434557878",
        "475453746e63647134313759447742466938767049612d7077386f4f755657345441222c226f726967696e223a226874",
        "7470733a2f2f6578616d706c652e6f7267222c2263726f73734f726967696e223a66616c73652c226578747261446174",
        "61223a22636c69656e74446174614a534f4e206d617920626520657874656e6465642077697468206164646974696f6e",
        "616c206669656c647320696e20746865206675747572652c207375636820617320746869733a20426b5165446a646354",
        "427258426941774a544c453551227d",
    ),
    registration_auth_data: concat!(
        "bfabc37432958b063360d3ad6461c9c4735ae7f8edd46592a5e0f01452b2e4b559000000008446ccb9ab1db374750b23",
        "67ff6f3a1f0020f91f391db4c9b2fde0ea70189cba3fb63f579ba6122b33ad94ff3ec330084be4a50102032620012158",
        "20afefa16f97ca9b2d23eb86ccb64098d20db90856062eb249c33a9b672f26df61225820930a56b87a2fca66334b0345",
        "8abf879717c12cc68ed73290af2e2664796b9220",
    ),
    credential_id: "f91f391db4c9b2fde0ea70189cba3fb63f579ba6122b33ad94ff3ec330084be4",
    authentication_challenge: "39c0e7521417ba54d43e8dc95174f423dee9bf3cd804ff6d65c857c9abf4d408",
    authentication_client_data: concat!(
        "7b2274797065223a22776562617574686e2e676574222c226368616c6c656e6765223a224f63446e55685158756c5455",
        "506f334a5558543049393770767a7a59425039745a63685879617630314167222c226f726967696e223a226874747073",
        "3a2f2f6578616d706c652e6f7267222c2263726f73734f726967696e223a66616c73657d",
    ),
    authentication_auth_data: "bfabc37432958b063360d3ad6461c9c4735ae7f8edd46592a5e0f01452b2e4b51900000000",
    signature: concat!(
        "3046022100f50a4e2e4409249c4a853ba361282f09841df4dd4547a13a87780218deffcd380221008480ac0f0b935381",
        "74f575bf11a1dd5d78c6e486013f937295ea13653e331e87",
    ),
};

/// §16.10 "Packed Attestation with RS256 Credential" (`packed.RS256`), its attestation statement left
/// aside: a 3482-bit modulus (two Mersenne primes), registration flags 0x5d (UP, UV, BE, BS, AT).
const PACKED_RS256: Vector = Vector {
    algorithm: -257,
    registration_challenge: "bea8f0770009bd57f2c0df6fea9f743a27e4b61bbe923c862c7aad7a9fc8e4a6",
    registration_client_data: concat!(
        "7b2274797065223a22776562617574686e2e637265617465222c226368616c6c656e6765223a2276716a776477414a76",
        "566679774e3976367039304f69666b7468752d6b6a79474c48717465705f49354b59222c226f726967696e223a226874",
        "7470733a2f2f6578616d706c652e6f7267222c2263726f73734f726967696e223a66616c73657d",
    ),
    registration_auth_data: concat!(
        "bfabc37432958b063360d3ad6461c9c4735ae7f8edd46592a5e0f01452b2e4b55d00000000428f8878298b9862a36ad8",
        "c7527bfef20020992a18acc83f67533600c1138a4b4c4bd236de13629cf025ed17cb00b00b74dfa40103033901002059",
        "01b403ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "fffffffffffffffffffffffffffffffffffff7ffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff80000000000000000000",
        "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
        "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
        "000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
        "0000000000012143010001",
    ),
    credential_id: "992a18acc83f67533600c1138a4b4c4bd236de13629cf025ed17cb00b00b74df",
    authentication_challenge: "295f59f5fa8fe62c5aca9e27626c78c8da376ae6d8cd2dd29aebad601e1bc4c5",
    authentication_client_data: concat!(
        "7b2274797065223a22776562617574686e2e676574222c226368616c6c656e6765223a224b56395a3966715035697861",
        "7970346e596d7834794e6f33617562597a5333536d75757459423462784d55222c226f726967696e223a226874747073",
        "3a2f2f6578616d706c652e6f7267222c2263726f73734f726967696e223a66616c73657d",
    ),
    authentication_auth_data: "bfabc37432958b063360d3ad6461c9c4735ae7f8edd46592a5e0f01452b2e4b51900000000",
    signature: concat!(
        "01063d52d7c39b4d432fc7063c5d93e582bdcb16889cd71f888d67d880ea730a428498d3bc8e1ee11f2b1ecbe6c292b1",
        "18c55ffaaddefa8cad0a54dd137c51f1eec673f1bb6c4d1789d6826a222b22d0f585fc901fdc933212e579d199b89d67",
        "2aa44891333e6a1355536025e82b25590256c3538229b55737083b2f6b9377e49e2472f11952f79fdd0da180b5ffd901",
        "b4049a8f081bb40711bef76c62aed943571f2d0575304cb549d68d8892f95086a30f93716aee818f8dc06e96c0d5e0ed",
        "4cfa9fd8773d90464b68cf140f7986666ff9c9e3302acd0535d60d769f465e2ab57ef8aabc89fccfef7ba32a64154a8b",
        "3d26be2298f470b8cc5377dbe3dfd4b0b45f8f01e63bde6cfc76b62771f9b70aa27cf40152cad93aa5acd784fd4b90f6",
        "76e2ea828d0bf2400aebbaae4153e5838f537f88b6228346782a93a899be66ec77de45b3efcf311da6321c92e6b0cd11",
        "bfe653bf3e98cee8e341f02d67dbb6f9c98d9e8178090cfb5b70fbc6d541599ac794ae2f1d4de1286ec8de8c2daf7b1d",
        "15c8438e90d924df5c19045220a4c8438c1b979bbe016cf3d0eeec23c3999d4882cc645b776de930756612cdc6dd3981",
        "60ff02a6",
    ),
};

/// §16.11 "Packed Attestation with Ed25519 Credential" (`packed.EdDSA`), its attestation statement left
/// aside: registration flags 0x41 (UP, AT), sign-in flags 0x01.
const PACKED_EDDSA: Vector = Vector {
    algorithm: -8,
    registration_challenge: "a8abf9dabdc6b0df63466b39bda9e8a34a34e185337a59f1c579990676d3b3bd",
    registration_client_data: concat!(
        "7b2274797065223a22776562617574686e2e637265617465222c226368616c6c656e6765223a22714b76353272334773",
        "4e396a526d733576616e6f6f306f303459557a656c6e7878586d5a426e6254733730222c226f726967696e223a226874",
        "7470733a2f2f6578616d706c652e6f7267222c2263726f73734f726967696e223a66616c73652c226578747261446174",
        "61223a22636c69656e74446174614a534f4e206d617920626520657874656e6465642077697468206164646974696f6e",
        "616c206669656c647320696e20746865206675747572652c207375636820617320746869733a20425f44543567375a44",
        "5f2d394f544c59583549764551227d",
    ),
    registration_auth_data: concat!(
        "bfabc37432958b063360d3ad6461c9c4735ae7f8edd46592a5e0f01452b2e4b54100000000d5aa33581e8ca478e20fe7",
        "13f5d32ff20020ce9f840ed96599580cd140fbc7bb3230633f50f61041aff73308ae71caa8a2bda40101032720062158",
        "2044e06ddd331c36a8dc667bab52bcae63486c916aa5e339e6acebaa84934bf832",
    ),
    credential_id: "ce9f840ed96599580cd140fbc7bb3230633f50f61041aff73308ae71caa8a2bd",
    authentication_challenge: "895957e01c633a698348a2d8a31a54b7db27e8c1c43b2080d79ae2190267bfd2",
    authentication_client_data: concat!(
        "7b2274797065223a22776562617574686e2e676574222c226368616c6c656e6765223a2269566c583442786a4f6d6d44",
        "534b4c596f7870557439736e364d48454f7943413135726947514a6e763949222c226f726967696e223a226874747073",
        "3a2f2f6578616d706c652e6f7267222c2263726f73734f726967696e223a66616c73657d",
    ),
    authentication_auth_data: "bfabc37432958b063360d3ad6461c9c4735ae7f8edd46592a5e0f01452b2e4b50100000000",
    signature: concat!(
        "f5c59c7e46c34f6f8cc197101ddf9934fa2595f68eb1913a637e8419eb9ba4cfdfc48f85393bc0d40b011f0d6fecb097",
        "d6607525713223a0dc0d453993dae00b",
    ),
};

fn rp() -> RelyingParty {
    RelyingParty { id: "example.org".into(), origin: "https://example.org".into() }
}

fn base64url(hex_text: &str) -> String {
    encoding::encode(&hex::decode(hex_text).unwrap())
}

fn challenge(hex_text: &str) -> Challenge {
    Challenge::from_base64url(&base64url(hex_text)).unwrap()
}

impl Vector {
    /// What `getPublicKey()` would return, from the COSE key after the
    /// 32-byte credential id.
    fn spki(&self) -> Vec<u8> {
        let auth_data = hex::decode(self.registration_auth_data).unwrap();
        let cose = &auth_data[37 + 16 + 2 + 32..];
        let oid = |arcs: &[u8]| der(0x06, arcs);
        let (identifier, key) = match self.algorithm {
            // {1: 2, 3: -7, -1: 1, -2: x (bstr 32), -3: y (bstr 32)}
            -7 => (
                [oid(&[0x2a, 0x86, 0x48, 0xce, 0x3d, 2, 1]), oid(&[0x2a, 0x86, 0x48, 0xce, 0x3d, 3, 1, 7])].concat(),
                [&[0x04][..], &cose[10..42], &cose[45..77]].concat(),
            ),
            // {1: 1, 3: -8, -1: 6, -2: x (bstr 32)}
            -8 => (oid(&[0x2b, 0x65, 0x70]), cose[10..42].to_vec()),
            // {1: 3, 3: -257, -1: n (bstr 436), -2: e (bstr 3)}
            _ => (
                [oid(&[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 1, 1, 1]), vec![0x05, 0x00]].concat(),
                der(0x30, &[der(0x02, &cose[11..447]), der(0x02, &cose[449..452])].concat()),
            ),
        };
        der(0x30, &[der(0x30, &identifier), der(0x03, &[&[0][..], &key].concat())].concat())
    }

    fn register(&self) -> Result<Passkey, PasskeyError> {
        let response = RegistrationResponse {
            client_data_json: base64url(self.registration_client_data),
            authenticator_data: base64url(self.registration_auth_data),
            public_key: encoding::encode(&self.spki()),
            public_key_algorithm: self.algorithm,
            raw_id: base64url(self.credential_id),
            transports: Vec::new(),
        };
        let user = UserHandle::for_login(&ServerKey::from_bytes([1; 32]), &Login::parse("vector").unwrap());
        verify_registration(&rp(), &challenge(self.registration_challenge), &user, response, false)
    }

    fn assertion(&self) -> AuthenticationResponse {
        AuthenticationResponse {
            client_data_json: base64url(self.authentication_client_data),
            authenticator_data: base64url(self.authentication_auth_data),
            signature: base64url(self.signature),
            raw_id: base64url(self.credential_id),
            user_handle: None,
        }
    }

    fn sign_in(&self, passkey: &Passkey, response: AuthenticationResponse) -> Result<u32, PasskeyError> {
        verify_authentication(&rp(), &challenge(self.authentication_challenge), passkey, response, false)
    }
}

#[test]
fn w3c_vectors_register_and_sign_in() {
    for vector in [NONE_ES256, PACKED_RS256, PACKED_EDDSA] {
        let passkey = vector.register().unwrap();
        assert_eq!(passkey.algorithm, vector.algorithm);
        assert_eq!(passkey.credential_id, hex::decode(vector.credential_id).unwrap());
        assert_eq!(vector.sign_in(&passkey, vector.assertion()), Ok(0), "COSE {}", vector.algorithm);

        let mut signature = hex::decode(vector.signature).unwrap();
        signature[10] ^= 0x01;
        let tampered = AuthenticationResponse { signature: encoding::encode(&signature), ..vector.assertion() };
        assert_eq!(vector.sign_in(&passkey, tampered), Err(PasskeyError::BadSignature), "COSE {}", vector.algorithm);
    }
}

#[test]
fn w3c_vector_refused_where_it_should_be() {
    let passkey = NONE_ES256.register().unwrap();
    assert!(!passkey.user_verified && passkey.backup_eligible);
    let response = NONE_ES256.assertion();
    let with = |rp: &RelyingParty, challenge_hex: &str, require_user_verification| {
        verify_authentication(rp, &challenge(challenge_hex), &passkey, response.clone(), require_user_verification)
    };
    let (rp, good) = (rp(), NONE_ES256.authentication_challenge);
    assert_eq!(with(&rp, good, true), Err(PasskeyError::UserNotVerified), "the vector has no UV");
    let elsewhere = RelyingParty { id: "example.com".into(), ..rp.clone() };
    assert_eq!(with(&elsewhere, good, false), Err(PasskeyError::WrongSite));
    let registration_step = NONE_ES256.registration_challenge;
    assert_eq!(with(&rp, registration_step, false), Err(PasskeyError::ChallengeMismatch));
    let rsa_key = PACKED_RS256.register().unwrap();
    let other_key = Passkey { credential_id: passkey.credential_id.clone(), ..rsa_key };
    let result = verify_authentication(&rp, &challenge(good), &other_key, response.clone(), false);
    assert_eq!(result, Err(PasskeyError::BadSignature), "an ES256 signature checked as RS256");
}
