namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the diagnostics services of LedgerSync.</summary>
internal static class DiagnosticsServiceCollectionExtensions
{
    internal static IServiceCollection AddLedgerSyncDiagnostics(this IServiceCollection services)
    {
        // Registered by the area that owns it; every registration uses TryAdd* so AddLedgerSync() may be called twice.
        return services;
    }
}
