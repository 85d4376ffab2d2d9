package io.smsotp.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.openqa.selenium.By;
import org.openqa.selenium.InvalidSelectorException;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real headless Chromium for tests, driven by Selenium through Debian's ChromeDriver.
 *
 * <p>Both binaries come from the machine ({@code /usr/bin/chromium}, {@code /usr/bin/chromedriver};
 * {@code CHROME_BIN} and {@code CHROMEDRIVER_BIN} override them), never from a download: the
 * driver path is given explicitly, so Selenium Manager does not run. When either is missing the
 * browser fails to start with a message naming the packages, so a browser test never skips.
 * Each browser gets a fresh profile folder, removed on {@link #close()}.
 */
public final class Browser implements AutoCloseable {

    public static final String DEFAULT_CHROME_BIN = "/usr/bin/chromium";
    public static final String DEFAULT_CHROMEDRIVER_BIN = "/usr/bin/chromedriver";
    static final String PACKAGES = "Debian packages chromium and chromium-driver "
            + "(apt-get install chromium chromium-driver; .ci/run installs them)";
    private static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);
    /**
     * Held so the level sticks: the tests never use DevTools, yet Selenium warns at every start
     * when the Debian Chromium is newer than the DevTools bindings it knows.
     */
    private static final Logger CDP_LOG = quiet("org.openqa.selenium.devtools.CdpVersionFinder");
    private static final String CLICKABLE = "button, a, input[type=submit], input[type=button]";

    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final Path profile;
    private Duration wait = DEFAULT_WAIT;

    private Browser(ChromeDriverService service, ChromeDriver driver, Path profile) {
        this.service = service;
        this.driver = driver;
        this.profile = profile;
    }

    /** Starts headless Chromium with a fresh profile; fails if Chromium or ChromeDriver is missing. */
    public static Browser start() {
        File chromium = fromEnv("CHROME_BIN", DEFAULT_CHROME_BIN, "Chromium");
        File chromedriver = fromEnv("CHROMEDRIVER_BIN", DEFAULT_CHROMEDRIVER_BIN, "ChromeDriver");
        Path profile;
        try {
            profile = Files.createTempDirectory("smsotp-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a Chromium profile folder", e);
        }
        ChromeOptions options = new ChromeOptions().setBinary(chromium).addArguments(
                "--headless=new",
                // tests run as root in CI, where Chromium's sandbox refuses to start
                "--no-sandbox",
                "--disable-gpu",
                // /dev/shm is small in containers; Chromium crashes tabs when it fills
                "--disable-dev-shm-usage",
                // the machine's network is closed: background calls to Google hosts only fail and slow
                // the start, so switch off everything that phones out
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--window-size=1280,900",
                "--user-data-dir=" + profile.toAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver)
                .usingAnyFreePort()
                .build();
        try {
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
            return new Browser(service, driver, profile);
        } catch (RuntimeException e) {
            service.stop();
            TestKafka.deleteRecursively(profile);
            throw new IllegalStateException("headless Chromium (" + chromium + ") did not start through "
                    + chromedriver + "; their versions must match, as those of the " + PACKAGES + " do", e);
        }
    }

    /** How long {@link #fill}, {@link #click} and {@link #waitForText} wait for the page (10 s unless set). */
    public Browser waitingUpTo(Duration timeout) {
        this.wait = Objects.requireNonNull(timeout, "timeout");
        return this;
    }

    /** Loads {@code url} and waits for the page to load. */
    public Browser open(String url) {
        driver.get(Objects.requireNonNull(url, "url"));
        return this;
    }

    /** Types {@code value} into the input or textarea named {@code name}, replacing what it held. */
    public Browser fill(String name, String value) {
        Objects.requireNonNull(value, "value");
        WebElement field = visible(name, "field");
        field.clear();
        field.sendKeys(value);
        return this;
    }

    /** Chooses the option whose value is {@code value} in the select named {@code name}. */
    public Browser choose(String name, String value) {
        Objects.requireNonNull(value, "value");
        new Select(visible(name, "select")).selectByValue(value);
        return this;
    }

    /** Ticks ({@code checked}) or clears the checkbox named {@code name}. */
    public Browser check(String name, boolean checked) {
        WebElement box = visible(name, "checkbox");
        if (box.isSelected() != checked) {
            box.click();
        }
        return this;
    }

    /**
     * Clicks the button, link or submit input whose visible text (or value) is {@code textOrCss};
     * failing that, the first element the CSS selector {@code textOrCss} matches.
     */
    public Browser click(String textOrCss) {
        Objects.requireNonNull(textOrCss, "textOrCss");
        WebElement target = new WebDriverWait(driver, wait)
                .ignoring(StaleElementReferenceException.class)
                .withMessage(() -> "nothing to click with text or CSS selector '" + textOrCss + "' on " + currentUrl())
                .until(d -> byText(textOrCss).or(() -> byCss(textOrCss)).orElse(null));
        target.click();
        return this;
    }

    /** The visible text of the page body. */
    public String text() {
        for (int tries = 1; ; tries++) {
            try {
                return driver.findElement(By.tagName("body")).getText();
            } catch (StaleElementReferenceException e) {
                // the page navigated (a redirect, a refresh) between finding the body and reading it
                if (tries == 5) {
                    throw e;
                }
            } catch (WebDriverException e) {
                // the same race as Chromium's inspector reports it: the node left the document
                if (tries == 5 || e.getMessage() == null || !e.getMessage().contains("does not belong to the document")) {
                    throw e;
                }
            }
        }
    }

    /** Waits until the page body shows {@code expected}, and returns the body text. */
    public String waitForText(String expected) {
        Objects.requireNonNull(expected, "expected");
        new WebDriverWait(driver, wait)
                .ignoring(StaleElementReferenceException.class)
                .withMessage(() -> "page " + currentUrl() + " never showed '" + expected + "'; it shows:\n" + text())
                .until(d -> text().contains(expected));
        return text();
    }

    public String currentUrl() {
        return driver.getCurrentUrl();
    }

    /** Saves a PNG of the viewport to {@code file}, making its folder, and returns {@code file}. */
    public Path screenshot(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write screenshot " + file, e);
        }
    }

    /** The Selenium driver, for what the helpers above do not cover. */
    public WebDriver driver() {
        return driver;
    }

    /** Quits Chromium and ChromeDriver and removes the profile folder. */
    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            TestKafka.deleteRecursively(profile);
        }
    }

    private WebElement visible(String name, String what) {
        return new WebDriverWait(driver, wait)
                .ignoring(StaleElementReferenceException.class)
                .withMessage(() -> "no " + what + " named '" + name + "' on " + currentUrl())
                .until(d -> d.findElements(By.name(name)).stream().filter(WebElement::isDisplayed).findFirst()
                        .orElse(null));
    }

    private Optional<WebElement> byText(String text) {
        List<WebElement> candidates = driver.findElements(By.cssSelector(CLICKABLE));
        return candidates.stream()
                .filter(e -> text.equals(e.getText().strip()) || text.equals(e.getDomAttribute("value")))
                .filter(WebElement::isDisplayed)
                .findFirst();
    }

    private Optional<WebElement> byCss(String css) {
        try {
            return driver.findElements(By.cssSelector(css)).stream().filter(WebElement::isDisplayed).findFirst();
        } catch (InvalidSelectorException | NoSuchElementException e) {
            // plain button text such as "Resend (30 s)" is not a valid selector: nothing to click yet
            return Optional.empty();
        }
    }

    private static Logger quiet(String name) {
        Logger logger = Logger.getLogger(name);
        logger.setLevel(Level.SEVERE);
        return logger;
    }

    private static File fromEnv(String env, String fallback, String what) {
        String configured = System.getenv(env);
        return executable(configured == null || configured.isBlank() ? fallback : configured, env, what);
    }

    static File executable(String path, String env, String what) {
        File file = new File(path);
        if (!file.isFile() || !file.canExecute()) {
            throw new IllegalStateException(what + " not found at " + path + " (set " + env
                    + " to override). Browser tests need the " + PACKAGES + ".");
        }
        return file;
    }
}
