using System.Diagnostics;
using LedgerSync.Protocol;

namespace LedgerSync.Recovery;

/// <summary>
/// The requester's side of one recovery session: the hello and its answer, then one request after another, each
/// answer read in full (payloads reassembled from their chunks within the announced length) and checked against the
/// request: every answer names an ID of the request, once. Anything else is a protocol violation.
/// </summary>
internal sealed class RecoverySessionClient
{
    private readonly TrackedSession _session;
    private readonly LedgerSyncOptions _options;

    private RecoverySessionClient(TrackedSession session, LedgerSyncOptions options, RecoveryAcceptedMessage accepted)
    {
        _session = session;
        _options = options;
        Accepted = accepted;
    }

    /// <summary>The responder's limits as it announced them.</summary>
    public RecoveryAcceptedMessage Accepted { get; }

    /// <summary>Sends the hello and reads the answer.</summary>
    /// <exception cref="RecoverySessionException">Refused (transient with a retry time, or not).</exception>
    /// <exception cref="LedgerSyncProtocolException">The answer is malformed.</exception>
    public static async Task<RecoverySessionClient> OpenAsync(TrackedSession session, LedgerSyncOptions options, CancellationToken cancellationToken)
    {
        var trace = Activity.Current is { Recorded: true } activity ? activity.Context : (ActivityContext?)null;
        await session.SendAsync(RecoveryCodec.EncodeHello(new RecoveryHelloMessage(RecoveryCodec.CurrentVersion, options.MaxMessageSize, trace)), cancellationToken).ConfigureAwait(false);
        var answer = await session.ReceiveAsync("the answer to its recovery hello", cancellationToken).ConfigureAwait(false)
            ?? throw new RecoverySessionException($"{session.Counterparty} ended the session without answering the recovery hello.", isTransient: true);
        switch (RecoveryCodec.PeekType(answer.Span))
        {
            case ProtocolMessageType.RecoveryAccepted:
                return new RecoverySessionClient(session, options, RecoveryCodec.DecodeAccepted(answer.Span));
            case ProtocolMessageType.RecoveryRefused:
                var refused = RecoveryCodec.DecodeRefused(answer.Span);
                var transient = refused.Reason is RecoveryRefusalReason.NotReady or RecoveryRefusalReason.AlreadyServing or RecoveryRefusalReason.RateLimited;
                throw new RecoverySessionException(
                    $"{session.Counterparty} refused the recovery session ({Describe(refused.Reason)}): {refused.Detail}",
                    transient,
                    transient ? refused.RetryAfter : null);
            case ProtocolMessageType.RecoveryAbort:
                throw new RecoverySessionException($"{session.Counterparty} abandoned the recovery session: {RecoveryCodec.DecodeAbort(answer.Span)}", isTransient: true);
            default:
                throw new LedgerSyncProtocolException($"{session.Counterparty} answered the recovery hello with message type {answer.Span[0]}.");
        }
    }

