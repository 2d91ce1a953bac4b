using LedgerSync.Ledger;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses the <see cref="ITransactionSource"/> (and decoder) the ledger graph loads from.</summary>
public static class LedgerSyncBuilderTransactionSourceExtensions
{
    /// <summary>Uses <typeparamref name="TSource"/> (a singleton created by the container) as the transaction source.</summary>
    /// <typeparam name="TSource">The source type.</typeparam>
    /// <param name="builder">The LedgerSync builder.</param>
    public static ILedgerSyncBuilder UseTransactionSource<TSource>(this ILedgerSyncBuilder builder)
        where TSource : class, ITransactionSource
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Replace(ServiceDescriptor.Singleton<ITransactionSource, TSource>());
        return builder;
    }

    /// <summary>Uses <paramref name="source"/> as the transaction source.</summary>
    /// <param name="builder">The LedgerSync builder.</param>
    /// <param name="source">The source.</param>
    public static ILedgerSyncBuilder UseTransactionSource(this ILedgerSyncBuilder builder, ITransactionSource source)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(source);
        builder.Services.Replace(ServiceDescriptor.Singleton(source));
        return builder;
    }

    /// <summary>Uses the source <paramref name="factory"/> creates (once) as the transaction source.</summary>
    /// <param name="builder">The LedgerSync builder.</param>
    /// <param name="factory">Creates the source from the container.</param>
    public static ILedgerSyncBuilder UseTransactionSource(this ILedgerSyncBuilder builder, Func<IServiceProvider, ITransactionSource> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.Replace(ServiceDescriptor.Singleton(factory));
        return builder;
    }

    /// <summary>Uses <paramref name="decoder"/> to decode records the source returns as raw bytes.</summary>
    /// <param name="builder">The LedgerSync builder.</param>
    /// <param name="decoder">The decoder (thread-safe).</param>
    public static ILedgerSyncBuilder UseTransactionDecoder(this ILedgerSyncBuilder builder, ITransactionDecoder decoder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(decoder);
        builder.Services.Replace(ServiceDescriptor.Singleton(decoder));
        return builder;
    }
}
