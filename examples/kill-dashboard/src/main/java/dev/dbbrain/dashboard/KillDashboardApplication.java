package dev.dbbrain.dashboard;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * A WebFlux page that kills the sessions of Redis instances' proxies and shows each task's progress live.
 *
 * <p>The {@code DbbrainClient} comes from the library's auto-configuration ({@code dbbrain.*} properties). Without
 * Tencent Cloud credentials the application starts the library's DBbrain emulator and points the client at it.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class KillDashboardApplication {

    /**
     * Starts the dashboard.
     *
     * @param args Spring Boot arguments, e.g. {@code --server.port=9090}
     */
    public static void main(String[] args) {
        SpringApplication.run(KillDashboardApplication.class, args);
    }
}
