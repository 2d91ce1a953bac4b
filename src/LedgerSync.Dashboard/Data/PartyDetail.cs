namespace LedgerSync.Dashboard.Data;

/// <summary>What the party page shows: both status rows, the in-flight runs, one page of the run history and one page of the IDs found.</summary>
internal sealed record PartyDetail(
    string Party,
    PartyRow? AsRequester,
    PartyRow? AsResponder,
    IReadOnlyList<LiveRun> Runs,
    IReadOnlyList<string> Ids,
    int TotalIds,
    int Page,
    int PageCount,
    DateTimeOffset Now)
{
    /// <summary>One page of the party's past runs (both roles), newest first.</summary>
    public IReadOnlyList<HistoryRun> History { get; init; } = [];

    /// <summary>The run-history page shown (from 1).</summary>
    public int HistoryPage { get; init; } = 1;

    /// <summary>The party's latest recovery, or <see langword="null"/> when none was queued.</summary>
    public RecoveryView? Recovery { get; init; }

    /// <summary>Whether older runs follow this page.</summary>
    public bool HistoryHasMore { get; init; }
}
