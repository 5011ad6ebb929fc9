package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * A key a machine's user enrolled for Secure Boot ({@code vm secureboot enroll}, as {@code mokutil --import} or an
 * OVMF_VARS with the key in db does): its Secure Boot firmware trusts loaders signed by it, on top of the keys the
 * firmware trusts by itself (the secureboot plugin's db: the hyperlab lab CA).
 *
 * <pre>{@code
 * SecureBootKey k = lab.vm("web1").secureBootEnroll("/home/me/sb/cert.pem");
 * for (SecureBootKey e : lab.vm("web1").secureBootKeys()) System.out.println(e.keyId() + " " + e.subject());
 * }</pre>
 *
 * @param keyId SHA-256 of the key's X.509 SubjectPublicKeyInfo, 64 hex digits: what a loader's signature names its
 *     signer by ({@code openssl x509 -pubkey -noout | openssl pkey -pubin -outform DER | sha256sum})
 * @param subject the certificate's subject ({@code CN=me}), or empty when a bare public key was enrolled
 */
@API(status = EXPERIMENTAL, since = "0.2")
public record SecureBootKey(String keyId, String subject) {}
