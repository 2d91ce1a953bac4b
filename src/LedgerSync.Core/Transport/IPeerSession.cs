namespace LedgerSync.Transport;

/// <summary>
/// A duplex conversation with one authenticated counterparty. Messages arrive whole and in order. Disposing the
/// session aborts it; the peer then sees the end of the session (or an error) on its next receive.
/// </summary>
public interface IPeerSession : IAsyncDisposable
{
    /// <summary>The counterparty as authenticated by the transport (never as claimed in message content).</summary>
    PartyName Counterparty { get; }

    /// <summary>Sends one whole message.</summary>
    /// <exception cref="MaxMessageSizeExceededException">The message is larger than the maximum message size.</exception>
    ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default);

    /// <summary>
    /// Receives the next whole message, or <see langword="null"/> when the peer has completed or closed its side.
    /// The returned memory stays valid until the next call.
    /// </summary>
    /// <exception cref="LedgerSyncProtocolException">The peer sent a message larger than the maximum message size (it is not read whole).</exception>
    ValueTask<ReadOnlyMemory<byte>?> ReceiveAsync(CancellationToken cancellationToken = default);

    /// <summary>Says this side will send nothing more; the peer's receive then returns <see langword="null"/> after the messages already sent.</summary>
    ValueTask CompleteAsync(CancellationToken cancellationToken = default);
}
