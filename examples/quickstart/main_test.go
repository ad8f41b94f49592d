package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func runQuickstart(t *testing.T, dir string) (string, string) {
	t.Helper()
	db, page := filepath.Join(dir, "demo.sqlite"), filepath.Join(dir, "report.html")
	var out, errOut bytes.Buffer
	code := run([]string{"--as-of", "2026-11-22", "--vehicles", "150", "--history", "20", "--db", db, "--html", page}, &out, &errOut)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	return out.String(), page
}

func TestQuickstart(t *testing.T) {
	dir := t.TempDir()
	out, page := runQuickstart(t, dir)
	for _, want := range []string{"dcrc quickstart — 3 dealers", "Today's work list (2026-11-22)", "dealer-dcrc — ",
		"KPIs of the whole network as of 2026-11-22", "First-time fix (FFV)", "Complaints within SLA",
		"Loss by service advisor", "Wrote " + page} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	html, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(html), `<svg class="chart"`); n != 5 {
		t.Errorf("%d charts in the page, want 5", n)
	}
	if strings.Contains(string(html), "http://") && !strings.Contains(string(html), "http://www.w3.org/2000/svg") ||
		strings.Contains(string(html), "https://") || strings.Contains(string(html), "<script") {
		t.Error("the page is not self-contained")
	}
	// The same day and seed give the same output, the database rebuilt.
	again, _ := runQuickstart(t, dir)
	if again != out {
		t.Error("a second run printed something else")
	}
}

// browser returns a headless Chromium to check the page with. CI sets
// DCRC_CHROMIUM (and then the check must run); elsewhere it is looked up.
func browser(t *testing.T) string {
	if p := os.Getenv("DCRC_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no Chromium found: skipping the browser check of report.html (set DCRC_CHROMIUM; .ci/run installs Debian's chromium)")
	return ""
}

// TestReportRendersInChromium opens report.html in a real headless browser:
// it loads without errors, its five charts are in the rendered DOM, and the
// screenshot is not blank.
func TestReportRendersInChromium(t *testing.T) {
	bin := browser(t)
	dir := t.TempDir()
	_, page := runQuickstart(t, dir)
	shot := filepath.Join(dir, "report.png")
	common := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
		"--user-data-dir=" + filepath.Join(dir, "profile"), "--enable-logging=stderr", "--v=0"}
	cmd := exec.Command(bin, append(common, "--dump-dom", "file://"+page)...)
	var dom, log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &dom, &log
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium --dump-dom: %v\n%s", err, log.String())
	}
	if n := strings.Count(dom.String(), `<svg class="chart"`); n != 5 {
		t.Errorf("rendered DOM has %d charts, want 5", n)
	}
	for _, id := range []string{"status", "loss-by-month", "loss-by-advisor", "ffv-by-advisor", "return-rate"} {
		if !strings.Contains(dom.String(), `id="`+id+`"`) {
			t.Errorf("chart %s missing from the rendered DOM", id)
		}
	}
	if strings.Contains(log.String(), "CONSOLE") || strings.Contains(log.String(), "Uncaught") {
		t.Errorf("the page logged errors:\n%s", log.String())
	}
	cmd = exec.Command(bin, append(common, "--window-size=1280,1400", "--screenshot="+shot, "file://"+page)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium --screenshot: %v\n%s", err, out)
	}
	png, err := os.ReadFile(shot)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(png, []byte("\x89PNG")) || len(png) < 30_000 {
		t.Errorf("screenshot of %d bytes looks blank", len(png))
	}
}
