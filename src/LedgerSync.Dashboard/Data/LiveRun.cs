namespace LedgerSync.Dashboard.Data;

/// <summary>One in-flight run as the live page shows it.</summary>
/// <param name="RunId">The run's ID.</param>
/// <param name="Party">The counterparty's canonical name.</param>
/// <param name="IsRequester">Whether this node asked.</param>
/// <param name="Flow">The flow that runs it.</param>
/// <param name="Stage">The latest stage, for example <c>symbols 0..1500 received</c>.</param>
/// <param name="Exchanges">Completed request/response exchanges.</param>
/// <param name="BytesSent">Bytes sent so far.</param>
/// <param name="BytesReceived">Bytes received so far.</param>
/// <param name="WaitingOn">What it waits on, in words (<see langword="null"/> while working).</param>
/// <param name="WaitingSince">Since when it waits (or works).</param>
/// <param name="Started">When it was created.</param>
/// <param name="Waited">How long it has waited so far.</param>
/// <param name="IsStuck">Whether it has waited on its peer for at least the stuck-session interval.</param>
/// <param name="Symbols">Coded symbols received (requester) or sent (responder) so far.</param>
/// <param name="SymbolsExpected">Coded symbols the requester has asked for so far (0 before the stream starts).</param>
internal sealed record LiveRun(
    Guid RunId,
    string Party,
    bool IsRequester,
    string Flow,
    string Stage,
    int Exchanges,
    long BytesSent,
    long BytesReceived,
    string? WaitingOn,
    DateTimeOffset WaitingSince,
    DateTimeOffset Started,
    TimeSpan Waited,
    bool IsStuck,
    long Symbols = 0,
    long SymbolsExpected = 0)
{
    /// <summary>
    /// The estimated progress in percent (0–99 while in flight), or <see langword="null"/> before the symbol stream
    /// starts: symbols transferred of those the requester has asked for, which it sizes from its running estimate of
    /// the difference. It never shows 100: a run leaves the list when it ends.
    /// </summary>
    public int? ProgressPercent => SymbolsExpected <= 0 ? null : (int)Math.Min(99, Symbols * 100 / SymbolsExpected);
}
