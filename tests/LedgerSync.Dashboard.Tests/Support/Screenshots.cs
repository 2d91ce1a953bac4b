using Microsoft.Playwright;

namespace LedgerSync.Dashboard.Tests.Support;

/// <summary>Saves page screenshots into the test output folder (<c>screenshots/</c>) and attaches them to the test result.</summary>
internal static class Screenshots
{
    public static string Folder => Path.Combine(TestContext.CurrentContext.WorkDirectory, "screenshots");

    public static async Task SaveAsync(IPage page, string name)
    {
        Directory.CreateDirectory(Folder);
        var path = Path.Combine(Folder, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        TestContext.AddTestAttachment(path, name);
    }
}
