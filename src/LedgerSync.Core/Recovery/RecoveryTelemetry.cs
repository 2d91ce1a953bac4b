namespace LedgerSync.Recovery;

/// <summary>The names of recovery's instruments and tags, on the <c>LedgerSync</c> meter.</summary>
public static class RecoveryTelemetry
{
    /// <summary>Counter of transactions by outcome (<c>recovered</c>, <c>rejected</c>, <c>refused</c> on the requester; <c>served</c>, <c>refused</c> on the responder) and role.</summary>
    public const string TransactionsInstrument = "ledgersync.recovery.transactions";

    /// <summary>Counter of payload bytes recovered (requester) or served (responder), by role.</summary>
    public const string BytesInstrument = "ledgersync.recovery.bytes";

    /// <summary>Counter of recoveries ended, by outcome (<c>FINISHED</c>, <c>FAILED</c>, <c>STOPPED</c>).</summary>
    public const string RecoveriesInstrument = "ledgersync.recovery.recoveries";

    /// <summary>The outcome tag value of a recovered transaction.</summary>
    public const string Recovered = "recovered";

    /// <summary>The outcome tag value of a rejected transaction.</summary>
    public const string Rejected = "rejected";

    /// <summary>The outcome tag value of a refused transaction.</summary>
    public const string Refused = "refused";

    /// <summary>The outcome tag value of a transaction served by the responder.</summary>
    public const string Served = "served";
}
