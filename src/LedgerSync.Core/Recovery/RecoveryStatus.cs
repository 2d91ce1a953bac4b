using System.Globalization;
using System.Text;

namespace LedgerSync.Recovery;

/// <summary>
/// One recovery of transactions from a counterparty, as stored (a row of the recovery table) and as the recovery flows
/// return it: its state, progress counts and bytes, error, times, and the lease of the worker that runs it. Ended
/// recoveries stay in the store as the party's history.
/// </summary>
public sealed record RecoveryStatus
{
    /// <summary>The recovery's ID: the handle in logs, the in-flight dump and the history.</summary>
    public required Guid RecoveryId { get; init; }

    /// <summary>The counterparty the transactions are recovered from.</summary>
    public required PartyName PartyName { get; init; }

    /// <summary>Where the recovery is.</summary>
    public required RecoveryState State { get; init; }

    /// <summary>How many distinct transaction IDs were requested.</summary>
    public required int RequestedCount { get; init; }

    /// <summary>How many were recovered (verified and stored, or already held).</summary>
    public int RecoveredCount { get; init; }

    /// <summary>How many were fetched but rejected (verification or the sink).</summary>
    public int RejectedCount { get; init; }

    /// <summary>How many the counterparty refused to serve.</summary>
    public int RefusedCount { get; init; }

    /// <summary>How many have no outcome yet.</summary>
    public int PendingCount => RequestedCount - RecoveredCount - RejectedCount - RefusedCount;

    /// <summary>The payload bytes of the recovered transactions.</summary>
    public long BytesRecovered { get; init; }

    /// <summary>When the recovery was queued.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When a worker first started it.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When it ended (finished, failed or stopped).</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>When its row last changed.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }

    /// <summary>Why it failed (<see langword="null"/> unless <see cref="RecoveryState.Failed"/>; for <see cref="RecoveryState.Stopped"/>, who stopped it).</summary>
    public string? Error { get; init; }

    /// <summary>The claim token of the worker running it (<see langword="null"/> unless in progress).</summary>
    public string? Owner { get; init; }

    /// <summary>Until when the owner's lease lasts; after it, another worker (or the same node after a restart) resumes the recovery.</summary>
    public DateTimeOffset? LeaseUntil { get; init; }

    /// <summary>How many times a worker claimed it (1 for a recovery that ran without interruption).</summary>
    public int ClaimCount { get; init; }

    /// <summary>Prints the status as the shell shows it, for example <c>RecoveryStatus(recoveryId=..., partyName=O=PartyB, L=London, C=GB, state=IN_PROGRESS, ...)</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder("RecoveryStatus(");
        Append(text, "recoveryId", RecoveryId.ToString());
        Append(text, "partyName", PartyName.ToString());
        Append(text, "state", State.ToName());
        Append(text, "requested", RequestedCount.ToString(CultureInfo.InvariantCulture));
        Append(text, "recovered", RecoveredCount.ToString(CultureInfo.InvariantCulture));
        Append(text, "rejected", RejectedCount.ToString(CultureInfo.InvariantCulture));
        Append(text, "refused", RefusedCount.ToString(CultureInfo.InvariantCulture));
        Append(text, "pending", PendingCount.ToString(CultureInfo.InvariantCulture));
        Append(text, "bytesRecovered", BytesRecovered.ToString(CultureInfo.InvariantCulture));
        Append(text, "createdAt", Format(CreatedAt));
        Append(text, "startedAt", Format(StartedAt));
        Append(text, "finishedAt", Format(FinishedAt));
        Append(text, "error", Error ?? "null", last: true);
        return text.Append(')').ToString();
    }

    private static string Format(DateTimeOffset? time) =>
        time is { } t ? t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture) : "null";

    private static void Append(StringBuilder text, string name, string value, bool last = false)
    {
        text.Append(name).Append('=').Append(value);
        if (!last)
        {
            text.Append(", ");
        }
    }
}
