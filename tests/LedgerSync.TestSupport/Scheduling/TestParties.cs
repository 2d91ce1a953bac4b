namespace LedgerSync.Testing.Scheduling;

/// <summary>Party names for scheduler tests.</summary>
public static class TestParties
{
    public static PartyName Local { get; } = PartyName.Parse("O=PartyA, L=London, C=GB");

    public static PartyName B { get; } = PartyName.Parse("O=PartyB, L=London, C=GB");

    public static PartyName C { get; } = PartyName.Parse("O=PartyC, L=Ottawa, C=CA");

    public static PartyName Numbered(int i) => PartyName.Parse($"O=Party{i:D4}, L=London, C=GB");

    /// <summary>Polls <paramref name="condition"/> until it holds (generous timeout for a loaded machine).</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what, int timeoutSeconds = 30)
    {
        var deadline = Environment.TickCount64 + (timeoutSeconds * 1000L);
        while (!condition())
        {
            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException($"Timed out waiting for: {what}");
            }

            await Task.Delay(5).ConfigureAwait(false);
        }
    }

    /// <summary>Polls an asynchronous <paramref name="condition"/> until it holds.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, int timeoutSeconds = 30)
    {
        var deadline = Environment.TickCount64 + (timeoutSeconds * 1000L);
        while (!await condition().ConfigureAwait(false))
        {
            if (Environment.TickCount64 > deadline)
            {
                throw new TimeoutException($"Timed out waiting for: {what}");
            }

            await Task.Delay(5).ConfigureAwait(false);
        }
    }
}
