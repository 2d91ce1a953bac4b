namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the flows services of LedgerSync.</summary>
internal static class FlowsServiceCollectionExtensions
{
    internal static IServiceCollection AddLedgerSyncFlows(this IServiceCollection services)
    {
        // Registered by the area that owns it; every registration uses TryAdd* so AddLedgerSync() may be called twice.
        return services;
    }
}
