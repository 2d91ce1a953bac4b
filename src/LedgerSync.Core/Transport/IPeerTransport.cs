namespace LedgerSync.Transport;

/// <summary>
/// Opens sessions to other nodes. A transport carries whole messages (opaque byte arrays, each at most
/// <see cref="LedgerSyncOptions.MaxMessageSize"/>) and tells each side who the authenticated counterparty is.
/// Inbound sessions are handed to the <see cref="IInboundSessionHandler"/> registered in the container.
/// </summary>
public interface IPeerTransport
{
    /// <summary>Opens a session to <paramref name="counterparty"/>.</summary>
    /// <exception cref="PeerUnreachableException">The peer cannot be reached (refused, reset, unreachable, no address); retried with back-off.</exception>
    /// <exception cref="LedgerSyncException">The peer is not who it claims to be, or another typed failure.</exception>
    ValueTask<IPeerSession> OpenSessionAsync(PartyName counterparty, CancellationToken cancellationToken = default);

    /// <summary>
    /// Whether this transport has a way to reach <paramref name="party"/> at all (an address, a registration on the
    /// network). The scheduler asks it before queuing a reconciliation and refuses a party it cannot reach at once
    /// with <see cref="PeerUnreachableException"/>, instead of queuing a run that can only fail. It answers about
    /// configuration, not about the peer being up now: a peer that is down is reachable (its runs are retried). The
    /// default answers <see langword="true"/> for every party.
    /// </summary>
    bool CanReach(PartyName party) => true;
}
