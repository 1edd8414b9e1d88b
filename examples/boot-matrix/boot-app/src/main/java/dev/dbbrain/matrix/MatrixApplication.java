package dev.dbbrain.matrix;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The README's Quick start as an application: a WebFlux service on the auto-configured {@code DbbrainClient}
 * ({@code dbbrain.*} in {@code application.properties}, no {@code @Bean} of its own), built unchanged on every
 * supported Spring Boot line with Boot's own dependency versions.
 */
@SpringBootApplication
public class MatrixApplication {

    public static void main(String[] args) {
        SpringApplication.run(MatrixApplication.class, args);
    }
}
