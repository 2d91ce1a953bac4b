namespace LedgerSync.Diagnostics;

/// <summary>
/// The event-ID ranges of LedgerSync's log messages, one per area, so operators can filter by number.
/// Each area's <c>[LoggerMessage]</c> methods take IDs inside its range.
/// </summary>
public static class LedgerSyncEventIds
{
    /// <summary>1000–1999: scheduling (queue, pool, retries, flows).</summary>
    public const int SchedulingFirst = 1000;

    /// <summary>2000–2999: the reconciliation protocol (sessions, exchanges, refusals).</summary>
    public const int ProtocolFirst = 2000;

    /// <summary>3000–3999: transports.</summary>
    public const int TransportFirst = 3000;

    /// <summary>4000–4999: storage (status store, job queue, transaction sources).</summary>
    public const int StorageFirst = 4000;

    /// <summary>5000–5999: the ledger graph (initialization, consistency).</summary>
    public const int LedgerGraphFirst = 5000;

    /// <summary>
    /// 6000–6999: diagnostics. 6000 a run has waited on its peer past the stuck-session interval, 6001 on connecting to
    /// it, 6002 a run made no progress for that interval (warnings, in the run's flow scope); 6010 the metrics could not read the status store (warning); 6020 the health status changed
    /// (information); 6030 an in-flight dump was written (information).
    /// </summary>
    public const int DiagnosticsFirst = 6000;
}
