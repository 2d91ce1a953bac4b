namespace LedgerSync.Diagnostics;

/// <summary>The names of LedgerSync's flows, as used in log scopes, the in-flight dump and the shell syntax.</summary>
public static class FlowNames
{
    /// <summary>An outgoing or incoming reconciliation run.</summary>
    public const string ReconcileWithParty = "ReconcileWithPartyFlow";

    /// <summary>Queues reconciliations.</summary>
    public const string ScheduleReconciliation = "ScheduleReconciliationFlow";

    /// <summary>Lists statuses.</summary>
    public const string GetReconciliationStatuses = "GetReconciliationStatusesFlow";

    /// <summary>Gets one party's status.</summary>
    public const string GetReconciliationStatusForParty = "GetReconciliationStatusForPartyFlow";

    /// <summary>Drops now-present IDs from stored results.</summary>
    public const string RefreshReconciliationStatuses = "RefreshReconciliationStatusesFlow";

    /// <summary>Stops queued or running work with a party.</summary>
    public const string StopReconciliationForParty = "StopReconciliationForPartyFlow";

    /// <summary>Whether an outgoing run is known to the scheduler.</summary>
    public const string IsReconciliationScheduledForParty = "IsReconciliationScheduledForPartyFlow";

    /// <summary>Whether an incoming run is in progress.</summary>
    public const string IsRespondingToReconciliationForParty = "IsRespondingToReconciliationForPartyFlow";

    /// <summary>Writes the in-flight dump (<c>checkpoints_dump-&lt;yyyyMMdd-HHmmss&gt;.zip</c>) of queued and running reconciliations.</summary>
    public const string DumpInFlightReconciliations = "DumpInFlightReconciliationsFlow";
}
