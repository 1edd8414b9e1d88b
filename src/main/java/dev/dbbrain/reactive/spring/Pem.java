package dev.dbbrain.reactive.spring;

import java.io.IOException;
import java.io.InputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.springframework.core.io.Resource;

/**
 * Reads the certificates of {@code dbbrain.trusted-certificates}: PEM (or DER) X.509 files, read once when the client
 * bean is created, on the thread that creates it (never an event loop).
 */
final class Pem {

    private Pem() {
    }

    /** Every certificate in the resources, in order; a resource that holds none is refused, naming it. */
    static X509Certificate[] certificates(List<Resource> resources) {
        List<X509Certificate> certificates = new ArrayList<>();
        for (Resource resource : resources) {
            try (InputStream in = resource.getInputStream()) {
                int before = certificates.size();
                for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    certificates.add((X509Certificate) certificate);
                }
                if (certificates.size() == before) {
                    throw new IllegalArgumentException(resource.getDescription() + " holds no certificate");
                }
            } catch (IOException e) {
                throw new IllegalArgumentException(resource.getDescription() + " could not be read ("
                        + e.getClass().getSimpleName() + ")");
            } catch (CertificateException e) {
                throw new IllegalArgumentException(resource.getDescription() + " is not a PEM or DER X.509 "
                        + "certificate");
            }
        }
        return certificates.toArray(new X509Certificate[0]);
    }
}
