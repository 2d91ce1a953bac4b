namespace LedgerSync.Transport;

/// <summary>
/// Opens sessions to other nodes. A transport carries whole messages (opaque byte arrays, each at most
/// <see cref="LedgerSyncOptions.MaxMessageSize"/>) and tells each side who the authenticated counterparty is.
/// Inbound sessions are handed to the <see cref="IInboundSessionHandler"/> registered in the container.
/// </summary>
public interface IPeerTransport
{
    /// <summary>Opens a session to <paramref name="counterparty"/>.</summary>
    /// <exception cref="LedgerSyncException">The peer cannot be reached or is not who it claims to be.</exception>
    ValueTask<IPeerSession> OpenSessionAsync(PartyName counterparty, CancellationToken cancellationToken = default);
}
