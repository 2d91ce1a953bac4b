namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the ledger services of LedgerSync.</summary>
internal static class LedgerServiceCollectionExtensions
{
    internal static IServiceCollection AddLedgerSyncLedger(this IServiceCollection services)
    {
        // Registered by the area that owns it; every registration uses TryAdd* so AddLedgerSync() may be called twice.
        return services;
    }
}
