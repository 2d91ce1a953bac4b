namespace LedgerSync.Dashboard.Data;

/// <summary>What the overview shows: the monitor's counts, the ledger graph's state and the health check's verdict.</summary>
internal sealed record OverviewModel(
    int Scheduled,
    int InProgress,
    int IncomingInProgress,
    int Failed,
    int WithDifferences,
    int WithoutDifferences,
    bool GraphInitialized,
    bool GraphSelfConsistent,
    int GraphErrorCount,
    IReadOnlyList<string> GraphErrors,
    string HealthStatus,
    string? HealthDescription,
    IReadOnlyList<PartyRow> FailedRows,
    DateTimeOffset Now);
