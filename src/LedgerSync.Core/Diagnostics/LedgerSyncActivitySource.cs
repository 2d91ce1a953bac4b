using System.Diagnostics;

namespace LedgerSync.Diagnostics;

/// <summary>The process-wide activity source <see cref="LedgerSyncTelemetry.ActivitySourceName"/> of LedgerSync's spans.</summary>
internal static class LedgerSyncActivitySource
{
    /// <summary>The source; listeners (an OpenTelemetry tracer provider) subscribe to it by name.</summary>
    public static ActivitySource Instance { get; } = new(
        LedgerSyncTelemetry.ActivitySourceName,
        typeof(LedgerSyncActivitySource).Assembly.GetName().Version?.ToString());
}
