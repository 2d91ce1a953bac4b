using Microsoft.Playwright;

namespace LedgerSync.Dashboard.Tests.Support;

/// <summary>
/// Launches the system's Chromium (Debian's <c>chromium</c> package, <c>/usr/bin/chromium</c>, or the path in
/// <see cref="ExecutableVariable"/>) through Playwright; Playwright's own browser downloads are never used. Without a
/// browser the tests FAIL under <c>CI=true</c> and are skipped with a message on a developer machine.
/// </summary>
internal static class SystemBrowser
{
    public const string ExecutableVariable = "LEDGERSYNC_CHROMIUM";
    public const string DefaultExecutable = "/usr/bin/chromium";

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        var configured = Environment.GetEnvironmentVariable(ExecutableVariable);
        var path = string.IsNullOrEmpty(configured) ? DefaultExecutable : configured;
        if (!File.Exists(path))
        {
            var message = $"The browser tests need Chromium at {path} (install it with `apt-get install -y chromium`, as .ci/install-deps does, or set {ExecutableVariable}).";
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail(message);
            }

            Assert.Ignore(message);
        }

        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = path,
                Headless = true,
                Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
                Timeout = 60_000,
            });
            return (playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }
}
