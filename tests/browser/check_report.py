#!/usr/bin/env python3
"""Opens an optbench report in headless Chromium and checks that every chart rendered.

usage: check_report.py REPORT.html SCREENSHOT.png

Fails on an uncaught error, a rejected promise or a console.error; on a chart container without
an SVG that drew marks; and when the page did not report every chart rendered. Saves a screenshot.
"""
import html.parser
import json
import os
import shutil
import subprocess
import sys
import tempfile

CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--virtual-time-budget=30000",
]

# Test instrumentation, prepended to a copy of the page: every error lands in an attribute
# of <html> that --dump-dom shows.
ERROR_RECORDER = """<script>
(function () {
  const errors = [];
  const record = (text) => {
    errors.push(String(text));
    document.documentElement.setAttribute('data-console-errors', JSON.stringify(errors));
  };
  window.addEventListener('error', (e) => record(e.message));
  window.addEventListener('unhandledrejection', (e) => record('unhandled rejection: ' + e.reason));
  const original = console.error;
  console.error = (...args) => { record(args.join(' ')); original.apply(console, args); };
})();
</script>"""


class ChartScan(html.parser.HTMLParser):
    """Per <div class="chart">: whether it holds an <svg>, and how many marks Vega drew in it."""

    VOID = {"path", "rect", "line", "circle", "br", "meta", "img", "input", "link"}

    def __init__(self):
        super().__init__()
        self.charts = {}   # id -> {"svg": bool, "marks": int}
        self.stack = []    # open elements: (tag, chart id or None, class attribute)
        self.html_attrs = {}
        self.body_attrs = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = attrs.get("class") or ""
        if tag == "html":
            self.html_attrs = attrs
        if tag == "body":
            self.body_attrs = attrs
        chart = next((c for _, c, _ in reversed(self.stack) if c), None)
        if tag == "div" and "chart" in classes.split():
            chart = attrs.get("id", "chart%d" % len(self.charts))
            self.charts[chart] = {"svg": False, "marks": 0}
        if chart and tag == "svg":
            self.charts[chart]["svg"] = True
        # Vega draws each mark as a path (or line) inside a <g class="mark-... role-mark">.
        inside_mark = any("role-mark" in c for _, _, c in self.stack)
        if chart and inside_mark and tag in ("path", "line") and (tag == "line" or attrs.get("d")):
            self.charts[chart]["marks"] += 1
        if tag not in self.VOID:
            self.stack.append((tag, chart, classes))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break


def chromium(*args):
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if not binary:
        sys.exit("check_report: chromium is not installed (Debian package chromium)")
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run([binary, *CHROMIUM_FLAGS, "--user-data-dir=" + profile, *args],
                              capture_output=True, text=True, timeout=300)


def check(report, screenshot):
    """Returns the list of problems found (empty: every chart rendered)."""
    with open(report, encoding="utf-8") as f:
        page = f.read()
    with tempfile.TemporaryDirectory() as tmp:
        instrumented = os.path.join(tmp, "report.html")
        with open(instrumented, "w", encoding="utf-8") as f:
            f.write(page.replace("<head>", "<head>" + ERROR_RECORDER, 1))
        dom = chromium("--dump-dom", "file://" + instrumented)
    problems = []
    if dom.returncode != 0:
        problems.append("chromium exited with %d: %s" % (dom.returncode, dom.stderr[-2000:]))
    scan = ChartScan()
    scan.feed(dom.stdout)
    errors = json.loads(scan.html_attrs.get("data-console-errors") or "[]")
    problems += ["console error: " + e for e in errors]
    if not scan.charts:
        problems.append("the page has no charts")
    for chart, found in scan.charts.items():
        if not found["svg"]:
            problems.append(chart + ": no <svg> rendered")
        elif found["marks"] == 0:
            problems.append(chart + ": the <svg> has no drawn marks")
    rendered = scan.body_attrs.get("data-rendered")
    if rendered != str(len(scan.charts)):
        problems.append("the page reported %s of %d charts rendered (render error: %s)"
                        % (rendered, len(scan.charts), scan.body_attrs.get("data-render-error")))
    shot = chromium("--window-size=1200,5000", "--screenshot=" + os.path.abspath(screenshot), "file://" + os.path.abspath(report))
    if shot.returncode != 0 or not os.path.getsize(screenshot):
        problems.append("no screenshot: " + shot.stderr[-2000:])
    return problems, len(scan.charts)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    problems, charts = check(sys.argv[1], sys.argv[2])
    for p in problems:
        print("FAIL:", p)
    if problems:
        sys.exit(1)
    print("%d charts rendered; screenshot %s" % (charts, sys.argv[2]))


if __name__ == "__main__":
    main()
