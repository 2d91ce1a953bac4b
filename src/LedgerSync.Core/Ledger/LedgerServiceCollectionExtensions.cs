using LedgerSync;
using LedgerSync.Ledger;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the ledger services of LedgerSync.</summary>
internal static class LedgerServiceCollectionExtensions
{
    internal static IServiceCollection AddLedgerSyncLedger(this IServiceCollection services)
    {
        services.TryAddSingleton(static provider => new LedgerGraph(
            provider.GetRequiredService<IOptions<LedgerSyncOptions>>().Value,
            provider.GetService<TimeProvider>(),
            provider.GetService<ILogger<LedgerGraph>>()));
        services.TryAddSingleton<ILedgerGraph>(static provider => provider.GetRequiredService<LedgerGraph>());
        services.TryAddSingleton<ITransactionSource, InMemoryTransactionSource>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, LedgerGraphInitializer>(static provider => new LedgerGraphInitializer(
            provider.GetRequiredService<LedgerGraph>(),
            provider.GetRequiredService<ITransactionSource>(),
            provider.GetService<ITransactionDecoder>(),
            provider.GetService<IProgress<LedgerGraphLoadProgress>>(),
            provider.GetService<ILogger<LedgerGraphInitializer>>())));
        return services;
    }
}
