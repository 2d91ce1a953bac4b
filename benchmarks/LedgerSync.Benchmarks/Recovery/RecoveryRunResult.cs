using System.Globalization;

namespace LedgerSync.Benchmarks.Recovery;

/// <summary>One scenario of the recovery report, as measured on A (the requester).</summary>
internal sealed record RecoveryRunResult
{
    public required string Scenario { get; init; }

    public required int Requested { get; init; }

    public required int PayloadBytes { get; init; }

    public required string State { get; init; }

    public required int Recovered { get; init; }

    public required int Rejected { get; init; }

    public required int Refused { get; init; }

    /// <summary>Stored payloads whose SHA-256 is their ID and whose bytes equal B's.</summary>
    public required int Verified { get; init; }

    /// <summary>Stored transactions of B's business with C (must be 0).</summary>
    public required int LeakedOutsideRelevantSet { get; init; }

    public required long PayloadMessagesReceived { get; init; }

    public required long RefusedItemMessages { get; init; }

    public required long Requests { get; init; }

    public required long Sessions { get; init; }

    public required long BytesRecovered { get; init; }

    public required long TcpBytesSent { get; init; }

    public required long TcpBytesReceived { get; init; }

    public required double ElapsedSeconds { get; init; }

    public string? Error { get; init; }

    /// <summary>Whether the scenario's expectation holds.</summary>
    public bool Ok => Scenario switch
    {
        "outside" => Recovered == 0 && LeakedOutsideRelevantSet == 0 && PayloadMessagesReceived == 0 && Refused == Requested && State == "FINISHED",
        "defaults" => Rejected == 0 && Refused == 0 && Verified == Recovered && State is "IN_PROGRESS" or "QUEUED" or "FINISHED",
        _ => State == "FINISHED" && Recovered == Requested && Verified == Requested && Rejected == 0 && Refused == 0,
    };

    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"recovery {Scenario}: {Requested:N0} requested x {PayloadBytes:N0} B -> {State} after {ElapsedSeconds:N1} s: " +
        $"{Recovered:N0} recovered ({Verified:N0} verified), {Rejected:N0} rejected, {Refused:N0} refused, {LeakedOutsideRelevantSet} outside the relevant set stored; " +
        $"{Requests:N0} requests in {Sessions:N0} sessions, {PayloadMessagesReceived:N0} payloads and {RefusedItemMessages:N0} item refusals received; " +
        $"payload bytes {BytesRecovered:N0}; TCP bytes A->B {TcpBytesSent:N0}, B->A {TcpBytesReceived:N0}{(Error is null ? string.Empty : $"; error: {Error}")} [{(Ok ? "ok" : "NOT OK")}]");
}
