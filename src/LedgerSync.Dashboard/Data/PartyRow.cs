namespace LedgerSync.Dashboard.Data;

/// <summary>One stored status row (one party, one role) as the dashboard shows it.</summary>
internal sealed record PartyRow(
    string Party,
    bool IsRequester,
    Guid? RunId,
    string? LastStatus,
    DateTimeOffset? LastStarted,
    DateTimeOffset? LastFinished,
    string? LastSuccessfulStatus,
    DateTimeOffset? LastSuccessfulStarted,
    DateTimeOffset? LastSuccessfulFinished,
    int Differences,
    string? Error);
