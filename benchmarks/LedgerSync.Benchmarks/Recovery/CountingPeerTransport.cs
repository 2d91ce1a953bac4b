using LedgerSync.Protocol;
using LedgerSync.Transport;

namespace LedgerSync.Benchmarks.Recovery;

/// <summary>Wraps the requester's transport and counts the recovery messages by type: requests sent, payloads and refusals received.</summary>
internal sealed class CountingPeerTransport(IPeerTransport inner) : IPeerTransport
{
    // A message's first byte is its type.
    private const byte RecoveryRequest = (byte)ProtocolMessageType.RecoveryRequest;
    private const byte RecoveryPayload = (byte)ProtocolMessageType.RecoveryPayload;
    private const byte RecoveryItemRefused = (byte)ProtocolMessageType.RecoveryItemRefused;

    private long _requests;
    private long _payloads;
    private long _refusedItems;
    private long _sessions;

    public long Requests => Interlocked.Read(ref _requests);

    public long Payloads => Interlocked.Read(ref _payloads);

    public long RefusedItems => Interlocked.Read(ref _refusedItems);

    public long Sessions => Interlocked.Read(ref _sessions);

    public async ValueTask<IPeerSession> OpenSessionAsync(PartyName counterparty, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _sessions);
        return new Session(await inner.OpenSessionAsync(counterparty, cancellationToken), this);
    }

    public bool CanReach(PartyName party) => inner.CanReach(party);

    private sealed class Session(IPeerSession inner, CountingPeerTransport owner) : IPeerSession
    {
        public PartyName Counterparty => inner.Counterparty;

        public ValueTask SendAsync(ReadOnlyMemory<byte> message, CancellationToken cancellationToken = default)
        {
            if (message.Length > 0 && message.Span[0] == RecoveryRequest)
            {
                Interlocked.Increment(ref owner._requests);
            }

            return inner.SendAsync(message, cancellationToken);
        }

        public async ValueTask<ReadOnlyMemory<byte>?> ReceiveAsync(CancellationToken cancellationToken = default)
        {
            var message = await inner.ReceiveAsync(cancellationToken);
            if (message is { Length: > 0 } m)
            {
                switch (m.Span[0])
                {
                    case RecoveryPayload:
                        Interlocked.Increment(ref owner._payloads);
                        break;
                    case RecoveryItemRefused:
                        Interlocked.Increment(ref owner._refusedItems);
                        break;
                }
            }

            return message;
        }

        public ValueTask CompleteAsync(CancellationToken cancellationToken = default) => inner.CompleteAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
