package dev.dbbrain.reactive.emulator;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A self-signed certificate and its private key, made in memory when an emulator starts with TLS: an EC P-256 key
 * from the JDK's {@link KeyPairGenerator}, an X.509 v3 certificate written by {@link Der} and signed with the JDK's
 * {@link Signature} ({@code SHA256withECDSA}). No file, no external tool, no extra library: the emulator ships in
 * the library's own jar, so whatever it needed would land on users' class paths (BouncyCastle for one), and the
 * JDK's {@code keytool} is not in every Java runtime (a jlinked image, for one).
 *
 * <p>The certificate is made the way {@code openssl req -x509} makes one, so that every TLS stack accepts it as its
 * own trust anchor, OpenSSL's strict mode (the default of Python 3.13) included: {@code CN=DBbrain emulator} as
 * subject and issuer, the names in subjectAltName ({@code 127.0.0.1}, {@code ::1}, {@code localhost} and any
 * configured), basicConstraints {@code CA:TRUE} (critical), keyUsage digitalSignature and keyCertSign (critical),
 * extendedKeyUsage serverAuth, and equal subject and authority key identifiers. Valid from an hour ago (for clients
 * whose clock runs behind) for a year, on the system clock: clients check it against theirs, never against an
 * emulator's test clock. The private key never leaves the process.
 */
final class EmulatorCertificate {

    static final String SUBJECT = "DBbrain emulator";
    /** The names every emulator certificate holds, whatever else is configured. */
    static final List<String> DEFAULT_NAMES = List.of("127.0.0.1", "::1", "localhost");

    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)"
            + "(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern DNS_NAME = Pattern.compile("(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
            + "(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

    private final PrivateKey privateKey;
    private final X509Certificate certificate;

    private EmulatorCertificate(PrivateKey privateKey, X509Certificate certificate) {
        this.privateKey = privateKey;
        this.certificate = certificate;
    }

    /** Generates a key pair and a certificate for {@code names} (host names or IP addresses), now. */
    static EmulatorCertificate generate(List<String> names) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair keys = generator.generateKeyPair();
            byte[] der = certificate(keys, names, Instant.now(), new SecureRandom());
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
            certificate.verify(keys.getPublic());
            return new EmulatorCertificate(keys.getPrivate(), certificate);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Could not make the emulator's TLS certificate with this JDK", e);
        }
    }

    /** Whether {@code name} can go into the certificate: an IPv4 or IPv6 address or a DNS name. */
    static boolean validName(String name) {
        return IPV4.matcher(name).matches() || ipv6(name) != null || DNS_NAME.matcher(name).matches();
    }

    PrivateKey privateKey() {
        return privateKey;
    }

    X509Certificate certificate() {
        return certificate;
    }

    /** The certificate in PEM form, as {@code openssl}, Python, Node and {@code curl --cacert} read it. */
    String pem() {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encodeToString(certificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Writes the PEM to {@code file}, replacing it whole: written beside it first and then moved in place, so a
     * client that waits for the file never reads half of it.
     */
    void writePem(Path file) {
        Path absolute = file.toAbsolutePath();
        try {
            Path temporary = Files.createTempFile(absolute.getParent(), ".dbbrain-emulator", ".pem");
            try {
                Files.writeString(temporary, pem(), StandardCharsets.US_ASCII);
                Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temporary);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write the emulator's certificate to " + file, e);
        }
    }

    private static byte[] certificate(KeyPair keys, List<String> names, Instant now, SecureRandom random)
            throws GeneralSecurityException {
        byte[] signatureAlgorithm = Der.sequence(Der.oid("1.2.840.10045.4.3.2"));   // ecdsa-with-SHA256
        byte[] name = Der.sequence(Der.set(Der.sequence(Der.oid("2.5.4.3"), Der.utf8String(SUBJECT))));
        byte[] publicKeyInfo = keys.getPublic().getEncoded();
        byte[] keyId = MessageDigest.getInstance("SHA-1").digest(publicKeyInfo);
        byte[] tbs = Der.sequence(
                Der.explicit(0, Der.integer(BigInteger.TWO)),   // version 3
                Der.integer(new BigInteger(127, random).setBit(126)),   // positive, 16 bytes
                signatureAlgorithm,
                name,
                Der.sequence(Der.time(now.minus(Duration.ofHours(1))), Der.time(now.plus(Duration.ofDays(365)))),
                name,
                publicKeyInfo,
                Der.explicit(3, Der.sequence(
                        extension("2.5.29.19", true, Der.sequence(Der.bool(true))),   // basicConstraints
                        extension("2.5.29.15", true, Der.namedBits(0, 5)),   // digitalSignature, keyCertSign
                        extension("2.5.29.37", false, Der.sequence(Der.oid("1.3.6.1.5.5.7.3.1"))),   // serverAuth
                        extension("2.5.29.17", false, subjectAltNames(names)),
                        extension("2.5.29.14", false, Der.octetString(keyId)),   // subjectKeyIdentifier
                        extension("2.5.29.35", false, Der.sequence(Der.implicit(0, keyId))))));   // authorityKeyId
        Signature signer = Signature.getInstance("SHA256withECDSA");
        signer.initSign(keys.getPrivate());
        signer.update(tbs);
        return Der.sequence(tbs, signatureAlgorithm, Der.bitString(signer.sign()));
    }

    private static byte[] extension(String oid, boolean critical, byte[] value) {
        return critical
                ? Der.sequence(Der.oid(oid), Der.bool(true), Der.octetString(value))
                : Der.sequence(Der.oid(oid), Der.octetString(value));
    }

    /** GeneralNames: {@code [7] iPAddress} for addresses, {@code [2] dNSName} for names. */
    private static byte[] subjectAltNames(List<String> names) {
        List<byte[]> entries = new ArrayList<>();
        for (String name : names) {
            byte[] address = IPV4.matcher(name).matches() ? ipv4(name) : ipv6(name);
            entries.add(address != null ? Der.implicit(7, address)
                    : Der.implicit(2, name.getBytes(StandardCharsets.US_ASCII)));
        }
        return Der.sequence(entries.toArray(new byte[0][]));
    }

    private static byte[] ipv4(String address) {
        String[] parts = address.split("\\.");
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            bytes[i] = (byte) Integer.parseInt(parts[i]);
        }
        return bytes;
    }

    /**
     * The bytes of an IPv6 literal (brackets allowed), or null when it is not one. Only a string of hex digits and
     * colons reaches {@link InetAddress}, which parses such a string as a literal and never looks it up.
     */
    private static byte[] ipv6(String literal) {
        String s = literal.startsWith("[") && literal.endsWith("]") ? literal.substring(1, literal.length() - 1)
                : literal;
        if (s.indexOf(':') < 0 || !s.chars().allMatch(c -> c == ':' || Character.digit(c, 16) >= 0)) {
            return null;
        }
        try {
            return InetAddress.getByName("[" + s + "]").getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
