namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the protocol services of LedgerSync.</summary>
internal static class ProtocolServiceCollectionExtensions
{
    internal static IServiceCollection AddLedgerSyncProtocol(this IServiceCollection services)
    {
        // Registered by the area that owns it; every registration uses TryAdd* so AddLedgerSync() may be called twice.
        return services;
    }
}
