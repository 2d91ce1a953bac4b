using LedgerSync.Recovery;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses the recovery plug-ins: the payload source (responder), the sink (requester) and the recovery store.</summary>
public static class RecoveryLedgerSyncBuilderExtensions
{
    /// <summary>Serves recovery requests from <typeparamref name="TSource"/> (a singleton created by the container).</summary>
    public static ILedgerSyncBuilder UseTransactionPayloadSource<TSource>(this ILedgerSyncBuilder builder)
        where TSource : class, ITransactionPayloadSource
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<ITransactionPayloadSource, TSource>());
        return builder;
    }

    /// <summary>Serves recovery requests from <paramref name="source"/>.</summary>
    public static ILedgerSyncBuilder UseTransactionPayloadSource(this ILedgerSyncBuilder builder, ITransactionPayloadSource source)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(source);
        builder.Services.Replace(ServiceDescriptor.Singleton(source));
        return builder;
    }

    /// <summary>Serves recovery requests from the source <paramref name="factory"/> creates (once).</summary>
    public static ILedgerSyncBuilder UseTransactionPayloadSource(this ILedgerSyncBuilder builder, Func<IServiceProvider, ITransactionPayloadSource> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.Replace(ServiceDescriptor.Singleton(factory));
        return builder;
    }

    /// <summary>Stores recovered, verified transactions with <typeparamref name="TSink"/> (a singleton created by the container; idempotent).</summary>
    public static ILedgerSyncBuilder UseRecoveredTransactionSink<TSink>(this ILedgerSyncBuilder builder)
        where TSink : class, IRecoveredTransactionSink
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IRecoveredTransactionSink, TSink>());
        return builder;
    }

    /// <summary>Stores recovered, verified transactions with <paramref name="sink"/> (idempotent).</summary>
    public static ILedgerSyncBuilder UseRecoveredTransactionSink(this ILedgerSyncBuilder builder, IRecoveredTransactionSink sink)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(sink);
        builder.Services.Replace(ServiceDescriptor.Singleton(sink));
        return builder;
    }

    /// <summary>Stores recovered, verified transactions with the sink <paramref name="factory"/> creates (once; idempotent).</summary>
    public static ILedgerSyncBuilder UseRecoveredTransactionSink(this ILedgerSyncBuilder builder, Func<IServiceProvider, IRecoveredTransactionSink> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.Replace(ServiceDescriptor.Singleton(factory));
        return builder;
    }

    /// <summary>Keeps recoveries in process memory (the default): a restart of the process loses queued and running recoveries.</summary>
    public static ILedgerSyncBuilder UseInMemoryRecoveryStore(this ILedgerSyncBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.UseRecoveryStore(_ => new InMemoryRecoveryStore());
    }

    /// <summary>Keeps recoveries in <typeparamref name="TStore"/> (a singleton created by the container; every method one atomic step, see <see cref="IRecoveryStore"/>).</summary>
    public static ILedgerSyncBuilder UseRecoveryStore<TStore>(this ILedgerSyncBuilder builder)
        where TStore : class, IRecoveryStore
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<IRecoveryStore, TStore>());
        return builder;
    }

    /// <summary>Keeps recoveries in the store <paramref name="factory"/> creates (once).</summary>
    public static ILedgerSyncBuilder UseRecoveryStore(this ILedgerSyncBuilder builder, Func<IServiceProvider, IRecoveryStore> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.Replace(ServiceDescriptor.Singleton(factory));
        return builder;
    }
}
