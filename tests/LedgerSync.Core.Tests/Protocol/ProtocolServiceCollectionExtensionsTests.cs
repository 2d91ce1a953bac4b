using LedgerSync.Ledger;
using LedgerSync.Protocol;
using LedgerSync.Transport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LedgerSync.Tests.Protocol;

public sealed class ProtocolServiceCollectionExtensionsTests
{
    private static readonly PartyName PartyA = PartyName.Parse("O=PartyA, L=London, C=GB");

    [Test]
    public async Task AddLedgerSync_TwiceWithInMemoryTransport_ResolvesOneInitiatorAndRegistersTheResponder()
    {
        await using var network = new InMemoryNetwork();
        var services = new ServiceCollection().AddLogging();
        services.Replace(ServiceDescriptor.Singleton<ILedgerGraph>(new FakeLedgerGraph()));
        services.AddLedgerSync(o => o.LocalParty = PartyA).UseInMemoryTransport(network);
        services.AddLedgerSync(o => o.LocalParty = PartyA).UseInMemoryTransport(network);
        services.Replace(ServiceDescriptor.Singleton<ILedgerGraph>(new FakeLedgerGraph()));
        await using var provider = services.BuildServiceProvider();

        var initiator = provider.GetRequiredService<IReconciliationInitiator>();
        _ = provider.GetRequiredService<IPeerTransport>();

        Assert.That(initiator, Is.TypeOf<ReconciliationInitiator>());
        Assert.That(provider.GetServices<IInboundSessionHandler>().Count(), Is.EqualTo(1));
        Assert.That(provider.GetServices<IPeerTransport>().Count(), Is.EqualTo(1));
        Assert.That(network.IsRegistered(PartyA), Is.True);
    }
}
