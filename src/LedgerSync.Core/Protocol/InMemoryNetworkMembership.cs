using LedgerSync.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace LedgerSync.Protocol;

/// <summary>Registers the node on its in-memory network when the host starts, and removes it when the host stops.</summary>
internal sealed class InMemoryNetworkMembership(InMemoryNetwork network, IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = services.GetRequiredService<IPeerTransport>(); // registers the responder with the network
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        if (services.GetRequiredService<IOptions<LedgerSyncOptions>>().Value.LocalParty is { } local)
        {
            network.Unregister(local);
        }

        return Task.CompletedTask;
    }
}
