using Microsoft.Extensions.Options;

namespace LedgerSync.Benchmarks.Wire;

internal sealed class ProtocolScenarioOptionsMonitor(LedgerSyncOptions value) : IOptionsMonitor<LedgerSyncOptions>
{
    public LedgerSyncOptions CurrentValue { get; } = value;

    public LedgerSyncOptions Get(string? name) => CurrentValue;

    public IDisposable? OnChange(Action<LedgerSyncOptions, string?> listener) => null;
}
