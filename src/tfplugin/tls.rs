//! AutoMTLS for the plugin connection: a fresh self-signed server certificate every start, and
//! a client-certificate verifier that accepts exactly the certificate Terraform handed over in
//! `PLUGIN_CLIENT_CERT` (an ECDSA P-521 CA certificate that general-purpose path validation
//! rejects) and still checks the client's handshake signature with it.
//!
//! The connection itself runs on ring. Only the P-521 signature check uses aws-lc-rs (ring
//! has no P-521): verifying needs no randomness, so aws-lc's entropy pool, whose jitter-based
//! seeding costs about 25 ms, is never started.

use std::sync::Arc;

use base64::Engine;
use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, WebPkiSupportedAlgorithms};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{
    DigitallySignedStruct, DistinguishedName, Error as TlsError, ServerConfig, SignatureScheme,
};

/// The server side of the plugin's TLS: config for the acceptor and the certificate to print.
pub struct PluginTls {
    pub config: Arc<ServerConfig>,
    /// The server certificate, DER, base64 without padding, as the handshake line carries it.
    pub cert_base64: String,
}

/// Builds the TLS server config that requires exactly `client_cert_pem`.
pub fn configure(client_cert_pem: &str) -> Result<PluginTls, String> {
    let client_cert = CertificateDer::from_pem_slice(client_cert_pem.as_bytes())
        .map_err(|e| format!("PLUGIN_CLIENT_CERT is not a PEM certificate: {e}"))?;
    let (cert, key) = server_certificate()?;
    let cert_base64 = base64::engine::general_purpose::STANDARD_NO_PAD.encode(cert.as_ref());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = Arc::new(PinnedClientCert {
        expected: client_cert.into_owned(),
        algorithms: rustls::crypto::aws_lc_rs::default_provider().signature_verification_algorithms,
    });
    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_client_cert_verifier(verifier)
        .with_single_cert(vec![cert], key)
        .map_err(|e| format!("server certificate rejected: {e}"))?;
    config.alpn_protocols = vec![b"h2".to_vec()];
    Ok(PluginTls {
        config: Arc::new(config),
        cert_base64,
    })
}

fn server_certificate() -> Result<(CertificateDer<'static>, PrivateKeyDer<'static>), String> {
    use rcgen::{BasicConstraints, DnType, ExtendedKeyUsagePurpose, IsCa, KeyUsagePurpose};
    let key =
        rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).map_err(|e| e.to_string())?;
    let mut params =
        rcgen::CertificateParams::new(vec!["localhost".to_string()]).map_err(|e| e.to_string())?;
    params
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    params
        .distinguished_name
        .push(DnType::OrganizationName, "hostform");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
        KeyUsagePurpose::KeyAgreement,
        KeyUsagePurpose::KeyCertSign,
    ];
    params.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ServerAuth,
        ExtendedKeyUsagePurpose::ClientAuth,
    ];
    let cert = params.self_signed(&key).map_err(|e| e.to_string())?;
    let key_der = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    Ok((cert.der().clone(), key_der))
}

/// Accepts one exact client certificate; the handshake signature is still verified with it.
#[derive(Debug)]
struct PinnedClientCert {
    expected: CertificateDer<'static>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ClientCertVerifier for PinnedClientCert {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        true
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, TlsError> {
        if end_entity.as_ref() == self.expected.as_ref() {
            Ok(ClientCertVerified::assertion())
        } else {
            log::warn!("refused a plugin connection: its client certificate is not the one Terraform announced");
            Err(TlsError::General(
                "client certificate is not the one this plugin was started with".into(),
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_a_non_pem_client_cert() {
        assert!(configure("not a certificate").is_err());
    }

    #[test]
    fn builds_with_a_generated_client_cert() {
        let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
        let cert = rcgen::CertificateParams::new(vec!["localhost".into()])
            .unwrap()
            .self_signed(&key)
            .unwrap();
        let tls = configure(&cert.pem()).unwrap();
        assert!(!tls.cert_base64.ends_with('='));
        assert_eq!(tls.config.alpn_protocols, vec![b"h2".to_vec()]);
    }
}
