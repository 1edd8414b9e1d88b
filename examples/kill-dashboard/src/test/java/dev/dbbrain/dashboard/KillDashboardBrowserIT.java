package dev.dbbrain.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;

/**
 * The page in a real browser: Debian's headless Chromium, driven through Debian's chromedriver (never one that
 * Selenium would download), against the application and its embedded emulator.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        // A quarter of the proxies fail, so the page shows both terminal states; which ones is the emulator's
        // (seeded) business, the test checks each bar against its own counts.
        properties = "dashboard.emulator.proxy-failure-probability=0.25")
@ActiveProfiles("it")
class KillDashboardBrowserIT {

    private static final Path CHROMIUM = Path.of(System.getProperty("chromium.binary", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("chromium.driver", "/usr/bin/chromedriver"));
    private static final Path SCREENSHOT = Path.of("target", "kill-dashboard.png");
    private static final Duration ALL_TERMINAL = Duration.ofSeconds(60);
    private static final Pattern PROXIES = Pattern.compile("proxies finished (\\d+)/3, failed (\\d+)");

    @LocalServerPort
    private int port;

    private ChromeDriverService service;
    private ChromeDriver browser;

    @BeforeEach
    void openBrowser(@TempDir Path profile) throws IOException {
        assertThat(CHROMIUM).as("Chromium (Debian: apt-get install -y chromium chromium-driver)").isExecutable();
        assertThat(CHROMEDRIVER).as("chromedriver (Debian: apt-get install -y chromium-driver)").isExecutable();
        service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions()
                .setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--disable-dev-shm-usage", "--window-size=1100,1160",
                        "--user-data-dir=" + Files.createDirectories(profile.resolve("chromium")));
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
        if (service != null) {
            service.stop();
        }
    }

    @Test
    void killingSessionsOfSeveralInstancesShowsEveryTaskToItsEnd() throws IOException {
        WebDriverWait wait = openPage();

        WebElement ids = browser.findElement(By.id("instance-ids"));
        assertThat(ids.getDomProperty("value")).as("demo IDs offered with the emulator").contains("crs-demo0001");
        ids.clear();
        ids.sendKeys("crs-demo0001, crs-demo0002 crs-demo0003\ncrs-demo0004, redis-unknown");
        browser.findElement(By.id("kill-button")).click();

        wait.until(b -> {
            List<WebElement> cards = b.findElements(By.cssSelector("#tasks .task"));
            return cards.size() == 5 && cards.stream()
                    .allMatch(c -> List.of("finished", "failed", "error").contains(c.getDomAttribute("data-state")));
        });
        // The bars grow with a CSS transition: let them arrive before taking the picture.
        wait.until(b -> Boolean.TRUE.equals(browser.executeScript(
                "return [...document.querySelectorAll('#tasks .task')].every(card => {"
                        + " const bar = card.querySelector('.bar');"
                        + " const expected = bar.getBoundingClientRect().width * bar.getAttribute('aria-valuenow') / 100;"
                        + " return Math.abs(card.querySelector('.fill').getBoundingClientRect().width - expected) < 1;"
                        + "});")));
        Files.createDirectories(SCREENSHOT.getParent());
        Files.write(SCREENSHOT, browser.getScreenshotAs(OutputType.BYTES));

        List<WebElement> cards = browser.findElements(By.cssSelector("#tasks .task"));
        assertThat(cards).extracting(c -> text(c, ".instance"))
                .containsExactly("crs-demo0001", "crs-demo0002", "crs-demo0003", "crs-demo0004", "redis-unknown");
        int failedTasks = 0;
        for (WebElement card : cards.subList(0, 4)) {
            assertThat(text(card, ".task-id")).matches("task \\d+");
            assertThat(text(card, ".percent")).isEqualTo("100%");
            assertThat(card.findElement(By.cssSelector(".bar")).getDomAttribute("aria-valuenow")).isEqualTo("100");
            Matcher proxies = PROXIES.matcher(text(card, ".proxies"));
            assertThat(proxies.matches()).as(text(card, ".proxies")).isTrue();
            int finished = Integer.parseInt(proxies.group(1));
            int failed = Integer.parseInt(proxies.group(2));
            assertThat(finished + failed).as("every proxy done").isEqualTo(3);
            String status = failed == 0 ? "finished" : "failed";
            assertThat(text(card, ".status")).isEqualTo(status);
            assertThat(card.getDomAttribute("data-state")).isEqualTo(status);
            assertThat(card.findElement(By.cssSelector(".error")).isDisplayed()).isFalse();
            failedTasks += failed == 0 ? 0 : 1;
        }
        WebElement unknown = cards.get(4);
        assertThat(text(unknown, ".status")).isEqualTo("error");
        assertThat(text(unknown, ".task-id")).isEmpty();
        assertThat(text(unknown, ".error")).startsWith("ResourceNotFound");
        assertThat(text(browser.findElement(By.id("summary")), "*"))
                .isEqualTo("5 task(s): " + (4 - failedTasks) + " finished, " + failedTasks
                        + " failed, 1 error(s), 0 in progress");
        assertThat(browser.findElement(By.id("kill-button")).isEnabled()).isTrue();
    }

    @Test
    void moreTasksThanTheBrowsersSixConnectionsAllReachTheirEnd() {
        WebDriverWait wait = openPage();
        WebElement ids = browser.findElement(By.id("instance-ids"));
        ids.clear();
        ids.sendKeys(String.join(" ", IntStream.rangeClosed(11, 22).mapToObj(i -> "crs-many00" + i).toList()));
        browser.findElement(By.id("kill-button")).click();

        // Over HTTP/1.1 a browser opens at most six connections to one server: the streams beyond that (and the
        // POSTs behind them) wait for a stream to end, which each does after its task's terminal state.
        wait.until(b -> b.findElements(By.cssSelector("#tasks .task")).size() == 12 && b
                .findElements(By.cssSelector("#tasks .task")).stream()
                .allMatch(c -> List.of("finished", "failed").contains(c.getDomAttribute("data-state"))));
        assertThat(browser.findElements(By.cssSelector("#tasks .task")))
                .allSatisfy(card -> assertThat(text(card, ".percent")).isEqualTo("100%"));
    }

    @Test
    void pressingKillWithoutIdsAsksForThem() {
        WebDriverWait wait = openPage();
        browser.findElement(By.id("instance-ids")).clear();
        browser.findElement(By.id("kill-button")).click();

        wait.until(ExpectedConditions.textToBe(By.id("form-message"), "Enter at least one instance ID."));
        assertThat(browser.findElements(By.cssSelector("#tasks .task"))).isEmpty();
        assertThat(browser.findElement(By.id("no-tasks")).isDisplayed()).isTrue();
    }

    /** Opens the page and waits until its script has asked the application what it talks to. */
    private WebDriverWait openPage() {
        browser.get("http://127.0.0.1:" + port + "/");
        WebDriverWait wait = new WebDriverWait(browser, ALL_TERMINAL, Duration.ofMillis(100));
        wait.until(ExpectedConditions.textToBe(By.id("backend"), "embedded emulator"));
        return wait;
    }

    private static String text(WebElement element, String selector) {
        WebElement target = "*".equals(selector) ? element : element.findElement(By.cssSelector(selector));
        return target.getText().trim();
    }
}
