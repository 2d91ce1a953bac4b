namespace LedgerSync.Recovery;

/// <summary>
/// A recovery cannot run on this node because a plug-in it needs is not registered: the transaction decoder that
/// verifies payloads (<c>.UseTransactionDecoder(...)</c>) or the sink that stores them (<c>.UseRecoveredTransactionSink(...)</c>).
/// </summary>
public sealed class RecoveryNotConfiguredException : LedgerSyncException
{
    /// <summary>Creates the exception.</summary>
    public RecoveryNotConfiguredException(string missingService, string message)
        : base(message)
    {
        MissingService = missingService;
    }

    /// <summary>The name of the plug-in interface that is not registered, for example <c>ITransactionDecoder</c>.</summary>
    public string MissingService { get; }
}
