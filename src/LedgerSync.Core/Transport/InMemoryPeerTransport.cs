namespace LedgerSync.Transport;

/// <summary>The transport one node of an <see cref="InMemoryNetwork"/> opens its sessions with.</summary>
internal sealed class InMemoryPeerTransport(InMemoryNetwork network, PartyName local) : IPeerTransport
{
    public PartyName Local { get; } = local;

    public ValueTask<IPeerSession> OpenSessionAsync(PartyName counterparty, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(counterparty);
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(network.Open(Local, counterparty));
    }

    public bool CanReach(PartyName party) => network.IsRegistered(party);
}
