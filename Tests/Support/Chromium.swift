package import Foundation

/// Runs a Selenium script in headless Chromium (Debian `chromium` and `chromium-driver`, Selenium from PyPI) with
/// JavaScript off, and returns what it printed. `body` is Python run with `browser` (a `webdriver.Chrome`), `By`, and
/// the `arguments` in `sys.argv[1:]`; the browser quits afterwards whatever happens. A missing browser fails the test.
package func runInChromium(_ body: String, arguments: [String]) throws -> String {
    _ = try locateTool("chromium")
    _ = try locateTool("chromedriver")
    let script = """
        import sys
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service
        from selenium.webdriver.common.by import By
        options = Options()
        options.binary_location = "/usr/bin/chromium"
        for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
            options.add_argument(flag)
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
        browser = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        try:

        """ + body.split(separator: "\n", omittingEmptySubsequences: false).map { "    \($0)" }.joined(separator: "\n") + """

        finally:
            browser.quit()

        """
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("chromium-\(UUID().uuidString.prefix(8)).py")
    try Data(script.utf8).write(to: path)
    defer { try? FileManager.default.removeItem(at: path) }
    return String(decoding: try runTool("python3", [path.path] + arguments), as: UTF8.self)
}
