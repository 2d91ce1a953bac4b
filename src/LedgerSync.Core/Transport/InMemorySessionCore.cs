namespace LedgerSync.Transport;

/// <summary>The shared state of one in-memory session: both directions and the kill switch.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The token source has no timer; it is only cancelled, and other threads may still read its token after the session ends.")]
internal sealed class InMemorySessionCore
{
    private readonly CancellationTokenSource _killed = new();

    public InMemorySessionCore(long id, PartyName opener, PartyName acceptor, int capacity)
    {
        Id = id;
        Opener = opener;
        Acceptor = acceptor;
        OpenerToAcceptor = new InMemorySessionDirection(opener, acceptor, capacity);
        AcceptorToOpener = new InMemorySessionDirection(acceptor, opener, capacity);
    }

    public long Id { get; }

    public PartyName Opener { get; }

    public PartyName Acceptor { get; }

    public InMemorySessionDirection OpenerToAcceptor { get; }

    public InMemorySessionDirection AcceptorToOpener { get; }

    public CancellationToken Killed => _killed.Token;

    public bool IsKilled => _killed.IsCancellationRequested;

    public void Kill()
    {
        try
        {
            _killed.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already killed.
        }

        OpenerToAcceptor.CloseReceiver();
        AcceptorToOpener.CloseReceiver();
    }
}
