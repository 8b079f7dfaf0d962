package org.captioner.web;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.captioner.ProjectFiles;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The upload page in a real headless Chromium (Debian's chromium + chromium-driver, which
 * .ci/run installs): choosing kitten.jpg shows its preview and a caption.
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
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--window-size=1100,900", "--user-data-dir=" + profile);
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(DRIVER.toFile()).usingAnyFreePort().build();
            WebDriver driver = new ChromeDriver(service, options);
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
                File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
                Files.copy(shot.toPath(), Path.of("target", "browser-upload.png"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } finally {
                driver.quit();
            }
        }
    }
}
