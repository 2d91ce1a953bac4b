using System.Threading.Channels;

namespace LedgerSync.Transport;

/// <summary>One direction of an in-memory session: a bounded queue of whole messages from one end to the other.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The token source has no timer; it is only cancelled, and other threads may still read its token after the session ends.")]
internal sealed class InMemorySessionDirection
{
    private readonly CancellationTokenSource _receiverClosed = new();
    private int _sequence = -1;
    private volatile bool _stalled;

    public InMemorySessionDirection(PartyName from, PartyName to, int capacity)
    {
        From = from;
        To = to;
        Queue = Channel.CreateBounded<InMemoryEnvelope>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
    }

    public PartyName From { get; }

    public PartyName To { get; }

    public Channel<InMemoryEnvelope> Queue { get; }

    /// <summary>Cancelled when the receiving end is disposed or the session is killed: senders stop waiting for room.</summary>
    public CancellationToken ReceiverClosed => _receiverClosed.Token;

    public bool IsStalled => _stalled;

    public int NextSequence() => Interlocked.Increment(ref _sequence);

    public void StallSender() => _stalled = true;

    public void CloseReceiver()
    {
        Queue.Writer.TryComplete();
        try
        {
            _receiverClosed.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already closed.
        }
    }
}
