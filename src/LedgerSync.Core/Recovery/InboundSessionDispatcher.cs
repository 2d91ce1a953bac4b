using LedgerSync.Protocol;
using LedgerSync.Transport;
using Microsoft.Extensions.Options;

namespace LedgerSync.Recovery;

/// <summary>
/// The node's <see cref="IInboundSessionHandler"/>: reads the first message of an inbound session (waiting at most the
/// session timeout) and hands the session to the recovery responder when it is a recovery hello, to the reconciliation
/// responder otherwise (with the message replayed, so it sees the session whole). Both sides of one transport share its
/// authentication, admission and message-size limit.
/// </summary>
internal sealed class InboundSessionDispatcher(
    ReconciliationResponder reconciliation,
    RecoveryResponder recovery,
    IOptionsMonitor<LedgerSyncOptions> options,
    TimeProvider timeProvider) : IInboundSessionHandler
{
    public async Task HandleAsync(IPeerSession session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        var first = session.ReceiveAsync(cancellationToken).AsTask();
        try
        {
            await first.WaitAsync(options.CurrentValue.SessionTimeout, timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is TimeoutException or LedgerSyncException or OperationCanceledException or IOException or InvalidOperationException or ObjectDisposedException)
        {
            // The reconciliation responder reports a missing or failed first message as it always has.
        }

        if (first.IsCompletedSuccessfully && first.Result is { } message && RecoveryCodec.IsRecoveryMessage(message.Span))
        {
            await recovery.RespondAsync(session, message, cancellationToken).ConfigureAwait(false);
            return;
        }

        await reconciliation.HandleAsync(new ReplayingPeerSession(session, first), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A session whose first receive returns a receive already started.</summary>
    private sealed class ReplayingPeerSession(IPeerSession inner, Task<ReadOnlyMemory<byte>?> first) : IPeerSession
    {
        private Task<ReadOnlyMemory<byte>?>? _first = first;

        public PartyName Counterparty => inner.Counterparty;

        public ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default) => inner.SendAsync(message, cancellationToken);

        public ValueTask<ReadOnlyMemory<byte>?> ReceiveAsync(CancellationToken cancellationToken = default)
        {
            var first = Interlocked.Exchange(ref _first, null);
            return first is null ? inner.ReceiveAsync(cancellationToken) : new ValueTask<ReadOnlyMemory<byte>?>(first.WaitAsync(cancellationToken));
        }

        public ValueTask CompleteAsync(CancellationToken cancellationToken = default) => inner.CompleteAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
