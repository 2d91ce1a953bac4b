using LedgerSync.Transport;

namespace LedgerSync.Tests.Support;

/// <summary>An inbound handler that runs a test-supplied script and records the sessions it saw.</summary>
internal sealed class ScriptedHandler(Func<IPeerSession, CancellationToken, Task> script) : IInboundSessionHandler
{
    private int _sessions;

    public int Sessions => Volatile.Read(ref _sessions);

    public List<PartyName> Counterparties { get; } = [];

    public TaskCompletionSource<Exception?> Finished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Echoes every message back until the peer completes, then completes.</summary>
    public static ScriptedHandler Echo() => new(async (session, ct) =>
    {
        while (await session.ReceiveAsync(ct) is { } message)
        {
            await session.SendAsync(message.ToArray(), ct);
        }

        await session.CompleteAsync(ct);
    });

    public async Task HandleAsync(IPeerSession session, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _sessions);
        lock (Counterparties)
        {
            Counterparties.Add(session.Counterparty);
        }

        try
        {
            await script(session, cancellationToken);
            Finished.TrySetResult(null);
        }
        catch (Exception e)
        {
            Finished.TrySetResult(e);
            throw;
        }
    }
}
