package dev.hyperlab.shell;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * {@code timeline --html} in a real headless Chromium, driven through chromedriver's W3C WebDriver HTTP API: the page
 * loads with nothing from elsewhere, every phase of the timeline is a visible bar, hovering one shows its details,
 * and a screenshot is kept as a test artefact (shell/target/timeline-chromium.png).
 */
class TimelineBrowserTest {
    static final Path OUT = Path.of("target");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static Optional<Path> find(String... names) {
        for (String name : names) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
                Path p = Path.of(dir, name);
                if (Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    @Test
    void theHtmlTimelineRendersEveryPhaseWithHoverDetails() throws Exception {
        Optional<Path> driver = find("chromedriver");
        Optional<Path> browser = find("chromium", "chromium-browser", "google-chrome");
        Assumptions.assumeTrue(driver.isPresent() && browser.isPresent(),
                "chromium and chromium-driver are not installed (.ci/run installs them): HTML timeline test skipped");

        Path page = OUT.resolve("timeline-chromium.html").toAbsolutePath();
        JsonNode phases;
        try (ShellFixture shell = ShellFixture.inMemory()) {
            shell.ok("demo; vm start --all --wait; timeline --html " + page);
            phases = shell.run("timeline --json").json();
        }
        assertThat(Files.readString(page)).as("self-contained").doesNotContain("src=", "href=", "@import", "url(");

        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process chromedriver = new ProcessBuilder(driver.get().toString(), "--port=" + port)
                .redirectErrorStream(true).redirectOutput(OUT.resolve("chromedriver.log").toFile()).start();
        String base = "http://127.0.0.1:" + port;
        try {
            awaitReady(base);
            ObjectNode caps = ShellFixture.JSON.createObjectNode();
            ObjectNode chrome = caps.putObject("capabilities").putObject("alwaysMatch").put("browserName", "chrome")
                    .putObject("goog:chromeOptions");
            chrome.put("binary", browser.get().toRealPath().toString());
            chrome.putArray("args").add("--headless=new").add("--no-sandbox").add("--disable-gpu")
                    .add("--disable-dev-shm-usage").add("--window-size=1400,1800");
            String session = call("POST", base + "/session", caps).get("value").get("sessionId").asText();
            String s = base + "/session/" + session;
            try {
                call("POST", s + "/url", Map.of("url", page.toUri().toString()));
                JsonNode bars = script(s, """
                        return Array.from(document.querySelectorAll('#gantt rect.phase')).map(r => {
                          const b = r.getBoundingClientRect();
                          return [r.dataset.machine, r.dataset.phase, r.dataset.step, b.width, b.height];
                        });""");
                List<String> rendered = new ArrayList<>();
                bars.forEach(b -> {
                    assertThat(b.get(3).asDouble()).as("width of " + b).isPositive();
                    assertThat(b.get(4).asDouble()).as("height of " + b).isPositive();
                    rendered.add(b.get(0).asText() + "/" + b.get(1).asText() + "/" + b.get(2).asText());
                });
                List<String> expected = new ArrayList<>();
                phases.forEach(p -> expected.add(p.get("machine").asText() + "/" + p.get("phase").asText() + "/"
                        + p.get("step").asText()));
                assertThat(rendered).as("every phase of timeline --json is a bar").containsExactlyInAnyOrderElementsOf(
                        expected);
                assertThat(rendered).hasSizeGreaterThan(50);

                // the memory chart under the Gantt: a panel per host, each VM's logical size a visible line
                JsonNode memory = script(s, """
                        const c = document.querySelector('#memory-chart');
                        if (!c) return null;
                        const w = e => e.getBoundingClientRect().width;
                        return [c.querySelectorAll('polygon.used').length,
                                Array.from(c.querySelectorAll('polyline[data-vm]')).filter(l => w(l) > 0).length,
                                w(c)];""");
                assertThat(memory.isNull()).as("a memory chart").isFalse();
                assertThat(memory.get(0).asInt()).as("host panels").isEqualTo(2);
                assertThat(memory.get(1).asInt()).as("VM lines").isGreaterThan(3);
                assertThat(memory.get(2).asDouble()).isPositive();

                String bar = call("POST", s + "/element", Map.of("using", "css selector",
                        "value", "#gantt rect.phase[data-machine='win1'][data-phase='init']"))
                        .get("value").elements().next().asText();
                call("POST", s + "/actions", ShellFixture.JSON.readTree("""
                        {"actions": [{"type": "pointer", "id": "mouse", "parameters": {"pointerType": "mouse"},
                          "actions": [{"type": "pointerMove", "duration": 0, "x": 0, "y": 0,
                                       "origin": {"element-6066-11e4-a52e-4f735466cecf": "%s"}}]}]}
                        """.formatted(bar)));
                JsonNode tip = script(s, "const t = document.getElementById('tip');"
                        + " return [getComputedStyle(t).display, t.textContent];");
                assertThat(tip.get(0).asText()).isEqualTo("block");
                assertThat(tip.get(1).asText()).contains("win1", "init", "bound", "cpu");

                byte[] png = Base64.getDecoder().decode(call("GET", s + "/screenshot", null).get("value").asText());
                Files.write(OUT.resolve("timeline-chromium.png"), png);
                assertThat(png.length).isGreaterThan(10_000);
            } finally {
                call("DELETE", s, null);
            }
        } finally {
            // the browser is chromedriver's child: end it too, whatever state the session is in
            chromedriver.toHandle().descendants().forEach(ProcessHandle::destroy);
            chromedriver.destroy();
            if (!chromedriver.waitFor(10, TimeUnit.SECONDS)) {
                chromedriver.destroyForcibly();
            }
        }
    }

    private JsonNode script(String session, String js) throws Exception {
        return call("POST", session + "/execute/sync", Map.of("script", js, "args", List.of())).get("value");
    }

    private void awaitReady(String base) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                if (call("GET", base + "/status", null).get("value").get("ready").asBoolean()) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > end) {
                throw new AssertionError("chromedriver did not start; see target/chromedriver.log");
            }
            Thread.sleep(100);
        }
    }

    private JsonNode call(String method, String url, Object body) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60));
        String json = body == null ? "" : ShellFixture.JSON.writeValueAsString(body);
        r.method(method, body == null && !method.equals("POST") ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json));
        r.header("Content-Type", "application/json");
        HttpResponse<String> resp = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode node = ShellFixture.JSON.readTree(resp.body());
        if (resp.statusCode() != 200) {
            throw new AssertionError(method + " " + url + " -> " + resp.statusCode() + ": " + resp.body());
        }
        return node;
    }
}
