namespace LedgerSync.Dashboard.Data;

/// <summary>A party's latest recovery as the party page shows it.</summary>
internal sealed record RecoveryView(
    Guid RecoveryId,
    string State,
    bool IsActive,
    int Requested,
    int Recovered,
    int Rejected,
    int Refused,
    int Pending,
    long BytesRecovered,
    DateTimeOffset Created,
    DateTimeOffset? Started,
    DateTimeOffset? Finished,
    string? Error)
{
    /// <summary>The share of requested transactions with an outcome (recovered, rejected or refused), in percent.</summary>
    public int DonePercent => Requested <= 0 ? 100 : (int)((long)(Requested - Pending) * 100 / Requested);
}
