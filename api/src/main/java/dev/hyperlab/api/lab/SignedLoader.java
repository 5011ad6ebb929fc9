package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * What {@code disk sign} did: the EFI loader of an image's EFI system partition, signed in place.
 *
 * <pre>{@code
 * SignedLoader s = lab.signLoader("my.qcow2", "/home/me/sb/key.pem", "/home/me/sb/cert.pem");
 * lab.vm("web1").secureBootEnroll("/home/me/sb/cert.pem"); // web1 now boots it under Secure Boot
 * }</pre>
 *
 * @param image the image, an absolute path
 * @param loader the file signed, {@code \EFI\BOOT\BOOTX64.EFI}
 * @param keyId the signer: SHA-256 of its X.509 SubjectPublicKeyInfo, 64 hex digits ({@link SecureBootKey#keyId()})
 * @param subject the signer's certificate subject ({@code CN=me}), or empty when a bare public key was given
 * @param bytes the signed loader's size
 */
@API(status = EXPERIMENTAL, since = "0.2")
public record SignedLoader(String image, String loader, String keyId, String subject, long bytes) {}
