using LedgerSync;
using LedgerSync.Protocol;
using LedgerSync.Transport;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Chooses the peer transport LedgerSync opens sessions with (and receives them from).</summary>
public static class LedgerSyncTransportBuilderExtensions
{
    /// <summary>
    /// Uses <typeparamref name="TTransport"/> (a singleton) to open sessions. Your transport hands inbound sessions to
    /// the <see cref="IInboundSessionHandler"/> it resolves from the container.
    /// </summary>
    public static ILedgerSyncBuilder UsePeerTransport<TTransport>(this ILedgerSyncBuilder builder)
        where TTransport : class, IPeerTransport
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.RemoveAll<IPeerTransport>();
        builder.Services.AddSingleton<IPeerTransport, TTransport>();
        return builder;
    }

    /// <summary>Uses the transport <paramref name="factory"/> creates (once) to open sessions.</summary>
    public static ILedgerSyncBuilder UsePeerTransport(this ILedgerSyncBuilder builder, Func<IServiceProvider, IPeerTransport> factory)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(factory);
        builder.Services.RemoveAll<IPeerTransport>();
        builder.Services.AddSingleton(factory);
        return builder;
    }

    /// <summary>
    /// Joins this node to <paramref name="network"/> as <see cref="LedgerSyncOptions.LocalParty"/>: its sessions go
    /// through the network, and the network hands sessions opened to this node to its responder (registered when
    /// the host starts, or when the transport is first resolved).
    /// </summary>
    public static ILedgerSyncBuilder UseInMemoryTransport(this ILedgerSyncBuilder builder, InMemoryNetwork network)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(network);
        builder.UsePeerTransport(sp =>
        {
            var local = sp.GetRequiredService<IOptions<LedgerSyncOptions>>().Value.LocalParty
                ?? throw new LedgerSyncConfigurationException("LedgerSync:LocalParty is not set: the in-memory transport needs this node's identity.", "LocalParty");
            network.Register(local, sp.GetRequiredService<IInboundSessionHandler>());
            return network.CreateTransport(local);
        });
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, InMemoryNetworkMembership>(
            sp => new InMemoryNetworkMembership(network, sp)));
        return builder;
    }
}
