package org.captioner.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code ./captioner serve} treats bad options like every other command: exit status 2, nothing started. */
class WebMainTest {

    @Test
    void badOptionsAndValuesExitWithUsageStatus() {
        for (List<String> args : List.of(List.of("--bogus"), List.of("--port", "99999"), List.of("--port", "http"),
                List.of("--max-in-flight", "0"), List.of("--max-file-mb", "-3"),
                List.of("--model", "/nonexistent/bundle"))) {
            assertEquals(2, WebMain.run(args.toArray(String[]::new)), String.join(" ", args));
        }
    }
}
