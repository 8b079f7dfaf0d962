package org.captioner.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.captioner.ProjectFiles;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The upload page in a real headless Chromium (Debian's chromium + chromium-driver, which
 * .ci/run installs): choosing kitten.jpg shows its preview and a caption; with an attention model,
 * pointing at a word of the caption draws where the model looked.
 */
class BrowserTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    Path profile;

    @Test
    void uploadingAPhotoShowsItsCaption() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
                "install chromium and chromium-driver (apt) to run the browser test");
        Path kitten = ProjectFiles.sample("kitten.jpg");
        try (TestServer server = new TestServer(8L << 20, 4)) {
            WebDriver driver = browser();
            try {
                driver.get(server.uri("/").toString());
                WebElement input = driver.findElement(By.id("files"));
                input.sendKeys(kitten.toAbsolutePath().toString());
                WebElement caption = new WebDriverWait(driver, Duration.ofSeconds(60))
                        .until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".card .caption")));
                assertFalse(caption.getText().isBlank());
                assertTrue(driver.findElement(By.cssSelector(".card img")).getAttribute("src").startsWith("blob:"));
                assertTrue(driver.findElement(By.cssSelector(".card .muted")).getText().contains("ms"));
                // The evidence beside the caption: the encoder's classifier sees a tabby (cat).
                assertTrue(driver.findElement(By.cssSelector(".card .tags")).getText().contains("tabby"),
                        driver.findElement(By.cssSelector(".card")).getText());
                // This bundle's grounding (threshold 0.4) takes the person its pooled detector finds in
                // the close-up (0.67) as seen: a concept chip, drawn apart from ImageNet's.
                WebElement person = driver.findElement(By.cssSelector(".card .tag.concept"));
                assertTrue(person.getText().startsWith("person "), person.getText());
                assertTrue(person.getAttribute("title").contains("captions"), person.getAttribute("title"));
                // This model sees one pooled vector: its caption is plain text, with no maps to point at.
                assertTrue(driver.findElements(By.cssSelector(".card .w")).isEmpty());
                screenshot(driver, "browser-upload.png");
            } finally {
                driver.quit();
            }
        }
    }

    @Test
    void pointingAtAWordOfAnAttentionModelsCaptionShowsWhereItLooked() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
                "install chromium and chromium-driver (apt) to run the browser test");
        Path kitten = ProjectFiles.sample("kitten.jpg");
        try (TestServer server = new TestServer(TestServer.attentionBundle(), 8L << 20, 4)) {
            WebDriver driver = browser();
            try {
                driver.get(server.uri("/").toString());
                // The page learns from /api/health that this model attends before a photo is chosen.
                new WebDriverWait(driver, Duration.ofSeconds(30)).until(
                        ExpectedConditions.textToBePresentInElementLocated(By.id("model"), "model:"));
                driver.findElement(By.id("files")).sendKeys(kitten.toAbsolutePath().toString());
                List<WebElement> words = new WebDriverWait(driver, Duration.ofSeconds(60)).until(
                        ExpectedConditions.numberOfElementsToBeMoreThan(By.cssSelector(".card .caption .w"), 0));
                JavascriptExecutor js = (JavascriptExecutor) driver;
                assertEquals(0L, js.executeScript(LIT_PIXELS), "no map before a word is pointed at");
                WebElement second = words.get(Math.min(1, words.size() - 1));
                new Actions(driver).moveToElement(second).perform();
                assertTrue(second.getAttribute("class").contains("on"), "the pointed word is highlighted");
                // The map is the word's α, scaled to its largest: no shade at the most attended cell's
                // centre, 80 % × (1 − α/max) at the least attended one's.
                @SuppressWarnings("unchecked")
                List<Number> shade = (List<Number>) js.executeScript(SHADE_AT_EXTREMES, second.getAttribute("data-k"));
                assertEquals(shade.get(1).doubleValue(), shade.get(0).doubleValue(), 4, "most attended cell: " + shade);
                assertEquals(shade.get(3).doubleValue(), shade.get(2).doubleValue(), 4, "least attended cell: " + shade);
                assertTrue(shade.get(3).doubleValue() > 0, "the least attended cell is dimmed: " + shade);
                screenshot(driver, "browser-attention.png");
            } finally {
                driver.quit();
            }
        }
    }

    /** Pixels of the attention canvas that are drawn on (not transparent). */
    private static final String LIT_PIXELS = """
            const c = document.querySelector('.card canvas.map');
            if (!c || c.width === 0 || c.height === 0) return 0;
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0;
            for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
            return n;
            """;

    /**
     * For word {@code arguments[0]}: the canvas's alpha at the centre of the most attended grid cell
     * and what it should be, then the same for the least attended cell (the grid covers the whole
     * photo here: the fixture bundle squashes).
     */
    private static final String SHADE_AT_EXTREMES = """
            const card = document.querySelector('.card[data-alpha]');
            const a = JSON.parse(card.dataset.alpha)[Number(arguments[0])];
            const side = Math.round(Math.sqrt(a.length));
            const max = Math.max(...a), min = Math.min(...a);
            const c = card.querySelector('canvas.map');
            const at = i => {
              const x = Math.floor(((i % side) + 0.5) * c.width / side);
              const y = Math.floor((Math.floor(i / side) + 0.5) * c.height / side);
              return c.getContext('2d').getImageData(x, y, 1, 1).data[3];
            };
            const hi = a.indexOf(max), lo = a.indexOf(min);
            return [at(hi), 0, at(lo), Math.round(255 * 0.8 * (1 - min / max))];
            """;

    private WebDriver browser() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--window-size=1100,900", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private static void screenshot(WebDriver driver, String name) throws Exception {
        File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), Path.of("target", name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
