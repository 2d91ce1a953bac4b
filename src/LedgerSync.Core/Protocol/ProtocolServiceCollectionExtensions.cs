using LedgerSync.Diagnostics;
using LedgerSync.Protocol;
using LedgerSync.Transport;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the protocol services of LedgerSync.</summary>
internal static class ProtocolServiceCollectionExtensions
{
    internal static IServiceCollection AddLedgerSyncProtocol(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => new ReconciliationRunRegistry(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IncomingRequestRateLimiter>();
        services.TryAddSingleton<WarmEncoderCache>();

        // The scheduler replaces this with the admission that owns the shared pool and records statuses.
        services.TryAddSingleton<IIncomingReconciliationAdmission, StandaloneIncomingReconciliationAdmission>();
        services.TryAddSingleton<ReconciliationResponder>();
        services.TryAddSingleton<IInboundSessionHandler>(sp => sp.GetRequiredService<ReconciliationResponder>());
        services.TryAddSingleton<IReconciliationInitiator, ReconciliationInitiator>();
        return services;
    }
}
