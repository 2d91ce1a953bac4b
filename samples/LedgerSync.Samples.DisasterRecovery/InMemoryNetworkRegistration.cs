using LedgerSync.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LedgerSync.Samples.DisasterRecovery;

/// <summary>Puts the node on the in-memory network while its host runs, so sessions opened to it reach its responder.</summary>
internal sealed class InMemoryNetworkRegistration(InMemoryNetwork network, PartyName party, IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        network.Register(party, services.GetRequiredService<IInboundSessionHandler>());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        network.Unregister(party);
        return Task.CompletedTask;
    }
}
