using LedgerSync.Protocol;
using LedgerSync.Transport;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the protocol services of LedgerSync.</summary>
internal static class ProtocolServiceCollectionExtensions
{
    /// <summary>
    /// The factory of the default inbound handler (the reconciliation responder). Other parts of the library may put their
    /// own dispatcher in its place, but only while this default is registered: a handler the host registered stays.
    /// </summary>
    internal static readonly Func<IServiceProvider, object> DefaultInboundSessionHandler =
        sp => sp.GetRequiredService<ReconciliationResponder>();

    internal static IServiceCollection AddLedgerSyncProtocol(this IServiceCollection services)
    {
        services.TryAddSingleton(DiagnosticsServiceCollectionExtensions.CreateRunRegistry);
        services.TryAddSingleton<IncomingRequestRateLimiter>();
        services.TryAddSingleton<WarmEncoderCache>();

        // The scheduler replaces this with the admission that owns the shared pool and records statuses.
        services.TryAddSingleton<IIncomingReconciliationAdmission, StandaloneIncomingReconciliationAdmission>();
        services.TryAddSingleton<ReconciliationResponder>();
        services.TryAddSingleton(typeof(IInboundSessionHandler), DefaultInboundSessionHandler);
        services.TryAddSingleton<IReconciliationInitiator, ReconciliationInitiator>();
        return services;
    }
}
