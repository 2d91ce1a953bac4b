namespace LedgerSync.Dashboard.Data;

/// <summary>What the party page shows: both status rows, the in-flight runs, and one page of the IDs found.</summary>
internal sealed record PartyDetail(
    string Party,
    PartyRow? AsRequester,
    PartyRow? AsResponder,
    IReadOnlyList<LiveRun> Runs,
    IReadOnlyList<string> Ids,
    int TotalIds,
    int Page,
    int PageCount,
    DateTimeOffset Now);
