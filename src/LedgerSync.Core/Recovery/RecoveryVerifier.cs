using LedgerSync.Ledger;
using Microsoft.Extensions.Options;

namespace LedgerSync.Recovery;

/// <summary>
/// The one verifying path every recovered payload takes, over the network or from a manual import: decode it with the
/// host's <see cref="ITransactionDecoder"/>, check that it is the transaction asked for and that it belongs on this
/// node, hand it to the <see cref="IRecoveredTransactionSink"/>, and record what the sink accepts in the ledger graph.
/// A payload that fails a check never reaches the sink.
/// </summary>
/// <remarks>
/// A payload belongs on this node when its decoded participants include both this node and the counterparty, or when
/// a transaction the ledger graph holds depends on it (a back-chain transaction, which may involve other parties). A
/// back-chain transaction verified before the transaction that depends on it is <see cref="RecoveryVerificationKind.Deferred"/>:
/// the caller asks again once the others are stored, and with <c>finalAttempt</c> it is rejected.
/// </remarks>
internal sealed class RecoveryVerifier(ITransactionDecoder decoder, IRecoveredTransactionSink sink, ILedgerGraph graph, IOptions<LedgerSyncOptions> options)
{
    /// <summary>Verifies and stores one payload recovered from <paramref name="counterparty"/> for the requested <paramref name="id"/>.</summary>
    /// <param name="counterparty">Where it came from (as the transport authenticated it, or as an import names it).</param>
    /// <param name="id">The ID that was asked for.</param>
    /// <param name="payload">The bytes received.</param>
    /// <param name="finalAttempt">Whether a payload that would be deferred is rejected instead (no later attempt will come).</param>
    /// <param name="cancellationToken">Cancels the store.</param>
    /// <exception cref="Exception">The sink threw (anything but a rejection): the outcome is unknown, the caller fails.</exception>
    public async ValueTask<RecoveryVerification> VerifyAndStoreAsync(PartyName counterparty, TransactionId id, ReadOnlyMemory<byte> payload, bool finalAttempt, CancellationToken cancellationToken)
    {
        TransactionMetadata metadata;
        try
        {
            metadata = decoder.Decode(payload);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return RecoveryVerification.Rejected($"the host's transaction decoder cannot read the payload ({ex.GetType().Name})");
        }

        if (metadata is null)
        {
            return RecoveryVerification.Rejected("the host's transaction decoder returned nothing for the payload");
        }

        if (metadata.Id != id)
        {
            return RecoveryVerification.Rejected($"the payload decodes to transaction {metadata.Id}, not the one requested");
        }

        var local = options.Value.LocalParty;
        var namesBoth = local is not null && metadata.Participants.Contains(local) && metadata.Participants.Contains(counterparty);
        if (!namesBoth && !IsAwaitedDependency(id))
        {
            const string reason = "it names neither both this node and the counterparty, nor does any transaction this node holds depend on it";
            return finalAttempt ? RecoveryVerification.Rejected(reason) : RecoveryVerification.Deferred(reason);
        }

        var result = await sink.StoreAsync(new RecoveredTransaction(id, counterparty, payload, metadata), cancellationToken).ConfigureAwait(false);
        if (result is null)
        {
            return RecoveryVerification.Rejected("the sink returned no result");
        }

        if (!result.IsAccepted)
        {
            return RecoveryVerification.Rejected($"the sink rejected it: {result.Reason}");
        }

        graph.Record(metadata);
        return RecoveryVerification.Recovered;
    }

    /// <summary>Whether the ledger graph holds a transaction that depends on <paramref name="id"/> while lacking it.</summary>
    private bool IsAwaitedDependency(TransactionId id)
    {
        if (graph is not LedgerGraph ledger)
        {
            return graph is IAwaitedDependencies awaited && awaited.IsAwaitedDependency(id);
        }

        lock (ledger.SyncRoot)
        {
            var index = ledger.FindNode(id);
            return index >= 0 && !ledger.Entry(index).IsPresent;
        }
    }
}

/// <summary>
/// Implemented by an <see cref="ILedgerGraph"/> other than LedgerSync's that can say whether a transaction it holds
/// depends on an ID it lacks (so back-chain transactions can be recovered). Internal: for test graphs.
/// </summary>
internal interface IAwaitedDependencies
{
    bool IsAwaitedDependency(TransactionId id);
}
