namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the scheduling services of LedgerSync.</summary>
internal static class SchedulingServiceCollectionExtensions
{
    internal static IServiceCollection AddLedgerSyncScheduling(this IServiceCollection services)
    {
        // Registered by the area that owns it; every registration uses TryAdd* so AddLedgerSync() may be called twice.
        return services;
    }
}