    /// <summary>Asks for <paramref name="ids"/> and reads the whole answer; each payload goes to <paramref name="onPayload"/> as it completes.</summary>
    /// <returns>The refused IDs with their refusal, the IDs not answered (a limit cut the answer short), and the limit's wait.</returns>
    public async Task<RecoveryBatchAnswer> RequestAsync(
        IReadOnlyList<TransactionId> ids,
        Func<TransactionId, ReadOnlyMemory<byte>, Task> onPayload,
        CancellationToken cancellationToken)
    {
        var party = _session.Counterparty;
        await _session.SendAsync(RecoveryCodec.EncodeRequest(ids), cancellationToken).ConfigureAwait(false);
        var unanswered = new HashSet<TransactionId>(ids);
        var refused = new List<(TransactionId, RecoveryItemRefusal)>();
        var maxPayload = Math.Min(Accepted.MaxSizeInBytes, Math.Max(_options.MaxAllowedSizeInBytes, Accepted.MaxSizeInBytes));
        var answered = 0;
        while (true)
        {
            var message = await ReceiveAsync("the answer to its recovery request", cancellationToken).ConfigureAwait(false);
            switch (RecoveryCodec.PeekType(message.Span))
            {
                case ProtocolMessageType.RecoveryPayload:
                    var header = RecoveryCodec.DecodePayload(message, maxPayload);
                    Answer(unanswered, header.Id);
                    var payload = await ReassembleAsync(header, cancellationToken).ConfigureAwait(false);
                    answered++;
                    await onPayload(header.Id, payload).ConfigureAwait(false);
                    break;
                case ProtocolMessageType.RecoveryItemRefused:
                    var (id, refusal) = RecoveryCodec.DecodeItemRefused(message.Span);
                    Answer(unanswered, id);
                    answered++;
                    refused.Add((id, refusal));
                    break;
                case ProtocolMessageType.RecoveryBatchEnd:
                    var end = RecoveryCodec.DecodeBatchEnd(message.Span);
                    if (end.Answered != answered || (end.Limit == RecoveryLimitKind.None && unanswered.Count > 0))
                    {
                        throw new LedgerSyncProtocolException($"{party} ended its recovery answer after {answered} of {ids.Count} IDs but says it answered {end.Answered}{(end.Limit == RecoveryLimitKind.None ? " with no limit reached" : "")}.");
                    }

                    return new RecoveryBatchAnswer(refused, [.. ids.Where(unanswered.Contains)], end.Limit, end.RetryAfter);
                case ProtocolMessageType.RecoveryAbort:
                    throw new RecoverySessionException($"{party} abandoned the recovery session: {RecoveryCodec.DecodeAbort(message.Span)}", isTransient: true);
                default:
                    throw new LedgerSyncProtocolException($"{party} sent message type {message.Span[0]} in its answer to a recovery request.");
            }
        }

        void Answer(HashSet<TransactionId> open, TransactionId id)
        {
            if (!open.Remove(id))
            {
                throw new LedgerSyncProtocolException($"{party} answered for transaction {id}, which the request did not ask for or which was already answered.");
            }
        }
    }

    private async Task<ReadOnlyMemory<byte>> ReassembleAsync(RecoveryPayloadHeader header, CancellationToken cancellationToken)
    {
        if (header.FirstChunk.Length == header.Length)
        {
            return header.FirstChunk.ToArray();
        }

        // The length was checked against the announced limit (at most 10 MB) before this allocation.
        var payload = new byte[header.Length];
        header.FirstChunk.CopyTo(payload);
        var filled = header.FirstChunk.Length;
        while (filled < payload.Length)
        {
            var message = await ReceiveAsync("the rest of a recovered payload", cancellationToken).ConfigureAwait(false);
            if (message.Span[0] != (byte)ProtocolMessageType.RecoveryPayloadChunk)
            {
                throw new LedgerSyncProtocolException($"{_session.Counterparty} sent message type {message.Span[0]} in the middle of transaction {header.Id}'s payload ({filled} of {payload.Length} bytes).");
            }

            var chunk = RecoveryCodec.DecodeChunk(message, payload.Length - filled);
            chunk.CopyTo(payload.AsMemory(filled));
            filled += chunk.Length;
        }

        return payload;
    }

    private async Task<ReadOnlyMemory<byte>> ReceiveAsync(string waitingFor, CancellationToken cancellationToken)
    {
        var message = await _session.ReceiveAsync(waitingFor, cancellationToken).ConfigureAwait(false)
            ?? throw new RecoverySessionException($"{_session.Counterparty} ended the session while this node waited for {waitingFor}.", isTransient: true);
        if (message.IsEmpty)
        {
            throw new LedgerSyncProtocolException($"{_session.Counterparty} sent an empty message.");
        }

        return message;
    }

    private static string Describe(RecoveryRefusalReason reason) => reason switch
    {
        RecoveryRefusalReason.UnsupportedVersion => "unsupported recovery protocol version",
        RecoveryRefusalReason.NotReady => "not ready",
        RecoveryRefusalReason.AlreadyServing => "already serving this node",
        RecoveryRefusalReason.RateLimited => "request rate limit",
        _ => "it serves no recoveries",
    };
}

/// <summary>The answer to one request, besides the payloads: refused IDs, IDs a limit left unanswered, and when to ask again.</summary>
internal sealed record RecoveryBatchAnswer(
    IReadOnlyList<(TransactionId Id, RecoveryItemRefusal Refusal)> Refused,
    IReadOnlyList<TransactionId> Unanswered,
    RecoveryLimitKind Limit,
    TimeSpan RetryAfter);
