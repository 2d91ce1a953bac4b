namespace LedgerSync.Dashboard.Data;

/// <summary>One past (or current) run with a party, as the party page's run history shows it.</summary>
internal sealed record HistoryRun(
    Guid RunId,
    bool IsRequester,
    DateTimeOffset? Started,
    DateTimeOffset? Finished,
    string State,
    int Differences,
    string? Error);
