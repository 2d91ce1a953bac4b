namespace LedgerSync.Transport;

/// <summary>Handles sessions that other nodes open to this node. LedgerSync registers its responder as this handler; transports call it.</summary>
public interface IInboundSessionHandler
{
    /// <summary>Runs the responder side of <paramref name="session"/> until it ends. Does not dispose the session.</summary>
    Task HandleAsync(IPeerSession session, CancellationToken cancellationToken = default);
}
