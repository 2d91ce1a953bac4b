using LedgerSync.Diagnostics;

namespace LedgerSync.Flows;

/// <summary>
/// <c>ScheduleReconciliationFlow</c> queued a reconciliation with each of <see cref="Parties"/>. The reference shell
/// prints <c>null</c> (the flow returns nothing); the properties say what was queued.
/// </summary>
public sealed class ScheduleReconciliationFlowResult : FlowResult
{
    /// <summary>Creates the result.</summary>
    /// <param name="parties">The parties queued, in the order given.</param>
    /// <param name="startAt">When the runs wait until, or <see langword="null"/> for at once.</param>
    /// <param name="repeatEvery">How often the runs recur, or <see langword="null"/> for once.</param>
    public ScheduleReconciliationFlowResult(IReadOnlyList<PartyName> parties, DateTimeOffset? startAt, TimeSpan? repeatEvery)
        : base(FlowNames.ScheduleReconciliation)
    {
        ArgumentNullException.ThrowIfNull(parties);
        Parties = parties;
        StartAt = startAt;
        RepeatEvery = repeatEvery;
    }

    /// <summary>The parties a reconciliation was queued with.</summary>
    public IReadOnlyList<PartyName> Parties { get; }

    /// <summary>When the runs wait until (<c>startAt</c>), or <see langword="null"/> when they start at once.</summary>
    public DateTimeOffset? StartAt { get; }

    /// <summary>How often the runs recur (<c>repeatEvery</c>), or <see langword="null"/> when they run once.</summary>
    public TimeSpan? RepeatEvery { get; }

    /// <inheritdoc />
    public override string FormatValue() => "null";
}
